"""Indicator readings (số liệu): one figure for one indicator and one month.

A correction is a new reading, never an edit: the month's figure is the latest *verified*
reading of that month, so what was reported before stays on record.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db import utcnow
from tracker.directives.models import Indicator
from tracker.extensions import db
from tracker.org.models import User, enum_column
from tracker.schedule.models import Occurrence


class ReadingSource(enum.StrEnum):
    MANUAL = "manual"  # typed into the reading form
    CSV = "csv"  # imported from a CSV file
    OCCURRENCE = "occurrence"  # the figure reported on a verified period of a linked task


class ReadingState(enum.StrEnum):
    SUBMITTED = "submitted"  # awaiting the Office
    VERIFIED = "verified"  # counts
    RETURNED = "returned"  # refused by the Office, with a reason; never counts


class IndicatorReading(db.Model):
    __tablename__ = "indicator_readings"
    __table_args__ = (
        # The month's figure is picked per (indicator, period) among verified readings.
        Index("ix_indicator_readings_indicator_state_period", "indicator_id", "state", "period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id"))
    # The month the figure describes, "YYYY-MM": sorts and compares as text.
    period: Mapped[str] = mapped_column(String(7))
    value: Mapped[float] = mapped_column(Float)
    # Where the figure comes from (the source system, the report, the survey).
    note: Mapped[str] = mapped_column(Text, default="")
    evidence_url: Mapped[str] = mapped_column(String(2000), default="")
    source: Mapped[ReadingSource] = mapped_column(enum_column(ReadingSource))
    # The verified period whose reported figure this reading carries (source "occurrence").
    occurrence_id: Mapped[int | None] = mapped_column(ForeignKey("occurrences.id"), index=True)
    state: Mapped[ReadingState] = mapped_column(
        enum_column(ReadingState), default=ReadingState.SUBMITTED
    )
    # None: entered by the system itself (a command run on the server).
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    verified_at: Mapped[datetime | None]
    returned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    returned_at: Mapped[datetime | None]
    return_reason: Mapped[str] = mapped_column(Text, default="")

    indicator: Mapped[Indicator] = relationship()
    occurrence: Mapped[Occurrence | None] = relationship()
    entered_by: Mapped[User | None] = relationship(foreign_keys=[entered_by_id])
    verified_by: Mapped[User | None] = relationship(foreign_keys=[verified_by_id])
    returned_by: Mapped[User | None] = relationship(foreign_keys=[returned_by_id])

    def __repr__(self) -> str:
        return f"<IndicatorReading {self.indicator_id} {self.period} {self.value}>"
