"""Issue a month's evaluation: the rules an Office must keep before a Chairman can sign.

- A month is issued from the first day of the next month (Asia/Ho_Chi_Minh), never before.
- Periods awaiting verification block it, unless the issuer accepts them with a reason; they are
  then listed in the report (they were left out of the count: see ``scoring.UnitMonth``).
- Excellent ratings above the cap are resolved first: a lower level, or a leader's recorded
  decision to keep one, with a reason.
- The report names a signer (a person, with the authority line where it applies) and a number
  written as the Office registers it.
- Issuing month M carries out the Office's ranking duty for M: that period is closed by this
  act, recorded as such (not as a verification by anyone).
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from tracker.audit import checkpoints
from tracker.audit.services import record, snapshot
from tracker.db import LOCAL_TZ, utcnow
from tracker.evaluation import policies, scoring
from tracker.evaluation.authority import Signer, default_signer, ranking_task
from tracker.evaluation.documents import report_pdf
from tracker.evaluation.models import Evaluation, EvaluationRow, EvaluationStatus
from tracker.evaluation.services import EvaluationError
from tracker.extensions import db
from tracker.months import Month
from tracker.org.models import User
from tracker.reports.cells import clean_text
from tracker.reports.numbers import official_number
from tracker.schedule.status import UNFINISHED_STATES
from tracker.workflow.models import Occurrence, OccurrenceState


def first_issue_day(month: str) -> date:
    """The first day on which a month can be issued: the 1st of the next month."""
    return Month.parse(month).shift(1).first_day


def check_month_over(month: str, now: datetime | None = None) -> None:
    today = (now or utcnow()).astimezone(LOCAL_TZ).date()
    opens = first_issue_day(month)
    if today < opens:
        raise EvaluationError(_(
            "Month %(month)s is not over: it can be issued from %(day)s.",
            month=Month.parse(month).label, day=opens.strftime("%d/%m/%Y")))


def report_number(typed: str) -> str:
    return official_number(typed, current_app.config["REPORT_NUMBER_SYMBOL"])


def unresolved_excess(evaluation: Evaluation) -> list[EvaluationRow]:
    """The excellent rows a leader must still lower or keep (empty when the cap is met)."""
    if not evaluation.unresolved_excess:
        return []
    return [row for row in evaluation.rows
            if row.final_level == scoring.Level.EXCELLENT and not row.keeps_excellent]


def keep_excellent(actor: User, row: EvaluationRow, reason: str) -> EvaluationRow:
    """A leader's recorded decision: this unit keeps its excellent rating above the cap."""
    if not policies.can_decide(actor):
        raise PermissionError
    if row.evaluation.is_frozen:
        raise EvaluationError(_("An issued evaluation cannot be changed; compute a correction."))
    if row.final_level != scoring.Level.EXCELLENT:
        raise EvaluationError(_("Only an excellent rating can be kept above the cap."))
    reason = clean_text(reason)  # a vertical tab pasted from Word would break the documents
    if not reason.strip():
        raise EvaluationError(_("Give the reason for keeping the excellent rating."))
    before = {"keeps_excellent": row.keeps_excellent, "override_reason": row.override_reason}
    row.keeps_excellent, row.override_reason = True, reason.strip()
    row.decided_by_id = actor.id
    db.session.flush()
    record(actor, "evaluation.keep_excellent", row.evaluation, before=before,
           after={"unit": row.unit_name, "keeps_excellent": True, "reason": reason.strip()},
           summary=row.unit_name)
    return row


def resolve_cap(actor: User, evaluation: Evaluation, keep_reason: str = "",
                lower_reason: str = "") -> None:
    """Resolve the whole excess at once (the command line): keep every excellent rating above
    the cap with one reason, or give "good" to the lowest-scored excellent units until the cap
    holds."""
    from tracker.evaluation.services import override_level

    excess = unresolved_excess(evaluation)
    if keep_reason:
        for row in excess:
            keep_excellent(actor, row, keep_reason)
    elif lower_reason:
        # One at a time, lowest first: each unit lowered to "good" also widens the cap.
        for row in sorted(excess, key=lambda row: (row.total, row.unit_name)):
            if not evaluation.unresolved_excess:
                break
            override_level(actor, row, scoring.Level.GOOD, lower_reason)


def ranking_period(month: str) -> Occurrence | None:
    """The Office's ranking duty for the month (see ``authority.ranking_task``), unfinished."""
    task = ranking_task()
    if task is None:
        return None
    return db.session.scalar(select(Occurrence).where(
        Occurrence.task_id == task.id, Occurrence.period_start == Month.parse(month).first_day,
        Occurrence.state.in_(UNFINISHED_STATES)))


def close_ranking_period(actor: User | None, evaluation: Evaluation) -> Occurrence | None:
    """Close the month's ranking period by the act of issuing: handed in and accepted at the
    moment of issue, accepted by no person (``verified_by`` stays empty), the audit entry
    naming the act."""
    duty = ranking_period(evaluation.month)
    if duty is None:
        return None
    fields = ["state", "report", "submitted_at", "verified_at", "verified_by_id"]
    before = snapshot(duty, fields)
    duty.report = _("Carried out by issuing report no. %(number)s (monthly evaluation "
                    "%(month)s, version %(version)d).", number=evaluation.number,
                    month=Month.parse(evaluation.month).label,
                    version=evaluation.version)
    duty.state = OccurrenceState.VERIFIED
    duty.submitted_at = duty.verified_at = evaluation.issued_at
    duty.verified_by_id = None
    evaluation.closed_occurrence_id = duty.id
    db.session.flush()
    record(actor, "occurrence.close_by_act", duty, before=before,
           after={**snapshot(duty, fields), "act": "evaluation.issue",
                  "evaluation_id": evaluation.id, "number": evaluation.number},
           summary=duty.task.code)
    return duty


def issue(actor: User | None, evaluation: Evaluation, number: str = "",
          signer: Signer | None = None, pending_reason: str = "",
          now: datetime | None = None) -> Evaluation:
    """Freeze the draft: checks first (every problem in one message), then the signed PDF and
    its SHA-256; earlier issues of the month stand aside."""
    if evaluation.status != EvaluationStatus.DRAFT:
        raise EvaluationError(_("This version is already issued."))
    if actor is not None and not policies.can_decide(actor):
        raise PermissionError
    check_month_over(evaluation.month, now)
    problems = []
    awaiting = evaluation.awaiting
    if awaiting and not pending_reason.strip():
        problems.append(_("%(n)d period(s) of the month await verification: verify them and "
                          "compute again, or accept them with a reason.", n=len(awaiting)))
    excess = unresolved_excess(evaluation)
    if excess:
        problems.append(_(
            "%(n)d excellent rating(s) above the cap (at most %(share)s%% of those rated "
            "good): a leader lowers them or keeps them with a reason (%(units)s).",
            n=evaluation.unresolved_excess,
            share=round(evaluation.rules["cap"]["excellent_share_of_good"] * 100),
            units="; ".join(row.unit_name for row in excess)))
    signer = signer or default_signer()
    if signer is None:
        problems.append(_("Choose who signs the report (nobody has the title set in "
                          "REPORT_SIGNER_TITLE)."))
    if problems:
        raise EvaluationError(" ".join(problems))
    for earlier in db.session.scalars(select(Evaluation).where(
            Evaluation.month == evaluation.month,
            Evaluation.status == EvaluationStatus.ISSUED)):
        earlier.status = EvaluationStatus.SUPERSEDED
    evaluation.number = report_number(number)
    evaluation.signer_id = signer.user_id
    evaluation.signer_name, evaluation.signer_title = signer.name, signer.title
    evaluation.signer_authority = signer.authority
    evaluation.pending_reason = clean_text(pending_reason).strip() if awaiting else ""
    evaluation.status = EvaluationStatus.ISSUED
    evaluation.issued_by_id = actor.id if actor else None
    evaluation.issued_at = now or utcnow()
    db.session.flush()
    close_ranking_period(actor, evaluation)
    evaluation.pdf = checkpoints.stamp_pdf(report_pdf(evaluation))  # the log's newest entry
    evaluation.pdf_sha256 = hashlib.sha256(evaluation.pdf).hexdigest()
    db.session.flush()
    record(actor, "evaluation.issue", evaluation,
           after={"month": evaluation.month, "version": evaluation.version,
                  "number": evaluation.number, "signer": evaluation.signer_name,
                  "pending_reason": evaluation.pending_reason,
                  "pdf_sha256": evaluation.pdf_sha256}, summary=evaluation.month)
    return evaluation
