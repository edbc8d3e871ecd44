"""In-app notices, and the record of what was sent so nothing is sent twice."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db import utcnow
from tracker.directives.models import Task
from tracker.extensions import db
from tracker.org.models import User
from tracker.workflow.models import Occurrence


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_unread", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    occurrence_id: Mapped[int | None] = mapped_column(ForeignKey("occurrences.id"))
    # The task a notice is about when it is not about one period (a whole task handed over).
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id"))
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()
    occurrence: Mapped[Occurrence | None] = relationship()
    task: Mapped[Task | None] = relationship()


class Escalation(db.Model):
    """One row per overdue occurrence and level reached: the guard against sending twice."""

    __tablename__ = "escalations"
    __table_args__ = (UniqueConstraint("occurrence_id", "level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    occurrence_id: Mapped[int] = mapped_column(ForeignKey("occurrences.id"))
    level: Mapped[int]
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DigestLog(db.Model):
    """One digest per person per local day."""

    __tablename__ = "digest_logs"
    __table_args__ = (UniqueConstraint("user_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    day: Mapped[date]
    item_count: Mapped[int]
    emailed: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
