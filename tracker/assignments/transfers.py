"""Transfer a task to another owner unit (chuyển chủ trì) or withdraw it (thu hồi).

Periods carry their own unit, and the evaluation counts a period for the unit stored on it. So
what is finished, and what fell due before the change, stays on the record of the unit that had
it; only periods still to come follow the change. Nothing reported or attached is deleted: a
future period someone has worked on is moved with its work (transfer) or marked not required
with the reason (withdrawal); untouched future periods are re-planned or removed.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from tracker.assignments import policies
from tracker.assignments.models import ChangeKind, TaskChange
from tracker.assignments.telling import tell, unit_heads
from tracker.audit.services import record
from tracker.db import utcnow
from tracker.directives.models import Task
from tracker.extensions import db
from tracker.org.models import Role, Unit, User
from tracker.schedule.planning import sync_tasks
from tracker.schedule.status import UNFINISHED_STATES
from tracker.workflow.models import Occurrence, OccurrenceState


class ChangeError(ValueError):
    """The transfer or withdrawal cannot be made as asked; the message says why."""


def _check(actor: User, task: Task, reason: str, on_behalf_of: User | None) -> list[str]:
    if not policies.can_change_owner(actor, task):
        raise PermissionError
    problems = []
    if not reason.strip():
        problems.append(_("Give the reason."))
    if policies.needs_on_behalf_of(actor) and on_behalf_of is None:
        problems.append(_("Name the leader whose decision the Office records."))
    if on_behalf_of is not None and on_behalf_of.role != Role.LEADER:
        problems.append(_("Work is assigned on behalf of a leader."))
    return problems


def _future_periods(task: Task) -> list[Occurrence]:
    """Periods still to come that the unit holds (not handed in, deadline not passed)."""
    return list(db.session.scalars(
        select(Occurrence).where(Occurrence.task_id == task.id,
                                 Occurrence.state.in_(UNFINISHED_STATES),
                                 Occurrence.due_at > utcnow())
        .order_by(Occurrence.due_at)))


def transfer(actor: User, task: Task, unit: Unit, reason: str,
             on_behalf_of: User | None = None) -> TaskChange:
    problems = _check(actor, task, reason, on_behalf_of)
    if unit.id == task.owner_unit_id:
        problems.append(_("Choose another unit: this one already leads the task."))
    if not unit.is_active:
        problems.append(_("This unit is no longer active."))
    if problems:
        raise ChangeError(" ".join(problems))
    old_unit = task.owner_unit
    moved = _future_periods(task)
    for occurrence in moved:
        occurrence.unit_id = unit.id
        occurrence.assignee_id = None  # a person of the old unit
    task.owner_unit_id = unit.id
    if task.assignee is not None and task.assignee.unit_id != unit.id:
        task.assignee_id = None
    task.delegate_id = None
    db.session.flush()
    db.session.expire(task, ["owner_unit"])
    sync_tasks([task])
    change = TaskChange(task_id=task.id, kind=ChangeKind.TRANSFER, from_unit_id=old_unit.id,
                        to_unit_id=unit.id, reason=reason.strip(), actor_id=actor.id,
                        on_behalf_of_id=on_behalf_of.id if on_behalf_of else None,
                        periods_replanned=len(moved))
    db.session.add(change)
    db.session.flush()
    record(actor, "task.transfer", task, before={"owner_unit": old_unit.code},
           after={"owner_unit": unit.code, "reason": change.reason,
                  "on_behalf_of": change.on_behalf_of_id,
                  "periods_replanned": [occurrence.id for occurrence in moved]},
           summary=task.code)
    title = _("Task transferred: %(code)s – %(title)s", code=task.code, title=task.title)
    body = _("From %(old)s to %(new)s. Reason: %(reason)s", old=old_unit.name, new=unit.name,
             reason=change.reason)
    tell([*unit_heads(old_unit.id), *unit_heads(unit.id), task.assignee], "task_change",
         title, body)
    return change


def withdraw(actor: User, task: Task, reason: str,
             on_behalf_of: User | None = None) -> TaskChange:
    problems = _check(actor, task, reason, on_behalf_of)
    if problems:
        raise ChangeError(" ".join(problems))
    task.is_active = False
    db.session.flush()
    removed = sync_tasks([task]).removed  # untouched future periods go
    closed = _future_periods(task)  # those someone worked on stay, marked not required
    for occurrence in closed:
        occurrence.state = OccurrenceState.NOT_APPLICABLE
        occurrence.skip_reason = _("Task withdrawn: %(reason)s", reason=reason.strip())
    db.session.flush()
    for occurrence in closed:
        record(actor, "occurrence.withdraw", occurrence, after={"state": "not_applicable",
               "skip_reason": occurrence.skip_reason}, summary=task.code)
    change = TaskChange(task_id=task.id, kind=ChangeKind.WITHDRAW,
                        from_unit_id=task.owner_unit_id, reason=reason.strip(),
                        actor_id=actor.id,
                        on_behalf_of_id=on_behalf_of.id if on_behalf_of else None,
                        periods_replanned=removed, periods_closed=len(closed))
    db.session.add(change)
    db.session.flush()
    record(actor, "task.withdraw", task, before={"is_active": True},
           after={"is_active": False, "reason": change.reason,
                  "on_behalf_of": change.on_behalf_of_id, "periods_removed": removed,
                  "periods_closed": [occurrence.id for occurrence in closed]},
           summary=task.code)
    title = _("Task withdrawn: %(code)s – %(title)s", code=task.code, title=task.title)
    tell([*unit_heads(task.owner_unit_id), task.responsible], "task_change", title,
         _("Reason: %(reason)s", reason=change.reason))
    return change
