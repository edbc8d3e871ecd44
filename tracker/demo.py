"""Demo history for a trial installation: months of plausible work, marked as demo data.

Run by ``flask demo`` after the demo accounts exist, so that a new user sees a living
dashboard, inspections and issued rankings at once. Every simulated report says it is demo data,
and each simulated period has an audit entry saying so. Deterministic (a fixed random seed).

The history is replayed through the same services people use (hand in, verify, return, skip,
decide; inspections; rankings), so every write has its audit entry and obeys the same rules.
Each step runs inside :func:`tracker.db.clock_at` at the moment it simulates (never later than
now), so the entries carry that moment instead of today's.
"""

from __future__ import annotations

import random
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from tracker.audit.models import AuditEntry
from tracker.audit.services import record
from tracker.db import LOCAL_TZ, clock_at, utcnow
from tracker.directives.models import Task
from tracker.evaluation import authority, issuing
from tracker.evaluation import services as evaluation
from tracker.extensions import db
from tracker.inspections import services as inspections
from tracker.inspections.models import InspectionItem, ItemResult
from tracker.org.models import Role, Unit, UnitKind, User
from tracker.workflow import services as workflow
from tracker.workflow.models import Cause, Decision, Occurrence, OccurrenceState

MARK = "[Dữ liệu mẫu]"
REPORTS = ("Đã thực hiện theo kế hoạch, có báo cáo kèm theo.",
           "Đã rà soát, không phát sinh hồ sơ quá hạn.",
           "Đã tổng hợp số liệu và báo cáo lãnh đạo.",
           "Đã tổ chức thực hiện, kết quả đạt yêu cầu.")
LATE_REASONS = ((Cause.OBJECTIVE, "Hệ thống một cửa điện tử gián đoạn trong ngày."),
                (Cause.OBJECTIVE, "Chờ số liệu của đơn vị phối hợp."),
                (Cause.SUBJECTIVE, "Cán bộ phụ trách nghỉ ốm, chưa bố trí người thay."),
                (Cause.SUBJECTIVE, "Chậm tổng hợp báo cáo."))
EVIDENCE_URL = "https://dichvucong.gov.vn/"


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
    replay = Replay(office, leader, now)
    late_for_review: list[tuple[Occurrence, User, datetime]] = []
    profiles = _unit_profiles()
    for occurrence in past:
        author = heads.get(occurrence.unit_id) or occurrence.responsible
        profile = profiles.get(occurrence.unit_id, STEADY)
        recent = now - occurrence.due_at < timedelta(days=10)
        roll = rng.random()
        work = Work(occurrence, author, f"{MARK} {rng.choice(REPORTS)}")
        if occurrence.task.indicator_id is not None:
            target = occurrence.task.indicator.target
            work.figure = round(target * rng.uniform(0.85, 1.1), 1)
        due = occurrence.due_at
        if author is None or (recent and roll < 0.25):
            pass  # still open: nobody has reported yet (or there is nobody to report)
        elif recent and roll < 0.4:
            replay.hand_in(work, at_work(due - timedelta(hours=rng.randint(1, 20)), due, rng))
        elif recent and roll < 0.44:
            handed_in = at_work(due - timedelta(hours=rng.randint(1, 20)), due, rng)
            replay.hand_in(work, handed_in)
            replay.give_back(occurrence, checked_after(handed_in),
                             f"{MARK} Minh chứng chưa đúng kỳ báo cáo, đề nghị bổ sung.")
        else:
            _settle(replay, work, profile, rng.random(), rng, late_for_review)
        record(None, "demo.simulate", occurrence, after={"state": occurrence.state.value},
               summary=f"{MARK} {occurrence.task.code}")
        report.periods += 1
    for occurrence, author, handed_in in late_for_review[::2]:
        with replay.at(handed_in + timedelta(days=2)):
            workflow.decide(leader, occurrence, rng.choice((Decision.REMINDER, Decision.REVIEW)),
                            author, f"{MARK} Nhắc nhở, yêu cầu rút kinh nghiệm.")
    db.session.flush()
    report.rounds = _inspections(now, office, rng)
    report.rankings = _rankings(now, office, leader)
    return report


@dataclass
class Work:
    """What the unit hands in for one simulated period."""

    occurrence: Occurrence
    author: User
    report: str
    figure: float | None = None


@dataclass
class Replay:
    """Replays one step of the history through the workflow services, at its moment."""

    office: User
    leader: User
    now: datetime

    def at(self, moment: datetime) -> AbstractContextManager[None]:
        """Stamp what happens inside at ``moment``; a simulated future is still now."""
        return clock_at(min(moment, self.now))

    def hand_in(self, work: Work, moment: datetime,
                late: tuple[Cause, str] | None = None) -> None:
        """Attach a link as evidence (the first time) and hand the report in."""
        occurrence = work.occurrence
        cause, explanation = late or (None, "")
        with self.at(moment):
            if workflow.evidence_count(occurrence) == 0:
                workflow.add_link(work.author, occurrence, EVIDENCE_URL,
                                  f"{MARK} Báo cáo kết quả thực hiện")
            workflow.save_report(work.author, occurrence, version=None, report=work.report,
                                 reported_value=work.figure, submit=True, cause=cause,
                                 explanation=explanation)

    def verify(self, occurrence: Occurrence, handed_in: datetime) -> None:
        """The Office approves (a leader, when the Office handed the work in itself)."""
        checker = self.leader if occurrence.submitted_by_id == self.office.id else self.office
        with self.at(checked_after(handed_in)):
            workflow.verify(checker, occurrence, None)

    def give_back(self, occurrence: Occurrence, moment: datetime, reason: str) -> None:
        with self.at(moment):
            workflow.return_work(self.office, occurrence, None, reason)

    def skip(self, occurrence: Occurrence, moment: datetime, reason: str) -> None:
        with self.at(moment):
            workflow.mark_not_required(self.office, occurrence, None, reason)


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


def _settle(replay: Replay, work: Work, profile: Profile, roll: float, rng: random.Random,
            late_for_review: list[tuple[Occurrence, User, datetime]]) -> None:
    """A past period as the unit's profile makes it: missed, late, returned, skipped or on time."""
    occurrence = work.occurrence
    due = occurrence.due_at
    if roll < profile.missed:
        return  # never done: the period stays open
    roll -= profile.missed
    if roll < profile.late:
        handed_in = at_work(due + timedelta(hours=rng.randint(2, 60)), due, rng)
        cause, text = rng.choice(LATE_REASONS)
        replay.hand_in(work, handed_in, late=(cause, f"{MARK} {text}"))
        replay.verify(occurrence, handed_in)
        if cause == Cause.SUBJECTIVE:
            late_for_review.append((occurrence, work.author, handed_in))
        return
    roll -= profile.late
    if roll < profile.returned:
        # Handed in early, returned and handed in again, all before the deadline.
        handed_in = at_work(due - timedelta(hours=rng.randint(1, 8)), due, rng)
        replay.hand_in(work, handed_in)
        replay.give_back(occurrence, handed_in + (due - handed_in) / 3,
                         f"{MARK} Thiếu minh chứng kèm theo.")
        again = handed_in + (due - handed_in) * 2 / 3
        replay.hand_in(work, again)
        replay.verify(occurrence, again)
    elif roll < profile.returned + 0.02:
        replay.skip(occurrence, at_work(due - timedelta(hours=24), due, rng),
                    f"{MARK} Trùng lịch nghỉ đột xuất theo chỉ đạo.")
    else:
        handed_in = at_work(due - timedelta(hours=rng.randint(1, 30)), due, rng)
        replay.hand_in(work, handed_in)
        replay.verify(occurrence, handed_in)


def morning_of(day: date) -> datetime:
    return datetime.combine(day, time(9), tzinfo=LOCAL_TZ)


def checked_after(handed_in: datetime) -> datetime:
    """The Office checks within the working day, or the next morning."""
    checked = handed_in + timedelta(hours=3)
    if checked.astimezone(LOCAL_TZ).hour >= 17:
        checked = morning_of(checked.astimezone(LOCAL_TZ).date() + timedelta(days=1))
    return checked


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
        end = inspections.window_for(window)[1]
        # The Office inspects the morning after the half-month and signs the record that day.
        with clock_at(min(morning_of(end + timedelta(days=1)), now)):
            inspection = inspections.open_round(office, window)
            for item in db.session.scalars(select(InspectionItem).where(
                    InspectionItem.round_id == inspection.id)):
                failing = rng.random() < profiles.get(item.unit_id, STEADY).failing
                inspections.mark_item(office, item,
                                      ItemResult.FAIL if failing else ItemResult.PASS,
                                      f"{MARK} Chưa đầy đủ hồ sơ theo dõi." if failing else "")
            inspections.complete(office, inspection, office, end + timedelta(days=1),
                                 f"{MARK} Các đơn vị cơ bản thực hiện nghiêm túc; khắc phục tồn "
                                 "tại.")
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
        # Ranked and issued in the first days of the next month.
        issued_at = min(morning_of(month + relativedelta(months=1, days=4)), now)
        with clock_at(issued_at):
            draft = evaluation.compute(office, month, now=issued_at)
            # The leaders' decision when too many units score excellent: the lowest of them are
            # rated good, as the cap asks (the warning a real month would show, then resolved).
            issuing.resolve_cap(leader, draft, lower_reason=(
                f"{MARK} Giữ tỷ lệ Hoàn thành xuất sắc không quá 20% số đơn vị Hoàn thành tốt."))
            issuing.issue(leader, draft, signer=authority.default_signer()
                          or authority.signer_of(leader),
                          pending_reason=f"{MARK} Ban hành theo lịch.", now=issued_at)
        count += 1
        month += relativedelta(months=1)
    return count
