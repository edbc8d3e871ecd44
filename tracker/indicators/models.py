"""Indicators (chỉ tiêu) of a directive, and their readings (số liệu): one figure for one
indicator and one month.

A correction is a new reading, never an edit: the month's figure is the latest *verified*
reading of that month, so what was reported before stays on record.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db import enum_column, utcnow
from tracker.directives.models import Directive
from tracker.extensions import db
from tracker.org.models import Unit, User
from tracker.workflow.models import Occurrence


class Comparator(enum.StrEnum):
    AT_LEAST = ">="
    AT_MOST = "<="
    EQUAL = "="
    # "Increase by at least N % over a baseline period" (the "không hẹn" +20 % target).
    INCREASE_AT_LEAST = "increase_at_least"
    # "Rank N or better out of M" (Bộ chỉ số 766: top 30 of 114).
    RANK_AT_MOST = "rank_at_most"


class Aggregate(enum.StrEnum):
    """How a month's figure is formed from the month's verified readings."""

    LAST = "last"
    AVERAGE = "average"
    SUM = "sum"


class Indicator(db.Model):
    __tablename__ = "indicators"
    __table_args__ = (UniqueConstraint("directive_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    directive_id: Mapped[int] = mapped_column(ForeignKey("directives.id"), index=True)
    code: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(Text)
    comparator: Mapped[Comparator] = mapped_column(enum_column(Comparator))
    target: Mapped[float] = mapped_column(Float)
    unit_of_measure: Mapped[str] = mapped_column(String(40), default="")
    owner_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    due_on: Mapped[date | None]
    # Comparator details: {"of": 114} for a rank, {"baseline": "2026-Q1"} for an increase,
    # {"milestone": "2026-06-30"} where the target must be reached early and then kept.
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    aggregate: Mapped[Aggregate] = mapped_column(enum_column(Aggregate), default=Aggregate.LAST)
    # Import drafts: the sentence the item came from, and where the reader was unsure.
    source: Mapped[str] = mapped_column(Text, default="")
    doubt: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)

    directive: Mapped[Directive] = relationship(back_populates="indicators")
    owner_unit: Mapped[Unit] = relationship()

    def __repr__(self) -> str:
        return f"<Indicator {self.code}>"


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
