"""The directive editor: drafts plan nothing, publishing plans and notifies, amendments need a
reason and keep history, problems come back in Vietnamese beside the field."""

from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.conftest import csrf_token, login
from tracker.audit.models import AuditEntry
from tracker.directives import services
from tracker.directives.editing import proposed_code
from tracker.directives.models import Directive, DirectiveStatus, Task
from tracker.extensions import db
from tracker.notify.models import Notification
from tracker.org.models import User
from tracker.schedule.models import Occurrence


@pytest.fixture
def people(app):
    with app.app_context():
        factories.unit("VP", name="Văn phòng HĐND và UBND")
        factories.unit("PKT", name="Phòng Kinh tế")
        factories.user(role="office", unit_code="VP", username="vanphong")
        factories.user(role="admin", username="quantri")
        factories.user(role="leader", unit_code="LD", username="chutich", person_code="CT-XA",
                       full_name="Nguyễn Văn Chủ")
        factories.user(role="unit_head", unit_code="PKT", username="truongpkt",
                       email="pkt@example.vn")
        db.session.commit()


def header(**extra) -> dict:
    data = {
        "directive.type": "conclusion_notice", "directive.number": "15/TB-UBND",
        "directive.title": "Kết luận giao ban tháng 12", "directive.issuer": "UBND xã Cẩm Giang",
        "directive.issued_on": "2026-12-01", "directive.signer.name": "Nguyễn Văn Chủ",
        "directive.signer.title": "Chủ tịch", "directive.signer.authority": "TM.",
        "directive.period.start": "2026-12-01", "directive.period.end": "2027-03-31",
        "directive.summary": "Về cải cách thủ tục hành chính",
    }
    data.update(extra)
    return data


def daily_task(index=0, **extra) -> dict:
    prefix = f"tasks[{index}]."
    data = {"clause": "1", "title": "Kiểm soát hồ sơ hằng ngày", "owner": "PKT",
            "frequency": "daily", "due.time": "16:30"}
    data.update(extra)
    return {prefix + key: value for key, value in data.items()}


def post_editor(client, url, data):
    return client.post(url, data={"csrf_token": csrf_token(client, url), **data})


def test_office_drafts_in_the_editor_and_nothing_is_planned(client, app, people):
    login(client, "vanphong")
    once = {"tasks[1].clause": "2", "tasks[1].title": "Rà soát thủ tục", "tasks[1].owner": "PKT",
            "tasks[1].frequency": "once", "tasks[1].due.date": "2027-01-15"}
    response = post_editor(client, "/directives/new", {**header(), **daily_task(), **once})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with app.app_context():
        directive = db.session.scalar(select(Directive))
        assert directive.status == DirectiveStatus.DRAFT
        assert directive.signer_authority == "TM."
        assert [task.code for task in directive.tasks] == ["1-PKT", "2-PKT"]
        assert directive.tasks[0].due_rule == {"time": "16:30"}
        assert db.session.scalar(select(func.count(Occurrence.id))) == 0
        assert db.session.scalar(select(func.count(Notification.id))) == 0


def test_problems_come_back_beside_the_field(client, app, people):
    login(client, "vanphong")
    response = post_editor(client, "/directives/new",
                           {**header(), **daily_task(**{"due.time": "25:00"})})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "không phải là giờ" in page
    assert 'name="tasks[0].due.time"' in page and "is-invalid" in page
    assert 'value="Kiểm soát hồ sơ hằng ngày"' in page  # what was typed is kept
    with app.app_context():
        assert db.session.scalar(select(func.count(Directive.id))) == 0


def test_adding_a_task_without_script_keeps_what_was_typed(client, people):
    login(client, "vanphong")
    response = post_editor(client, "/directives/new",
                           {**header(), **daily_task(), "action": "add_task"})
    page = response.get_data(as_text=True)
    assert 'name="tasks[1].title"' in page
    assert 'value="Kiểm soát hồ sơ hằng ngày"' in page


def test_rule_preview_gives_the_next_working_day_deadlines(client, people):
    login(client, "vanphong")
    response = client.get("/directives/rule-preview", query_string={
        "frequency": "twice_monthly", "due.days.0": "15", "due.days.1": "last",
        "start": "2027-01-01", "end": "2027-12-31"})
    data = response.get_json()
    assert data["problem"] == ""
    assert len(data["deadlines"]) == 5
    assert data["deadlines"][0].startswith("17:00 15/01/2027")
    bad = client.get("/directives/rule-preview", query_string={
        "frequency": "weekly", "due.weekday": "someday"}).get_json()
    assert "không phải là thứ trong tuần" in bad["problem"]


def publish_as_office(client, app):
    with app.app_context():
        directive_id = db.session.scalar(select(Directive.id))
        leader_id = db.session.scalar(select(User.id).where(User.username == "chutich"))
    url = f"/directives/{directive_id}"
    response = client.post(f"{url}/publish", data={"csrf_token": csrf_token(client, url),
                                                   "leader": str(leader_id)})
    return directive_id, response


def test_publishing_plans_and_notifies_and_records_the_leader(client, app, people):
    login(client, "vanphong")
    post_editor(client, "/directives/new", {**header(), **daily_task()})
    directive_id, response = publish_as_office(client, app)
    assert response.status_code == 302
    with app.app_context():
        directive = db.session.get(Directive, directive_id)
        assert directive.status == DirectiveStatus.PUBLISHED
        assert db.session.scalar(select(func.count(Occurrence.id))) > 0
        notice = db.session.scalar(select(Notification))
        assert notice.user.username == "truongpkt"
        assert "1-PKT" in notice.body
        entry = db.session.scalar(select(AuditEntry).where(
            AuditEntry.action == "directive.publish"))
        assert entry.actor.username == "vanphong"
        assert entry.after["on_behalf_of"].startswith("Nguyễn Văn Chủ")


def test_office_cannot_publish_without_naming_a_leader(client, app, people):
    login(client, "vanphong")
    post_editor(client, "/directives/new", {**header(), **daily_task()})
    with app.app_context():
        directive_id = db.session.scalar(select(Directive.id))
    url = f"/directives/{directive_id}"
    client.post(f"{url}/publish", data={"csrf_token": csrf_token(client, url)})
    with app.app_context():
        assert db.session.get(Directive, directive_id).is_draft


def test_amendment_needs_a_reason_and_keeps_started_periods(client, app, people):
    login(client, "vanphong")
    once = {"tasks[0].clause": "2", "tasks[0].title": "Rà soát thủ tục",
            "tasks[0].owner": "PKT", "tasks[0].frequency": "once",
            "tasks[0].due.date": "2027-01-15"}
    post_editor(client, "/directives/new", {**header(), **once})
    directive_id, _response = publish_as_office(client, app)
    url = f"/directives/{directive_id}/edit"
    moved = {**header(), **once, "tasks[0].code": "2-PKT", "tasks[0].due.date": "2027-02-26"}
    refused = post_editor(client, url, moved)
    assert refused.status_code == 422
    assert "cần ghi lý do" in refused.get_data(as_text=True)
    response = post_editor(client, url, {**moved, "reason": "Lùi hạn theo đề nghị của phòng"})
    assert response.status_code == 302
    with app.app_context():
        occurrence = db.session.scalar(select(Occurrence))
        assert occurrence.due_at.date() == date(2027, 2, 26)
        task = db.session.scalar(select(Task))
    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "Lùi hạn theo đề nghị của phòng" in page
    assert "2027-02-26" in page and "2027-01-15" in page


def test_amend_task_service_needs_a_reason_after_publishing(ctx, people):
    task = factories.task("PKT", code="X-1")
    actor = factories.user(role="office", unit_code="VP")
    with pytest.raises(services.NotAllowedError, match="cần ghi lý do|needs a reason"):
        services.amend_task(task, {"title": "Mới"}, "", actor)
    assert services.amend_task(task, {"title": "Mới"}, "Sửa tên", actor)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "task.amend"))
    assert entry.before == {"title": "Nhiệm vụ X-1"}
    assert entry.after == {"title": "Mới", "reason": "Sửa tên"}


def test_codes_are_proposed_from_clause_and_owner():
    assert proposed_code("1.2", "VP") == "1.2-VP"
    assert proposed_code("2 (VP)", "Văn phòng") == "2-VP-VAN-PHONG"


def test_office_upload_cannot_create_an_administrator(client, app, people, tmp_path):
    login(client, "vanphong")
    text = (
        "directive: {number: 9/TB, title: Thử, issuer: UBND, signer: {name: A, title: B},"
        " issued_on: 2026-12-01, period: {start: 2026-12-01, end: 2026-12-31}}\n"
        "units: []\n"
        "people: [{code: QTV, name: Kẻ lạ, unit: VP, role: admin}]\n"
        "tasks: [{code: T1, clause: '1', title: Việc, owner: VP, frequency: once,"
        " due: 2026-12-20}]\n"
    )
    response = client.post("/directives/import", data={
        "csrf_token": csrf_token(client, "/directives/import"),
        "file": (io.BytesIO(text.encode()), "d.yaml")}, content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    digest = page.split('name="digest" type="hidden" value="')[1].split('"')[0]
    response = client.post("/directives/import/confirm", data={
        "csrf_token": csrf_token(client, "/directives/import"), "digest": digest})
    assert response.status_code == 422
    assert "không thể cấp" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Directive.id))) == 0
