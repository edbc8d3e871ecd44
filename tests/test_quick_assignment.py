"""Quick assignment (giao việc) from the dashboard and cooperating units' contributions."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.conftest import login, submit
from tracker.assignments import cooperation
from tracker.assignments.services import AssignmentError, QuickAssignment, quick_assign
from tracker.audit.models import AuditEntry
from tracker.db import LOCAL_TZ, utcnow
from tracker.directives.models import Directive, Frequency, Task
from tracker.extensions import db
from tracker.notify.models import Notification
from tracker.org.models import Unit, User
from tracker.workflow import services as workflow
from tracker.workflow.models import Occurrence, OccurrenceState

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06"
       b"\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01"
       b"\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


def by_name(username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


@pytest.fixture
def people(app):
    with app.app_context():
        factories.user(role="leader", unit_code="LD", username="pct")
        factories.user(role="office", unit_code="VP", username="vanphong")
        factories.user(role="unit_head", unit_code="PKT", username="truong", email="t@x.vn")
        factories.user(role="staff", unit_code="PKT", username="canbo")
        factories.user(role="unit_head", unit_code="TTDV", username="truong.ttdv")
        factories.user(role="unit_head", unit_code="PVH", username="truong.pvh")
        db.session.commit()


def today() -> date:
    return utcnow().astimezone(LOCAL_TZ).date()


def unit(code: str) -> Unit:
    return db.session.scalar(select(Unit).where(Unit.code == code))


def test_quick_assignment_goes_under_the_months_record_and_is_planned(ctx, people):
    job = QuickAssignment(title="Kiểm tra hiện trường", unit=unit("PKT"), outcome="Biên bản",
                          frequency=Frequency.ONCE, due_on=today() + timedelta(days=10),
                          person=by_name("canbo"))
    task = quick_assign(by_name("pct"), job)
    month = f"{today():%m/%Y}"
    assert task.directive.title == f"Việc phát sinh tháng {month}"
    assert task.assigned_by_id == by_name("pct").id
    assert task.code == "PS-01"
    assert db.session.scalar(select(func.count()).select_from(Occurrence).where(
        Occurrence.task_id == task.id)) == 1
    told = set(db.session.scalars(select(Notification.user_id).where(
        Notification.kind == "assignment")))
    assert told == {by_name("truong").id, by_name("canbo").id}
    weekly = quick_assign(by_name("vanphong"), QuickAssignment(
        title="Báo cáo tiến độ", unit=unit("TTDV"), outcome="Báo cáo", weekday="mon",
        frequency=Frequency.WEEKLY, due_on=today() + timedelta(days=35), leader=by_name("pct")))
    assert weekly.directive_id == task.directive_id
    assert weekly.code == "PS-02"
    assert weekly.assigned_by_id == by_name("pct").id
    assert db.session.scalar(select(func.count()).select_from(Occurrence).where(
        Occurrence.task_id == weekly.id)) >= 4
    assert db.session.scalar(select(func.count()).select_from(Directive)) == 1
    assert db.session.scalar(select(AuditEntry.id).where(AuditEntry.action == "task.assign"))


def test_quick_assignment_checks_what_it_is_given(ctx, people):
    job = QuickAssignment(title=" ", unit=unit("TTDV"), outcome="", frequency=Frequency.ONCE,
                          due_on=today() - timedelta(days=1), person=by_name("canbo"))
    with pytest.raises(AssignmentError, match="Ghi rõ nội dung công việc") as raised:
        quick_assign(by_name("pct"), job)
    for part in ("kết quả cần đạt", "phải thuộc đơn vị", "Hạn không được ở trong quá khứ"):
        assert part in str(raised.value)
    with pytest.raises(PermissionError, match=r"^$"):  # a refusal, not a message to show
        quick_assign(by_name("truong"), job)
    assert db.session.scalar(select(func.count()).select_from(Task)) == 0


def test_the_assign_page_makes_a_task(client, app, people):
    login(client, "pct")
    with app.app_context():
        unit_id = unit("PKT").id
    due = (today() + timedelta(days=7)).strftime("%d/%m/%Y")
    response = submit(client, "/assign", {
        "title": "Tổng hợp ý kiến cử tri", "unit": str(unit_id), "person": "",
        "frequency": "once", "due_on": due, "time": "16:30", "weekday": "fri",
        "day_of_month": "last", "outcome": "Báo cáo tổng hợp", "directive": "",
        "leader": ""}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Đã giao việc cho Đơn vị PKT" in page
    assert "Tổng hợp ý kiến cử tri" in page
    assert client.get("/directives").get_data(as_text=True).count("Việc phát sinh tháng") == 1


@pytest.fixture
def shared(app, people):
    """A task of PKT with TTDV cooperating, one open period."""
    with app.app_context():
        task = factories.task("PKT", code="PKT-PH", title="Tuyên truyền dịch vụ công")
        task.cooperating_units = [unit("TTDV")]
        occurrence = Occurrence(task_id=task.id, unit_id=task.owner_unit_id,
                                period_start=today(), period_end=today(),
                                due_at=utcnow() + timedelta(days=2))
        db.session.add(occurrence)
        db.session.commit()
        return occurrence.id


def test_cooperating_unit_adds_its_part_and_the_owner_hands_in(client, app, shared):
    other = app.test_client()
    login(other, "truong.pvh")
    assert other.get(f"/occurrences/{shared}").status_code == 403
    login(client, "truong.ttdv")
    url = f"/occurrences/{shared}"
    assert "Gửi phần phối hợp của đơn vị" in client.get(url).get_data(as_text=True)
    response = submit(client, url, {"text": "Đã phát 200 tờ rơi",
                                    "file": (io.BytesIO(PNG), "ảnh tờ rơi.png")},
                      post_url=f"{url}/contributions", follow_redirects=True,
                      content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert "Đã phát 200 tờ rơi" in page
    assert "ảnh tờ rơi.png" in page
    with app.app_context():
        occurrence = db.session.get(Occurrence, shared)
        head = by_name("truong")
        workflow.add_link(head, occurrence, "https://example.org/bc", "Báo cáo")
        workflow.save_report(head, occurrence, version=None, report="Đã tuyên truyền",
                             reported_value=None, submit=True)
        assert occurrence.state == OccurrenceState.SUBMITTED
        with pytest.raises(PermissionError, match=r"^$"):  # a refusal, not a message to show
            cooperation.add_contribution(by_name("truong.ttdv"), occurrence, "Muộn")
        db.session.commit()
    office = app.test_client()
    login(office, "vanphong")
    assert "1 phần phối hợp" in office.get("/verification").get_data(as_text=True)
    assert "Đã phát 200 tờ rơi" in office.get(url).get_data(as_text=True)
