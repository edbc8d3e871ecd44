"""Decreed changes to the working calendar (the occurrences it plans are in
:mod:`tracker.workflow.models`)."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db import enum_column, utcnow
from tracker.extensions import db
from tracker.org.models import User


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
