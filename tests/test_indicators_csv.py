"""Importing readings from CSV: the command, the upload page, and every kind of bad row."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from flask_babel import gettext
from sqlalchemy import func, select

from tests import factories
from tests.conftest import csrf_token, login
from tracker.audit.models import AuditEntry
from tracker.directives import seeding
from tracker.directives.services import load_directive
from tracker.evidence import storage
from tracker.extensions import db
from tracker.indicators.csv_import import ReadingsFileError, parse_readings
from tracker.indicators.models import (
    Comparator,
    Indicator,
    IndicatorReading,
    ReadingSource,
    ReadingState,
)

SHIPPED = Path(__file__).resolve().parent.parent / "seeds" / "directive_tasks.yaml"
GOOD = (
    "indicator,period,value,note\n"
    "HS-TRUC-TUYEN-TOAN-TRINH,2026-04,72.5,Hệ thống thông tin giải quyết TTHC tỉnh\n"
    "HS-TRUC-TUYEN-TOAN-TRINH,2026-05,76,\n"
    "XEP-HANG-766,2026-05,41,Công bố của tỉnh\n"
)
# The issue's case: an unknown indicator on row 3 and a non-numeric value on row 4.
BAD = (
    "indicator,period,value,note\n"
    "HS-TRUC-TUYEN-TOAN-TRINH,2026-04,72.5,\n"
    "KHONG-CO-CHI-TIEU-NAY,2026-04,10,\n"
    "MUC-DO-HAI-LONG,2026-04,chín mươi,\n"
)


@pytest.fixture
def seeded(app):
    """The shipped directive, an Office clerk and an administrator."""
    with app.app_context():
        load_directive(seeding.load_file(SHIPPED), None)
        factories.user(role="office", unit_code="VP", username="vanphong")
        factories.user(role="admin", unit_code="VP", username="admin")
        factories.user(role="unit_head", unit_code="TTPVHCC", username="truong")
        db.session.commit()


def counts() -> tuple[int, int]:
    return (db.session.scalar(select(func.count(IndicatorReading.id))),
            db.session.scalar(select(func.count(AuditEntry.id))))


def write(tmp_path, text: str, name: str = "so-lieu.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def problems(text: str | bytes, as_of: str = "2026-11"):
    data = text.encode() if isinstance(text, str) else text
    with pytest.raises(ReadingsFileError, match=r"^[1-9]\d* problem\(s\)$") as refused:
        parse_readings(data, as_of=as_of)
    return refused.value.problems


# The command ---------------------------------------------------------------------------------

def test_command_imports_a_good_file(app, runner, seeded, tmp_path):
    result = runner.invoke(args=["indicators", "import", str(write(tmp_path, GOOD)),
                                 "--by", "vanphong"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        readings = db.session.scalars(select(IndicatorReading).order_by(IndicatorReading.id)).all()
        assert [(r.indicator.code, r.period, r.value) for r in readings] == [
            ("HS-TRUC-TUYEN-TOAN-TRINH", "2026-04", 72.5),
            ("HS-TRUC-TUYEN-TOAN-TRINH", "2026-05", 76.0),
            ("XEP-HANG-766", "2026-05", 41.0),
        ]
        assert {r.state for r in readings} == {ReadingState.VERIFIED}
        assert {r.source for r in readings} == {ReadingSource.CSV}
        assert readings[0].note == "Hệ thống thông tin giải quyết TTHC tỉnh"
        assert readings[0].entered_by.username == "vanphong"
        assert readings[0].verified_at is not None
        entry = db.session.scalars(select(AuditEntry).where(
            AuditEntry.action == "indicator.import")).one()
        assert entry.after["count"] == 3
        assert [item["row"] for item in entry.after["readings"]] == [2, 3, 4]


def test_command_refuses_rows_3_and_4_and_writes_nothing(app, runner, seeded, tmp_path):
    with app.app_context():
        before = counts()
        row = {n: gettext("Row %(row)d", row=n) for n in (2, 3, 4)}
    result = runner.invoke(args=["indicators", "import", str(write(tmp_path, BAD))])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert any(line.startswith(f"{row[3]} (indicator)") and "KHONG-CO-CHI-TIEU-NAY" in line
               for line in lines), result.stderr
    assert any(line.startswith(f"{row[4]} (value)") and "chín mươi" in line for line in lines)
    assert not any(line.startswith(row[2]) for line in lines)
    with app.app_context():
        assert counts() == before


def test_command_refuses_an_account_that_cannot_import(app, runner, seeded, tmp_path):
    with app.app_context():
        before = counts()
    result = runner.invoke(args=["indicators", "import", str(write(tmp_path, GOOD)),
                                 "--by", "truong"])
    assert result.exit_code == 2
    assert "truong" in result.stderr
    assert "--by" in result.stderr
    with app.app_context():
        assert counts() == before


def test_command_reports_a_missing_file(app, runner, seeded, tmp_path):
    result = runner.invoke(args=["indicators", "import", str(tmp_path / "khong-co.csv")])
    assert result.exit_code == 1
    first, last = result.stderr.splitlines()[0], result.stderr.splitlines()[-1]
    assert "No such file" in first
    with app.app_context():
        assert first.startswith(gettext("Row %(row)d", row=1))
        assert last == gettext("%(n)d problem(s) found; nothing was written.", n=1)


# Checking rows ---------------------------------------------------------------------------------

def test_the_issue_case_names_rows_3_and_4(app, seeded):
    with app.app_context():
        found = problems(BAD)
    assert [(p.row, p.column) for p in found] == [(3, "indicator"), (4, "value")]


def test_excel_semicolons_decimal_comma_and_bom(app, seeded):
    text = "\ufeffIndicator;Period;Value\nHS-DUNG-HAN;04/2026;98,5\nhs-dung-han;2026-05;99\n"
    with app.app_context():
        rows = parse_readings(text.encode(), as_of="2026-11")
    assert [(r.row, r.indicator.code, r.period, r.value) for r in rows] == [
        (2, "HS-DUNG-HAN", "2026-04", 98.5), (3, "HS-DUNG-HAN", "2026-05", 99.0)]


def test_blank_rows_keep_the_spreadsheet_numbering(app, seeded):
    text = "indicator,period,value\nHS-DUNG-HAN,2026-04,98\n,,\n\nHS-DUNG-HAN,2026-13,98\n"
    with app.app_context():
        found = problems(text)
    assert [(p.row, p.column) for p in found] == [(5, "period")]


def test_a_quoted_multiline_note_is_one_row(app, seeded):
    text = ('indicator,period,value,note\nHS-DUNG-HAN,2026-04,98,"dòng một\ndòng hai"\n'
            "HS-DUNG-HAN,2026-05,x,\n")
    with app.app_context():
        found = problems(text)
    assert [(p.row, p.column) for p in found] == [(3, "value")]


def test_every_bad_row_is_named(app, seeded):
    text = (
        "indicator,period,value,note\n"
        ",2026-04,1,\n"                           # 2: no code
        "HS-DUNG-HAN,,98,\n"                      # 3: no month
        "HS-DUNG-HAN,2099-01,98,\n"               # 4: a month not begun
        "HS-DUNG-HAN,2026-04,,\n"                 # 5: no figure
        "HS-DUNG-HAN,2026-04,101,\n"              # 6: over 100 %
        "XEP-HANG-766,2026-04,115,\n"             # 7: beyond 114 ranked
        "XEP-HANG-766,2026-05,3.5,\n"             # 8: a rank is whole
        "HS-DUNG-HAN,2026-06,-2,\n"               # 9: negative
        "HS-DUNG-HAN,2026-07,97,x,extra\n"        # 10: more cells than the header
        "HS-DUNG-HAN,2026-08,97,\n"
        "HS-DUNG-HAN,2026-08,96,\n"               # 12: same indicator and month as row 11
        f"HS-DUNG-HAN,2026-09,97,{'x' * 2001}\n"  # 13: note too long
    )
    with app.app_context():
        found = problems(text)
    assert [(p.row, p.column) for p in found] == [
        (2, "indicator"), (3, "period"), (4, "period"), (5, "value"), (6, "value"),
        (7, "value"), (8, "value"), (9, "value"), (10, ""), (12, "period"), (13, "note"),
    ]


@pytest.mark.parametrize(("text", "columns"), [
    ("indicator,period\nHS-DUNG-HAN,2026-04\n", ["value"]),
    ("indicator,period,value,unit\nHS-DUNG-HAN,2026-04,1,%\n", ["unit"]),
    ("indicator,period,value,value\n", ["value"]),
])
def test_header_problems_are_row_1(app, seeded, text, columns):
    with app.app_context():
        found = problems(text)
    assert [(p.row, p.column) for p in found] == [(1, c) for c in columns]


def test_a_trailing_separator_is_ignored(app, seeded):
    with app.app_context():
        rows = parse_readings(b"indicator,period,value,\nHS-DUNG-HAN,2026-04,98,\n",
                              as_of="2026-11")
    assert len(rows) == 1


@pytest.mark.parametrize("data", [b"", b"indicator,period,value\n", b"\xff\xfei\x00n\x00"])
def test_empty_header_only_and_not_utf8_are_refused(app, seeded, data):
    with app.app_context():
        found = problems(data)
    assert len(found) == 1


def test_a_code_used_by_two_directives_needs_its_directive(app, seeded):
    with app.app_context():
        other = factories.directive("KH-2027")
        db.session.add(Indicator(directive_id=other.id, code="HS-DUNG-HAN", name="Khác",
                                 comparator=Comparator.AT_LEAST, target=95,
                                 owner_unit_id=factories.unit("TTPVHCC").id))
        db.session.flush()
        found = problems("indicator,period,value\nHS-DUNG-HAN,2026-04,98\n")
        assert [(p.row, p.column) for p in found] == [(2, "indicator")]
        assert "KH-2027/HS-DUNG-HAN" in found[0].message
        rows = parse_readings(b"indicator,period,value\nKH-2027/HS-DUNG-HAN,2026-04,98\n"
                              b"TB-KL-CCTTHC-2026/HS-DUNG-HAN,2026-04,97\n", as_of="2026-11")
        assert [r.indicator.directive.code for r in rows] == ["KH-2027", "TB-KL-CCTTHC-2026"]
        assert problems(b"indicator,period,value\nKH-2027/NO-SUCH,2026-04,98\n")[0].row == 2


# The upload page -------------------------------------------------------------------------------

def upload(client, text: str | bytes, name: str = "so-lieu.csv"):
    data = text.encode() if isinstance(text, str) else text
    return client.post("/indicators/import", data={
        "csrf_token": csrf_token(client, "/indicators/import"),
        "file": (io.BytesIO(data), name),
    }, content_type="multipart/form-data")


def test_upload_previews_then_imports(client, app, seeded):
    login(client, "vanphong")
    preview = upload(client, GOOD)
    assert preview.status_code == 200
    html = preview.get_data(as_text=True)
    assert 'id="preview-readings"' in html
    assert html.count("<tr data-row=") == 3
    with app.app_context():
        assert counts()[0] == 0  # nothing written by the preview
    digest = html.split('name="digest" type="hidden" value="')[1].split('"')[0]
    confirm = client.post("/indicators/import/confirm", data={
        "csrf_token": csrf_token(client, "/indicators/import"), "digest": digest,
        "name": "so-lieu.csv"})
    assert confirm.status_code == 302
    assert confirm.headers["Location"].endswith("/indicators")
    with app.app_context():
        assert counts()[0] == 3
        assert not list(storage.pending_folder("readings").glob("*.csv"))
    listing = client.get("/indicators").get_data(as_text=True)
    assert "76" in listing.split('data-code="HS-TRUC-TUYEN-TOAN-TRINH"')[1].split("</tr>")[0]


def test_upload_refuses_rows_3_and_4_and_writes_nothing(client, app, seeded):
    login(client, "vanphong")
    with app.app_context():
        before = counts()
    response = upload(client, BAD)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="import-problems"' in html
    assert 'data-row="3"' in html
    assert 'data-row="4"' in html
    assert 'data-row="2"' not in html
    assert "KHONG-CO-CHI-TIEU-NAY" in html
    with app.app_context():
        assert counts() == before
        assert not list(storage.pending_folder("readings").glob("*.csv"))


def test_confirm_without_a_checked_file_goes_back(client, seeded):
    login(client, "vanphong")
    response = client.post("/indicators/import/confirm", data={
        "csrf_token": csrf_token(client, "/indicators/import"), "digest": "0" * 64})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/indicators/import")


def test_import_page_lists_the_codes_to_write(client, seeded):
    login(client, "admin")
    html = client.get("/indicators/import").get_data(as_text=True)
    assert "<code>XEP-HANG-766</code>" in html
    assert "<code>HS-KHONG-HEN</code>" in html
