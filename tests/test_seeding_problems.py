"""Broken directive files: every mistake reported once, where it is, with nothing written."""

from __future__ import annotations

import pytest

from tests.directive_files import MINIMAL, edited, line_of, problems_in, row_counts
from tracker.directives.applying import apply_directive
from tracker.directives.seeding import (
    DirectiveFileError,
    load_file,
    parse_directive,
    parse_directive_bytes,
)
from tracker.extensions import db

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
    with pytest.raises(DirectiveFileError, match=rf"^directive\.yaml:{line}: ") as refused:
        load_file(path)
    assert [(p.source, p.line) for p in refused.value.problems] == [("directive.yaml", line)]


def test_missing_file_is_a_problem(tmp_path):
    with pytest.raises(DirectiveFileError, match=r"^absent\.yaml: ") as refused:
        load_file(tmp_path / "absent.yaml")
    assert [p.source for p in refused.value.problems] == ["absent.yaml"]


def test_byte_order_mark_is_accepted():
    spec = parse_directive_bytes(b"\xef\xbb\xbf" + MINIMAL.encode(), "bom.yaml")
    assert spec.code == "12/TB-UBND"
