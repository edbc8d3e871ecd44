"""Monthly evaluations: each computation is a version; an issued version is frozen."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from tracker.db import enum_column, utcnow
from tracker.extensions import db
from tracker.org.models import Unit, User


class EvaluationStatus(enum.StrEnum):
    DRAFT = "draft"
    ISSUED = "issued"
    SUPERSEDED = "superseded"  # issued, then corrected by a later version


class Evaluation(db.Model):
    __tablename__ = "evaluations"
    __table_args__ = (UniqueConstraint("month", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7), index=True)  # YYYY-MM
    version: Mapped[int] = mapped_column(default=1)
    status: Mapped[EvaluationStatus] = mapped_column(enum_column(EvaluationStatus),
                                                     default=EvaluationStatus.DRAFT)
    # Why this version exists when it corrects an issued one.
    reason: Mapped[str] = mapped_column(Text, default="")
    # The scoring rules it was computed with, so the figures can always be explained.
    rules: Mapped[dict[str, Any]] = mapped_column(JSON)
    excellent_over_cap: Mapped[int] = mapped_column(default=0)
    number: Mapped[str] = mapped_column(String(60), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    issued_at: Mapped[datetime | None]
    # The issued report as it was signed: its bytes and their SHA-256.
    pdf: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))

    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    issued_by: Mapped[User | None] = relationship(foreign_keys=[issued_by_id])
    rows: Mapped[list[EvaluationRow]] = relationship(
        back_populates="evaluation", order_by="EvaluationRow.position",
        cascade="all, delete-orphan")

    @property
    def is_frozen(self) -> bool:
        return self.status != EvaluationStatus.DRAFT


class EvaluationRow(db.Model):
    __tablename__ = "evaluation_rows"
    __table_args__ = (UniqueConstraint("evaluation_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    unit_name: Mapped[str] = mapped_column(String(200))  # as it was named that month
    position: Mapped[int]
    rank: Mapped[int]
    inputs: Mapped[dict[str, Any]] = mapped_column(JSON)  # the counts scored
    points: Mapped[dict[str, float]] = mapped_column(JSON)
    total: Mapped[float] = mapped_column(Float)
    level: Mapped[str] = mapped_column(String(20))  # computed from the total
    final_level: Mapped[str] = mapped_column(String(20))  # after the leaders' decision
    override_reason: Mapped[str] = mapped_column(Text, default="")
    # Every period that cost points: code, title, deadline, status, responsible person, why.
    details: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)

    evaluation: Mapped[Evaluation] = relationship(back_populates="rows")
    unit: Mapped[Unit] = relationship()
