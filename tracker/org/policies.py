"""Who may do what with units and users. Plain functions, used by views and tests alike."""

from functools import wraps

from flask import abort
from flask_login import current_user

from tracker.org.models import Role, User

OVERSEERS = frozenset({Role.ADMIN, Role.LEADER, Role.OFFICE})


def can_administer(user: User) -> bool:
    return user.is_authenticated and user.role == Role.ADMIN


def sees_everything(user: User) -> bool:
    """Leaders, the Office and administrators follow every unit's work."""
    return user.is_authenticated and user.role in OVERSEERS


def may_set_role(actor: User | None, user: User, role: Role) -> bool:
    """No administrator takes the administrator role away from themselves: someone must be left
    to administer. A command run by the system (no actor) may."""
    return actor is None or actor.id != user.id or role == Role.ADMIN


def may_set_active(actor: User | None, user: User) -> bool:
    """No one locks (or unlocks) their own account."""
    return actor is None or actor.id != user.id


def roles_required(*roles: Role):
    """Refuse the view with 403 unless the logged-in user has one of ``roles``."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
