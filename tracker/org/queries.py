"""Who works where: the lists of people that forms and services choose from."""

from sqlalchemy import select

from tracker.extensions import db
from tracker.org.models import EndedLogin, Role, User


def unit_staff(unit_id: int) -> list[User]:
    return list(db.session.scalars(
        select(User).where(User.unit_id == unit_id, User.is_active,
                           User.role.in_((Role.STAFF, Role.UNIT_HEAD)))
        .order_by(User.full_name)
    ))


def login_ended(user: User, login_id: str) -> bool:
    """Whether this login of ``user`` was ended by its logout (an id without a login part, from
    before logins had one, counts as ended: its cookie was issued before this rule)."""
    if not login_id:
        return True
    return db.session.scalar(select(EndedLogin.id).where(
        EndedLogin.user_id == user.id, EndedLogin.login_id == login_id)) is not None
