"""Occurrences (kỳ thực hiện): one per period of a task, where status and results live."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db import utcnow
from tracker.directives.models import Task
from tracker.extensions import db
from tracker.org.models import Unit, User, enum_column


class OccurrenceState(enum.StrEnum):
    """Where the work stands. Lateness and "due soon" are derived from times, not stored."""

    OPEN = "open"
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    VERIFIED = "verified"
    NOT_APPLICABLE = "not_applicable"


class Occurrence(db.Model):
    __tablename__ = "occurrences"
    __table_args__ = (
        UniqueConstraint("task_id", "period_start", "sequence"),
        # Covering indexes: dashboards count a month of work unit by unit from the first alone;
        # lists and filters find open work by state and deadline from the second.
        Index("ix_occurrences_unit_state_due", "unit_id", "state", "due_at", "submitted_at"),
        Index("ix_occurrences_state_due", "state", "due_at", "task_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), index=True)
    # The unit answerable for this period, fixed when it is planned: if the task later moves
    # to another unit, past periods stay on the record of the unit that had them.
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    period_start: Mapped[date]
    period_end: Mapped[date]
    # Several events of an on-event task can fall on one day; periodic tasks keep 0.
    sequence: Mapped[int] = mapped_column(default=0)
    due_at: Mapped[datetime]
    state: Mapped[OccurrenceState] = mapped_column(
        enum_column(OccurrenceState), default=OccurrenceState.OPEN
    )
    # Delegated to a staff member; None means the task's responsible person or the unit head.
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    report: Mapped[str] = mapped_column(Text, default="")
    reported_value: Mapped[float | None]
    submitted_at: Mapped[datetime | None]
    # Who handed it in: that person may not also verify it.
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    verified_at: Mapped[datetime | None]
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    return_reason: Mapped[str] = mapped_column(Text, default="")
    # How often the Office sent this period back: quality counts it even once put right.
    times_returned: Mapped[int] = mapped_column(default=0, server_default="0")
    # Why the Office allowed this period to be skipped (state NOT_APPLICABLE).
    skip_reason: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(String(300), default="")
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    task: Mapped[Task] = relationship()
    unit: Mapped[Unit] = relationship()
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    verified_by: Mapped[User | None] = relationship(foreign_keys=[verified_by_id])

    # Two people editing the same occurrence: the second flush fails instead of overwriting.
    __mapper_args__ = {"version_id_col": version}

    @property
    def responsible(self) -> User | None:
        """"Rõ người" for this period: its delegate, else the task's responsible person."""
        return self.assignee or self.task.responsible

    def __repr__(self) -> str:
        return f"<Occurrence {self.task_id} {self.period_start}>"


class DayKind(enum.StrEnum):
    DAY_OFF = "day_off"
    WORKING_DAY = "working_day"


class CalendarDay(db.Model):
    """A decreed change to the working calendar: an extra day off or a make-up working day."""

    __tablename__ = "calendar_days"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(unique=True)
    kind: Mapped[DayKind] = mapped_column(enum_column(DayKind))
    reason: Mapped[str] = mapped_column(String(300))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    created_by: Mapped[User | None] = relationship()
