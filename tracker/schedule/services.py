"""Changes to the calendar and the schedule, each audited."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select

from tracker.audit.services import record, snapshot
from tracker.directives.models import Frequency, Task
from tracker.extensions import db
from tracker.org.models import User
from tracker.schedule.calendar import WorkCalendar
from tracker.schedule.models import CalendarDay, DayKind
from tracker.schedule.planning import SyncResult, due_datetime, sync_tasks
from tracker.workflow.models import Occurrence


class ScheduleError(ValueError):
    """A change the schedule cannot accept; the message is for the person who asked."""


def active_tasks() -> list[Task]:
    return list(db.session.scalars(select(Task).where(Task.is_active).order_by(Task.id)))


def set_calendar_day(actor: User | None, day: date, kind: DayKind, reason: str) -> SyncResult:
    """Declare ``day`` a day off or a make-up working day, then re-plan future work."""
    reason = reason.strip()
    if not reason:
        raise ScheduleError(_("Give the reason (for example the decision that sets the day)."))
    row = db.session.scalar(select(CalendarDay).where(CalendarDay.day == day))
    if row is None:
        row = CalendarDay(day=day, kind=kind, reason=reason,
                          created_by_id=actor.id if actor else None)
        db.session.add(row)
        db.session.flush()
        record(actor, "calendar.set", row, after=snapshot(row, ["day", "kind", "reason"]),
               summary=day.isoformat())
    elif row.kind != kind or row.reason != reason:
        before = snapshot(row, ["kind", "reason"])
        row.kind, row.reason = kind, reason
        record(actor, "calendar.set", row, before=before,
               after=snapshot(row, ["kind", "reason"]), summary=day.isoformat())
    return sync_tasks(active_tasks())


def remove_calendar_day(actor: User | None, row: CalendarDay) -> SyncResult:
    record(actor, "calendar.remove", row, before=snapshot(row, ["day", "kind", "reason"]),
           summary=row.day.isoformat())
    db.session.delete(row)
    db.session.flush()
    return sync_tasks(active_tasks())


def open_event(actor: User, task: Task, event_on: date, note: str) -> Occurrence:
    """Record that an on-event duty arose (an overdue dossier, a request for help)."""
    if task.frequency != Frequency.ON_EVENT:
        raise ScheduleError(_("Only a task done when something occurs can record an event."))
    calendar = WorkCalendar.load(event_on, event_on.replace(year=event_on.year + 1))
    within = int(task.due_rule.get("within_working_days", 1))
    due_on = calendar.add_working_days(event_on, within)
    sequence = db.session.scalar(
        select(func.coalesce(func.max(Occurrence.sequence), -1) + 1).where(
            Occurrence.task_id == task.id, Occurrence.period_start == event_on
        )
    )
    occurrence = Occurrence(
        task_id=task.id, unit_id=task.owner_unit_id, period_start=event_on, period_end=due_on,
        sequence=sequence,
        due_at=due_datetime(due_on, task.due_rule), note=note.strip()[:300],
    )
    db.session.add(occurrence)
    db.session.flush()
    record(actor, "occurrence.open_event", occurrence,
           after=snapshot(occurrence, ["task_id", "period_start", "due_at", "note"]),
           summary=task.code)
    return occurrence
