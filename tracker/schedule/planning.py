"""Turn a task's frequency and due rule into dated occurrences.

Every date comes from an ``rrule`` anchored at the series start, never at "today", so planning
is repeatable: running it again, or from a timer, yields the same occurrences.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from dateutil.rrule import DAILY, FR, MO, MONTHLY, SA, SU, TH, TU, WE, WEEKLY, rrule, weekday
from flask import current_app
from sqlalchemy import select

from tracker.audit.services import record
from tracker.db import LOCAL_TZ, utcnow
from tracker.directives.models import Frequency, Task
from tracker.extensions import db
from tracker.schedule.calendar import WorkCalendar
from tracker.workflow.models import Occurrence, OccurrenceState

WEEKDAYS: dict[str, weekday] = {
    "mon": MO, "tue": TU, "wed": WE, "thu": TH, "fri": FR, "sat": SA, "sun": SU,
}


@dataclass(frozen=True)
class PlannedOccurrence:
    period_start: date
    period_end: date
    due_on: date


def due_datetime(day: date, rule: dict) -> datetime:
    """The local deadline on ``day`` (default 17:00 in Asia/Ho_Chi_Minh), as aware UTC."""
    hours, minutes = (int(part) for part in rule.get("time", "17:00").split(":"))
    return datetime.combine(day, time(hours, minutes), tzinfo=LOCAL_TZ)


def _month_day(value: int | str) -> int:
    return -1 if value == "last" else int(value)


def _month_end(day: date) -> date:
    return day + relativedelta(day=31)


def planned(task: Task, calendar: WorkCalendar, until: date) -> list[PlannedOccurrence]:
    """Occurrences of ``task`` from its start up to ``until`` (and never past its end)."""
    rule = task.due_rule or {}
    start, end = task.starts_on, min(task.ends_on, until)
    if end < start:
        return []
    dtstart = datetime.combine(start, time())
    dtuntil = datetime.combine(end, time())
    shift = current_app.config.get("NON_WORKING_DUE_SHIFT", "previous")

    def adjust(day: date) -> date:
        if calendar.is_working_day(day):
            return day
        if shift == "next":
            return calendar.next_working_day(day)
        return calendar.previous_working_day(day)

    match task.frequency:
        case Frequency.ONCE:
            due = date.fromisoformat(rule["date"]) if "date" in rule else task.ends_on
            return [PlannedOccurrence(start, due, adjust(due))] if due <= until else []
        case Frequency.DAILY:
            return [
                PlannedOccurrence(d.date(), d.date(), d.date())
                for d in rrule(DAILY, dtstart=dtstart, until=dtuntil)
                if calendar.is_working_day(d.date())
            ]
        case Frequency.WEEKLY:
            target = WEEKDAYS[rule.get("weekday", "fri")]
            result = []
            for d in rrule(WEEKLY, byweekday=target, dtstart=dtstart, until=dtuntil):
                monday = d.date() - timedelta(days=d.weekday())
                result.append(PlannedOccurrence(monday, monday + timedelta(days=6),
                                                adjust(d.date())))
            return result
        case Frequency.TWICE_MONTHLY:
            days = [_month_day(x) for x in rule.get("days", [15, "last"])]
            result = []
            for d in rrule(MONTHLY, bymonthday=days, dtstart=dtstart, until=dtuntil):
                first_half = d.day <= 15
                period_start = d.date().replace(day=1 if first_half else 16)
                period_end = d.date().replace(day=15) if first_half else _month_end(d.date())
                result.append(PlannedOccurrence(period_start, period_end, adjust(d.date())))
            return result
        case Frequency.MONTHLY:
            day = _month_day(rule.get("day", "last"))
            return [
                PlannedOccurrence(d.date().replace(day=1), _month_end(d.date()), adjust(d.date()))
                for d in rrule(MONTHLY, bymonthday=day, dtstart=dtstart, until=dtuntil)
            ]
        case Frequency.QUARTERLY:
            day = _month_day(rule.get("day", "last"))
            return [
                PlannedOccurrence(d.date().replace(day=1) - relativedelta(months=2),
                                  _month_end(d.date()), adjust(d.date()))
                for d in rrule(MONTHLY, bymonth=(3, 6, 9, 12), bymonthday=day,
                               dtstart=dtstart, until=dtuntil)
            ]
    return []  # on_event: occurrences are opened when the event is recorded


def horizon() -> date:
    """How far ahead open-ended planning reaches (the directive's end usually comes first)."""
    days = current_app.config.get("PLANNING_HORIZON_DAYS", 400)
    return utcnow().astimezone(LOCAL_TZ).date() + timedelta(days=days)


@dataclass
class SyncResult:
    created: int = 0
    moved: int = 0
    removed: int = 0

    def __iadd__(self, other: SyncResult) -> SyncResult:
        self.created += other.created
        self.moved += other.moved
        self.removed += other.removed
        return self


def _untouched_future(occurrence: Occurrence, now: datetime) -> bool:
    """History is never rewritten: only future work nobody has started may be re-planned."""
    return (
        occurrence.state == OccurrenceState.OPEN
        and occurrence.submitted_at is None
        and occurrence.assignee_id is None
        and not occurrence.report
        and occurrence.original_due_at is None
        and occurrence.due_at > now
    )


def referenced(occurrence_ids: list[int]) -> set[int]:
    """The occurrences something points at (evidence, a notice, an inspection item…).

    Such a period has been acted on, so re-planning keeps it. Every table with a foreign key
    to occurrences is asked, so a new one is covered without changing this function.
    """
    if not occurrence_ids:
        return set()
    found: set[int] = set()
    for table in db.metadata.sorted_tables:
        for key in table.foreign_keys:
            if key.column.table.name == "occurrences" and table.name != "occurrences":
                column = key.parent
                found.update(db.session.scalars(
                    select(column).where(column.in_(occurrence_ids)).distinct()))
    return found


def sync_task(task: Task, calendar: WorkCalendar, until: date | None = None) -> SyncResult:
    """Bring the task's stored occurrences in line with its plan; idempotent."""
    result = SyncResult()
    if task.frequency == Frequency.ON_EVENT:
        return result
    now = utcnow()
    rule = task.due_rule or {}
    existing = {
        occ.period_start: occ
        for occ in db.session.scalars(
            select(Occurrence).where(Occurrence.task_id == task.id, Occurrence.sequence == 0)
        )
    }
    wanted = {}
    if task.is_active:
        wanted = {p.period_start: p for p in planned(task, calendar, until or horizon())}
    for key, plan in wanted.items():
        due_at = due_datetime(plan.due_on, rule)
        occurrence = existing.get(key)
        if occurrence is None:
            db.session.add(Occurrence(task_id=task.id, unit_id=task.owner_unit_id,
                                      period_start=plan.period_start,
                                      period_end=plan.period_end, due_at=due_at))
            result.created += 1
        elif _untouched_future(occurrence, now) and (
            occurrence.due_at != due_at or occurrence.unit_id != task.owner_unit_id
        ):
            occurrence.due_at = due_at
            occurrence.period_end = plan.period_end
            occurrence.unit_id = task.owner_unit_id
            result.moved += 1
    doomed = [occ for key, occ in existing.items()
              if key not in wanted and _untouched_future(occ, now)]
    kept = referenced([occ.id for occ in doomed])
    for occurrence in doomed:
        if occurrence.id not in kept:
            db.session.delete(occurrence)
            result.removed += 1
    db.session.flush()
    if result.created or result.moved or result.removed:
        record(None, "schedule.sync", task, after=asdict(result), summary=task.code)
    return result


def sync_tasks(tasks: list[Task], until: date | None = None) -> SyncResult:
    total = SyncResult()
    if not tasks:
        return total
    start = min(t.starts_on for t in tasks)
    end = max(t.ends_on for t in tasks)
    calendar = WorkCalendar.load(start, end)
    for task in tasks:
        total += sync_task(task, calendar, until)
    return total
