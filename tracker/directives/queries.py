"""What the directive, task and editor pages read: lists, filters, progress and periods of a
task, the editor's choices, a directive's history, the next deadlines of a rule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from pydantic import ValidationError
from pydantic_core import PydanticCustomError
from sqlalchemy import Select, case, exists, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from tracker.audit.models import AuditEntry
from tracker.directives import policies
from tracker.directives.models import Directive, DirectiveStatus, Frequency, Task
from tracker.directives.schema import DEFAULT_TIME, RULE_MODELS, message_for, parse_date
from tracker.extensions import db
from tracker.indicators.models import Indicator
from tracker.org.models import Role, Unit, User
from tracker.schedule.calendar import WorkCalendar
from tracker.schedule.planning import due_datetime, planned
from tracker.schedule.status import UNFINISHED_STATES, Category, category_condition
from tracker.workflow.models import Occurrence


def directives_with_task_counts(include_drafts: bool = True) -> list:
    """Every directive (drafts only when asked), newest first, with its number of active tasks."""
    counts = (
        select(Task.directive_id, func.count(Task.id).label("n"))
        .where(Task.is_active)
        .group_by(Task.directive_id)
        .subquery()
    )
    query = (
        select(Directive, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.directive_id == Directive.id)
        .order_by(Directive.starts_on.desc(), Directive.id.desc())
    )
    if not include_drafts:
        query = query.where(Directive.status == DirectiveStatus.PUBLISHED)
    return list(db.session.execute(query).all())


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
        .join(Task.directive)
        .where(Task.is_active, Directive.status == DirectiveStatus.PUBLISHED)
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


PREVIEW_COUNT = 5
# How far ahead a preview looks for the next deadlines (a quarterly rule needs a year).
PREVIEW_DAYS = 400


@dataclass(frozen=True)
class Choices:
    """What the editor's selects offer: every code a directive may refer to."""

    units: list[Unit]
    people: list[User]
    leaders: list[User]


def editor_choices() -> Choices:
    units = db.session.scalars(select(Unit).where(Unit.is_active).order_by(Unit.name)).all()
    people = db.session.scalars(
        select(User).where(User.is_active, User.person_code.is_not(None))
        .options(joinedload(User.unit)).order_by(User.full_name)
    ).all()
    leaders = db.session.scalars(
        select(User).where(User.is_active, User.role == Role.LEADER).order_by(User.full_name)
    ).all()
    return Choices(list(units), list(people), list(leaders))


def directive_history(directive: Directive, limit: int = 50) -> list[AuditEntry]:
    """Who changed what and when: the directive, its tasks and its indicators, newest first."""
    task_ids = select(Task.id).where(Task.directive_id == directive.id)
    indicator_ids = select(Indicator.id).where(Indicator.directive_id == directive.id)
    return list(db.session.scalars(
        select(AuditEntry).where(or_(
            (AuditEntry.object_type == "Directive") & (AuditEntry.object_id == directive.id),
            (AuditEntry.object_type == "Task") & AuditEntry.object_id.in_(task_ids),
            (AuditEntry.object_type == "Indicator") & AuditEntry.object_id.in_(indicator_ids),
        )).options(joinedload(AuditEntry.actor)).order_by(AuditEntry.id.desc()).limit(limit)
    ))


@dataclass(frozen=True)
class Preview:
    deadlines: list[datetime]
    problem: str = ""


def next_deadlines(frequency: str, due: Any, start: str, end: str, today: date,
                   count: int = PREVIEW_COUNT, calendar: WorkCalendar | None = None) -> Preview:
    """The next ``count`` deadlines a rule gives on the working-day calendar, from ``today``.

    The rule is checked by the schema's own models, so the preview refuses what saving would.
    For work done on an event, the deadline of an event recorded today. ``calendar`` (one
    for a whole page) must cover the task's start to a year past ``today``.
    """
    if frequency not in set(Frequency):
        return Preview([])
    kind = Frequency(frequency)
    try:
        first = parse_date(start) if start else today
        last = parse_date(end) if end else first + timedelta(days=PREVIEW_DAYS)
        if kind == Frequency.ONCE:
            if not due:
                return Preview([])
            rule = {"date": parse_date(due).isoformat(), "time": DEFAULT_TIME}
        else:
            rule = RULE_MODELS[kind].model_validate(due or {}).model_dump(mode="json")
    except ValidationError as error:
        detail = error.errors(include_url=False)[0]
        return Preview([], message_for(detail["type"], detail.get("ctx") or {}))
    except PydanticCustomError as error:  # a date parser used on its own
        return Preview([], message_for(error.type, error.context or {}))
    origin = max(first, today)
    until = min(last, origin + timedelta(days=PREVIEW_DAYS))
    if calendar is None:
        calendar = WorkCalendar.load(min(first, origin), until + timedelta(days=40))
    if kind == Frequency.ON_EVENT:
        due_on = calendar.add_working_days(origin, int(rule.get("within_working_days", 1)))
        return Preview([due_datetime(due_on, rule)])
    sample = Task(frequency=kind, due_rule=rule, starts_on=first, ends_on=last)
    dates = [item.due_on for item in planned(sample, calendar, until) if item.due_on >= origin]
    return Preview([due_datetime(day, rule) for day in dates[:count]])


def editor_calendar(starts: list[str], today: date) -> WorkCalendar:
    """One working-day calendar for every preview on the editor's page."""
    dates = [today]
    for text in starts:
        try:
            dates.append(parse_date(text))
        except PydanticCustomError:
            continue
    return WorkCalendar.load(min(dates), today + timedelta(days=2 * PREVIEW_DAYS))
