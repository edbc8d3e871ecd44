"""Deadline change requests (đề nghị điều chỉnh thời hạn), after QĐ 42/2014 (amended by QĐ
23/2018): the unit asks before the deadline, with a reason; the one who assigned decides.

An approved request moves the period's deadline and keeps the first one on the period, so the
evaluation (which compares the hand-in time with ``due_at``) counts against the new deadline and
the history shows both. A request made in time counts even when decided after the old deadline.
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from tracker.assignments import policies
from tracker.assignments.models import DeadlineRequest, RequestState
from tracker.assignments.telling import office_staff, tell
from tracker.audit.services import record
from tracker.db import LOCAL_TZ, utcnow
from tracker.extensions import db
from tracker.org.models import User
from tracker.schedule.planning import due_datetime
from tracker.workflow.models import Occurrence, OccurrenceState


class DeadlineError(ValueError):
    """The request or decision cannot be made as asked; the message says why."""


def _local(value) -> str:
    return value.astimezone(LOCAL_TZ).strftime("%H:%M %d/%m/%Y")


def pending_request(occurrence: Occurrence) -> DeadlineRequest | None:
    return db.session.scalar(select(DeadlineRequest).where(
        DeadlineRequest.occurrence_id == occurrence.id,
        DeadlineRequest.state == RequestState.PENDING))


def request_change(actor: User, occurrence: Occurrence, new_due_on: date,
                   reason: str) -> DeadlineRequest:
    """Ask for a later deadline for one period; refused once the deadline has passed."""
    if not policies.can_request_deadline(actor, occurrence):
        raise PermissionError
    if not policies.request_in_time(occurrence):
        raise DeadlineError(_(
            "The deadline has passed: a request after the deadline is not an adjustment. "
            "Hand the work in with an explanation of the delay."))
    proposed = due_datetime(new_due_on, occurrence.task.due_rule or {})
    problems = []
    if proposed <= occurrence.due_at:
        problems.append(_("Propose a deadline later than the current one (%(due)s).",
                          due=_local(occurrence.due_at)))
    if not reason.strip():
        problems.append(_("Give the reason the work cannot be finished on time."))
    if pending_request(occurrence) is not None:
        problems.append(_("A request for this period is already awaiting a decision."))
    if problems:
        raise DeadlineError(" ".join(problems))
    request = DeadlineRequest(
        occurrence_id=occurrence.id, unit_id=occurrence.unit_id, requested_by_id=actor.id,
        old_due_at=occurrence.due_at, proposed_due_at=proposed, reason=reason.strip())
    db.session.add(request)
    db.session.flush()
    record(actor, "occurrence.deadline_request", occurrence,
           after={"request_id": request.id, "due_at": occurrence.due_at.isoformat(),
                  "proposed_due_at": proposed.isoformat(), "reason": request.reason},
           summary=occurrence.task.code)
    leader = policies.deciding_leader(occurrence.task)
    title = _("Deadline change requested: %(code)s – %(title)s", code=occurrence.task.code,
              title=occurrence.task.title)
    body = _("%(unit)s asks to move the deadline from %(old)s to %(new)s. Reason: %(reason)s",
             unit=occurrence.unit.name, old=_local(occurrence.due_at), new=_local(proposed),
             reason=request.reason)
    tell([leader] if leader else office_staff(), "deadline_request", title, body, occurrence)
    return request


def decide(actor: User, request: DeadlineRequest, approve: bool, note: str) -> DeadlineRequest:
    """Approve (the deadline moves) or refuse (with a note); the requester is told."""
    if not policies.can_decide_deadline(actor, request):
        raise PermissionError
    occurrence = request.occurrence
    if not approve and not note.strip():
        raise DeadlineError(_("Say why the request is refused."))
    if approve and occurrence.state == OccurrenceState.NOT_APPLICABLE:
        raise DeadlineError(_("This period is no longer required; there is no deadline to move."))
    before = {"due_at": occurrence.due_at.isoformat()}
    request.state = RequestState.APPROVED if approve else RequestState.REFUSED
    request.decided_by_id = actor.id
    request.decided_at = utcnow()
    request.decision_note = note.strip()
    if approve:
        if occurrence.original_due_at is None:
            occurrence.original_due_at = occurrence.due_at
        occurrence.due_at = request.proposed_due_at
    db.session.flush()
    record(actor, "occurrence.deadline_decide", occurrence, before=before if approve else {},
           after={"request_id": request.id, "decision": request.state.value,
                  "note": request.decision_note,
                  **({"due_at": occurrence.due_at.isoformat()} if approve else {})},
           summary=occurrence.task.code)
    code, task_title = occurrence.task.code, occurrence.task.title
    if approve:
        title = _("Deadline change approved: %(code)s – %(title)s", code=code, title=task_title)
        body = _("New deadline: %(new)s (was %(old)s). %(note)s", new=_local(occurrence.due_at),
                 old=_local(request.old_due_at), note=request.decision_note)
    else:
        title = _("Deadline change refused: %(code)s – %(title)s", code=code, title=task_title)
        body = _("The deadline stays %(due)s. %(note)s", due=_local(occurrence.due_at),
                 note=request.decision_note)
    tell([request.requested_by], "deadline_decision", title, body.strip(), occurrence)
    return request
