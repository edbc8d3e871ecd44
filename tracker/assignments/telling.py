"""Tell people about a decision at once: in the app, and by e-mail where they have an address."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from tracker.extensions import db
from tracker.notify.mail import send_mail
from tracker.notify.services import notify
from tracker.org.models import Role, User
from tracker.workflow.models import Occurrence


def unit_heads(unit_id: int) -> list[User]:
    return list(db.session.scalars(
        select(User).where(User.unit_id == unit_id, User.role == Role.UNIT_HEAD, User.is_active)
        .order_by(User.id)))


def office_staff() -> list[User]:
    return list(db.session.scalars(
        select(User).where(User.role == Role.OFFICE, User.is_active).order_by(User.id)))


def tell(people: Iterable[User | None], kind: str, title: str, body: str = "",
         occurrence: Occurrence | None = None) -> None:
    seen: set[int] = set()
    for person in people:
        if person is None or not person.is_active or person.id in seen:
            continue
        seen.add(person.id)
        notify(person, kind, title, body, occurrence)
        if person.email:
            send_mail(person.email, title, body)
