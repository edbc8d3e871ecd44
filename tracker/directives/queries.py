"""What the directive and task pages read: lists, filters, progress and periods of a task."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, case, exists, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from tracker.directives import policies
from tracker.directives.models import Directive, Frequency, Task
from tracker.extensions import db
from tracker.indicators.models import Indicator
from tracker.org.models import Role, Unit, User
from tracker.schedule.status import UNFINISHED_STATES, Category, category_condition
from tracker.workflow.models import Occurrence


def directives_with_task_counts() -> list:
    """Every directive, newest first, with its number of active tasks."""
    counts = (
        select(Task.directive_id, func.count(Task.id).label("n"))
        .where(Task.is_active)
        .group_by(Task.directive_id)
        .subquery()
    )
    return list(db.session.execute(
        select(Directive, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.directive_id == Directive.id)
        .order_by(Directive.starts_on.desc(), Directive.id.desc())
    ).all())


def tasks_of(directive: Directive, user: User) -> list[Task]:
    """The directive's active tasks that ``user`` may see, in the directive's order."""
    query = (
        select(Task)
        .where(Task.directive_id == directive.id, Task.is_active)
        .options(joinedload(Task.owner_unit), joinedload(Task.assignee),
                 joinedload(Task.delegate))
        .order_by(Task.position)
    )
    clause = policies.visible_tasks_clause(user)
    if clause is not None:
        query = query.where(clause)
    return list(db.session.scalars(query).unique())


def indicators_of(directive: Directive) -> list[Indicator]:
    return list(db.session.scalars(
        select(Indicator)
        .where(Indicator.directive_id == directive.id)
        .options(joinedload(Indicator.owner_unit))
        .order_by(Indicator.position)
    ))


def active_units() -> list[Unit]:
    return list(db.session.scalars(select(Unit).where(Unit.is_active).order_by(Unit.name)))


def task_list(user: User, *, unit_code: str | None, frequency: str | None, status: str | None,
              text: str | None, now: datetime) -> Select:
    """The tasks ``user`` may see, filtered as the task list's form asks (a query to paginate)."""
    query = (
        select(Task)
        .join(Task.owner_unit)
        .where(Task.is_active)
        .options(
            joinedload(Task.owner_unit),
            joinedload(Task.assignee),
            joinedload(Task.delegate),
            joinedload(Task.directive),
            selectinload(Task.cooperating_units),
        )
    )
    if user.role == Role.STAFF:
        # An officer's own tasks first, then the rest of the unit's.
        mine = or_(Task.delegate_id == user.id, Task.assignee_id == user.id,
                   exists(select(Occurrence.id).where(Occurrence.task_id == Task.id,
                                                      Occurrence.assignee_id == user.id)))
        query = query.order_by(case((mine, 0), else_=1))
    query = query.order_by(Task.directive_id, Task.position)
    clause = policies.visible_tasks_clause(user)
    if clause is not None:
        query = query.where(clause)
    if unit_code:
        query = query.where(Unit.code == unit_code)
    if frequency in set(Frequency):
        query = query.where(Task.frequency == Frequency(frequency))
    if status in set(Category):
        condition = category_condition(Category(status), now)
        query = query.where(Task.id.in_(select(Occurrence.task_id).where(condition)))
    if text:
        pattern = f"%{text.strip()}%"
        query = query.where(
            or_(Task.title.ilike(pattern), Task.code.ilike(pattern), Task.outcome.ilike(pattern))
        )
    return query


def task_progress(task_ids: list[int], now: datetime) -> dict[int, tuple[int, object]]:
    """For each task on the page: how many periods are overdue, and the next deadline."""
    if not task_ids:
        return {}
    overdue = category_condition(Category.OVERDUE, now)
    upcoming = Occurrence.state.in_(UNFINISHED_STATES) & (Occurrence.due_at >= now)
    rows = db.session.execute(
        select(Occurrence.task_id, func.count().filter(overdue),
               func.min(Occurrence.due_at).filter(upcoming))
        .where(Occurrence.task_id.in_(task_ids))
        .group_by(Occurrence.task_id)
    )
    return {task_id: (late, next_due) for task_id, late, next_due in rows}


def _periods(task: Task) -> Select:
    return select(Occurrence).where(Occurrence.task_id == task.id).options(
        joinedload(Occurrence.assignee)
    )


def upcoming_occurrences(task: Task, now: datetime, limit: int = 5) -> list[Occurrence]:
    return list(db.session.scalars(
        _periods(task).where(Occurrence.due_at >= now).order_by(Occurrence.due_at).limit(limit)))


def past_occurrences(task: Task, now: datetime) -> Select:
    """The task's periods already due, latest first (a query to paginate)."""
    return _periods(task).where(Occurrence.due_at < now).order_by(Occurrence.due_at.desc())
