"""Run an inspection round: open it, mark its checklist, turn findings into tasks, sign it off.

Each function takes the acting user, checks the rule it enforces, flushes, and writes the audit
log on the round, so the round's page shows who did what.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from tracker.audit.services import record, snapshot
from tracker.db import LOCAL_TZ, utcnow
from tracker.directives.models import Frequency, Task
from tracker.evidence import storage
from tracker.extensions import db
from tracker.inspections import follow_ups, marking
from tracker.inspections.models import (
    ChecklistCriterion,
    InspectionItem,
    InspectionRound,
    ItemResult,
    RoundState,
)
from tracker.org.models import Role, Unit, UnitKind, User
from tracker.reports.cells import clean_text
from tracker.schedule.calendar import WorkCalendar
from tracker.schedule.planning import sync_tasks
from tracker.schedule.status import UNFINISHED_STATES
from tracker.workflow.models import Occurrence, OccurrenceState

# The standing criteria a new installation starts with; the Office edits them on its page.
DEFAULT_CRITERIA = (
    "Hồ sơ quá hạn đã được rà soát, làm rõ trách nhiệm",
    "Niêm yết công khai thủ tục hành chính đầy đủ, đúng quy định",
    "Báo cáo hằng ngày, hằng tuần gửi đúng thời hạn",
    "Việc chậm trễ đều có giải trình bằng văn bản",
)
ROUND_FIELDS = ["state", "conclusion", "inspector_id", "signed_on", "completed_at",
                "published_at", "minutes_number"]


class InspectionError(ValueError):
    """The request does not fit the round's rules; the message says what to do."""


def window_for(day: date) -> tuple[date, date]:
    """The half-month containing ``day``: 1–15 or 16–last day."""
    if day.day <= 15:
        return day.replace(day=1), day.replace(day=15)
    return day.replace(day=16), day + relativedelta(day=31)


def local_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    return (datetime.combine(start, time(), tzinfo=LOCAL_TZ),
            datetime.combine(end + timedelta(days=1), time(), tzinfo=LOCAL_TZ))


def active_criteria() -> list[ChecklistCriterion]:
    return list(db.session.scalars(
        select(ChecklistCriterion).where(ChecklistCriterion.is_active)
        .order_by(ChecklistCriterion.position, ChecklistCriterion.id)))


def ensure_default_criteria(actor: User) -> bool:
    """A new installation starts from the default list, written the first time someone changes
    the list or opens a round; False when a list already exists."""
    if db.session.scalar(select(func.count(ChecklistCriterion.id))):
        return False
    for position, text in enumerate(DEFAULT_CRITERIA):
        db.session.add(ChecklistCriterion(text=text, position=position))
    db.session.flush()
    record(actor, "inspection.criteria_default", None, object_type="ChecklistCriterion",
           after={"count": len(DEFAULT_CRITERIA)}, summary=str(len(DEFAULT_CRITERIA)))
    return True


def add_criterion(actor: User, text: str) -> ChecklistCriterion:
    text = text.strip()
    if not text:
        raise InspectionError(_("Write the criterion."))
    ensure_default_criteria(actor)
    position = (db.session.scalar(select(func.max(ChecklistCriterion.position))) or 0) + 1
    criterion = ChecklistCriterion(text=text, position=position)
    db.session.add(criterion)
    db.session.flush()
    record(actor, "inspection.criterion_add", criterion, after={"text": text}, summary=text[:80])
    return criterion


def set_criterion_active(actor: User, criterion: ChecklistCriterion, active: bool) -> None:
    if criterion.is_active != active:
        criterion.is_active = active
        record(actor, "inspection.criterion_toggle", criterion, after={"is_active": active},
               summary=criterion.text[:80])


def units_in_scope(inspection: InspectionRound) -> list[Unit]:
    if inspection.units:
        return list(inspection.units)
    return list(db.session.scalars(
        select(Unit).where(Unit.is_active, Unit.kind != UnitKind.LEADERSHIP).order_by(Unit.name)))


def _scope_of(unit_ids: list[int] | None) -> list[Unit]:
    if unit_ids:
        return list(db.session.scalars(select(Unit).where(Unit.id.in_(unit_ids))))
    return units_in_scope(InspectionRound())


def open_round(actor: User, window_start: date,
               unit_ids: list[int] | None = None) -> InspectionRound:
    """Open a round for a half-month and build its checklist from what was due in it."""
    if window_start.day not in (1, 16):
        raise InspectionError(_("A round covers the 1st to the 15th, or the 16th to the end of "
                                "the month."))
    start, end = window_for(window_start)
    marking.refuse_duplicate(start, unit_ids or [], _scope_of(unit_ids))
    ensure_default_criteria(actor)
    inspection = InspectionRound(window_start=start, window_end=end, opened_by_id=actor.id)
    if unit_ids:
        inspection.units = list(db.session.scalars(select(Unit).where(Unit.id.in_(unit_ids))))
    db.session.add(inspection)
    db.session.flush()
    scope = units_in_scope(inspection)
    scope_ids = [unit.id for unit in scope]
    lower, upper = local_bounds(start, end)
    occurrences = db.session.scalars(
        select(Occurrence).join(Occurrence.task)
        .where(Task.is_active, Occurrence.unit_id.in_(scope_ids), Occurrence.due_at >= lower,
               Occurrence.due_at < upper)
        .order_by(Occurrence.unit_id, Task.position, Occurrence.due_at)
    ).all()
    position = 0
    for occurrence in occurrences:
        position += 1
        db.session.add(InspectionItem(round_id=inspection.id, unit_id=occurrence.unit_id,
                                      occurrence_id=occurrence.id, position=position,
                                      text=occurrence.task.title))
    for unit in scope:
        for criterion in active_criteria():
            position += 1
            db.session.add(InspectionItem(round_id=inspection.id, unit_id=unit.id,
                                          criterion_id=criterion.id, text=criterion.text,
                                          position=position))
    db.session.flush()
    record(actor, "inspection.open", inspection,
           after={"window_start": start.isoformat(), "window_end": end.isoformat(),
                  "units": [unit.code for unit in inspection.units], "items": position},
           summary=f"{start:%d/%m}–{end:%d/%m/%Y}")
    return inspection


def require_open(inspection: InspectionRound) -> None:
    if inspection.state != RoundState.OPEN:
        raise InspectionError(_("This round is signed off and can no longer be changed; "
                                "reopen it first (with a reason)."))


def mark_item(actor: User, item: InspectionItem, result: ItemResult, note: str,
              photo: FileStorage | None = None) -> InspectionItem:
    require_open(item.round)
    if result == ItemResult.PASS and marking.not_yet_due(item):
        raise InspectionError(_("This period is not yet due: it cannot be marked met."))
    note = clean_text(note)  # a vertical tab pasted from Word would break the minutes
    if result == ItemResult.FAIL and not note.strip():
        raise InspectionError(_("Say what was found when an item fails."))
    before = snapshot(item, ["result", "note", "photo_name"])
    if photo is not None and photo.filename:
        name = storage.clean_filename(photo.filename, "anh")
        try:
            stored = storage.store(photo.stream, name, storage.IMAGES)
        except storage.EvidenceRejectedError as refused:
            raise InspectionError(str(refused)) from refused
        item.photo_sha256, item.photo_name = stored.sha256, name
    item.result, item.note = result, note.strip()
    item.marked_by_id, item.marked_at = actor.id, utcnow()
    db.session.flush()
    record(actor, "inspection.mark", item.round, before={"item": item.id, **before},
           after={"item": item.id, **snapshot(item, ["result", "note", "photo_name"])},
           summary=item.text[:80])
    return item


def follow_up(actor: User, item: InspectionItem, owner: Unit, title: str,
              due_on: date) -> Task:
    """Turn a finding into a task with an owner and a deadline, tracked like any other."""
    require_open(item.round)
    if item.follow_up_task_id is not None:
        raise InspectionError(_("This finding already has a follow-up task."))
    today = utcnow().astimezone(LOCAL_TZ).date()
    if due_on < today:
        raise InspectionError(_("The deadline cannot be in the past."))
    if not title.strip():
        raise InspectionError(_("Write what must be done."))
    directive = follow_ups.directive_for(actor, item.round)
    count = db.session.scalar(select(func.count(Task.id)).where(Task.directive_id == directive.id))
    inspection = item.round
    origin = _("From the inspection round of %(start)s – %(end)s, item: %(item)s. Finding: "
               "%(note)s", start=inspection.window_start.strftime("%d/%m/%Y"),
               end=inspection.window_end.strftime("%d/%m/%Y"), item=item.text, note=item.note)
    task = Task(directive_id=directive.id, code=f"KT{item.round_id}-{count + 1:02d}",
                clause=_("Inspection"), title=title.strip(), description=origin,
                owner_unit_id=owner.id, frequency=Frequency.ONCE,
                due_rule={"date": due_on.isoformat(), "time": "17:00"},
                starts_on=min(today, due_on), ends_on=due_on, outcome=item.text,
                position=count + 1)
    db.session.add(task)
    db.session.flush()
    item.follow_up_task_id = task.id
    record(actor, "task.create", task, after=snapshot(task), summary=task.code)
    record(actor, "inspection.follow_up", item.round,
           after={"item": item.id, "task": task.code, "owner": owner.code,
                  "due_on": due_on.isoformat()}, summary=task.title[:80])
    sync_tasks([task])
    follow_ups.tell_owner(task)
    return task


def _office_inspection_occurrence(inspection: InspectionRound) -> Occurrence | None:
    """The Office's own twice-monthly inspection duty for the same half-month, if it has one."""
    return db.session.scalar(
        select(Occurrence).join(Occurrence.task).join(Unit, Unit.id == Task.owner_unit_id)
        .where(Task.is_active, Task.frequency == Frequency.TWICE_MONTHLY,
               Unit.kind == UnitKind.OFFICE, Occurrence.period_start == inspection.window_start,
               Occurrence.state.in_(UNFINISHED_STATES))
        .order_by(Task.position).limit(1))


def complete(actor: User, inspection: InspectionRound, inspector: User, signed_on: date,
             conclusion: str, minutes_number: str = "") -> InspectionRound:
    """Sign the round off; it becomes read-only and the Office's inspection duty is done."""
    require_open(inspection)
    marking.settle_not_yet_due(inspection)
    db.session.flush()
    pending = db.session.scalar(
        select(func.count(InspectionItem.id)).where(InspectionItem.round_id == inspection.id,
                                                    InspectionItem.result == ItemResult.PENDING))
    if pending:
        raise InspectionError(_("%(n)d item(s) are not marked yet.", n=pending))
    before = snapshot(inspection, ROUND_FIELDS)
    now = utcnow()
    inspection.state = RoundState.COMPLETED
    inspection.inspector_id, inspection.signed_on = inspector.id, signed_on
    inspection.conclusion, inspection.completed_at = conclusion.strip(), now
    inspection.minutes_number = minutes_number.strip()
    db.session.flush()
    record(actor, "inspection.complete", inspection, before=before,
           after=snapshot(inspection, ROUND_FIELDS), summary=f"{inspection.window_start:%d/%m/%Y}")
    duty = _office_inspection_occurrence(inspection)
    if duty is not None:
        duty_before = snapshot(duty, ["state", "report", "submitted_at", "verified_at"])
        duty.report = _("Inspection round of %(start)s – %(end)s signed off.",
                        start=inspection.window_start.strftime("%d/%m/%Y"),
                        end=inspection.window_end.strftime("%d/%m/%Y"))
        # Done by the act of signing off, not verified by anyone: nobody checks their own work.
        duty.state = OccurrenceState.VERIFIED
        duty.submitted_at = duty.verified_at = now
        duty.verified_by_id = None
        db.session.flush()
        record(actor, "occurrence.close_by_inspection", duty, before=duty_before,
               after={**snapshot(duty, ["state", "report", "submitted_at", "verified_at"]),
                      "closed_by_round": inspection.id}, summary=duty.task.code)
    return inspection


def reopen(actor: User, inspection: InspectionRound, reason: str) -> InspectionRound:
    if inspection.state != RoundState.COMPLETED:
        raise InspectionError(_("Only a signed-off round can be reopened."))
    if not reason.strip():
        raise InspectionError(_("Give the reason for reopening the round."))
    before = snapshot(inspection, ROUND_FIELDS)
    inspection.state = RoundState.OPEN
    inspection.completed_at = None
    inspection.published_at = None  # a round being changed is not shown to the public
    db.session.flush()
    record(actor, "inspection.reopen", inspection, before=before,
           after={**snapshot(inspection, ROUND_FIELDS), "reason": reason.strip()},
           summary=reason.strip()[:80])
    return inspection


def publish(actor: User, inspection: InspectionRound) -> InspectionRound:
    if inspection.state != RoundState.COMPLETED:
        raise InspectionError(_("Sign the round off before publishing it."))
    if inspection.published_at is None:
        inspection.published_at = utcnow()
        db.session.flush()
        record(actor, "inspection.publish", inspection,
               after={"published_at": inspection.published_at},
               summary=f"{inspection.window_start:%d/%m/%Y}")
    return inspection


def inspectors() -> list[User]:
    return list(db.session.scalars(
        select(User).where(User.is_active, User.role.in_((Role.OFFICE, Role.LEADER)))
        .order_by(User.full_name)))


@dataclass
class UnitSummary:
    unit: Unit
    passed: int = 0
    failed: int = 0
    not_applicable: int = 0
    pending: int = 0
    not_yet_due: int = 0

    @property
    def marked(self) -> int:
        return self.passed + self.failed

    @property
    def pass_rate(self) -> float | None:
        return 100.0 * self.passed / self.marked if self.marked else None


def summarise(inspection: InspectionRound) -> list[UnitSummary]:
    """Per unit: how many items passed, failed, did not apply (one query)."""
    rows = db.session.execute(
        select(InspectionItem.unit_id, InspectionItem.result, func.count())
        .where(InspectionItem.round_id == inspection.id)
        .group_by(InspectionItem.unit_id, InspectionItem.result))
    tallies: dict[int, dict[ItemResult, int]] = defaultdict(dict)
    for unit_id, result, count in rows:
        tallies[unit_id][result] = count
    units = db.session.scalars(select(Unit).where(Unit.id.in_(list(tallies))).order_by(Unit.name))
    return [UnitSummary(unit, tallies[unit.id].get(ItemResult.PASS, 0),
                        tallies[unit.id].get(ItemResult.FAIL, 0),
                        tallies[unit.id].get(ItemResult.NOT_APPLICABLE, 0),
                        tallies[unit.id].get(ItemResult.PENDING, 0),
                        tallies[unit.id].get(ItemResult.NOT_YET_DUE, 0)) for unit in units]


@dataclass(frozen=True)
class InspectionResult:
    """A unit's inspection record for a month, as the evaluation's general criteria use it."""

    rounds: int
    passed: int
    failed: int

    @property
    def pass_rate(self) -> float | None:
        marked = self.passed + self.failed
        return self.passed / marked if marked else None


def unit_inspection_result(unit_id: int, month: date) -> InspectionResult:
    """Items passed and failed for ``unit_id`` in the rounds signed off for ``month``'s windows."""
    first = month.replace(day=1)
    last = first + relativedelta(day=31)
    in_month = (InspectionRound.state == RoundState.COMPLETED,
                InspectionRound.window_start >= first, InspectionRound.window_start <= last)
    rows = dict(db.session.execute(
        select(InspectionItem.result, func.count())
        .join(InspectionRound, InspectionRound.id == InspectionItem.round_id)
        .where(InspectionItem.unit_id == unit_id, *in_month)
        .group_by(InspectionItem.result)).all())
    rounds = db.session.scalar(
        select(func.count(func.distinct(InspectionItem.round_id)))
        .join(InspectionRound, InspectionRound.id == InspectionItem.round_id)
        .where(InspectionItem.unit_id == unit_id, *in_month))
    return InspectionResult(rounds or 0, rows.get(ItemResult.PASS, 0), rows.get(ItemResult.FAIL, 0))


def completed_rounds_in_month(month: date) -> int:
    first = month.replace(day=1)
    return db.session.scalar(
        select(func.count(InspectionRound.id))
        .where(InspectionRound.state == RoundState.COMPLETED,
               InspectionRound.window_start >= first,
               InspectionRound.window_start <= first + relativedelta(day=31)))


def inspection_warning(now: datetime | None = None) -> tuple[int, int] | None:
    """(rounds completed, working days left) when the month's last working days approach with
    fewer than two rounds signed off; None when all is well."""
    today = (now or utcnow()).astimezone(LOCAL_TZ).date()
    done = completed_rounds_in_month(today)
    if done >= 2:
        return None
    month_end = today + relativedelta(day=31)
    calendar = WorkCalendar.load(today, month_end)
    left = sum(1 for _ in calendar.working_days(today, month_end))
    if left <= current_app.config["INSPECTION_WARNING_WORKING_DAYS"]:
        return done, left
    return None
