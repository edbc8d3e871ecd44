"""Who works where: the lists of people that forms and services choose from."""

from sqlalchemy import select

from tracker.extensions import db
from tracker.org.models import Role, User


def unit_staff(unit_id: int) -> list[User]:
    return list(db.session.scalars(
        select(User).where(User.unit_id == unit_id, User.is_active,
                           User.role.in_((Role.STAFF, Role.UNIT_HEAD)))
        .order_by(User.full_name)
    ))
