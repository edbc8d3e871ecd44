"""Demo history for a trial installation: months of plausible work, marked as demo data.

Run by ``flask demo`` after the demo accounts exist, so that a new user sees a living
dashboard, inspections and issued rankings at once. Every simulated report says it is demo data,
and each simulated period has an audit entry saying so. Deterministic (a fixed random seed).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

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
from tracker.org.models import Role, Unit, UnitKind, User
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
    profiles = _unit_profiles()
    for occurrence in past:
        author = heads.get(occurrence.unit_id) or office
        profile = profiles.get(occurrence.unit_id, STEADY)
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
            occurrence.submitted_at = at_work(
                occurrence.due_at - timedelta(hours=rng.randint(1, 20)), occurrence.due_at, rng)
        elif recent and roll < 0.44:
            occurrence.state, occurrence.times_returned = OccurrenceState.RETURNED, 1
            occurrence.return_reason = f"{MARK} Minh chứng chưa đúng kỳ báo cáo, đề nghị bổ sung."
            occurrence.submitted_at = at_work(
                occurrence.due_at - timedelta(hours=rng.randint(1, 20)), occurrence.due_at, rng)
        else:
            _settle(occurrence, profile, rng.random(), office, author, rng, late_for_review)
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


@dataclass(frozen=True)
class Profile:
    """How a unit works: shares of its periods never done, done late, returned once, and of its
    inspection items failed. Units differ, so the ranking has something to rank."""

    missed: float
    late: float
    returned: float
    failing: float


STEADY = Profile(missed=0.0, late=0.06, returned=0.03, failing=0.05)
# By unit, in the order the directive lists them: one steady, then less and less on time, the
# last clearly behind. Levels then spread over a month (measured on the shipped directive:
# about 90+, 85, 80, 75 and 55 points) and the leaders keep the cap on excellent ratings.
PROFILES = (STEADY,
            Profile(missed=0.03, late=0.22, returned=0.10, failing=0.18),
            Profile(missed=0.04, late=0.28, returned=0.10, failing=0.22),
            Profile(missed=0.06, late=0.35, returned=0.12, failing=0.30),
            Profile(missed=0.30, late=0.45, returned=0.15, failing=0.50))


def _unit_profiles() -> dict[int, Profile]:
    units = db.session.scalars(
        select(Unit).where(Unit.is_active, Unit.kind != UnitKind.LEADERSHIP).order_by(Unit.id)
    ).all()
    return {unit.id: PROFILES[index % len(PROFILES)] for index, unit in enumerate(units)}


def at_work(moment: datetime, due_at: datetime, rng: random.Random) -> datetime:
    """Move a simulated hand-in into office hours (08:00–17:00, local), keeping it on the same
    side of the deadline: people do not hand in reports at 23:00 or 02:00."""
    local = moment.astimezone(LOCAL_TZ)
    if 8 <= local.hour < 17:
        return moment
    day = local.date()
    if local.hour >= 17:
        day += timedelta(days=1)
    morning = datetime.combine(day, time(8), tzinfo=LOCAL_TZ) + timedelta(
        minutes=rng.randint(0, 150))
    if (morning <= due_at) == (moment <= due_at):
        return morning
    # The next morning would cross the deadline: hand in that same afternoon instead.
    afternoon = datetime.combine(local.date(), time(14), tzinfo=LOCAL_TZ) + timedelta(
        minutes=rng.randint(0, 150))
    return min(afternoon, due_at - timedelta(minutes=5)) if moment <= due_at else afternoon


def _settle(occurrence: Occurrence, profile: Profile, roll: float, office: User, author: User,
            rng: random.Random, late_for_review: list[tuple[Occurrence, User]]) -> None:
    """A past period as the unit's profile makes it: missed, late, returned, skipped or on time."""
    due = occurrence.due_at
    if roll < profile.missed:
        occurrence.state, occurrence.report = OccurrenceState.OPEN, ""
        occurrence.reported_value = None
        return
    roll -= profile.missed
    if roll < profile.late:
        submitted = at_work(due + timedelta(hours=rng.randint(2, 60)), due, rng)
        _verify(occurrence, office, submitted)
        cause, text = rng.choice(LATE_REASONS)
        db.session.add(Explanation(occurrence_id=occurrence.id, author_id=author.id,
                                   cause=cause, text=f"{MARK} {text}", created_at=submitted))
        if cause == Cause.SUBJECTIVE:
            late_for_review.append((occurrence, author))
        return
    roll -= profile.late
    if roll < profile.returned:
        occurrence.times_returned = 1
        occurrence.return_reason = f"{MARK} Thiếu minh chứng kèm theo."
        _verify(occurrence, office, at_work(due - timedelta(hours=rng.randint(1, 8)), due, rng))
    elif roll < profile.returned + 0.02:
        occurrence.state = OccurrenceState.NOT_APPLICABLE
        occurrence.skip_reason = f"{MARK} Trùng lịch nghỉ đột xuất theo chỉ đạo."
    else:
        _verify(occurrence, office, at_work(due - timedelta(hours=rng.randint(1, 30)), due, rng))


def _verify(occurrence: Occurrence, office: User, submitted: datetime) -> None:
    occurrence.state = OccurrenceState.VERIFIED
    occurrence.submitted_at = submitted
    # The Office checks within the working day, or the next morning.
    checked = submitted + timedelta(hours=3)
    if checked.astimezone(LOCAL_TZ).hour >= 17:
        checked = datetime.combine(checked.astimezone(LOCAL_TZ).date() + timedelta(days=1),
                                   time(9), tzinfo=LOCAL_TZ)
    occurrence.verified_at = checked
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
    profiles = _unit_profiles()
    while inspections.window_for(window)[1] < today:
        inspection = inspections.open_round(office, window)
        for item in db.session.scalars(select(InspectionItem).where(
                InspectionItem.round_id == inspection.id)):
            failing = rng.random() < profiles.get(item.unit_id, STEADY).failing
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
        # The leaders' decision when too many units score excellent: the lowest of them are
        # rated good, as the cap asks (the warning a real month would show, then resolved).
        issuing.resolve_cap(leader, draft, lower_reason=(
            f"{MARK} Giữ tỷ lệ Hoàn thành xuất sắc không quá 20% số đơn vị Hoàn thành tốt."))
        issuing.issue(leader, draft, signer=authority.default_signer() or authority.signer_of(
            leader), pending_reason=f"{MARK} Ban hành theo lịch.", now=now)
        count += 1
        month += relativedelta(months=1)
    return count
