"""Who may read, compute and decide the monthly evaluation. Checked by views and services."""

from tracker.org.models import Role, User

READERS = frozenset({Role.ADMIN, Role.LEADER, Role.OFFICE})
COMPUTERS = frozenset({Role.ADMIN, Role.OFFICE})


def can_read(user: User) -> bool:
    """Leaders, the Office and administrators see every version and every unit's score."""
    return user.is_authenticated and user.role in READERS


def can_compute(user: User) -> bool:
    """The Office (or an administrator) computes drafts and corrections."""
    return user.is_authenticated and user.role in COMPUTERS


def can_decide(user: User) -> bool:
    """Only the leaders change a unit's level and issue the evaluation."""
    return user.is_authenticated and user.role == Role.LEADER
