"""Occurrences (kỳ thực hiện): one per period of a task, where status and results live; the
explanations of lateness (giải trình) and the leaders' accountability decisions (kiểm điểm)."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db import enum_column, utcnow
from tracker.directives.models import Task
from tracker.extensions import db
from tracker.org.models import Unit, User


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
    # The deadline as first planned, kept when an approved request moves ``due_at``: the
    # period's history shows both, and re-planning leaves an adjusted deadline alone.
    original_due_at: Mapped[datetime | None]
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


class Cause(enum.StrEnum):
    SUBJECTIVE = "subjective"  # chủ quan
    OBJECTIVE = "objective"  # khách quan


class Decision(enum.StrEnum):
    NO_ACTION = "no_action"
    REMINDER = "reminder"
    REVIEW = "review"
    CRITICISM = "criticism"
    DISCIPLINE = "discipline"


class Explanation(db.Model):
    __tablename__ = "explanations"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurrence_id: Mapped[int] = mapped_column(ForeignKey("occurrences.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    cause: Mapped[Cause] = mapped_column(enum_column(Cause))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    occurrence: Mapped[Occurrence] = relationship()
    author: Mapped[User] = relationship()


class AccountabilityDecision(db.Model):
    """What the leaders decided about late work: kept per occurrence, never overwritten."""

    __tablename__ = "accountability_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurrence_id: Mapped[int] = mapped_column(ForeignKey("occurrences.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decision: Mapped[Decision] = mapped_column(enum_column(Decision))
    outcome: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)
    month: Mapped[str] = mapped_column(String(7), index=True)  # YYYY-MM of the due date

    occurrence: Mapped[Occurrence] = relationship()
    person: Mapped[User | None] = relationship(foreign_keys=[person_id])
    decided_by: Mapped[User] = relationship(foreign_keys=[decided_by_id])
