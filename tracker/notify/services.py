"""Daily digests and escalation of overdue work, in the app and by e-mail.

``run_reminders`` is meant for a daily timer. It is safe to run more often: a digest goes to
each person once per local day, and each overdue occurrence reaches each escalation level once
(the DigestLog and Escalation tables' unique keys are the guard).
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload

from tracker.audit.services import record
from tracker.db import LOCAL_TZ, utcnow
from tracker.directives.models import Directive, Task
from tracker.directives.signals import directive_published
from tracker.extensions import db
from tracker.notify.mail import mail_enabled, send_mail
from tracker.notify.models import DigestLog, Escalation, Notification
from tracker.org.models import Role, Unit, User
from tracker.schedule.calendar import WorkCalendar
from tracker.schedule.status import NOT_DONE_STATES, Category, category_of, warning_window
from tracker.workflow.models import Occurrence

DIGEST_LIMIT = 30
UNIT_HEAD_LEVEL, SUPERVISOR_LEVEL = 1, 2


@dataclass
class ReminderReport:
    digests: int = 0
    escalations: dict[int, int] = field(default_factory=lambda: {1: 0, 2: 0})
    emails_sent: int = 0
    emails_failed: int = 0


def notify(user: User, kind: str, title: str, body: str = "",
           occurrence: Occurrence | None = None, task: Task | None = None) -> Notification:
    """An in-app notice; it links to the period (or else the task) it is about."""
    notice = Notification(user_id=user.id, kind=kind, title=title[:300], body=body,
                          occurrence_id=occurrence.id if occurrence else None,
                          task_id=task.id if task else None)
    db.session.add(notice)
    return notice


def unit_heads_by_unit() -> dict[int, list[User]]:
    heads: dict[int, list[User]] = defaultdict(list)
    query = select(User).where(User.role == Role.UNIT_HEAD, User.is_active)
    for user in db.session.scalars(query):
        heads[user.unit_id].append(user)
    return heads


def responsible_people(occurrence: Occurrence, heads: dict[int, list[User]]) -> list[User]:
    """"Rõ người": the delegate, else the task's named person, else the unit's heads."""
    person = occurrence.responsible
    if person is not None and person.is_active:
        return [person]
    # The period's own unit: after a transfer, earlier periods stay with the unit that had them.
    return heads.get(occurrence.unit_id, [])


def working_days_back(calendar: WorkCalendar, today: date, count: int) -> date:
    """The last due date that is at least ``count`` working days behind ``today``."""
    day = today
    while count > 0:
        if calendar.is_working_day(day):
            count -= 1
        day -= timedelta(days=1)
    return day


def _line(occurrence: Occurrence, now: datetime) -> str:
    due = occurrence.due_at.astimezone(LOCAL_TZ)
    status = _("overdue") if occurrence.due_at < now else _("due soon")
    return f"- [{status}] {due:%H:%M %d/%m/%Y} · {occurrence.task.code} · {occurrence.task.title}"


def _link(endpoint: str, **values) -> str:
    base = current_app.config["SITE_URL"].rstrip("/")
    with current_app.test_request_context():
        return base + url_for(endpoint, **values)


def _open_occurrences(until: datetime, since: datetime | None = None):
    window = [Occurrence.due_at <= until] + ([Occurrence.due_at >= since] if since else [])
    return db.session.scalars(
        select(Occurrence)
        .join(Occurrence.task)
        .where(Task.is_active, Occurrence.state.in_(NOT_DONE_STATES), *window)
        .options(
            joinedload(Occurrence.unit).joinedload(Unit.supervisor),
            joinedload(Occurrence.task).joinedload(Task.assignee),
            joinedload(Occurrence.task).joinedload(Task.delegate),
            joinedload(Occurrence.assignee),
        )
        .order_by(Occurrence.due_at)
    ).unique()


def send_digests(now: datetime, report: ReminderReport) -> None:
    today = now.astimezone(LOCAL_TZ).date()
    heads = unit_heads_by_unit()
    items: dict[int, list[Occurrence]] = defaultdict(list)
    people: dict[int, User] = {}
    for occurrence in _open_occurrences(now + warning_window()):
        for person in responsible_people(occurrence, heads):
            items[person.id].append(occurrence)
            people[person.id] = person
    already = set(db.session.scalars(select(DigestLog.user_id).where(DigestLog.day == today)))
    for user_id, occurrences in items.items():
        if user_id in already:
            continue
        person = people[user_id]
        overdue = sum(1 for o in occurrences if category_of(o, now) == Category.OVERDUE)
        title = _("Daily digest %(day)s: %(overdue)d overdue, %(soon)d due soon",
                  day=today.strftime("%d/%m/%Y"), overdue=overdue, soon=len(occurrences) - overdue)
        lines = [_line(o, now) for o in occurrences[:DIGEST_LIMIT]]
        if len(occurrences) > DIGEST_LIMIT:
            lines.append(_("… and %(n)d more.", n=len(occurrences) - DIGEST_LIMIT))
        body = "\n".join([*lines, "", _link("dashboard.home")])
        notify(person, "digest", title, body)
        emailed = bool(person.email) and send_mail(person.email, title, body)
        report.emails_sent += emailed
        report.emails_failed += bool(person.email) and mail_enabled() and not emailed
        db.session.add(DigestLog(user_id=user_id, day=today, item_count=len(occurrences),
                                 emailed=emailed))
        report.digests += 1


def escalate(now: datetime, report: ReminderReport) -> None:
    config = current_app.config
    today = now.astimezone(LOCAL_TZ).date()
    calendar = WorkCalendar.load(today - timedelta(days=400), today)
    levels = {
        UNIT_HEAD_LEVEL: working_days_back(calendar, today, config["ESCALATE_TO_UNIT_HEAD_AFTER"]),
        SUPERVISOR_LEVEL: working_days_back(calendar, today,
                                            config["ESCALATE_TO_SUPERVISOR_AFTER"]),
    }
    latest_cutoff = max(levels.values())
    cutoff_instant = datetime.combine(latest_cutoff + timedelta(days=1), time(), tzinfo=LOCAL_TZ)
    # Each level looks back ESCALATE_WITHIN_DAYS from its own cutoff.
    window = timedelta(days=config["ESCALATE_WITHIN_DAYS"])
    since = datetime.combine(min(levels.values()) - window, time(), tzinfo=LOCAL_TZ)
    done = {(o, lv) for o, lv in db.session.execute(
        select(Escalation.occurrence_id, Escalation.level)
        .join(Occurrence, Occurrence.id == Escalation.occurrence_id)
        .where(Occurrence.due_at >= since))}
    heads = unit_heads_by_unit()
    batches: dict[tuple[int, int], list[Occurrence]] = defaultdict(list)
    recipients: dict[int, User] = {}
    for occurrence in _open_occurrences(cutoff_instant, since):
        due_day = occurrence.due_at.astimezone(LOCAL_TZ).date()
        unit = occurrence.unit
        for level, cutoff in levels.items():
            if not cutoff - window <= due_day <= cutoff or (occurrence.id, level) in done:
                continue
            targets = heads.get(unit.id, []) if level == UNIT_HEAD_LEVEL else (
                [unit.supervisor] if unit.supervisor and unit.supervisor.is_active else [])
            db.session.add(Escalation(occurrence_id=occurrence.id, level=level,
                                      recipient_id=targets[0].id if targets else None))
            report.escalations[level] += 1
            for person in targets:
                batches[(person.id, level)].append(occurrence)
                recipients[person.id] = person
    for (user_id, level), occurrences in batches.items():
        person = recipients[user_id]
        title = (_("Overdue work in your unit: %(n)d item(s)", n=len(occurrences))
                 if level == UNIT_HEAD_LEVEL else
                 _("Overdue work in units you supervise: %(n)d item(s)", n=len(occurrences)))
        lines = [_line(o, now) for o in occurrences[:DIGEST_LIMIT]]
        if len(occurrences) > DIGEST_LIMIT:
            lines.append(_("… and %(n)d more.", n=len(occurrences) - DIGEST_LIMIT))
        body = "\n".join([*lines, "", _link("dashboard.home")])
        for occurrence in occurrences:
            notify(person, f"escalation_{level}", title, _line(occurrence, now), occurrence)
        if person.email:
            sent = send_mail(person.email, title, body)
            report.emails_sent += sent
            report.emails_failed += mail_enabled() and not sent


def run_reminders(now: datetime | None = None) -> ReminderReport:
    """Send today's digests and the escalations due; flush only (the caller commits)."""
    now = now or utcnow()
    report = ReminderReport()
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        send_digests(now, report)
        escalate(now, report)
    db.session.flush()
    if report.digests or any(report.escalations.values()):
        record(None, "notify.remind", None, object_type="ReminderRun", after={
            "digests": report.digests,
            "escalations": report.escalations,
            "emails_sent": report.emails_sent,
            "emails_failed": report.emails_failed,
        }, summary=now.astimezone(LOCAL_TZ).strftime("%d/%m/%Y"))
    return report


def unread_count(user: User) -> int:
    return db.session.scalar(
        select(func.count(Notification.id)).where(
            Notification.user_id == user.id, Notification.read_at.is_(None)
        )
    )


def mark_all_read(actor: User) -> int:
    """Mark every unread notice of ``actor`` as read; returns how many were."""
    count = db.session.execute(
        update(Notification)
        .where(Notification.user_id == actor.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    ).rowcount
    if count:
        record(actor, "notification.read_all", actor, after={"count": count},
               summary=actor.username)
    return count


def renew_calendar_token(actor: User) -> str:
    """Give ``actor`` a new secret calendar address; the old one stops working at once."""
    had_feed = actor.ical_token is not None
    actor.ical_token = secrets.token_urlsafe(32)
    record(actor, "user.ical_token_renew" if had_feed else "user.ical_token_create", actor,
           summary=actor.username)
    return actor.ical_token


def revoke_calendar_token(actor: User) -> bool:
    """Remove ``actor``'s calendar address; False when there was none."""
    if actor.ical_token is None:
        return False
    actor.ical_token = None
    record(actor, "user.ical_token_revoke", actor, summary=actor.username)
    return True


@directive_published.connect
def tell_owner_units(directive: Directive, tasks: list[Task], **_extra) -> int:
    """Tell the heads of each owner unit, in the app and by e-mail, what a newly published
    directive gives it. Returns how many people were told."""
    by_unit: dict[int, list[Task]] = defaultdict(list)
    for task in tasks:
        by_unit[task.owner_unit_id].append(task)
    heads = db.session.scalars(select(User).where(
        User.role == Role.UNIT_HEAD, User.is_active, User.unit_id.in_(list(by_unit))))
    told = 0
    for head in heads:
        title = _("New directive for your unit: %(title)s", title=directive.title)
        body = "\n".join(f"- {task.code} · {task.title}" for task in by_unit[head.unit_id])
        notify(head, "directive", title, body)
        if head.email:
            send_mail(head.email, title, body)
        told += 1
    db.session.flush()
    return told
