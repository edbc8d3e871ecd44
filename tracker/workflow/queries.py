"""What the occurrence pages, the verification queue and the accountability list read.

The queue: the count in the navigation, the list filtered by unit, task and deadline, and the
item after the one just handled."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import joinedload

from tracker.db import LOCAL_TZ
from tracker.directives.models import Task
from tracker.evidence.models import Evidence
from tracker.extensions import db
from tracker.months import Month
from tracker.org.models import Unit
from tracker.workflow.models import AccountabilityDecision, Explanation, Occurrence, OccurrenceState


def evidence_of(occurrence: Occurrence) -> list[Evidence]:
    return list(db.session.scalars(
        select(Evidence).where(Evidence.occurrence_id == occurrence.id)
        .options(joinedload(Evidence.uploaded_by)).order_by(Evidence.id)
    ))


def explanations_of(occurrence: Occurrence) -> list[Explanation]:
    return list(db.session.scalars(
        select(Explanation).where(Explanation.occurrence_id == occurrence.id)
        .options(joinedload(Explanation.author)).order_by(Explanation.id)
    ))


def explanation_of(occurrence: Occurrence) -> Explanation | None:
    """The period's explanation of its delay (the latest, for periods explained twice before)."""
    return db.session.scalar(select(Explanation).where(Explanation.occurrence_id == occurrence.id)
                             .order_by(Explanation.id.desc()).limit(1))


def decisions_of(occurrence: Occurrence) -> list[AccountabilityDecision]:
    return list(db.session.scalars(
        select(AccountabilityDecision).where(AccountabilityDecision.occurrence_id == occurrence.id)
        .options(joinedload(AccountabilityDecision.person),
                 joinedload(AccountabilityDecision.decided_by))
        .order_by(AccountabilityDecision.id)
    ))


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


def verification_queue(filters: QueueFilter | None = None) -> Select:
    """Everything handed in, oldest first, narrowed by unit, task and deadline (a query, for
    the page to paginate)."""
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
    if filters is None:
        return query
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
    query = verification_queue(filters)
    if after is not None:
        query = query.where(Occurrence.id != after.id)
    return db.session.scalars(query.limit(1)).unique().first()


def explanations(unit_code: str = "", person_id: int | None = None,
                 month: Month | None = None) -> Select:
    """Explanations of late work, newest deadline first, filtered by unit, author and month;
    one per period (the latest, for periods explained twice before issue 18)."""
    latest = select(func.max(Explanation.id)).group_by(Explanation.occurrence_id)
    query = (
        select(Explanation)
        .where(Explanation.id.in_(latest))
        .join(Explanation.occurrence)
        .join(Occurrence.task)
        .options(joinedload(Explanation.occurrence).joinedload(Occurrence.task)
                 .joinedload(Task.owner_unit),
                 joinedload(Explanation.author))
        .order_by(Occurrence.due_at.desc(), Explanation.id.desc())
    )
    if unit_code:
        query = query.join(Unit, Unit.id == Occurrence.unit_id).where(Unit.code == unit_code)
    if person_id:
        query = query.where(Explanation.author_id == person_id)
    if month is not None:
        start, end = month.bounds()
        query = query.where(Occurrence.due_at >= start, Occurrence.due_at < end)
    return query


def decisions_by_occurrence(occurrence_ids: list[int]) -> dict[int, list[AccountabilityDecision]]:
    decisions: dict[int, list[AccountabilityDecision]] = {}
    if occurrence_ids:
        for row in db.session.scalars(
            select(AccountabilityDecision)
            .where(AccountabilityDecision.occurrence_id.in_(occurrence_ids))
            .options(joinedload(AccountabilityDecision.person))
            .order_by(AccountabilityDecision.id)
        ):
            decisions.setdefault(row.occurrence_id, []).append(row)
    return decisions


def active_units() -> list[Unit]:
    return list(db.session.scalars(select(Unit).where(Unit.is_active).order_by(Unit.name)))
