"""Compute, correct and issue the monthly evaluation and ranking of units.

Counting is done by the database (a fixed number of aggregate queries whatever the data size);
scoring is :mod:`tracker.evaluation.scoring`'s pure functions; issuing freezes a version with
its inputs, rules, scores and the PDF's bytes and SHA-256.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import asdict
from datetime import date, datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.orm import aliased

from tracker.audit import checkpoints
from tracker.audit.services import record
from tracker.db import utcnow
from tracker.directives.models import Task
from tracker.evaluation import policies, scoring
from tracker.evaluation.documents import report_pdf
from tracker.evaluation.models import Evaluation, EvaluationRow, EvaluationStatus
from tracker.extensions import db
from tracker.indicators.queries import unit_indicator_results
from tracker.indicators.targets import Status as IndicatorStatus
from tracker.inspections.models import InspectionItem, InspectionRound, ItemResult, RoundState
from tracker.months import Month
from tracker.org.models import Role, Unit, User
from tracker.reports.cells import clean_text
from tracker.schedule.status import UNFINISHED_STATES
from tracker.workflow.models import AccountabilityDecision, Occurrence, OccurrenceState


class EvaluationError(ValueError):
    """The request does not fit the evaluation's workflow; the message says why."""


def requested_month(text: str) -> Month:
    """The month asked for, or the evaluation's own message saying how to write one."""
    try:
        return Month.parse(text)
    except ValueError:
        raise EvaluationError(_("Write the month as YYYY-MM, for example 2026-10.")) from None


def rules() -> dict:
    return scoring.load_rules(current_app.config.get("EVALUATION_CONFIG"))


def ranked_units() -> list[Unit]:
    return list(db.session.scalars(
        select(Unit).where(Unit.is_active, Unit.is_ranked).order_by(Unit.name)))


def gather(first: date, now: datetime | None = None) -> dict[int, scoring.UnitMonth]:
    """Count every ranked unit's month with three aggregate queries."""
    now = now or utcnow()
    start, end = Month.of(first).bounds()
    cutoff = min(now, end)
    unit_ids = select(Unit.id).where(Unit.is_active, Unit.is_ranked)
    verified = Occurrence.state == OccurrenceState.VERIFIED
    unfinished = Occurrence.state.in_(UNFINISHED_STATES)
    work = db.session.execute(
        select(
            Occurrence.unit_id,
            func.count().filter(Occurrence.state != OccurrenceState.NOT_APPLICABLE),
            func.count().filter(verified, Occurrence.submitted_at <= Occurrence.due_at),
            func.count().filter(verified, Occurrence.submitted_at > Occurrence.due_at),
            func.count().filter(unfinished, Occurrence.due_at < cutoff),
            func.count().filter(Occurrence.times_returned > 0),
        )
        .where(Occurrence.unit_id.in_(unit_ids), Occurrence.state.in_(list(OccurrenceState)),
               Occurrence.due_at >= start, Occurrence.due_at < end)
        .group_by(Occurrence.unit_id)
    ).all()
    counts: dict[int, dict] = defaultdict(dict)
    for unit_id, due, on_time, late, overdue, returned in work:
        counts[unit_id].update(due=due, on_time=on_time, late=late, overdue_open=overdue,
                               returned=returned)
    last = Month.of(first).last_day
    inspection = db.session.execute(
        select(InspectionItem.unit_id, InspectionItem.result, func.count())
        .join(InspectionRound, InspectionRound.id == InspectionItem.round_id)
        .where(InspectionRound.state == RoundState.COMPLETED,
               InspectionRound.window_start >= first, InspectionRound.window_start <= last,
               InspectionItem.result.in_((ItemResult.PASS, ItemResult.FAIL)))
        .group_by(InspectionItem.unit_id, InspectionItem.result))
    for unit_id, result, count in inspection:
        key = "inspection_passed" if result == ItemResult.PASS else "inspection_failed"
        counts[unit_id][key] = count
    decisions = db.session.execute(
        select(Occurrence.unit_id, AccountabilityDecision.decision, func.count())
        .join(Occurrence, Occurrence.id == AccountabilityDecision.occurrence_id)
        .where(AccountabilityDecision.month == Month.of(first).stored)
        .group_by(Occurrence.unit_id, AccountabilityDecision.decision))
    for unit_id, decision, count in decisions:
        counts[unit_id].setdefault("decisions", {})[decision.value] = count
    if rules()["general"].get("indicators", 0):
        # Only when the rules give indicators a weight: two queries per ranked unit.
        for unit_id in db.session.scalars(unit_ids):
            results = unit_indicator_results(unit_id, Month.of(first))
            counts[unit_id]["indicators_total"] = len(results)
            counts[unit_id]["indicators_met"] = sum(
                1 for result in results if result.status == IndicatorStatus.MET)
    return {unit_id: scoring.UnitMonth(**values) for unit_id, values in counts.items()}


def details(first: date, now: datetime | None = None) -> dict[int, list[dict]]:
    """Every period of the month that cost its unit points, and why (one query, plain rows)."""
    now = now or utcnow()
    start, end = Month.of(first).bounds()
    cutoff = min(now, end)
    late = and_(Occurrence.state == OccurrenceState.VERIFIED,
                Occurrence.submitted_at > Occurrence.due_at)
    overdue = and_(Occurrence.state.in_(UNFINISHED_STATES), Occurrence.due_at < cutoff)
    delegate, named, handed = aliased(User), aliased(User), aliased(User)
    rows = db.session.execute(
        select(Occurrence.id, Occurrence.unit_id, Occurrence.state, Occurrence.due_at,
               Occurrence.submitted_at, Occurrence.times_returned, Task.code, Task.title,
               func.coalesce(handed.full_name, delegate.full_name, named.full_name),
               func.coalesce(handed.title, delegate.title, named.title))
        .join(Task, Task.id == Occurrence.task_id)
        .outerjoin(handed, handed.id == Occurrence.assignee_id)
        .outerjoin(delegate, delegate.id == Task.delegate_id)
        .outerjoin(named, named.id == Task.assignee_id)
        .where(Occurrence.due_at >= start, Occurrence.due_at < end,
               or_(late, overdue, Occurrence.times_returned > 0,
                   Occurrence.state == OccurrenceState.SUBMITTED))
        .order_by(Occurrence.unit_id, Occurrence.due_at)
    )
    heads = {user.unit_id: user for user in db.session.scalars(
        select(User).where(User.role == Role.UNIT_HEAD, User.is_active).order_by(User.id))}
    found: dict[int, list[dict]] = defaultdict(list)
    for (occurrence_id, unit_id, state, due_at, submitted, returned, code, title, name,
         person_title) in rows:
        reasons = []
        if state == OccurrenceState.VERIFIED and submitted > due_at:
            reasons.append("late")
        if state in UNFINISHED_STATES and due_at < cutoff:
            reasons.append("overdue")
        if state == OccurrenceState.SUBMITTED:
            reasons.append("unverified")
        if returned:
            reasons.append("returned")
        if name is None and unit_id in heads:
            # "Rõ người": nobody named, so the head who answers for the unit.
            name, person_title = heads[unit_id].full_name, heads[unit_id].title
        found[unit_id].append({
            "occurrence_id": occurrence_id,
            "task_code": code,
            "task_title": title,
            "due_at": due_at.isoformat(),
            "submitted_at": submitted.isoformat() if submitted else None,
            "state": state.value,
            "responsible": name or "",
            "responsible_title": person_title or "",
            "reasons": reasons,
        })
    return found


def compute(actor: User | None, first: date, reason: str = "",
            now: datetime | None = None) -> Evaluation:
    """Compute (or recompute) the month's draft. Correcting an issued month needs a reason."""
    if actor is not None and not policies.can_compute(actor):
        raise PermissionError
    month = Month.of(first).stored
    current_rules = rules()
    versions = db.session.scalars(
        select(Evaluation).where(Evaluation.month == month).order_by(Evaluation.version)).all()
    draft = next((v for v in versions if v.status == EvaluationStatus.DRAFT), None)
    issued_before = any(v.status != EvaluationStatus.DRAFT for v in versions)
    if issued_before and not reason.strip() and (draft is None or not draft.reason):
        raise EvaluationError(_("This month was already issued: give the reason for the "
                                "correction."))
    if draft is None:
        draft = Evaluation(month=month, version=len(versions) + 1, rules=current_rules,
                           created_by_id=actor.id if actor else None, reason=reason.strip())
        db.session.add(draft)
        action = "evaluation.compute"
    else:
        db.session.execute(delete(EvaluationRow).where(EvaluationRow.evaluation_id == draft.id))
        draft.rules = current_rules
        draft.reason = reason.strip() or draft.reason
        draft.created_at = utcnow()
        action = "evaluation.recompute"
    db.session.flush()
    units = ranked_units()
    months = gather(first, now)
    per_unit = details(first, now)
    ranking = scoring.rank([(unit.id, unit.name, months.get(unit.id, scoring.UnitMonth()))
                            for unit in units], current_rules)
    for position, item in enumerate(ranking, start=1):
        db.session.add(EvaluationRow(
            evaluation_id=draft.id, unit_id=item.key, unit_name=item.name, position=position,
            rank=item.rank, inputs=asdict(item.month), points=item.score.as_dict(),
            total=item.score.total, level=item.level.value, final_level=item.level.value,
            details=per_unit.get(item.key, [])))
    draft.excellent_over_cap = scoring.excellent_over_cap([r.level for r in ranking],
                                                          current_rules)
    db.session.flush()
    db.session.expire(draft, ["rows"])
    record(actor, action, draft, after={"month": month, "version": draft.version,
                                        "units": len(ranking),
                                        "excellent_over_cap": draft.excellent_over_cap},
           summary=f"{month} v{draft.version}")
    return draft


def override_level(actor: User, row: EvaluationRow, level: scoring.Level,
                   reason: str) -> EvaluationRow:
    """The leaders' decision on a unit's level (for example, to respect the cap)."""
    if not policies.can_decide(actor):
        raise PermissionError
    if row.evaluation.is_frozen:
        raise EvaluationError(_("An issued evaluation cannot be changed; compute a correction."))
    reason = clean_text(reason)  # a vertical tab pasted from Word would break the documents
    if not reason.strip():
        raise EvaluationError(_("Give the reason for changing the level."))
    before = {"final_level": row.final_level}
    row.final_level, row.override_reason = level.value, reason.strip()
    levels = [scoring.Level(r.final_level) for r in row.evaluation.rows]
    row.evaluation.excellent_over_cap = scoring.excellent_over_cap(levels, row.evaluation.rules)
    db.session.flush()
    record(actor, "evaluation.override", row.evaluation, before=before,
           after={"unit": row.unit_name, "final_level": row.final_level, "reason": reason},
           summary=row.unit_name)
    return row


def issue(actor: User | None, evaluation: Evaluation, number: str = "") -> Evaluation:
    """Freeze the draft: store the PDF as signed, with its SHA-256; earlier issues stand aside."""
    if evaluation.status != EvaluationStatus.DRAFT:
        raise EvaluationError(_("This version is already issued."))
    if actor is not None and not policies.can_decide(actor):
        raise PermissionError
    for earlier in db.session.scalars(select(Evaluation).where(
            Evaluation.month == evaluation.month,
            Evaluation.status == EvaluationStatus.ISSUED)):
        earlier.status = EvaluationStatus.SUPERSEDED
    evaluation.number = number.strip()
    evaluation.status = EvaluationStatus.ISSUED
    evaluation.issued_by_id = actor.id if actor else None
    evaluation.issued_at = utcnow()
    db.session.flush()
    evaluation.pdf = checkpoints.stamp_pdf(report_pdf(evaluation))  # the log's newest entry
    evaluation.pdf_sha256 = hashlib.sha256(evaluation.pdf).hexdigest()
    db.session.flush()
    record(actor, "evaluation.issue", evaluation,
           after={"month": evaluation.month, "version": evaluation.version,
                  "pdf_sha256": evaluation.pdf_sha256}, summary=evaluation.month)
    return evaluation


def latest_issued(month: str) -> Evaluation | None:
    return db.session.scalar(
        select(Evaluation).where(Evaluation.month == month,
                                 Evaluation.status == EvaluationStatus.ISSUED))
