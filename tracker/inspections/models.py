"""The Office's twice-monthly inspection rounds, their checklists and findings."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db import enum_column, utcnow
from tracker.directives.models import Directive, Task
from tracker.extensions import db
from tracker.org.models import Unit, User
from tracker.workflow.models import Occurrence


class RoundState(enum.StrEnum):
    OPEN = "open"
    COMPLETED = "completed"


class ItemResult(enum.StrEnum):
    PENDING = "pending"
    PASS = "pass"  # noqa: S105 (đạt: a result, not a password)
    FAIL = "fail"  # không đạt
    NOT_APPLICABLE = "not_applicable"  # không áp dụng
    NOT_YET_DUE = "not_yet_due"  # chưa đến hạn: neither met nor failed, not scored


class ChecklistCriterion(db.Model):
    """A standing criterion checked in every round, for every unit in scope."""

    __tablename__ = "checklist_criteria"

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


round_units = Table(
    "inspection_round_units",
    db.Model.metadata,
    Column("round_id", ForeignKey("inspection_rounds.id", ondelete="CASCADE"), primary_key=True),
    Column("unit_id", ForeignKey("units.id"), primary_key=True),
)


class InspectionRound(db.Model):
    __tablename__ = "inspection_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    # A half-month window: the 1st to the 15th, or the 16th to the month's end.
    window_start: Mapped[date] = mapped_column(index=True)
    window_end: Mapped[date]
    state: Mapped[RoundState] = mapped_column(enum_column(RoundState), default=RoundState.OPEN)
    # Empty: the whole commune.
    units: Mapped[list[Unit]] = relationship(secondary=round_units, order_by="Unit.name")
    opened_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    conclusion: Mapped[str] = mapped_column(Text, default="")
    inspector_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    signed_on: Mapped[date | None]
    completed_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None]
    minutes_number: Mapped[str] = mapped_column(String(60), default="")
    # Follow-up tasks born of this round's findings live in a directive of their own.
    follow_up_directive_id: Mapped[int | None] = mapped_column(ForeignKey("directives.id"))

    opened_by: Mapped[User] = relationship(foreign_keys=[opened_by_id])
    inspector: Mapped[User | None] = relationship(foreign_keys=[inspector_id])
    follow_up_directive: Mapped[Directive | None] = relationship()

    @property
    def is_whole_commune(self) -> bool:
        return not self.units


class InspectionItem(db.Model):
    __tablename__ = "inspection_items"
    __table_args__ = (Index("ix_inspection_items_round_unit", "round_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("inspection_rounds.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    # Either a period of work due in the window, or a standing criterion (its text copied, so
    # later edits of the template do not rewrite a past round).
    occurrence_id: Mapped[int | None] = mapped_column(ForeignKey("occurrences.id"))
    criterion_id: Mapped[int | None] = mapped_column(ForeignKey("checklist_criteria.id"))
    text: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)
    result: Mapped[ItemResult] = mapped_column(enum_column(ItemResult),
                                               default=ItemResult.PENDING)
    note: Mapped[str] = mapped_column(Text, default="")
    photo_sha256: Mapped[str | None] = mapped_column(String(64))
    photo_name: Mapped[str] = mapped_column(String(255), default="")
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    marked_at: Mapped[datetime | None]
    follow_up_task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id"))

    round: Mapped[InspectionRound] = relationship()
    unit: Mapped[Unit] = relationship()
    occurrence: Mapped[Occurrence | None] = relationship()
    follow_up_task: Mapped[Task | None] = relationship()
    marked_by: Mapped[User | None] = relationship()
