"""Demo history for a trial installation: months of plausible work, marked as demo data.

Run by ``flask demo`` after the demo accounts exist, so that a new user sees a living
dashboard, inspections and issued rankings at once. Every simulated report says it is demo data,
and each simulated period has an audit entry saying so. Deterministic (a fixed random seed).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from tracker.audit.models import AuditEntry
from tracker.audit.services import record
from tracker.db import LOCAL_TZ, utcnow
from tracker.directives.models import Task
from tracker.evaluation import authority, issuing
from tracker.evaluation import services as evaluation
from tracker.extensions import db
from tracker.indicators.services import reading_from_occurrence
from tracker.inspections import services as inspections
from tracker.inspections.models import InspectionItem, ItemResult
from tracker.months import Month
from tracker.org.models import Role, User
from tracker.workflow.models import (
    AccountabilityDecision,
    Cause,
    Decision,
    Explanation,
    Occurrence,
    OccurrenceState,
)

MARK = "[Dữ liệu mẫu]"
REPORTS = ("Đã thực hiện theo kế hoạch, có báo cáo kèm theo.",
           "Đã rà soát, không phát sinh hồ sơ quá hạn.",
           "Đã tổng hợp số liệu và báo cáo lãnh đạo.",
           "Đã tổ chức thực hiện, kết quả đạt yêu cầu.")
LATE_REASONS = ((Cause.OBJECTIVE, "Hệ thống một cửa điện tử gián đoạn trong ngày."),
                (Cause.OBJECTIVE, "Chờ số liệu của đơn vị phối hợp."),
                (Cause.SUBJECTIVE, "Cán bộ phụ trách nghỉ ốm, chưa bố trí người thay."),
                (Cause.SUBJECTIVE, "Chậm tổng hợp báo cáo."))


@dataclass
class DemoReport:
    periods: int = 0
    rounds: int = 0
    rankings: int = 0


def already_simulated() -> bool:
    return db.session.scalar(
        select(AuditEntry.id).where(AuditEntry.action == "demo.simulate").limit(1)) is not None


def _people() -> tuple[User | None, User | None, dict[int, User]]:
    users = db.session.scalars(select(User).where(User.is_demo, User.is_active)).all()
    office = next((u for u in users if u.role == Role.OFFICE), None)
    leader = next((u for u in users if u.role == Role.LEADER), None)
    heads = {u.unit_id: u for u in users if u.role == Role.UNIT_HEAD}
    return office, leader, heads


def simulate(now: datetime | None = None) -> DemoReport:
    """Fill the past with work done, late, returned, skipped and still open; flush only."""
    now = now or utcnow()
    report = DemoReport()
    if already_simulated():
        return report
    rng = random.Random(2026)  # noqa: S311 (demo data, not secrets)
    office, leader, heads = _people()
    if office is None or leader is None:
        return report
    past = db.session.scalars(
        select(Occurrence).join(Occurrence.task)
        .where(Task.is_active, Occurrence.due_at < now, Occurrence.state == OccurrenceState.OPEN)
        .order_by(Occurrence.due_at, Occurrence.id)).all()
    late_for_review: list[tuple[Occurrence, User]] = []
    for occurrence in past:
        author = heads.get(occurrence.unit_id) or office
        recent = now - occurrence.due_at < timedelta(days=10)
        roll = rng.random()
        occurrence.report = f"{MARK} {rng.choice(REPORTS)}"
        if occurrence.task.indicator_id is not None:
            target = occurrence.task.indicator.target
            occurrence.reported_value = round(target * rng.uniform(0.85, 1.1), 1)
        if recent and roll < 0.25:
            occurrence.state, occurrence.report = OccurrenceState.OPEN, ""
            occurrence.reported_value = None
        elif recent and roll < 0.4:
            occurrence.state = OccurrenceState.SUBMITTED
            occurrence.submitted_at = occurrence.due_at - timedelta(hours=rng.randint(1, 20))
        elif roll < 0.80:
            _verify(occurrence, office, occurrence.due_at - timedelta(hours=rng.randint(1, 30)))
        elif roll < 0.90:
            submitted = occurrence.due_at + timedelta(hours=rng.randint(2, 60))
            _verify(occurrence, office, submitted)
            cause, text = rng.choice(LATE_REASONS)
            db.session.add(Explanation(occurrence_id=occurrence.id, author_id=author.id,
                                       cause=cause, text=f"{MARK} {text}",
                                       created_at=submitted))
            if cause == Cause.SUBJECTIVE:
                late_for_review.append((occurrence, author))
        elif roll < 0.95:
            occurrence.times_returned = 1
            occurrence.return_reason = f"{MARK} Thiếu minh chứng kèm theo."
            _verify(occurrence, office, occurrence.due_at - timedelta(hours=rng.randint(1, 8)))
        elif roll < 0.97:
            occurrence.state = OccurrenceState.NOT_APPLICABLE
            occurrence.skip_reason = f"{MARK} Trùng lịch nghỉ đột xuất theo chỉ đạo."
        elif recent:
            occurrence.state, occurrence.report = OccurrenceState.IN_PROGRESS, ""
        else:
            _verify(occurrence, office, occurrence.due_at - timedelta(hours=2))
        if occurrence.state == OccurrenceState.VERIFIED and occurrence.reported_value is not None:
            db.session.flush()
            reading_from_occurrence(occurrence, office)  # the figure lands on its indicator
        record(None, "demo.simulate", occurrence, after={"state": occurrence.state.value},
               summary=f"{MARK} {occurrence.task.code}")
        report.periods += 1
    for occurrence, author in late_for_review[::2]:
        decision = AccountabilityDecision(
            occurrence_id=occurrence.id, person_id=author.id, decided_by_id=leader.id,
            decision=rng.choice((Decision.REMINDER, Decision.REVIEW)),
            outcome=f"{MARK} Nhắc nhở, yêu cầu rút kinh nghiệm.",
            month=Month.of(occurrence.due_at).stored)
        db.session.add(decision)
    db.session.flush()
    report.rounds = _inspections(now, office, rng)
    report.rankings = _rankings(now, office, leader)
    return report


def _verify(occurrence: Occurrence, office: User, submitted: datetime) -> None:
    occurrence.state = OccurrenceState.VERIFIED
    occurrence.submitted_at = submitted
    occurrence.verified_at = submitted + timedelta(hours=3)
    occurrence.verified_by_id = office.id


def _first_work_day(now: datetime) -> date | None:
    first_due = db.session.scalar(select(Occurrence.due_at).order_by(Occurrence.due_at).limit(1))
    return first_due.astimezone(LOCAL_TZ).date() if first_due else None


def _inspections(now: datetime, office: User, rng: random.Random) -> int:
    start = _first_work_day(now)
    if start is None:
        return 0
    today = now.astimezone(LOCAL_TZ).date()
    window = inspections.window_for(start)[0]
    count = 0
    while inspections.window_for(window)[1] < today:
        inspection = inspections.open_round(office, window)
        for item in db.session.scalars(select(InspectionItem).where(
                InspectionItem.round_id == inspection.id)):
            failing = rng.random() < 0.08
            inspections.mark_item(office, item, ItemResult.FAIL if failing else ItemResult.PASS,
                                  f"{MARK} Chưa đầy đủ hồ sơ theo dõi." if failing else "")
        end = inspections.window_for(window)[1]
        inspections.complete(office, inspection, office, end + timedelta(days=1),
                             f"{MARK} Các đơn vị cơ bản thực hiện nghiêm túc; khắc phục tồn tại.")
        inspections.publish(office, inspection)
        count += 1
        window = end + timedelta(days=1)
    return count


def _rankings(now: datetime, office: User, leader: User) -> int:
    start = _first_work_day(now)
    if start is None:
        return 0
    month = start.replace(day=1)
    this_month = now.astimezone(LOCAL_TZ).date().replace(day=1)
    count = 0
    while month < this_month:
        draft = evaluation.compute(office, month, now=now)
        issuing.resolve_cap(leader, draft, keep_reason=f"{MARK} Giữ kết quả theo điểm.")
        issuing.issue(leader, draft, signer=authority.default_signer() or authority.signer_of(
            leader), pending_reason=f"{MARK} Ban hành theo lịch.", now=now)
        count += 1
        month += relativedelta(months=1)
    return count
