"""Explanations of lateness (giải trình) and the leaders' accountability decisions (kiểm điểm)."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db import utcnow
from tracker.extensions import db
from tracker.org.models import User, enum_column
from tracker.schedule.models import Occurrence


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
