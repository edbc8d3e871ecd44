"""What the pages and documents read about assigned work: each a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import joinedload

from tracker.assignments import policies
from tracker.assignments.models import Contribution, DeadlineRequest, RequestState, TaskChange
from tracker.directives.models import Directive, Task
from tracker.extensions import db
from tracker.months import Month
from tracker.org.models import Role, Unit, User
from tracker.workflow.models import Occurrence

PENDING_LIMIT = 50


def pending_for(user: User, limit: int = PENDING_LIMIT) -> list[DeadlineRequest]:
    """Requests awaiting ``user``'s decision (one query), oldest first."""
    if not policies.may_decide_some_deadline(user):
        return []
    # The same rule as policies.deciding_leader, in SQL: the task's supervising leader, else
    # the assigning leader, else the owner unit's supervising leader, else the Office.
    supervisor = select(Unit.supervisor_id).where(Unit.id == Task.owner_unit_id) \
        .scalar_subquery()
    leaders = select(User.id).where(User.role == Role.LEADER, User.is_active)
    task_supervisor_decides = and_(Task.supervisor_id.is_not(None),
                                   Task.supervisor_id.in_(leaders))
    assigner_decides = and_(~task_supervisor_decides, Task.assigned_by_id.is_not(None),
                            Task.assigned_by_id.in_(leaders))
    supervisor_decides = and_(~task_supervisor_decides, ~assigner_decides,
                              supervisor.is_not(None), supervisor.in_(leaders))
    if user.role == Role.LEADER:
        mine = or_(and_(task_supervisor_decides, Task.supervisor_id == user.id),
                   and_(assigner_decides, Task.assigned_by_id == user.id),
                   and_(supervisor_decides, supervisor == user.id))
    else:
        mine = ~or_(task_supervisor_decides, assigner_decides, supervisor_decides)
    query = (
        select(DeadlineRequest)
        .join(Occurrence, Occurrence.id == DeadlineRequest.occurrence_id)
        .join(Task, Task.id == Occurrence.task_id)
        .where(DeadlineRequest.state == RequestState.PENDING, mine)
        .options(joinedload(DeadlineRequest.occurrence).joinedload(Occurrence.task),
                 joinedload(DeadlineRequest.unit), joinedload(DeadlineRequest.requested_by))
        .order_by(DeadlineRequest.requested_at)
        .limit(limit)
    )
    return list(db.session.scalars(query).unique())


def requests_of(occurrence: Occurrence) -> list[DeadlineRequest]:
    return list(db.session.scalars(
        select(DeadlineRequest).where(DeadlineRequest.occurrence_id == occurrence.id)
        .options(joinedload(DeadlineRequest.requested_by),
                 joinedload(DeadlineRequest.decided_by))
        .order_by(DeadlineRequest.id)))


def contributions_of(occurrence: Occurrence) -> list[Contribution]:
    return list(db.session.scalars(
        select(Contribution).where(Contribution.occurrence_id == occurrence.id)
        .options(joinedload(Contribution.unit), joinedload(Contribution.author))
        .order_by(Contribution.id)))


def contribution_counts(occurrence_ids: list[int]) -> dict[int, int]:
    """How many contributions each listed period has (one query), for the Office's queue."""
    counts: dict[int, int] = defaultdict(int)
    if occurrence_ids:
        for occurrence_id in db.session.scalars(
                select(Contribution.occurrence_id)
                .where(Contribution.occurrence_id.in_(occurrence_ids))):
            counts[occurrence_id] += 1
    return counts


def changes_of(task: Task) -> list[TaskChange]:
    return list(db.session.scalars(
        select(TaskChange).where(TaskChange.task_id == task.id)
        .options(joinedload(TaskChange.from_unit), joinedload(TaskChange.to_unit),
                 joinedload(TaskChange.actor), joinedload(TaskChange.on_behalf_of))
        .order_by(TaskChange.id)))


def approved_changes_by_unit(month: Month) -> dict[int, list[dict]]:
    """Approved deadline changes of periods first due in the month, by the unit that asked:
    plain rows for the monthly report's appendix (one query)."""
    start, end = month.bounds()
    rows = db.session.execute(
        select(DeadlineRequest.unit_id, Task.code, Task.title, DeadlineRequest.old_due_at,
               DeadlineRequest.proposed_due_at, DeadlineRequest.reason,
               DeadlineRequest.decided_at, User.full_name)
        .join(Occurrence, Occurrence.id == DeadlineRequest.occurrence_id)
        .join(Task, Task.id == Occurrence.task_id)
        .outerjoin(User, User.id == DeadlineRequest.decided_by_id)
        .where(DeadlineRequest.state == RequestState.APPROVED,
               DeadlineRequest.old_due_at >= start, DeadlineRequest.old_due_at < end)
        .order_by(DeadlineRequest.unit_id, DeadlineRequest.old_due_at))
    found: dict[int, list[dict]] = defaultdict(list)
    for unit_id, code, title, old, new, reason, decided_at, decided_by in rows:
        found[unit_id].append({"task_code": code, "task_title": title,
                               "old_due_at": old.isoformat(), "new_due_at": new.isoformat(),
                               "reason": reason, "decided_by": decided_by or "",
                               "decided_at": decided_at.isoformat() if decided_at else None})
    return dict(found)


def active_directives() -> list[Directive]:
    return list(db.session.scalars(select(Directive).order_by(Directive.starts_on.desc(),
                                                              Directive.code)))


def leaders() -> list[User]:
    return list(db.session.scalars(
        select(User).where(User.role == Role.LEADER, User.is_active).order_by(User.full_name)))


def assignable_units() -> list[Unit]:
    return list(db.session.scalars(select(Unit).where(Unit.is_active).order_by(Unit.name)))


def assignable_people() -> list[User]:
    return list(db.session.scalars(
        select(User).where(User.is_active, User.role.in_((Role.UNIT_HEAD, Role.STAFF)))
        .options(joinedload(User.unit)).order_by(User.full_name)))
