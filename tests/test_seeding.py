"""Loading directive files: the shipped directive, and loading again (broken files: in
test_seeding_problems.py)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.directive_files import (
    MINIMAL,
    SECOND,
    SHIPPED,
    edited,
    row_counts,
    tasks_by_code,
)
from tracker.audit.models import AuditEntry
from tracker.directives.applying import apply_directive
from tracker.directives.models import Directive, Frequency, Task
from tracker.directives.seeding import (
    load_file,
    parse_directive,
)
from tracker.extensions import db
from tracker.indicators.models import Comparator, Indicator
from tracker.org.models import Role, Unit, UnitKind, User

# The shipped directive ---------------------------------------------------------------------------

SHIPPED_CODE = "TB-KL-CCTTHC-2026"

# Every row of DESIGN.md §2: (task code, clause, owner unit, responsible person, frequency, rule).
DESIGN_ROWS = [
    ("1.1-01", "1.1", "LD", "LE-VAN-DINH", Frequency.ONCE, {"date": "2026-06-30"}),
    ("1.1-02", "1.1", "LD", "LE-VAN-DINH", Frequency.MONTHLY, {"day": "last"}),
    ("1.1-03", "1.1", "LD", "LE-VAN-DINH", Frequency.DAILY, {"time": "17:00"}),
    ("1.1-04", "1.1", "LD", "LE-VAN-DINH", Frequency.WEEKLY, {"weekday": "fri"}),
    ("1.2-01", "1.2", "LD", "VU-MANH-HUY", Frequency.DAILY, {}),
    ("1.2-02", "1.2", "LD", "VU-MANH-HUY", Frequency.ON_EVENT, {"within_working_days": 5}),
    ("2-TTPVHCC-01", "2", "TTPVHCC", None, Frequency.DAILY, {}),
    ("2-TTPVHCC-02", "2", "TTPVHCC", None, Frequency.DAILY, {}),
    ("2-TTPVHCC-03", "2", "TTPVHCC", None, Frequency.ONCE, {}),
    ("2-TTPVHCC-04", "2", "TTPVHCC", None, Frequency.MONTHLY, {"day": "last"}),
    ("2-TTPVHCC-09", "2", "TTPVHCC", None, Frequency.WEEKLY, {"weekday": "fri"}),
    ("2-TTPVHCC-10", "2", "TTPVHCC", None, Frequency.ON_EVENT, {}),
    ("2-VP-01", "2", "VP", None, Frequency.TWICE_MONTHLY, {"days": [15, "last"]}),
    ("2-VP-03", "2", "VP", None, Frequency.ON_EVENT, {}),
    ("3-PVHXH-01", "3", "PVHXH", None, Frequency.MONTHLY, {}),
    ("3-PVHXH-02", "3", "PVHXH", None, Frequency.MONTHLY, {"day": "last"}),
    ("3-PVHXH-03", "3", "PVHXH", None, Frequency.DAILY, {}),
    ("4-PKT-01", "4", "PKT", None, Frequency.ONCE, {}),
    ("4-PKT-02", "4", "PKT", None, Frequency.DAILY, {}),
    ("4-PKT-03", "4", "PKT", None, Frequency.ON_EVENT, {}),
    ("4-TTDVSNC-01", "4", "TTDVSNC", None, Frequency.WEEKLY, {}),
    ("4-TTDVSNC-02", "4", "TTDVSNC", None, Frequency.MONTHLY, {}),
    ("4-TTDVSNC-03", "4", "TTDVSNC", None, Frequency.MONTHLY, {}),
    ("5-01", "5", "VP", None, Frequency.MONTHLY, {}),
    ("5-02", "5", "LD", None, Frequency.ON_EVENT, {}),
]

# Every numeric target of the source: (code, comparator, target, unit, owner, params, task).
TARGETS = [
    ("TTHC-CAT-GIAM-THOI-GIAN", Comparator.AT_LEAST, 50, "%", "LD", {}, "1.1-01"),
    ("HS-QUA-HAN-CHU-QUAN", Comparator.EQUAL, 0, "hồ sơ", "LD", {}, "1.1-03"),
    ("HS-DUNG-HAN", Comparator.AT_LEAST, 100, "%", "TTPVHCC", {}, "2-TTPVHCC-01"),
    ("CANH-BAO-SOM", Comparator.AT_LEAST, 24, "giờ", "TTPVHCC", {}, "2-TTPVHCC-03"),
    ("HS-TRUC-TUYEN-TOAN-TRINH", Comparator.AT_LEAST, 80, "%", "TTPVHCC", {}, "2-TTPVHCC-04"),
    (
        "HS-KHONG-HEN",
        Comparator.INCREASE_AT_LEAST,
        20,
        "%",
        "TTPVHCC",
        {"baseline": "2026-Q1"},
        "2-TTPVHCC-05",
    ),
    ("SO-HOA-HO-SO", Comparator.AT_LEAST, 100, "%", "TTPVHCC", {}, "2-TTPVHCC-06"),
    ("THANH-TOAN-TRUC-TUYEN", Comparator.AT_LEAST, 100, "%", "TTPVHCC", {}, "2-TTPVHCC-07"),
    ("TRA-KET-QUA-DIEN-TU", Comparator.AT_LEAST, 100, "%", "TTPVHCC", {}, "2-TTPVHCC-08"),
    ("NGAY-HO-TRO-NGUOI-DAN", Comparator.AT_LEAST, 1, "ngày/tuần", "TTPVHCC", {}, "2-TTPVHCC-09"),
    ("HO-TRO-KHO-KHAN-DI-LAI", Comparator.AT_LEAST, 100, "%", "TTPVHCC", {}, "2-TTPVHCC-10"),
    ("KIEM-TRA-HANG-THANG", Comparator.AT_LEAST, 2, "lần/tháng", "VP", {}, "2-VP-01"),
    (
        "XEP-HANG-766",
        Comparator.RANK_AT_MOST,
        30,
        "hạng",
        "PVHXH",
        {"of": 114, "milestone": "2026-06-30"},
        "3-PVHXH-02",
    ),
    ("TU-THUC-HIEN-DVCTT", Comparator.AT_LEAST, 60, "%", "TTDVSNC", {}, "4-TTDVSNC-02"),
    ("MUC-DO-HAI-LONG", Comparator.AT_LEAST, 98, "%", "TTDVSNC", {}, "4-TTDVSNC-03"),
]


def test_shipped_directive_keeps_the_blanks_of_the_source(ctx):
    apply_directive(load_file(SHIPPED), actor=None)
    directive = db.session.scalar(select(Directive).where(Directive.code == SHIPPED_CODE))
    assert directive.number == "/TB-VP"
    assert directive.issued_on == date(2026, 4, 1)
    assert directive.issued_day_known is False
    assert (directive.starts_on, directive.ends_on) == (date(2026, 4, 1), date(2026, 12, 31))
    assert any("01/04/2026" in assumption for assumption in directive.assumptions)
    assert directive.issuer == "Văn phòng HĐND và UBND xã Cẩm Giang"
    assert (directive.signer_name, directive.signer_title) == ("Hoàng Thị Hạnh", "Chánh Văn phòng")
    assert directive.place == "Cẩm Giang"
    assert directive.source_file == "directive_tasks.yaml"


@pytest.mark.parametrize(("code", "clause", "owner", "assignee", "frequency", "rule"), DESIGN_ROWS)
def test_shipped_directive_has_a_task_for_every_clause(
    ctx, code, clause, owner, assignee, frequency, rule
):
    apply_directive(load_file(SHIPPED), actor=None)
    task = tasks_by_code(SHIPPED_CODE)[code]
    assert task.clause == clause
    assert task.owner_unit.code == owner
    assert (task.assignee.person_code if task.assignee else None) == assignee
    assert task.frequency == frequency
    assert task.due_rule.items() >= rule.items()
    assert task.due_rule["time"] == "17:00"
    assert task.is_active


def test_shipped_directive_covers_each_numbered_section(ctx):
    apply_directive(load_file(SHIPPED), actor=None)
    tasks = tasks_by_code(SHIPPED_CODE)
    assert {task.clause for task in tasks.values()} == {"1", "1.1", "1.2", "2", "3", "4", "5"}
    # "2." and "4." each head two units in the source: both units get tasks.
    assert {t.owner_unit.code for t in tasks.values() if t.clause == "2"} == {"TTPVHCC", "VP"}
    assert {t.owner_unit.code for t in tasks.values() if t.clause == "4"} == {"PKT", "TTDVSNC"}
    assert [u.code for u in tasks["5-01"].cooperating_units] == [
        "PKT",
        "PVHXH",
        "TTDVSNC",
        "TTPVHCC",
    ]


@pytest.mark.parametrize(
    ("code", "comparator", "target", "unit", "owner", "params", "task"), TARGETS
)
def test_shipped_directive_has_an_indicator_for_every_target(
    ctx, code, comparator, target, unit, owner, params, task
):
    apply_directive(load_file(SHIPPED), actor=None)
    indicator = db.session.scalar(select(Indicator).where(Indicator.code == code))
    assert indicator.comparator == comparator
    assert indicator.target == target
    assert indicator.unit_of_measure == unit
    assert indicator.owner_unit.code == owner
    assert indicator.params == params
    assert tasks_by_code(SHIPPED_CODE)[task].indicator_id == indicator.id


def test_shipped_directive_lists_exactly_the_targets_of_the_source(ctx):
    summary = apply_directive(load_file(SHIPPED), actor=None)
    codes = set(db.session.scalars(select(Indicator.code)))
    assert codes == {row[0] for row in TARGETS}
    assert summary.counts["indicator"].created == len(TARGETS)


def test_shipped_directive_names_only_the_people_in_the_source(ctx):
    apply_directive(load_file(SHIPPED), actor=None)
    people = {u.person_code: u for u in db.session.scalars(select(User))}
    assert set(people) == {"LE-VAN-DINH", "VU-MANH-HUY", "HOANG-THI-HANH"}
    assert people["LE-VAN-DINH"].title == "Phó Chủ tịch Thường trực UBND xã"
    assert people["LE-VAN-DINH"].username == "le-van-dinh"
    assert people["LE-VAN-DINH"].role == Role.LEADER  # default for the leadership unit
    assert people["HOANG-THI-HANH"].role == Role.OFFICE
    assert people["HOANG-THI-HANH"].unit.code == "VP"
    assert not any(person.can_log_in for person in people.values())


def test_shipped_directive_units(ctx):
    apply_directive(load_file(SHIPPED), actor=None)
    units = {u.code: u for u in db.session.scalars(select(Unit))}
    assert {code: unit.kind for code, unit in units.items()} == {
        "LD": UnitKind.LEADERSHIP,
        "VP": UnitKind.OFFICE,
        "PKT": UnitKind.DEPARTMENT,
        "PVHXH": UnitKind.DEPARTMENT,
        "TTPVHCC": UnitKind.CENTER,
        "TTDVSNC": UnitKind.CENTER,
    }
    assert units["PVHXH"].name == "Phòng Văn hóa – Xã hội"
    assert not units["LD"].is_ranked
    assert units["VP"].is_ranked


def test_every_created_row_is_audited(ctx):
    actor = factories.user(role=Role.ADMIN, username="quantri")
    before = row_counts()
    last = db.session.scalar(select(func.max(AuditEntry.id)))
    summary = apply_directive(load_file(SHIPPED), actor=actor)
    after = row_counts()
    created = sum(after[name] - before[name] for name in ("Unit", "Directive", "Indicator", "Task"))
    created += after["User"] - before["User"]
    assert created == summary.total_created == after["AuditEntry"] - before["AuditEntry"]
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.id > last)).all()
    assert {entry.actor_id for entry in entries} == {actor.id}
    assert {entry.action for entry in entries} == {
        "unit.create",
        "user.create",
        "directive.create",
        "indicator.create",
        "task.create",
    }


# Loading again -----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [SHIPPED, SECOND], ids=["shipped", "second"])
def test_loading_the_same_file_again_changes_nothing(ctx, path):
    apply_directive(load_file(path), actor=None)
    db.session.commit()
    counts = row_counts()
    stamps = dict(db.session.execute(select(Task.code, Task.updated_at)).all())

    summary = apply_directive(load_file(path), actor=None)
    db.session.commit()

    assert row_counts() == counts
    assert dict(db.session.execute(select(Task.code, Task.updated_at)).all()) == stamps
    assert (summary.total_created, summary.total_updated, summary.total_deactivated) == (0, 0, 0)
    assert summary.total_unchanged == counts["AuditEntry"]


def test_corrected_file_updates_in_place(ctx):
    apply_directive(parse_directive(MINIMAL, "giao-ban.yaml"), actor=None)
    db.session.commit()
    ids = {code: task.id for code, task in tasks_by_code("12/TB-UBND").items()}
    entries = row_counts()["AuditEntry"]

    start = MINIMAL.index("  - code: GB-03")
    without_gb03 = MINIMAL[:start] + MINIMAL[MINIMAL.index("  - code: GB-04") :]
    corrected = edited(
        "    title: Báo cáo tiến độ giải quyết hồ sơ",
        "    title: Báo cáo tiến độ giải quyết hồ sơ hằng tuần",
        without_gb03,
    )
    corrected = edited("cooperating: [PKT]", "cooperating: [PKT, LD]", corrected)
    summary = apply_directive(parse_directive(corrected, "giao-ban.yaml"), actor=None)
    db.session.commit()

    tasks = tasks_by_code("12/TB-UBND")
    assert {code: task.id for code, task in tasks.items()} == ids  # nothing new, nothing deleted
    assert tasks["GB-01"].title == "Báo cáo tiến độ giải quyết hồ sơ hằng tuần"
    assert [unit.code for unit in tasks["GB-02"].cooperating_units] == ["LD", "PKT"]
    assert tasks["GB-03"].is_active is False
    assert tasks["GB-04"].is_active is True
    assert tasks["GB-04"].position == 2  # it moved up a place
    counts = summary.counts["task"]
    assert (counts.created, counts.updated, counts.unchanged, counts.deactivated) == (0, 3, 0, 1)

    new_entries = db.session.scalars(select(AuditEntry).where(AuditEntry.id > entries)).all()
    assert {entry.object_type for entry in new_entries} == {"Task"}
    by_action = {entry.action: entry for entry in new_entries if entry.object_id == ids["GB-03"]}
    assert by_action["task.deactivate"].after == {"is_active": False}
    title_change = next(e for e in new_entries if e.object_id == ids["GB-01"])
    assert title_change.action == "task.update"
    assert title_change.before == {"title": "Báo cáo tiến độ giải quyết hồ sơ"}
    assert title_change.after == {"title": "Báo cáo tiến độ giải quyết hồ sơ hằng tuần"}
    moved = next(e for e in new_entries if e.object_id == ids["GB-04"])
    assert (moved.before, moved.after) == ({"position": 3}, {"position": 2})
    assert len(new_entries) == 4

    # Putting the task back in the file brings the same row back.
    summary = apply_directive(parse_directive(MINIMAL, "giao-ban.yaml"), actor=None)
    assert tasks_by_code("12/TB-UBND")["GB-03"].id == ids["GB-03"]
    assert tasks_by_code("12/TB-UBND")["GB-03"].is_active is True
    assert summary.counts["task"].updated == 4


def test_reloading_keeps_what_an_administrator_changed_on_a_person(ctx):
    apply_directive(parse_directive(MINIMAL, "giao-ban.yaml"), actor=None)
    person = db.session.scalar(select(User).where(User.person_code == "VU-MANH-HUY"))
    person.role = Role.ADMIN
    person.set_password("mat-khau-moi-2026")
    summary = apply_directive(parse_directive(MINIMAL, "giao-ban.yaml"), actor=None)
    assert person.role == Role.ADMIN
    assert person.can_log_in
    assert summary.counts["person"].unchanged == 1


def test_person_gets_a_free_username(ctx):
    factories.user(username="vu-manh-huy")
    apply_directive(parse_directive(MINIMAL, "giao-ban.yaml"), actor=None)
    person = db.session.scalar(select(User).where(User.person_code == "VU-MANH-HUY"))
    assert person.username == "vu-manh-huy-2"
    assert person.password_hash is None


def test_second_directive_lives_beside_the_first(ctx):
    apply_directive(load_file(SHIPPED), actor=None)
    db.session.commit()
    summary = apply_directive(load_file(SECOND), actor=None)
    db.session.commit()

    assert summary.directive.code == "45/KH-UBND"  # no code given: the number has digits
    assert db.session.scalar(select(func.count()).select_from(Directive)) == 2
    # Shared units and people are the same rows, not copies.
    assert summary.counts["unit"].created == 1
    assert summary.counts["unit"].unchanged == 4
    assert db.session.scalar(select(func.count()).select_from(Unit)) == 7
    assert summary.counts["person"].created == 1
    assert summary.counts["person"].unchanged == 1
    assert len(tasks_by_code("45/KH-UBND")) == 5
    first = tasks_by_code(SHIPPED_CODE)
    assert all(task.is_active for task in first.values())

    second = tasks_by_code("45/KH-UBND")
    assert second["KH-02"].due_rule == {"weekday": "wed", "time": "16:30"}
    assert second["KH-03"].due_rule == {"day": 25, "time": "17:00"}
    assert second["KH-04"].starts_on == date(2026, 4, 1)
    assert second["KH-05"].due_rule == {"within_working_days": 2, "time": "11:00"}
    assert second["KH-02"].assignee.role == Role.UNIT_HEAD

    # Loading the first again neither undoes nor duplicates anything of the second.
    counts = row_counts()
    summary = apply_directive(load_file(SHIPPED), actor=None)
    assert row_counts() == counts
    assert summary.total_updated == summary.total_created == 0


def test_directive_code_falls_back_to_the_title_when_the_number_is_blank():
    text = edited("  number: 12/TB-UBND", '  number: "/TB-UBND"')
    assert parse_directive(text, "x.yaml").code == "thong-bao-ket-luan-giao-ban-thang-5"
    assert parse_directive(MINIMAL, "x.yaml").code == "12/TB-UBND"
    coded = edited("  number: 12/TB-UBND", "  code: GB-2026-05\n  number: 12/TB-UBND")
    assert parse_directive(coded, "x.yaml").code == "GB-2026-05"


@pytest.mark.parametrize(
    ("frequency", "due", "rule"),
    [
        ("daily", None, {"time": "17:00"}),
        ("weekly", "{}", {"weekday": "fri", "time": "17:00"}),
        ("weekly", '{weekday: MON, time: "8:30"}', {"weekday": "mon", "time": "08:30"}),
        ("twice_monthly", "{days: [last, 1]}", {"days": [1, "last"], "time": "17:00"}),
        ("monthly", "{day: 5}", {"day": 5, "time": "17:00"}),
        ("quarterly", None, {"day": "last", "time": "17:00"}),
        ("on_event", None, {"within_working_days": 1, "time": "17:00"}),
        ("once", "2026-07-01", {"date": "2026-07-01", "time": "17:00"}),
    ],
)
def test_due_rules_are_normalised(frequency, due, rule):
    written = f"    frequency: {frequency}\n" + (f"    due: {due}\n" if due else "")
    text = edited("    frequency: monthly\n", written)
    task = parse_directive(text, "x.yaml").tasks[3]
    assert task.due == rule
