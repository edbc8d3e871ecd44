"""Loading directive files: the shipped directive, reloading, and every kind of broken file."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests import factories
from tracker.audit.models import AuditEntry
from tracker.directives.applying import apply_directive
from tracker.directives.models import Directive, Frequency, Task, task_cooperating_units
from tracker.directives.seeding import (
    DirectiveFileError,
    Problem,
    load_file,
    parse_directive,
    parse_directive_bytes,
)
from tracker.extensions import db
from tracker.indicators.models import Comparator, Indicator
from tracker.org.models import Role, Unit, UnitKind, User

DATA = Path(__file__).parent / "data"
SHIPPED = Path(__file__).resolve().parent.parent / "seeds" / "directive_tasks.yaml"
MINIMAL = (DATA / "minimal_directive.yaml").read_text(encoding="utf-8")
SECOND = DATA / "second_directive.yaml"


def line_of(text: str, marker: str) -> int:
    """The 1-based number of the first line containing ``marker``."""
    for number, line in enumerate(text.splitlines(), start=1):
        if marker in line:
            return number
    raise AssertionError(f"{marker!r} is not in the text")


def edited(old: str, new: str, text: str = MINIMAL) -> str:
    assert text.count(old) == 1, f"{old!r} must occur exactly once"
    return text.replace(old, new)


def problems_in(text: str) -> list[Problem]:
    with pytest.raises(DirectiveFileError) as refused:
        parse_directive(text, "test.yaml")
    return refused.value.problems


def row_counts() -> dict[str, int]:
    tables = [Unit, User, Directive, Indicator, Task, AuditEntry]
    counts = {t.__name__: db.session.scalar(select(func.count()).select_from(t)) for t in tables}
    counts["cooperating"] = db.session.scalar(
        select(func.count()).select_from(task_cooperating_units)
    )
    return counts


def tasks_by_code(directive_code: str) -> dict[str, Task]:
    rows = db.session.scalars(
        select(Task).join(Task.directive).where(Directive.code == directive_code)
    )
    return {task.code: task for task in rows}


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
    summary = apply_directive(load_file(SHIPPED), actor=actor)
    after = row_counts()
    created = sum(after[name] - before[name] for name in ("Unit", "Directive", "Indicator", "Task"))
    created += after["User"] - before["User"]
    assert created == summary.total_created == after["AuditEntry"] - before["AuditEntry"]
    entries = db.session.scalars(select(AuditEntry)).all()
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


# Broken files ------------------------------------------------------------------------------------

# (name, text replaced, replacement, field reported, text on the line reported). Each mistake
# must be reported once, where it is, and not again where the broken item is used: a unit with a
# bad kind still owns its tasks without "unknown unit" noise.
# fmt: off
BROKEN = [
    ("yaml-syntax", "  title: Thông báo kết luận giao ban tháng 5",
     "  title: Kết luận: giao ban: 5", "", "Kết luận: giao ban"),
    ("tab-indent", "    kind: office", "\tkind: office", "", "\tkind: office"),
    ("missing-field", "    frequency: monthly\n", "", "tasks[3].frequency", "code: GB-04"),
    ("missing-header-field", "  issuer: Văn phòng HĐND và UBND xã\n", "", "directive.issuer",
     "directive:"),
    ("unknown-key", "    assignee: VU-MANH-HUY", "    asignee: VU-MANH-HUY", "tasks[0].asignee",
     "asignee:"),
    ("misspelt-key", "    title: Chánh Văn phòng", "    titel: Chánh Văn phòng",
     "directive.signer.titel", "titel:"),
    ("unknown-top-level-key", "\npeople:\n", "\nremarks: x\n\npeople:\n", "remarks", "remarks:"),
    ("duplicate-yaml-key", "    title: Kiểm tra việc giải quyết hồ sơ\n",
     "    title: Kiểm tra việc giải quyết hồ sơ\n    title: Kiểm tra lại\n", "tasks[1].title",
     "title: Kiểm tra lại"),
    ("unknown-unit", "    owner: PKT\n    assignee", "    owner: PKX\n    assignee",
     "tasks[0].owner", "owner: PKX"),
    ("unknown-person", "    assignee: VU-MANH-HUY", "    assignee: VU-MANH-HUI",
     "tasks[0].assignee", "VU-MANH-HUI"),
    ("unknown-indicator", "    indicator: XEP-HANG", "    indicator: XEP-HANK",
     "tasks[3].indicator", "XEP-HANK"),
    ("unknown-unit-of-person", "    unit: LD", "    unit: LDX", "people[0].unit", "unit: LDX"),
    ("unknown-owner-of-indicator", '    unit: "%"\n    owner: PKT', '    unit: "%"\n    owner: KT',
     "indicators[0].owner", "owner: KT"),
    ("unknown-cooperating-unit", "cooperating: [PKT]", "cooperating: [PKT, TTX]",
     "tasks[1].cooperating[1]", "TTX"),
    ("impossible-date", "    due: 2026-06-30", "    due: 2027-02-30", "tasks[2].due",
     "2027-02-30"),
    ("impossible-period-date", "    end: 2026-12-31", "    end: 2026-02-30",
     "directive.period.end", "2026-02-30"),
    ("not-a-date", "    due: 2026-06-30", "    due: 30/06/2026", "tasks[2].due", "30/06/2026"),
    ("bad-issue-month", "  issued_on: 2026-05-04", "  issued_on: 2026-5", "directive.issued_on",
     "2026-5"),
    ("unknown-frequency", "    frequency: monthly", "    frequency: hằng tháng",
     "tasks[3].frequency", "frequency: hằng tháng"),
    ("bad-weekday", "      weekday: fri", "      weekday: friday", "tasks[0].due.weekday",
     "friday"),
    ("day-31", "{days: [15, last]}", "{days: [15, 31]}", "tasks[1].due.days", "[15, 31]"),
    ("one-day-only", "{days: [15, last]}", "{days: [15]}", "tasks[1].due.days", "[15]"),
    ("bad-time", '      time: "16:00"', '      time: "25:00"', "tasks[0].due.time", "25:00"),
    ("rule-of-another-frequency", "    frequency: monthly\n",
     "    frequency: monthly\n    due: {weekday: fri}\n", "tasks[3].due.weekday",
     "due: {weekday: fri}"),
    ("rule-instead-of-date", "    due: 2026-06-30", "    due: {day: 30}", "tasks[2].due",
     "due: {day: 30}"),
    ("date-instead-of-rule", "    due: {days: [15, last]}", "    due: 2026-06-15",
     "tasks[1].due", "due: 2026-06-15"),
    ("once-without-date", "    due: 2026-06-30\n", "", "tasks[2].due", "code: GB-03"),
    ("duplicate-unit", "\npeople:\n", "  - {code: VP, name: Văn phòng khác, kind: office}\n"
     "\npeople:\n", "units[3].code", "Văn phòng khác"),
    ("duplicate-person", "\nindicators:\n", "  - {code: VU-MANH-HUY, name: Vũ Huy, unit: LD}\n"
     "\nindicators:\n", "people[1].code", "Vũ Huy"),
    ("duplicate-indicator", "\ntasks:\n", "  - {code: DUNG-HAN, name: Lặp, comparator: '>=', "
     "target: 1, owner: VP}\n\ntasks:\n", "indicators[2].code", "Lặp"),
    ("duplicate-task", "  - code: GB-04", "  - code: GB-01  # lặp lại", "tasks[3].code",
     "# lặp lại"),
    ("bad-code", "  - code: GB-02", "  - code: GB 02", "tasks[1].code", "GB 02"),
    ("non-numeric-target", "    target: 95", "    target: 95%", "indicators[0].target", "95%"),
    ("bad-comparator", '    comparator: ">="', "    comparator: ≥", "indicators[0].comparator",
     "≥"),
    ("bad-unit-kind", "    kind: department", "    kind: phòng", "units[2].kind", "kind: phòng"),
    ("bad-role", "    unit: LD\n", "    unit: LD\n    role: boss\n", "people[0].role", "boss"),
    ("rank-beyond-total", "    target: 30", "    target: 200", "indicators[1].target",
     "target: 200"),
    ("increase-without-baseline", '    comparator: ">="', "    comparator: increase_at_least",
     "indicators[0].baseline", "code: DUNG-HAN"),
    ("percentage-over-100", "    target: 95", "    target: 150", "indicators[0].target",
     "target: 150"),
    ("end-before-start", "    indicator: DUNG-HAN\n",
     "    indicator: DUNG-HAN\n    start: 2026-09-01\n    end: 2026-08-01\n", "tasks[0].end",
     "end: 2026-08-01"),
    ("start-outside-period", "    indicator: DUNG-HAN\n",
     "    indicator: DUNG-HAN\n    start: 2026-01-05\n", "tasks[0].start", "start: 2026-01-05"),
    ("deadline-outside-period", "    due: 2026-06-30", "    due: 2027-06-30", "tasks[2].due",
     "2027-06-30"),
    ("period-inverted", "    end: 2026-12-31", "    end: 2026-01-31", "directive.period.end",
     "end: 2026-01-31"),
    ("cooperating-not-a-list", "cooperating: [PKT]", "cooperating: PKT",
     "tasks[1].cooperating", "cooperating: PKT"),
    ("owner-also-cooperating", "cooperating: [PKT]", "cooperating: [VP]",
     "tasks[1].cooperating[0]", "cooperating: [VP]"),
    ("item-not-a-mapping", "  - code: LD\n    name: Lãnh đạo UBND xã\n    kind: leadership\n",
     "  - LD\n", "units[0]", "  - LD"),
    ("empty-title", "    title: Hoàn thành rà soát thủ tục", '    title: ""', "tasks[2].title",
     'title: ""'),
    ("text-expected", "    title: Hoàn thành rà soát thủ tục", "    title: [a, b]",
     "tasks[2].title", "title: [a, b]"),
]
# fmt: on


@pytest.mark.parametrize(
    ("old", "new", "field", "marker"),
    [pytest.param(*case[1:], id=case[0]) for case in BROKEN],
)
def test_broken_file_is_refused_at_the_right_place(ctx, old, new, field, marker):
    """Each mistake yields one problem, on its line, and the database is left as it was."""
    apply_directive(parse_directive(MINIMAL, "giao-ban.yaml"), actor=None)
    db.session.commit()
    before = row_counts()
    text = edited(old, new)

    problems = problems_in(text)

    assert [(p.line, p.field) for p in problems] == [(line_of(text, marker), field)]
    assert all(p.source == "test.yaml" and p.message for p in problems)
    assert row_counts() == before


def test_several_problems_are_all_reported():
    text = MINIMAL
    chosen = {
        "unknown-key",
        "unknown-indicator",
        "impossible-date",
        "day-31",
        "non-numeric-target",
        "bad-unit-kind",
        "missing-header-field",
    }
    cases = [case for case in BROKEN if case[0] in chosen]
    for _name, old, new, _field, _marker in cases:
        text = edited(old, new, text)
    problems = problems_in(text)
    expected = {(line_of(text, marker), field) for _n, _o, _new, field, marker in cases}
    assert {(p.line, p.field) for p in problems} == expected
    assert len(problems) == len(cases)
    assert [p.line for p in problems] == sorted(p.line for p in problems)


def test_a_missing_section_is_not_reported_again_where_it_is_used():
    problems = problems_in(edited("units:", "unit_list:"))
    assert sorted(p.field for p in problems) == ["unit_list", "units"]


def test_unknown_key_suggests_the_key_meant():
    problems = problems_in(edited("    assignee: VU-MANH-HUY", "    asignee: VU-MANH-HUY"))
    assert "“assignee”" in problems[0].message


def test_problem_reads_as_file_line_field_message():
    text = edited("      weekday: fri", "      weekday: friday")
    problem = problems_in(text)[0]
    where = f"test.yaml:{line_of(text, 'friday')}: tasks[0].due.weekday"
    assert str(problem) == f"{where}: {problem.message}"


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("- directive\n- units\n", 1),
        ("just some words\n", 1),
        ("", None),
        ("directive: {}\n---\nunits: []\n", 2),
    ],
    ids=["list", "scalar", "empty", "two-documents"],
)
def test_file_that_is_not_a_directive_mapping_is_refused(text, line):
    problems = problems_in(text)
    assert [(p.line, p.field) for p in problems] == [(line, "")]


def test_aliases_cannot_blow_up_the_loader():
    lines = ['a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for name, previous in zip("bcdef", "abcde", strict=True):
        lines.append(f"{name}: &{name} [{', '.join([f'*{previous}'] * 10)}]")
    problems = problems_in("\n".join(lines) + "\n")
    # "e" would expand to 111 111 values: refused there, before memory runs out.
    assert [(p.line, p.field) for p in problems] == [(5, "e")]


@pytest.mark.parametrize(
    ("content", "line"),
    [
        ("directive:\n  title: Th\xf4ng b\xe1o\n".encode("latin-1"), 2),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 1),
        (b"directive:\n  title: x\x00y\n", 2),
    ],
    ids=["latin-1", "png", "nul-byte"],
)
def test_file_that_is_not_utf8_text_is_a_problem(tmp_path, content, line):
    path = tmp_path / "directive.yaml"
    path.write_bytes(content)
    with pytest.raises(DirectiveFileError) as refused:
        load_file(path)
    assert [(p.source, p.line) for p in refused.value.problems] == [("directive.yaml", line)]


def test_missing_file_is_a_problem(tmp_path):
    with pytest.raises(DirectiveFileError) as refused:
        load_file(tmp_path / "absent.yaml")
    assert [p.source for p in refused.value.problems] == ["absent.yaml"]


def test_byte_order_mark_is_accepted():
    spec = parse_directive_bytes(b"\xef\xbb\xbf" + MINIMAL.encode(), "bom.yaml")
    assert spec.code == "12/TB-UBND"
