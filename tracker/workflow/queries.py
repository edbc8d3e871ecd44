"""What the occurrence pages, the verification queue and the accountability list read."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

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


def decisions_of(occurrence: Occurrence) -> list[AccountabilityDecision]:
    return list(db.session.scalars(
        select(AccountabilityDecision).where(AccountabilityDecision.occurrence_id == occurrence.id)
        .options(joinedload(AccountabilityDecision.person),
                 joinedload(AccountabilityDecision.decided_by))
        .order_by(AccountabilityDecision.id)
    ))


def verification_queue() -> Select:
    """Everything handed in, oldest first (a query, for the page to paginate)."""
    return (
        select(Occurrence)
        .where(Occurrence.state == OccurrenceState.SUBMITTED)
        .options(joinedload(Occurrence.task).joinedload(Task.owner_unit),
                 joinedload(Occurrence.task).joinedload(Task.assignee),
                 joinedload(Occurrence.task).joinedload(Task.delegate),
                 joinedload(Occurrence.assignee))
        .order_by(Occurrence.submitted_at, Occurrence.id)
    )


def explanations(unit_code: str = "", person_id: int | None = None,
                 month: Month | None = None) -> Select:
    """Explanations of late work, newest deadline first, filtered by unit, author and month."""
    query = (
        select(Explanation)
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
