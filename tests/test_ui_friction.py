"""Issue 18, below the browser: the rules behind each role's friction fixes."""

from __future__ import annotations

import io
import random
import re
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
import wtforms
from sqlalchemy import func, select

from tests import factories
from tests.conftest import csrf_token, login
from tracker.db import LOCAL_TZ, utcnow
from tracker.demo import at_work
from tracker.directives.models import Directive
from tracker.extensions import db
from tracker.forms import MESSAGES
from tracker.inspections import marking, services
from tracker.inspections.models import InspectionItem, ItemResult, RoundState
from tracker.notify.models import Notification
from tracker.org.models import UnitKind
from tracker.workflow import queries
from tracker.workflow.models import Explanation, Occurrence, OccurrenceState

PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]"
       b"/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def add(task, due_at, **fields) -> Occurrence:
    day = due_at.astimezone(LOCAL_TZ).date()
    occurrence = Occurrence(task_id=task.id, unit_id=task.owner_unit_id, period_start=day,
                            period_end=day, due_at=due_at, **fields)
    db.session.add(occurrence)
    db.session.flush()
    return occurrence


# -- WTForms' own messages -------------------------------------------------------------------

def test_every_wtforms_message_is_listed_for_translation():
    pot = Path(wtforms.__file__).parent / "locale" / "wtforms.pot"
    theirs = set(re.findall(r'^msgid "(.+)"$', pot.read_text(encoding="utf-8"), re.MULTILINE))
    ours = {str(message._args[0]) for message in MESSAGES}
    assert theirs == ours


def test_a_badly_written_date_says_only_that(client, app):
    with app.app_context():
        factories.user(role="admin", unit_code="VP", username="quantri")
        db.session.commit()
    login(client, "quantri")
    response = client.post("/admin/calendar", data={
        "csrf_token": csrf_token(client, "/admin/calendar"), "day": "2026-13-45",
        "kind": "holiday", "reason": "Thử"})
    html = response.get_data(as_text=True)
    assert "dd/mm/yyyy" in html
    assert "This field is required" not in html
    assert "Chưa điền mục này" not in html
    response = client.post("/admin/calendar", data={
        "csrf_token": csrf_token(client, "/admin/calendar"), "day": "", "kind": "holiday",
        "reason": "Thử"})
    assert "Chưa điền mục này." in response.get_data(as_text=True)


def test_length_messages_read_in_vietnamese_with_their_numbers(app):
    from flask_wtf import FlaskForm
    from wtforms import StringField
    from wtforms.validators import Length

    class Short(FlaskForm):
        class Meta:
            csrf = False

        code = StringField("code", validators=[Length(max=3)])
        name = StringField("name", validators=[Length(min=5)])

    with app.test_request_context("/", method="POST", data={"code": "abcdef", "name": "x"}):
        app.preprocess_request()
        form = Short()
        assert not form.validate()
        assert form.errors == {"code": ["Không được dài quá 3 ký tự."],
                               "name": ["Cần viết ít nhất 5 ký tự."]}


# -- One explanation per period, kept evidence -----------------------------------------------

@pytest.fixture
def late_period(app):
    with app.app_context():
        factories.user(role="unit_head", unit_code="TTPVHCC", username="truong")
        factories.user(role="office", unit_code="VP", username="vanphong")
        task = factories.task("TTPVHCC", title="Báo cáo hồ sơ quá hạn")
        other = add(task, utcnow() - timedelta(days=4))
        late = add(task, utcnow() - timedelta(days=3))
        db.session.commit()
        return {"late": late.id, "other": other.id}


def switch(client, username):
    client.post("/logout", data={"csrf_token": csrf_token(client, "/inbox")})
    login(client, username)


def hand_in(client, occurrence_id, data, files=None):
    page = f"/occurrences/{occurrence_id}"
    payload = {"csrf_token": csrf_token(client, page), "submit": "1", **data}
    version = re.search(r'name="version" type="hidden" value="(\d+)"',
                        client.get(page).get_data(as_text=True))
    payload["version"] = version.group(1) if version else "1"
    if files:
        payload["files"] = files
    return client.post(f"{page}/report", data=payload, content_type="multipart/form-data")


def test_a_returned_late_period_keeps_its_one_explanation(client, app, late_period):
    login(client, "truong")
    first = {"report": "Đã nộp", "link": "https://example.gov.vn/a", "cause": "objective",
             "explanation": "Mất điện"}
    assert hand_in(client, late_period["late"], first).status_code == 302
    switch(client, "vanphong")
    page = f"/occurrences/{late_period['late']}"
    with app.app_context():
        version = db.session.get(Occurrence, late_period["late"]).version
    returned = client.post(f"{page}/review", data={
        "csrf_token": csrf_token(client, page), "version": str(version), "send_back": "1",
        "reason": "Thiếu danh sách"})
    assert returned.status_code == 302
    switch(client, "truong")
    html = client.get(page).get_data(as_text=True)
    assert "Mất điện" in html  # the explanation is offered again, not asked for anew
    again = {"report": "Đã bổ sung", "cause": "objective", "explanation": "Mất điện cả ngày"}
    assert hand_in(client, late_period["late"], again).status_code == 302
    with app.app_context():
        explanations = db.session.scalars(select(Explanation)).all()
        assert [e.text for e in explanations] == ["Mất điện cả ngày"]


def test_kept_files_belong_to_their_period(client, app, late_period):
    login(client, "truong")
    refused = hand_in(client, late_period["late"], {"report": "Thiếu giải trình"},
                      files=[(io.BytesIO(PDF), "bc.pdf")])
    assert refused.status_code == 422
    token = re.search(r'name="kept_file" value="([^"]+)"', refused.get_data(as_text=True))
    assert token
    # The token does not attach the file to another period.
    moved = hand_in(client, late_period["other"], {"report": "x", "kept_file": token.group(1),
                                                   "cause": "objective", "explanation": "y"})
    assert moved.status_code == 422
    kept = hand_in(client, late_period["late"], {
        "report": "Đã nộp", "kept_file": token.group(1), "cause": "objective",
        "explanation": "Chờ số liệu"})
    assert kept.status_code == 302
    html = client.get(f"/occurrences/{late_period['late']}").get_data(as_text=True)
    assert "bc.pdf" in html


# -- Verification queue ----------------------------------------------------------------------

def test_queue_filters_and_next(app):
    with app.app_context():
        directive = factories.directive()
        now = utcnow()
        made = []
        for code, days in (("PKT", 5), ("TTPVHCC", 4), ("PKT", 3)):
            task = factories.task(code, parent=directive, title=f"Việc {code} {days}")
            made.append(add(task, now - timedelta(days=days), state=OccurrenceState.SUBMITTED,
                            submitted_at=now - timedelta(days=days)))
        assert queries.awaiting_count() == 3
        pkt = queries.QueueFilter(unit="PKT")
        assert queries.next_in_queue(pkt) == made[0]
        assert queries.next_in_queue(pkt, after=made[0]) == made[2]
        due_by = (now - timedelta(days=4)).astimezone(LOCAL_TZ).date()
        early = queries.QueueFilter(due_by=due_by)
        assert list(db.session.scalars(queries.verification_queue(early)).unique()) == made[:2]
        assert queries.QueueFilter.from_args({"due_by": "31/02"}).due_by is None


# -- Inspection rounds -----------------------------------------------------------------------

@pytest.fixture
def round_setup(app):
    with app.app_context():
        factories.unit("VP", kind=UnitKind.OFFICE, name="Văn phòng HĐND và UBND")
        factories.user(role="office", unit_code="VP", username="vanphong")
        factories.user(role="unit_head", unit_code="PKT", username="truong")
        task = factories.task("PKT", title="Rà soát thủ tục")
        now = utcnow()
        today = now.astimezone(LOCAL_TZ).date()
        start, end = services.window_for(today)
        done = add(task, now - timedelta(minutes=5), sequence=1)
        later = add(task, max(datetime.combine(end, time(17), tzinfo=LOCAL_TZ),
                              now + timedelta(hours=1)), sequence=2)
        db.session.commit()
        return {"start": start, "unit": task.owner_unit_id, "done": done.id, "later": later.id}


def office():
    from tracker.org.models import User

    return db.session.scalar(select(User).where(User.username == "vanphong"))


def test_a_second_open_round_is_refused(app, round_setup):
    with app.app_context():
        first = services.open_round(office(), round_setup["start"], [round_setup["unit"]])
        with pytest.raises(marking.DuplicateRoundError, match="đang mở") as refused:
            services.open_round(office(), round_setup["start"])
        assert refused.value.existing.id == first.id


def test_rest_met_skips_items_not_yet_due_which_do_not_count(app, round_setup):
    with app.app_context():
        inspection = services.open_round(office(), round_setup["start"], [round_setup["unit"]])
        later = db.session.scalar(select(InspectionItem).where(
            InspectionItem.occurrence_id == round_setup["later"]))
        with pytest.raises(services.InspectionError, match="chưa đến hạn"):
            services.mark_item(office(), later, ItemResult.PASS, "")
        met = marking.mark_rest_met(office(), inspection)
        items = db.session.scalars(select(InspectionItem).where(
            InspectionItem.round_id == inspection.id)).all()
        assert later.result == ItemResult.NOT_YET_DUE
        assert met == len(items) - 1
        services.complete(office(), inspection, office(), round_setup["start"], "Đạt")
        assert inspection.state == RoundState.COMPLETED
        result = services.unit_inspection_result(round_setup["unit"], round_setup["start"])
        assert (result.passed, result.failed) == (met, 0)


def test_follow_up_task_tells_its_owner_and_keeps_the_offices_name(app, round_setup):
    with app.app_context():
        inspection = services.open_round(office(), round_setup["start"], [round_setup["unit"]])
        item = db.session.scalar(select(InspectionItem).where(
            InspectionItem.round_id == inspection.id, InspectionItem.criterion_id.is_not(None)))
        services.mark_item(office(), item, ItemResult.FAIL, "Chưa niêm yết thủ tục mới")
        task = services.follow_up(office(), item, item.unit, "Niêm yết bổ sung",
                                  utcnow().astimezone(LOCAL_TZ).date() + timedelta(days=7))
        assert "đợt kiểm tra" in task.description
        assert item.text in task.description
        assert db.session.get(Directive, task.directive_id).issuer == "Văn phòng HĐND và UBND"
        notice = db.session.scalar(select(Notification).where(Notification.kind == "follow_up"))
        assert notice.task_id == task.id


def test_every_notice_links_to_its_object(client, app, round_setup):
    with app.app_context():
        inspection = services.open_round(office(), round_setup["start"], [round_setup["unit"]])
        item = db.session.scalar(select(InspectionItem).where(
            InspectionItem.round_id == inspection.id, InspectionItem.criterion_id.is_not(None)))
        services.mark_item(office(), item, ItemResult.FAIL, "Thiếu sổ")
        task = services.follow_up(office(), item, item.unit, "Bổ sung sổ",
                                  utcnow().astimezone(LOCAL_TZ).date() + timedelta(days=7))
        db.session.commit()
        task_id = task.id
    login(client, "truong")
    html = client.get("/inbox").get_data(as_text=True)
    assert f'href="/tasks/{task_id}"' in html


# -- Demo data in office hours ---------------------------------------------------------------

@pytest.mark.parametrize("hours", [-30, -20, -8, -1, 2, 9, 30, 60])
def test_demo_hand_ins_fall_in_office_hours_on_the_same_side_of_the_deadline(hours):
    rng = random.Random(hours)  # noqa: S311 (test data)
    due = datetime(2026, 10, 14, 17, tzinfo=LOCAL_TZ)
    for minute in range(0, 24 * 60, 37):
        moment = due + timedelta(hours=hours, minutes=minute - 12 * 60)
        moved = at_work(moment, due, rng).astimezone(LOCAL_TZ)
        assert 8 <= moved.hour < 17 or moved == due - timedelta(minutes=5)
        assert (moved <= due) == (moment <= due)


def test_staff_read_their_units_work(client, app):
    with app.app_context():
        factories.user(role="staff", unit_code="PKT", username="canbo")
        task = factories.task("PKT", title="Việc của phòng")
        occurrence = add(task, utcnow() + timedelta(days=1))
        db.session.commit()
        ids = task.id, occurrence.id
    login(client, "canbo")
    assert client.get(f"/tasks/{ids[0]}").status_code == 200
    page = client.get(f"/occurrences/{ids[1]}").get_data(as_text=True)
    assert 'id="report-form"' not in page  # read-only
    assert "Việc của phòng" in client.get("/tasks").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Occurrence.id))) == 1


def test_dates_in_queue_filter_are_iso(app):
    assert queries.QueueFilter.from_args({"due_by": "2026-12-01"}).due_by == date(2026, 12, 1)


@pytest.mark.parametrize(("role", "unit", "shown"), [
    ("office", "VP", {"/directives/import", "/directives/from-document", "/assign"}),
    ("admin", "VP", {"/directives/import", "/directives/from-document"}),
    ("leader", "LD", {"/assign"}),
    ("unit_head", "PKT", set()),
])
def test_the_menu_offers_what_the_policies_allow(client, make_user, role, unit, shown):
    make_user(role, unit, username="nguoidung")
    login(client, "nguoidung")
    html = client.get("/").get_data(as_text=True)
    offered = {path for path in ("/directives/import", "/directives/from-document", "/assign")
               if f'href="{path}"' in html}
    assert offered == shown
