"""Recorded decisions about assigned work: deadline changes, transfers and withdrawals, and
what cooperating units contribute to a period. Rows are kept, never overwritten."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db import enum_column, utcnow
from tracker.directives.models import Task
from tracker.extensions import db
from tracker.org.models import Unit, User
from tracker.workflow.models import Occurrence


class RequestState(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"


class DeadlineRequest(db.Model):
    """A unit's request for a later deadline of one period, and the decision on it."""

    __tablename__ = "deadline_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurrence_id: Mapped[int] = mapped_column(ForeignKey("occurrences.id"), index=True)
    # The unit that asked (the period's unit then): the monthly appendix lists it there.
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Both dates stay on record: the deadline when asked and the one proposed.
    old_due_at: Mapped[datetime]
    proposed_due_at: Mapped[datetime]
    reason: Mapped[str] = mapped_column(Text)
    state: Mapped[RequestState] = mapped_column(enum_column(RequestState),
                                                default=RequestState.PENDING, index=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str] = mapped_column(Text, default="")

    occurrence: Mapped[Occurrence] = relationship()
    unit: Mapped[Unit] = relationship()
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])


class ChangeKind(enum.StrEnum):
    TRANSFER = "transfer"  # chuyển chủ trì
    WITHDRAW = "withdraw"  # thu hồi


class TaskChange(db.Model):
    """A transfer to another owner unit or a withdrawal, with its reason and who decided."""

    __tablename__ = "task_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), index=True)
    kind: Mapped[ChangeKind] = mapped_column(enum_column(ChangeKind))
    from_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    to_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    reason: Mapped[str] = mapped_column(Text)
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # The leader whose decision the Office recorded; None when the leader acted directly.
    on_behalf_of_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Transfer: future periods moved to the new unit; withdrawal: untouched ones removed.
    periods_replanned: Mapped[int] = mapped_column(default=0)
    periods_closed: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    task: Mapped[Task] = relationship()
    from_unit: Mapped[Unit] = relationship(foreign_keys=[from_unit_id])
    to_unit: Mapped[Unit | None] = relationship(foreign_keys=[to_unit_id])
    actor: Mapped[User] = relationship(foreign_keys=[actor_id])
    on_behalf_of: Mapped[User | None] = relationship(foreign_keys=[on_behalf_of_id])


class Contribution(db.Model):
    """What a cooperating unit did for the owner's period, with an optional file or link."""

    __tablename__ = "contributions"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurrence_id: Mapped[int] = mapped_column(ForeignKey("occurrences.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text)
    # A file kept in the evidence store (content-addressed), or a link, or neither.
    sha256: Mapped[str] = mapped_column(String(64), default="")
    original_name: Mapped[str] = mapped_column(String(255), default="")
    media_type: Mapped[str] = mapped_column(String(100), default="")
    size: Mapped[int] = mapped_column(default=0)
    url: Mapped[str] = mapped_column(String(1000), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    occurrence: Mapped[Occurrence] = relationship()
    unit: Mapped[Unit] = relationship()
    author: Mapped[User] = relationship()
