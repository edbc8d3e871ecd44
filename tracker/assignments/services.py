"""Quick assignment (giao việc): one task given to a unit from the dashboard.

Without a directive, the task is recorded under the month's "Việc phát sinh" record, created on
first use. The task is then planned, reminded, verified and scored like any other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from tracker.assignments import policies
from tracker.assignments.telling import tell, unit_heads
from tracker.audit.services import record, snapshot
from tracker.db import LOCAL_TZ, utcnow
from tracker.directives.models import Directive, Frequency, Task
from tracker.extensions import db
from tracker.org.models import Role, Unit, User
from tracker.schedule.planning import sync_tasks

MONTH_CODE_PREFIX = "VPS-"
# Frequencies the short form offers; the directive editor covers the rest.
QUICK_FREQUENCIES = (Frequency.ONCE, Frequency.DAILY, Frequency.WEEKLY,
                     Frequency.TWICE_MONTHLY, Frequency.MONTHLY)
TASK_FIELDS = ["code", "title", "owner_unit_id", "assignee_id", "assigned_by_id", "frequency",
               "due_rule", "starts_on", "ends_on", "outcome", "directive_id"]


class AssignmentError(ValueError):
    """The assignment cannot be made as asked; the message says what to fix."""


@dataclass
class QuickAssignment:
    title: str
    unit: Unit
    outcome: str
    frequency: Frequency
    # The deadline of a one-off task, or the last day of a recurring one.
    due_on: date
    person: User | None = None
    directive: Directive | None = None
    # The leader on whose authority it is given (the Office acts on a leader's behalf).
    leader: User | None = None
    time: str = "17:00"
    weekday: str = "fri"
    day_of_month: str = "last"
    description: str = ""


def month_directive(actor: User | None, today: date) -> Directive:
    """The month's "Việc phát sinh tháng MM/YYYY" record, created on first use."""
    code = f"{MONTH_CODE_PREFIX}{today:%Y-%m}"
    directive = db.session.scalar(select(Directive).where(Directive.code == code))
    if directive is not None:
        return directive
    first = today.replace(day=1)
    directive = Directive(
        code=code, number="", title=f"Việc phát sinh tháng {today:%m/%Y}",
        issuer=current_app.config["AGENCY_PARENT"], starts_on=first,
        ends_on=first + relativedelta(day=31), issued_on=first, issued_day_known=False,
        assumptions=[_("Jobs assigned in meetings and on documents during the month, "
                       "recorded one by one.")])
    db.session.add(directive)
    db.session.flush()
    record(actor, "directive.create", directive,
           after=snapshot(directive, ["code", "title", "starts_on", "ends_on"]),
           summary=directive.title)
    return directive


def _free_code(directive: Directive) -> str:
    taken = set(db.session.scalars(select(Task.code).where(Task.directive_id == directive.id)))
    number = len(taken) + 1
    while f"PS-{number:02d}" in taken:
        number += 1
    return f"PS-{number:02d}"


def _due_rule(job: QuickAssignment) -> dict[str, Any]:
    rule: dict[str, Any] = {"time": job.time}
    match job.frequency:
        case Frequency.ONCE:
            rule["date"] = job.due_on.isoformat()
        case Frequency.WEEKLY:
            rule["weekday"] = job.weekday
        case Frequency.TWICE_MONTHLY:
            rule["days"] = [15, "last"]
        case Frequency.MONTHLY:
            rule["day"] = job.day_of_month if job.day_of_month == "last" else int(
                job.day_of_month)
    return rule


def _problems(job: QuickAssignment, today: date) -> list[str]:
    problems = []
    if not job.title.strip():
        problems.append(_("Say what is to be done."))
    if not job.outcome.strip():
        problems.append(_("Say what result is expected."))
    if not job.unit.is_active:
        problems.append(_("This unit is no longer active."))
    if job.person is not None and job.person.unit_id != job.unit.id:
        problems.append(_("The person named must belong to the unit given the work."))
    if job.due_on < today:
        problems.append(_("The deadline cannot be in the past."))
    if job.frequency not in QUICK_FREQUENCIES:
        problems.append(_("Choose how often the work is done."))
    if job.leader is not None and job.leader.role != Role.LEADER:
        problems.append(_("Work is assigned on behalf of a leader."))
    return problems


def quick_assign(actor: User, job: QuickAssignment) -> Task:
    """Create the task, plan its periods, and tell the unit at once."""
    if not policies.can_assign(actor):
        raise PermissionError
    today = utcnow().astimezone(LOCAL_TZ).date()
    leader = job.leader or (actor if actor.role == Role.LEADER else None)
    problems = _problems(job, today)
    if problems:
        raise AssignmentError(" ".join(problems))
    directive = job.directive or month_directive(actor, today)
    task = Task(
        directive=directive, code=_free_code(directive), clause="", title=job.title.strip(),
        description=job.description.strip(), owner_unit_id=job.unit.id,
        assignee_id=job.person.id if job.person else None,
        assigned_by_id=leader.id if leader else None, frequency=job.frequency,
        due_rule=_due_rule(job), starts_on=today, ends_on=job.due_on,
        outcome=job.outcome.strip(),
        position=len(directive.tasks),
    )
    db.session.add(task)
    db.session.flush()
    record(actor, "task.assign", task,
           after={**snapshot(task, TASK_FIELDS),
                  "on_behalf_of": leader.id if leader and leader.id != actor.id else None},
           summary=f"{directive.code} / {task.code}: {task.title}"[:300])
    sync_tasks([task])
    title = _("New work assigned: %(code)s – %(title)s", code=task.code, title=task.title)
    body = _("Expected result: %(outcome)s. Deadline: %(due)s.", outcome=task.outcome,
             due=job.due_on.strftime("%d/%m/%Y"))
    tell([*unit_heads(job.unit.id), job.person], "assignment", title, body)
    return task
