"""Odd input gets a clear answer: e-mail, formulas, control characters, numbers, dates, YAML,
passwords, login timing, self-verification, stale forms, caching and content types."""

import csv
import io
import time
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tests import factories
from tests.conftest import csrf_token, login, said, submit
from tracker.db import LOCAL_TZ, utcnow
from tracker.directives.models import Frequency
from tracker.directives.problems import Checker, read_yaml
from tracker.evaluation import documents, scoring, spreadsheet
from tracker.evaluation import services as evaluations
from tracker.extensions import db
from tracker.inspections import services as inspections
from tracker.inspections.models import InspectionItem, ItemResult
from tracker.org import services as org
from tracker.org.models import User
from tracker.org.passwords import PasswordRejectedError, check_password_policy
from tracker.reports.cells import cells
from tracker.workflow import services as workflow
from tracker.workflow.models import Occurrence, OccurrenceState


def test_any_email_address_on_the_user_form_is_no_server_error(client, make_user):
    make_user("admin", username="quantri")
    login(client, "quantri")
    response = submit(client, "/admin/users/new", {
        "username": "thuky", "full_name": "Thư ký", "email": "thu.ky@ubnd.gov.vn",
        "role": "office", "unit_id": "", "password": "Cay-bang-xanh-1975"})
    assert response.status_code == 302
    response = submit(client, "/admin/users/new", {
        "username": "thuky2", "full_name": "Thư ký", "email": "không phải địa chỉ",
        "role": "office", "unit_id": "", "password": "Cay-bang-xanh-1975"})
    assert response.status_code == 200
    assert "ten@ubnd.gov.vn" in response.get_data(as_text=True)


@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://x\")", "+1+2", "-2+3", "@SUM(A1)",
                                  "\t=1", "\r=1"])
def test_formula_text_is_neutralised(text):
    assert cells([text, 5, None, "Phòng Kinh tế"]) == [f"'{text}", 5, None, "Phòng Kinh tế"]


def test_agenda_csv_writes_no_live_formula(app, runner):
    with app.app_context():
        task = factories.task("PKT", code="=cmd|' /C calc'!A0", title="@SUM(1+1)*cmd")
        day = date(2026, 11, 10)
        db.session.add(Occurrence(task_id=task.id, unit_id=task.owner_unit_id, period_start=day,
                                  period_end=day, due_at=utcnow().replace(2026, 11, 10)))
        db.session.commit()
    result = runner.invoke(args=["agenda", "--from", "01/11/2026", "--to", "30/11/2026",
                                 "--csv"])
    rows = list(csv.reader(io.StringIO(result.output)))
    assert rows[1][0] == "'=cmd|' /C calc'!A0"
    assert rows[1][-1] == "'@SUM(1+1)*cmd"


@pytest.fixture
def ranked(app):
    """An office clerk, a leader and a draft evaluation of a unit named like a formula."""
    with app.app_context():
        office = factories.user(role="office", unit_code="VP", username="vanphong")
        factories.user(role="leader", unit_code="LD", username="lanhdao")
        factories.unit("PKT", name="=1+2 Phòng Kinh tế")
        factories.task("PKT", code="-4-PKT-01")
        draft = evaluations.compute(office, date(2026, 1, 1))
        db.session.commit()
        return draft.id


def test_evaluation_xlsx_and_csv_hold_text_not_formulas(app, ranked):
    from tracker.evaluation.models import Evaluation

    with app.app_context():
        evaluation = db.session.get(Evaluation, ranked)
        leader = db.session.scalar(select(User).where(User.username == "lanhdao"))
        row = next(r for r in evaluation.rows if r.unit_name.startswith("="))
        evaluations.override_level(leader, row, scoring.Level(row.level), "-Họp\x0b xét lại")
        workbook = load_workbook(io.BytesIO(spreadsheet.report_xlsx(evaluation)))
        values = [cell.value for sheet in workbook for line in sheet.iter_rows()
                  for cell in line]
        kinds = {cell.data_type for sheet in workbook for line in sheet.iter_rows()
                 for cell in line}
        text = spreadsheet.report_csv(evaluation)
        docx = documents.report_docx(evaluation)
    # The workbook: string cells, shown exactly as typed; the CSV: OWASP's leading quote.
    assert "f" not in kinds
    assert "=1+2 Phòng Kinh tế" in values
    assert "-Họp xét lại" in values
    assert ",'=1+2 Phòng Kinh tế," in text
    assert docx[:2] == b"PK"


def test_a_vertical_tab_in_a_finding_note_does_not_break_the_minutes(ctx):
    factories.unit("VP", kind=factories.UnitKind.OFFICE)
    office = factories.user(role="office", unit_code="VP", username="vanphong")
    factories.user(role="unit_head", unit_code="PKT")
    inspection = inspections.open_round(office, date(2026, 11, 1))
    item = db.session.scalars(select(InspectionItem).where(
        InspectionItem.round_id == inspection.id)).first()
    inspections.mark_item(office, item, ItemResult.FAIL, "Chưa niêm yết\x0bthủ tục")
    assert item.note == "Chưa niêm yếtthủ tục"
    from tracker.inspections import documents as minutes

    assert minutes.minutes_docx(inspection)[:2] == b"PK"


@pytest.fixture
def period(app):
    with app.app_context():
        factories.user(role="unit_head", unit_code="PKT", username="truong")
        office = factories.user(role="office", unit_code="VP", username="vanphong")
        task = factories.task("PKT", code="4-PKT-01", assignee=office)
        occurrence = Occurrence(task_id=task.id, unit_id=task.owner_unit_id,
                                period_start=date(2026, 1, 5), period_end=date(2026, 1, 5),
                                due_at=utcnow() + timedelta(days=2))
        db.session.add(occurrence)
        db.session.commit()
        return occurrence.id


@pytest.mark.parametrize("figure", ["nan", "inf", "-inf", "1e309", "NaN"])
def test_non_finite_figures_are_refused(client, app, period, figure):
    login(client, "truong")
    page = f"/occurrences/{period}"
    response = client.post(f"{page}/report", data={
        "csrf_token": csrf_token(client, page), "version": 1, "save": "1", "report": "x",
        "reported_value": figure})
    assert response.status_code == 422
    with app.app_context():
        assert db.session.get(Occurrence, period).reported_value is None
        head = db.session.scalar(select(User).where(User.username == "truong"))
        refusal = said("Write a number, for example 85 or 85,5.")
        with pytest.raises(workflow.WorkflowError, match=refusal):
            workflow.save_report(head, db.session.get(Occurrence, period), version=1,
                                 report="x", reported_value=float(figure), submit=False)


def test_a_save_without_the_version_field_is_refused_not_an_overwrite(client, app, period):
    login(client, "truong")
    page = f"/occurrences/{period}"
    response = client.post(f"{page}/report", data={
        "csrf_token": csrf_token(client, page), "save": "1", "report": "ghi đè"})
    assert response.status_code in (409, 422)
    with app.app_context():
        assert db.session.get(Occurrence, period).report == ""


def test_nobody_verifies_what_they_handed_in(client, app, period):
    with app.app_context():
        clerk = db.session.scalar(select(User).where(User.username == "vanphong"))
        occurrence = db.session.get(Occurrence, period)
        workflow.save_report(clerk, occurrence, version=occurrence.version, report="Xong",
                             reported_value=None, submit=False)
        workflow.add_link(clerk, occurrence, "https://ubnd.gov.vn/bien-ban")
        workflow.save_report(clerk, occurrence, version=occurrence.version, report="Xong",
                             reported_value=None, submit=True)
        assert occurrence.submitted_by_id == clerk.id
        with pytest.raises(workflow.WorkflowError, match="người khác xác nhận"):
            workflow.verify(clerk, occurrence, occurrence.version)
        colleague = factories.user(role="office", unit_code="VP", username="vanphong2")
        workflow.verify(colleague, occurrence, occurrence.version)
        assert occurrence.state == OccurrenceState.VERIFIED


def test_signing_off_a_round_closes_the_duty_without_a_self_verification(ctx):
    factories.unit("VP", kind=factories.UnitKind.OFFICE)
    office = factories.user(role="office", unit_code="VP", username="vanphong")
    inspector = factories.user(role="leader", unit_code="LD", username="lanhdao")
    duty = factories.task("VP", code="2-VP-01", frequency=Frequency.TWICE_MONTHLY)
    due = utcnow().replace(2026, 11, 13).astimezone(LOCAL_TZ)
    occurrence = Occurrence(task_id=duty.id, unit_id=duty.owner_unit_id,
                            period_start=date(2026, 11, 1), period_end=date(2026, 11, 15),
                            due_at=due)
    db.session.add(occurrence)
    db.session.flush()
    inspection = inspections.open_round(office, date(2026, 11, 1))
    for item in db.session.scalars(select(InspectionItem).where(
            InspectionItem.round_id == inspection.id)):
        inspections.mark_item(office, item, ItemResult.PASS, "")
    inspections.complete(office, inspection, inspector, date(2026, 11, 15), "Đạt", "01/BB")
    assert occurrence.state == OccurrenceState.VERIFIED
    assert occurrence.verified_by_id is None


@pytest.mark.parametrize("day", ["31/12/9999", "01/01/0001"])
def test_an_event_day_out_of_range_is_a_form_error(client, app, day):
    with app.app_context():
        factories.user(role="office", unit_code="VP", username="vanphong")
        task = factories.task("PKT", code="E-1", frequency=Frequency.ON_EVENT,
                              due_rule={"within_working_days": 1})
        db.session.commit()
        task_id = task.id
    login(client, "vanphong")
    response = submit(client, f"/tasks/{task_id}", {"day": day, "note": "x"},
                      post_url=f"/tasks/{task_id}/events")
    assert response.status_code < 500


def test_deeply_nested_yaml_is_a_problem_not_a_crash(ctx):
    checker = Checker("sau.yaml")
    assert read_yaml("a: " + "[" * 5000 + "]" * 5000, checker) is None
    assert checker.problems


REPEATS = "The password repeats the same few characters; choose another."
RUN = "The password is a run of letters, digits or keys in order; choose another."
COMMON = "This password is among the first that attackers try; choose another."
DIGITS = "The password must not be only digits."
USERNAME = "The password must not contain the username."


@pytest.mark.parametrize(("password", "rule"), [
    ("aaaaaaaa", REPEATS), ("abcdefgh", RUN), ("qwerty12", RUN), ("admin1234", COMMON),
    ("canbo2026", USERNAME), ("12345678 ", DIGITS), ("87654321", DIGITS), ("Qwertyuiop1", RUN),
])
def test_weak_passwords_are_refused(ctx, password, rule):
    with pytest.raises(PasswordRejectedError, match=said(rule)):
        check_password_policy(password, "canbo")


def test_a_good_password_passes_and_the_list_is_shipped(ctx):
    from tracker.org.passwords import common_passwords

    check_password_policy("Cay-bang-xanh-1975", "canbo")
    assert len(common_passwords()) > 5000
    assert "iloveyou" in common_passwords()


def test_login_takes_as_long_for_an_unknown_name(app, make_user):
    app.config["PASSWORD_HASH_METHOD"] = "pbkdf2:sha256:300000"
    with app.app_context():
        user = factories.user(role="staff", unit_code="PKT", username="canbo")
        user.set_password("Cay-bang-xanh-1975")
        db.session.commit()

        def timed(name: str) -> float:
            best = float("inf")
            for _ in range(3):
                start = time.perf_counter()
                assert org.authenticate(name, "sai-mat-khau") is None
                best = min(best, time.perf_counter() - start)
            return best

        org.authenticate("khongco", "x")  # the dummy hash is made once
        known, unknown = timed("canbo"), timed("khongco")
    assert unknown > known / 3, (known, unknown)


def test_signed_in_pages_and_downloads_are_not_cached(client, app, ranked):
    login(client, "vanphong")
    assert client.get("/").headers["Cache-Control"] == "no-store"
    response = client.get(f"/evaluation/{ranked}/report.csv")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Type"].count("charset") == 1
    static = client.get("/static/css/app.css")
    static.close()
    assert "no-store" not in static.headers.get("Cache-Control", "")


def test_a_leader_approves_what_the_office_clerk_handed_in_but_cannot_return_it(client, app,
                                                                                 period):
    with app.app_context():
        clerk = db.session.scalar(select(User).where(User.username == "vanphong"))
        factories.user(role="leader", unit_code="LD", username="lanhdao")
        occurrence = db.session.get(Occurrence, period)
        workflow.add_link(clerk, occurrence, "https://ubnd.gov.vn/bien-ban")
        workflow.save_report(clerk, occurrence, version=occurrence.version, report="Xong",
                             reported_value=None, submit=True)
        db.session.commit()
        version = occurrence.version
    login(client, "vanphong")
    page = f"/occurrences/{period}"
    response = client.post(f"{page}/review", data={
        "csrf_token": csrf_token(client, page), "version": version, "approve": "1"})
    assert response.status_code == 422
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login(client, "lanhdao")
    assert "Xong" in client.get(page).get_data(as_text=True)
    refused = client.post(f"{page}/review", data={
        "csrf_token": csrf_token(client, page), "version": version, "send_back": "1",
        "reason": "Thiếu"})
    assert refused.status_code == 403
    response = client.post(f"{page}/review", data={
        "csrf_token": csrf_token(client, page), "version": version, "approve": "1"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Occurrence, period).state == OccurrenceState.VERIFIED
