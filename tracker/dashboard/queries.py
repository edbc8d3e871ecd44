"""The numbers on the dashboard, each computed by the database in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload
from sqlalchemy.sql.elements import ColumnElement

from tracker.directives.models import Task
from tracker.extensions import db
from tracker.months import Month
from tracker.org.models import Unit, User
from tracker.schedule.status import NOT_DONE_STATES, Category, warning_window
from tracker.workflow.models import Occurrence, OccurrenceState


@dataclass
class UnitRow:
    unit: Unit | None
    counts: dict[Category, int]
    due_this_month: int
    done_on_time_this_month: int

    @property
    def on_time_rate(self) -> float | None:
        if not self.due_this_month:
            return None
        return 100.0 * self.done_on_time_this_month / self.due_this_month


def unit_table(now: datetime, units_scope: ColumnElement[bool] | None = None) -> list[UnitRow]:
    """Per unit: this month's occurrences per status category, and the on-time rate so far.

    One aggregate query whatever the data size. Naming every unit and every state lets the
    database walk the (unit_id, state, due_at, submitted_at) covering index group by group,
    without sorting the month's rows; the categories are then told apart from four counts,
    by the same rules as :func:`tracker.schedule.status.category_of` (a test holds them equal).
    """
    start, end = Month.of(now).bounds()
    soon = now + warning_window()
    unit_ids = select(Unit.id).where(Unit.is_active)
    if units_scope is not None:
        unit_ids = unit_ids.where(units_scope)
    on_time = Occurrence.submitted_at <= Occurrence.due_at
    rows = db.session.execute(
        select(
            Occurrence.unit_id,
            Occurrence.state,
            func.count(),
            func.count().filter(Occurrence.due_at < now),
            func.count().filter(Occurrence.due_at <= soon),
            func.count().filter(on_time),
            func.count().filter(on_time, Occurrence.due_at < now),
        )
        .where(Occurrence.unit_id.in_(unit_ids), Occurrence.state.in_(list(OccurrenceState)),
               Occurrence.due_at >= start, Occurrence.due_at < end)
        .group_by(Occurrence.unit_id, Occurrence.state)
    ).all()
    tallies: dict[int, UnitRow] = {}
    for unit_id, state, total, past, until_soon, in_time, in_time_past in rows:
        row = tallies.setdefault(unit_id, UnitRow(None, {}, 0, 0))
        counts = row.counts
        if state == OccurrenceState.NOT_APPLICABLE:
            counts[Category.NOT_REQUIRED] = counts.get(Category.NOT_REQUIRED, 0) + total
            continue
        row.due_this_month += past
        if state == OccurrenceState.VERIFIED:
            _add(counts, Category.DONE_ON_TIME, in_time)
            _add(counts, Category.DONE_LATE, total - in_time)
            row.done_on_time_this_month += in_time_past
        elif state == OccurrenceState.SUBMITTED:
            _add(counts, Category.AWAITING, total)
        elif state == OccurrenceState.RETURNED:
            _add(counts, Category.RETURNED, total)
        else:
            _add(counts, Category.OVERDUE, past)
            _add(counts, Category.DUE_SOON, until_soon - past)
            _add(counts, Category.PENDING, total - until_soon)
    units = db.session.scalars(
        select(Unit).where(Unit.id.in_(list(tallies))).order_by(Unit.name)
    ).all() if tallies else []
    for unit in units:
        tallies[unit.id].unit = unit
    return [tallies[unit.id] for unit in units]


def _add(counts: dict[Category, int], category: Category, number: int) -> None:
    if number:
        counts[category] = counts.get(category, 0) + number


def occurrence_list(conditions: list, order, limit: int = 20) -> list[Occurrence]:
    query = (
        select(Occurrence)
        .join(Occurrence.task)
        .where(Task.is_active, *conditions)
        .options(
            joinedload(Occurrence.task).joinedload(Task.owner_unit),
            joinedload(Occurrence.task).joinedload(Task.assignee),
            joinedload(Occurrence.task).joinedload(Task.delegate),
            joinedload(Occurrence.assignee),
        )
        .order_by(order)
        .limit(limit)
    )
    return list(db.session.scalars(query).unique())


def open_work(lower: datetime | None, upper: datetime, scope=None, limit: int = 20,
              states=NOT_DONE_STATES) -> list[Occurrence]:
    """Unfinished occurrences due in [lower, upper), earliest first.

    One query per state, each walking the (state, due_at) index in order and stopping at
    ``limit``: a single query with ``state IN (...)`` would sort every overdue row first.
    """
    found: list[Occurrence] = []
    for state in states:
        conditions = [Occurrence.state == state, Occurrence.due_at < upper]
        if lower is not None:
            conditions.append(Occurrence.due_at >= lower)
        if scope is not None:
            conditions.append(scope)
        found.extend(occurrence_list(conditions, Occurrence.due_at.asc(), limit))
    return sorted(found, key=lambda occurrence: occurrence.due_at)[:limit]


def overdue(now: datetime, scope=None, limit: int = 20) -> list[Occurrence]:
    return open_work(None, now, scope, limit)


def due_soon(now: datetime, scope=None, limit: int = 20) -> list[Occurrence]:
    return open_work(now, now + warning_window(), scope, limit)


def open_between(start: datetime, end: datetime, scope=None, limit: int = 50) -> list[Occurrence]:
    return open_work(start, end, scope, limit, states=(*NOT_DONE_STATES, OccurrenceState.RETURNED))


def escalated_count(now: datetime) -> int:
    """Overdue periods whose warnings have reached the supervising leader (the last level)."""
    from tracker.notify.models import Escalation
    from tracker.notify.services import SUPERVISOR_LEVEL

    reached = select(Escalation.occurrence_id).where(Escalation.level == SUPERVISOR_LEVEL)
    return db.session.scalar(
        select(func.count(Occurrence.id)).where(Occurrence.id.in_(reached),
                                                Occurrence.state.in_(NOT_DONE_STATES),
                                                Occurrence.due_at < now)) or 0


def returned(scope=None, limit: int = 50) -> list[Occurrence]:
    """Work the Office sent back, oldest deadline first, until it is handed in again."""
    return occurrence_list(
        [Occurrence.state == OccurrenceState.RETURNED, *([scope] if scope is not None else [])],
        Occurrence.due_at.asc(), limit)


def unit_scope(user: User) -> ColumnElement[bool] | None:
    """The work of the person's unit (what an officer may read), None without a unit."""
    return Occurrence.unit_id == user.unit_id if user.unit_id is not None else None
