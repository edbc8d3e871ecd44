"""What the Office's verification queue shows: the count in the navigation, the filtered list,
and the item after the one just handled."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import joinedload

from tracker.db import LOCAL_TZ
from tracker.directives.models import Task
from tracker.extensions import db
from tracker.org.models import Unit
from tracker.workflow.models import Occurrence, OccurrenceState


@dataclass(frozen=True)
class QueueFilter:
    """The queue's filters, read from the query string and carried to the next item."""

    unit: str = ""
    task: str = ""
    due_by: date | None = None

    @classmethod
    def from_args(cls, args) -> QueueFilter:
        due_by = None
        text = (args.get("due_by") or "").strip()
        if text:
            try:
                due_by = date.fromisoformat(text)
            except ValueError:
                due_by = None
        return cls(unit=(args.get("unit") or "").strip(), task=(args.get("task") or "").strip(),
                    due_by=due_by)

    def as_args(self) -> dict[str, str]:
        args = {"unit": self.unit, "task": self.task,
                "due_by": self.due_by.isoformat() if self.due_by else ""}
        return {key: value for key, value in args.items() if value}


def awaiting_count() -> int:
    """Everything handed in and not yet verified: one indexed count."""
    return db.session.scalar(
        select(func.count(Occurrence.id)).where(Occurrence.state == OccurrenceState.SUBMITTED)
    ) or 0


def queue_query(filters: QueueFilter) -> Select:
    """Handed-in work, oldest hand-in first, narrowed by unit, task and deadline."""
    query = (
        select(Occurrence)
        .join(Occurrence.task)
        .where(Occurrence.state == OccurrenceState.SUBMITTED)
        .options(joinedload(Occurrence.task).joinedload(Task.owner_unit),
                 joinedload(Occurrence.task).joinedload(Task.assignee),
                 joinedload(Occurrence.task).joinedload(Task.delegate),
                 joinedload(Occurrence.assignee))
        .order_by(Occurrence.submitted_at, Occurrence.id)
    )
    if filters.unit:
        unit_ids = select(Unit.id).where(Unit.code == filters.unit)
        query = query.where(Occurrence.unit_id.in_(unit_ids))
    if filters.task:
        pattern = f"%{filters.task}%"
        query = query.where(or_(Task.code.ilike(pattern), Task.title.ilike(pattern)))
    if filters.due_by is not None:
        end = datetime.combine(filters.due_by + timedelta(days=1), time(), tzinfo=LOCAL_TZ)
        query = query.where(Occurrence.due_at < end)
    return query


def next_in_queue(filters: QueueFilter, after: Occurrence | None = None) -> Occurrence | None:
    """The oldest item still waiting (other than ``after``), under the same filters."""
    query = queue_query(filters)
    if after is not None:
        query = query.where(Occurrence.id != after.id)
    return db.session.scalars(query.limit(1)).unique().first()
