"""The daily loop: report, hand in with evidence, verify or return, explain lateness, decide.

Every function takes the acting user, checks the policy again (views check first, for a clear
403), changes the occurrence, flushes, and writes one audit entry on the occurrence so its page
shows the whole history. A stale form (someone saved in between) raises ConflictError.
"""

from __future__ import annotations

import math
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.datastructures import FileStorage

from tracker.audit.services import record, snapshot
from tracker.db import utcnow
from tracker.directives.models import Task
from tracker.directives.policies import can_delegate_task
from tracker.evidence import storage
from tracker.evidence.models import Evidence, EvidenceKind
from tracker.extensions import db
from tracker.indicators.services import reading_from_occurrence
from tracker.months import Month
from tracker.notify.mail import send_mail
from tracker.notify.services import notify
from tracker.org.models import Role, User
from tracker.workflow import policies, queries
from tracker.workflow.models import (
    AccountabilityDecision,
    Cause,
    Decision,
    Explanation,
    Occurrence,
    OccurrenceState,
)

STATE_FIELDS = ["state", "report", "reported_value", "submitted_at", "verified_at",
                "verified_by_id", "return_reason", "skip_reason", "assignee_id"]


class WorkflowError(ValueError):
    """The change is not allowed as asked; the message tells the person what to do."""


class ConflictError(WorkflowError):
    """Someone else changed the occurrence after this form was opened."""


class NotAllowedError(PermissionError):
    """The actor may not do this to this object."""


def _expect_version(occurrence: Occurrence, version: int | None) -> None:
    if version is not None and occurrence.version != version:
        raise ConflictError(_(
            "Someone else saved this period while you were editing. Your text is kept below: "
            "check the current version, then save again."
        ))


def _flush() -> None:
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise ConflictError(_(
            "Someone else saved this period at the same moment. Reload the page and try again."
        )) from None


def _log(actor: User, action: str, occurrence: Occurrence, before: dict[str, Any],
         extra: dict[str, Any] | None = None) -> None:
    after = snapshot(occurrence, STATE_FIELDS)
    changed_before = {k: v for k, v in before.items() if after.get(k) != v}
    changed_after = {k: after[k] for k in changed_before}
    record(actor, action, occurrence, before=changed_before,
           after={**changed_after, **(extra or {})}, summary=occurrence.task.code)


def is_overdue(occurrence: Occurrence) -> bool:
    return utcnow() > occurrence.due_at


def evidence_count(occurrence: Occurrence) -> int:
    return db.session.scalar(
        select(func.count(Evidence.id)).where(Evidence.occurrence_id == occurrence.id)
    )


def save_report(actor: User, occurrence: Occurrence, *, version: int | None, report: str,
                reported_value: float | None, submit: bool, cause: Cause | None = None,
                explanation: str = "") -> Occurrence:
    """Save the report (in progress), or hand it in for the Office to verify."""
    if not policies.can_report(actor, occurrence):
        raise NotAllowedError
    _expect_version(occurrence, version)
    if reported_value is not None and not math.isfinite(reported_value):
        raise WorkflowError(_("Write a number, for example 85 or 85,5."))
    before = snapshot(occurrence, STATE_FIELDS)
    occurrence.report = report.strip()
    occurrence.reported_value = reported_value
    extra: dict[str, Any] = {}
    if not submit:
        occurrence.state = OccurrenceState.IN_PROGRESS
        _flush()
        _log(actor, "occurrence.save", occurrence, before)
        return occurrence
    problems = []
    if not occurrence.report:
        problems.append(_("Write what was done."))
    if occurrence.task.indicator_id is not None and reported_value is None:
        problems.append(_("Enter the figure for the indicator."))
    if evidence_count(occurrence) == 0 and reported_value is None:
        problems.append(_("Attach evidence (a file or a link) before handing in."))
    late = is_overdue(occurrence)
    # One explanation per period: handing in again (after a return) keeps and may edit it.
    written = queries.explanation_of(occurrence)
    if written is not None:
        cause = cause or written.cause
        explanation = explanation.strip() or written.text
    if late and (cause is None or not explanation.strip()):
        problems.append(_("This period is overdue: choose the cause and explain the delay."))
    if problems:
        raise WorkflowError(" ".join(problems))
    if late:
        if written is None:
            written = Explanation(occurrence_id=occurrence.id, author_id=actor.id)
            db.session.add(written)
        elif (written.cause, written.text) != (cause, explanation.strip()):
            extra["explanation_before"] = {"cause": written.cause.value, "text": written.text}
            written.author_id, written.created_at = actor.id, utcnow()
        written.cause, written.text = cause, explanation.strip()
        extra["explanation"] = {"cause": cause.value, "text": written.text}
    occurrence.state = OccurrenceState.SUBMITTED
    occurrence.submitted_at = utcnow()
    occurrence.submitted_by_id = actor.id
    occurrence.return_reason = ""
    _flush()
    _log(actor, "occurrence.submit", occurrence, before, extra)
    return occurrence


def add_file(actor: User, occurrence: Occurrence, upload: FileStorage,
             description: str = "") -> Evidence:
    if not policies.can_report(actor, occurrence):
        raise NotAllowedError
    name = upload_name(upload)
    return attach_stored(actor, occurrence, storage.store(upload.stream, name), name,
                         description)


def upload_name(upload: FileStorage) -> str:
    return storage.clean_filename(upload.filename, "minh-chung")


def attach_stored(actor: User, occurrence: Occurrence, stored: storage.StoredFile, name: str,
                  description: str = "") -> Evidence:
    """Attach a file already in the store (kept from a try the form refused) as evidence."""
    if not policies.can_report(actor, occurrence):
        raise NotAllowedError
    evidence = Evidence(occurrence_id=occurrence.id, kind=EvidenceKind.FILE, sha256=stored.sha256,
                        original_name=name, media_type=stored.media_type, size=stored.size,
                        description=description.strip()[:300], uploaded_by_id=actor.id)
    db.session.add(evidence)
    db.session.flush()
    record(actor, "occurrence.evidence_add", occurrence,
           after={"evidence_id": evidence.id, "file": name, "sha256": stored.sha256,
                  "size": stored.size}, summary=occurrence.task.code)
    return evidence


def add_link(actor: User, occurrence: Occurrence, url: str, description: str = "") -> Evidence:
    if not policies.can_report(actor, occurrence):
        raise NotAllowedError
    evidence = Evidence(occurrence_id=occurrence.id, kind=EvidenceKind.LINK, url=url.strip(),
                        original_name=description.strip()[:255] or url.strip()[:255],
                        description=description.strip()[:300], uploaded_by_id=actor.id)
    db.session.add(evidence)
    db.session.flush()
    record(actor, "occurrence.evidence_add", occurrence,
           after={"evidence_id": evidence.id, "url": evidence.url}, summary=occurrence.task.code)
    return evidence


def remove_evidence(actor: User, evidence: Evidence) -> None:
    """Take back evidence added by mistake, before the work is handed in (the file stays)."""
    occurrence = evidence.occurrence
    if not policies.can_report(actor, occurrence):
        raise NotAllowedError
    record(actor, "occurrence.evidence_remove", occurrence,
           before={"evidence_id": evidence.id, "name": evidence.original_name,
                   "sha256": evidence.sha256, "url": evidence.url},
           summary=occurrence.task.code)
    db.session.delete(evidence)
    db.session.flush()


def verify(actor: User, occurrence: Occurrence, version: int | None) -> Occurrence:
    if occurrence.submitted_by_id == actor.id:
        raise WorkflowError(_("You handed this period in, so someone else verifies it: "
                              "another member of the Office or a leader."))
    if not policies.can_approve(actor, occurrence):
        raise NotAllowedError
    _expect_version(occurrence, version)
    if occurrence.state != OccurrenceState.SUBMITTED:
        raise WorkflowError(_("Only work handed in and awaiting verification can be approved."))
    before = snapshot(occurrence, STATE_FIELDS)
    occurrence.state = OccurrenceState.VERIFIED
    occurrence.verified_at = utcnow()
    occurrence.verified_by_id = actor.id
    _flush()
    reading_from_occurrence(occurrence, actor)
    _log(actor, "occurrence.verify", occurrence, before)
    return occurrence


def return_work(actor: User, occurrence: Occurrence, version: int | None,
                reason: str) -> Occurrence:
    """Send the work back with a reason; it counts as not done until handed in again."""
    if not policies.can_verify(actor):
        raise NotAllowedError
    _expect_version(occurrence, version)
    if occurrence.state != OccurrenceState.SUBMITTED:
        raise WorkflowError(_("Only work handed in and awaiting verification can be returned."))
    if not reason.strip():
        raise WorkflowError(_("Say why the work is returned, so it can be put right."))
    before = snapshot(occurrence, STATE_FIELDS)
    occurrence.state = OccurrenceState.RETURNED
    occurrence.return_reason = reason.strip()
    occurrence.times_returned += 1
    _flush()
    _log(actor, "occurrence.return", occurrence, before)
    _tell_responsible(occurrence, _("Returned: %(code)s – %(title)s",
                                    code=occurrence.task.code, title=occurrence.task.title),
                      _("Reason: %(reason)s", reason=occurrence.return_reason))
    return occurrence


def mark_not_required(actor: User, occurrence: Occurrence, version: int | None,
                      reason: str) -> Occurrence:
    """The Office allows a period to be skipped (Không thực hiện), with the reason on record."""
    if not policies.can_verify(actor):
        raise NotAllowedError
    _expect_version(occurrence, version)
    if occurrence.state not in policies.EDITABLE_STATES:
        raise WorkflowError(_("Work already handed in or verified cannot be skipped."))
    if not reason.strip():
        raise WorkflowError(_("Say why this period need not be done."))
    before = snapshot(occurrence, STATE_FIELDS)
    occurrence.state = OccurrenceState.NOT_APPLICABLE
    occurrence.skip_reason = reason.strip()
    _flush()
    _log(actor, "occurrence.skip", occurrence, before)
    return occurrence


def delegate_occurrence(actor: User, occurrence: Occurrence, person: User | None,
                        version: int | None) -> Occurrence:
    if not policies.can_delegate(actor, occurrence):
        raise NotAllowedError
    _expect_version(occurrence, version)
    if person is not None and person.unit_id != occurrence.unit_id:
        raise WorkflowError(_("Work can only be handed to people of the same unit."))
    before = snapshot(occurrence, STATE_FIELDS)
    occurrence.assignee_id = person.id if person else None
    _flush()
    _log(actor, "occurrence.delegate", occurrence, before)
    if person is not None:
        notify(person, "delegation", _("Assigned to you: %(code)s – %(title)s",
                                       code=occurrence.task.code, title=occurrence.task.title),
               occurrence=occurrence)
    return occurrence


def delegate_task(actor: User, task: Task, person: User | None) -> Task:
    """Hand a whole task to an officer of the unit (every period not handed to someone else)."""
    if not can_delegate_task(actor, task):
        raise NotAllowedError
    if person is not None and person.unit_id != task.owner_unit_id:
        raise WorkflowError(_("Work can only be handed to people of the same unit."))
    before = {"delegate_id": task.delegate_id}
    task.delegate_id = person.id if person else None
    db.session.flush()
    record(actor, "task.delegate", task, before=before, after={"delegate_id": task.delegate_id},
           summary=task.code)
    if person is not None:
        notify(person, "delegation", _("Assigned to you: %(code)s – %(title)s",
                                       code=task.code, title=task.title), task=task)
    return task


def decide(actor: User, occurrence: Occurrence, decision: Decision, person: User | None,
           outcome: str) -> AccountabilityDecision:
    """Record the leaders' accountability decision (kiểm điểm) on late work."""
    if not policies.can_decide_accountability(actor):
        raise NotAllowedError
    month = Month.of(occurrence.due_at).stored
    row = AccountabilityDecision(
        occurrence_id=occurrence.id, person_id=person.id if person else None, decision=decision,
        outcome=outcome.strip(), decided_by_id=actor.id, month=month,
    )
    db.session.add(row)
    db.session.flush()
    record(actor, "occurrence.accountability", occurrence,
           after={"decision": decision.value, "person_id": row.person_id, "outcome": row.outcome},
           summary=occurrence.task.code)
    return row


def _tell_responsible(occurrence: Occurrence, title: str, body: str) -> None:
    people = [occurrence.responsible] if occurrence.responsible else list(db.session.scalars(
        select(User).where(User.unit_id == occurrence.unit_id, User.role == Role.UNIT_HEAD,
                           User.is_active)))
    for person in people:
        if person is None or not person.is_active:
            continue
        notify(person, "returned", title, body, occurrence)
        if person.email:
            send_mail(person.email, title, body)
