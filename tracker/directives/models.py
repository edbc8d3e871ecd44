"""Directives and the tasks their clauses become (the indicators that measure them are in
:mod:`tracker.indicators.models`)."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db import enum_column, utcnow
from tracker.extensions import db
from tracker.org.models import Unit, User

if TYPE_CHECKING:
    from tracker.indicators.models import Indicator


class Frequency(enum.StrEnum):
    ONCE = "once"
    DAILY = "daily"
    WEEKLY = "weekly"
    TWICE_MONTHLY = "twice_monthly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    ON_EVENT = "on_event"


class DirectiveType(enum.StrEnum):
    """The genre of the signed document (Nghị định 30/2020 names)."""

    CONCLUSION_NOTICE = "conclusion_notice"
    PLAN = "plan"
    DIRECTIVE = "directive"
    OFFICIAL_LETTER = "official_letter"
    DECISION = "decision"
    REPORT = "report"
    OTHER = "other"


class DirectiveStatus(enum.StrEnum):
    # A draft plans nothing and notifies nobody; publishing plans the work and tells the units.
    DRAFT = "draft"
    PUBLISHED = "published"


class Directive(db.Model):
    __tablename__ = "directives"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The stable key a directive file is matched on when it is loaded again.
    code: Mapped[str] = mapped_column(String(60), unique=True)
    # As printed, blanks included: "Số: /TB-VP" stays "/TB-VP" until the Office fills it in.
    number: Mapped[str] = mapped_column(String(60), default="")
    title: Mapped[str] = mapped_column(Text)
    issuer: Mapped[str] = mapped_column(String(200))
    signer_name: Mapped[str] = mapped_column(String(200), default="")
    signer_title: Mapped[str] = mapped_column(String(200), default="")
    # "TM." (on behalf of the body), "KT." (deputy signing for the head), "TL." or "".
    signer_authority: Mapped[str] = mapped_column(String(10), default="")
    doc_type: Mapped[DirectiveType | None] = mapped_column(enum_column(DirectiveType))
    # The trích yếu: the one-line summary under the type.
    summary: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[DirectiveStatus] = mapped_column(
        enum_column(DirectiveStatus), default=DirectiveStatus.PUBLISHED
    )
    # The signed document, kept in the evidence store by its checksum.
    document_sha256: Mapped[str | None] = mapped_column(String(64))
    document_name: Mapped[str] = mapped_column(String(255), default="")
    published_at: Mapped[datetime | None]
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The leader the Office published for; the leader's own act when it is the publisher.
    published_for_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    place: Mapped[str] = mapped_column(String(100), default="")
    # A source may leave the day blank ("ngày   tháng 4 năm 2026"): then the day is unknown
    # and issued_on holds the first of the month with issued_day_known False.
    issued_on: Mapped[date | None]
    issued_day_known: Mapped[bool] = mapped_column(default=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    # What the person who keyed the directive in had to assume, shown on the directive page.
    assumptions: Mapped[list[str]] = mapped_column(JSON, default=list)
    source_file: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    published_by: Mapped[User | None] = relationship(foreign_keys=[published_by_id])
    published_for: Mapped[User | None] = relationship(foreign_keys=[published_for_id])
    tasks: Mapped[list[Task]] = relationship(
        back_populates="directive", order_by="Task.position", cascade="all, delete-orphan"
    )
    indicators: Mapped[list[Indicator]] = relationship(
        back_populates="directive", order_by="Indicator.position", cascade="all, delete-orphan"
    )

    @property
    def is_draft(self) -> bool:
        return self.status == DirectiveStatus.DRAFT

    def __repr__(self) -> str:
        return f"<Directive {self.code}>"


task_cooperating_units = Table(
    "task_cooperating_units",
    db.Model.metadata,
    Column("task_id", ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True),
    Column("unit_id", ForeignKey("units.id"), primary_key=True),
)


class Task(db.Model):
    __tablename__ = "tasks"
    __table_args__ = (UniqueConstraint("directive_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    directive_id: Mapped[int] = mapped_column(ForeignKey("directives.id"), index=True)
    code: Mapped[str] = mapped_column(String(60))
    # Clause numbers repeat in real directives ("2." twice), so they are text, never a key.
    clause: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    owner_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # The officer the head of unit hands the task to (the directive file never sets this, so
    # loading the file again keeps the delegation).
    delegate_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # The leader who assigned the work outside a directive (giao việc), on whose authority the
    # Office may also act; None for tasks a directive file describes.
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    frequency: Mapped[Frequency] = mapped_column(enum_column(Frequency), index=True)
    # The frequency's rule, normalised: {"time": "17:00", "weekday": "fri", "days": [15, "last"],
    # "day": "last", "within_working_days": 2}; for a one-off task also {"date": "2026-06-30"}.
    due_rule: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    outcome: Mapped[str] = mapped_column(Text, default="")
    indicator_id: Mapped[int | None] = mapped_column(ForeignKey("indicators.id"))
    # None: the owner unit's supervisor.
    supervisor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    source: Mapped[str] = mapped_column(Text, default="")
    doubt: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    directive: Mapped[Directive] = relationship(back_populates="tasks")
    owner_unit: Mapped[Unit] = relationship(foreign_keys=[owner_unit_id])
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    delegate: Mapped[User | None] = relationship(foreign_keys=[delegate_id])
    supervisor: Mapped[User | None] = relationship(foreign_keys=[supervisor_id])
    assigned_by: Mapped[User | None] = relationship(foreign_keys=[assigned_by_id])

    @property
    def supervising_leader(self) -> User | None:
        return self.supervisor or self.owner_unit.supervisor

    @property
    def responsible(self) -> User | None:
        """"Rõ người": the officer it is delegated to, else the person the directive names."""
        return self.delegate or self.assignee
    cooperating_units: Mapped[list[Unit]] = relationship(
        secondary=task_cooperating_units, order_by="Unit.code"
    )
    indicator: Mapped[Indicator | None] = relationship()

    @property
    def due_date(self) -> date | None:
        """The deadline of a one-off task."""
        raw = self.due_rule.get("date")
        return date.fromisoformat(raw) if raw else None

    def __repr__(self) -> str:
        return f"<Task {self.code}>"
