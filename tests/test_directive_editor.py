"""The directive editor: drafts plan nothing, publishing plans and notifies, amendments need a
reason and keep history, problems come back in Vietnamese beside the field."""

from __future__ import annotations

import io
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from tests import factories
from tests.conftest import csrf_token, login
from tracker.audit.models import AuditEntry
from tracker.db import LOCAL_TZ
from tracker.directives import services
from tracker.directives.editing import proposed_code
from tracker.directives.models import Directive, DirectiveStatus, Task
from tracker.directives.seeding import load_file, parse_mapping
from tracker.extensions import db
from tracker.notify.models import Notification
from tracker.org.models import User
from tracker.workflow.models import Occurrence


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
    assert 'name="tasks[0].due.time"' in page
    assert "is-invalid" in page
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
    # The server draws the next deadlines too, for a browser without script.
    assert "Các hạn sắp tới theo lịch ngày làm việc" in page
    assert "16:30" in page.split("js-preview-list")[1]


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
    assert "2027-02-26" in page
    assert "2027-01-15" in page


def test_amend_task_service_needs_a_reason_after_publishing(ctx, people):
    task = factories.task("PKT", code="X-1")
    actor = factories.user(role="office", unit_code="VP")
    with pytest.raises(services.NotAllowedError, match="cần ghi lý do"):
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


def test_a_leader_publishes_in_person(client, app, people):
    login(client, "vanphong")
    post_editor(client, "/directives/new", {**header(), **daily_task()})
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login(client, "chutich")
    with app.app_context():
        directive_id = db.session.scalar(select(Directive.id))
    url = f"/directives/{directive_id}"
    client.post(f"{url}/publish", data={"csrf_token": csrf_token(client, url)})
    with app.app_context():
        directive = db.session.get(Directive, directive_id)
        assert directive.published_for_id == directive.published_by_id
        entry = db.session.scalar(select(AuditEntry).where(
            AuditEntry.action == "directive.publish"))
        assert entry.after["in_person"] is True


def test_drafts_are_hidden_from_the_units(client, app, people):
    login(client, "vanphong")
    post_editor(client, "/directives/new", {**header(), **daily_task()})
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login(client, "truongpkt")
    assert "Kết luận giao ban tháng 12" not in client.get("/directives").get_data(as_text=True)
    with app.app_context():
        task_id = db.session.scalar(select(Task.id))
    assert client.get(f"/tasks/{task_id}").status_code == 403


def test_editor_attaches_the_signed_document(client, app, people):
    login(client, "vanphong")
    data = {**header(), **daily_task(),
            "document": (io.BytesIO(b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<<>>\n"
                                    b"%%EOF\n"), "ban-ky.pdf")}
    response = client.post("/directives/new", data={
        "csrf_token": csrf_token(client, "/directives/new"), **data},
        content_type="multipart/form-data")
    assert response.status_code == 302
    with app.app_context():
        directive = db.session.scalar(select(Directive))
        assert directive.document_name == "ban-ky.pdf"
    download = client.get(f"/directives/{directive.id}/document")
    assert download.data.startswith(b"%PDF")
    download.close()


def test_editor_shows_the_source_and_doubt_of_an_imported_draft(client, app, people):
    with app.app_context():
        mapping = {
            "directive": {"number": "3/KH", "title": "Kế hoạch nháp", "issuer": "UBND",
                          "signer": {"name": "A", "title": "B"}, "issued_on": "2026-12-01",
                          "period": {"start": "2026-12-01", "end": "2026-12-31"}},
            "units": [], "people": [],
            "tasks": [{"code": "1-PKT", "clause": "1", "title": "Rà soát", "owner": "PKT",
                       "frequency": "once", "due": "2026-12-20",
                       "source": "Phòng Kinh tế rà soát trước ngày 20/12/2026.",
                       "doubt": "Không rõ giờ hạn."}],
        }
        office = db.session.scalar(select(User).where(User.username == "vanphong"))
        summary = services.create_draft(parse_mapping(mapping, "nhap.docx"), office)
        db.session.commit()
        directive_id = summary.directive.id
    login(client, "vanphong")
    page = client.get(f"/directives/{directive_id}/edit").get_data(as_text=True)
    assert "Phòng Kinh tế rà soát trước ngày 20/12/2026." in page
    assert "Không rõ giờ hạn." in page


class FormReader(HTMLParser):
    """The fields of the editor's form as a browser would send them, untouched."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self.in_form = self.in_template = False
        self.textarea: str | None = None
        self.select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == "directive-editor":
            self.in_form = True
        elif tag == "template":
            self.in_template = True
        if not self.in_form or self.in_template:
            return
        if tag == "input" and attrs.get("type") not in ("file", "submit") and attrs.get("name"):
            self.fields.append((attrs["name"], attrs.get("value") or ""))
        elif tag == "textarea":
            self.textarea = attrs["name"]
            self.fields.append((self.textarea, ""))
        elif tag == "select":
            self.select = attrs["name"]
        elif tag == "option" and self.select and "selected" in attrs:
            self.fields.append((self.select, attrs.get("value") or ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "template":
            self.in_template = False
        elif tag == "textarea":
            self.textarea = None
        elif tag == "select":
            self.select = None

    def handle_data(self, data):
        if self.textarea:
            name, value = self.fields[-1]
            self.fields[-1] = (name, value + data)


def test_saving_the_shipped_directive_unchanged_in_the_editor_changes_nothing(client, app):
    with app.app_context():
        summary = services.load_directive(load_file(Path("seeds/directive_tasks.yaml")), None)
        factories.user(role="office", unit_code="VP", username="vanphong")
        db.session.commit()
        directive_id = summary.directive.id
    login(client, "vanphong")
    with app.app_context():
        entries = db.session.scalar(select(func.max(AuditEntry.id)))
    url = f"/directives/{directive_id}/edit"
    reader = FormReader()
    reader.feed(client.get(url).get_data(as_text=True))
    fields = [(name, value) for name, value in reader.fields if name != "reason"]
    response = client.post(url, data=MultiDict([*fields, ("action", "save")]))
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    with app.app_context():
        new = db.session.scalars(select(AuditEntry).where(AuditEntry.id > entries)).all()
        assert [(entry.action, entry.summary, entry.before, entry.after) for entry in new] == []


def test_amendment_moves_only_periods_nobody_has_started(ctx, people):
    office = db.session.scalar(select(User).where(User.username == "vanphong"))
    mapping = {
        "directive": {"number": "7/TB", "title": "Báo cáo tuần", "issuer": "UBND",
                      "signer": {"name": "A", "title": "B"}, "issued_on": "2027-01-04",
                      "period": {"start": "2027-01-04", "end": "2027-01-29"}},
        "units": [], "people": [],
        "tasks": [{"code": "BC", "clause": "1", "title": "Báo cáo tuần", "owner": "PKT",
                   "frequency": "weekly", "due": {"weekday": "fri"}}],
    }
    summary = services.load_directive(parse_mapping(mapping, "tuan"), office)
    task = summary.directive.tasks[0]
    occurrences = db.session.scalars(select(Occurrence).where(Occurrence.task_id == task.id)
                                     .order_by(Occurrence.due_at)).all()
    started = occurrences[1]
    started.submitted_at = started.due_at  # handed in: its period never moves again
    kept_due = started.due_at
    assert services.amend_task(task, {"due_rule": {"weekday": "thu", "time": "17:00"}},
                               "Họp giao ban chuyển sang thứ Năm", office)
    db.session.flush()
    db.session.refresh(started)
    assert started.due_at == kept_due
    others = [occurrence for occurrence in occurrences if occurrence is not started]
    for occurrence in others:
        db.session.refresh(occurrence)
        assert occurrence.due_at.astimezone(LOCAL_TZ).weekday() == 3  # Thursday


def test_office_upload_publishes_for_the_signer_of_the_file(client, app, people):
    with app.app_context():  # the leader the file names is known: the file grants no role
        factories.user(role="leader", unit_code="LD", person_code="VU-MANH-HUY",
                       full_name="Vũ Mạnh Huy", title="Phó Chủ tịch UBND xã")
        db.session.commit()
    login(client, "vanphong")
    data = Path("tests/data/minimal_directive.yaml").read_bytes()
    response = client.post("/directives/import", data={
        "csrf_token": csrf_token(client, "/directives/import"),
        "file": (io.BytesIO(data), "d.yaml")}, content_type="multipart/form-data")
    digest = response.get_data(as_text=True).split(
        'name="digest" type="hidden" value="')[1].split('"')[0]
    response = client.post("/directives/import/confirm", data={
        "csrf_token": csrf_token(client, "/directives/import"), "digest": digest})
    assert response.status_code == 302
    with app.app_context():
        directive = db.session.scalar(select(Directive))
        assert directive.status == DirectiveStatus.PUBLISHED
        entry = db.session.scalar(select(AuditEntry).where(
            AuditEntry.action == "directive.publish"))
        assert entry.actor.username == "vanphong"
        assert entry.after["on_behalf_of"] == "Hoàng Thị Hạnh"
        assert db.session.scalar(select(func.count(Occurrence.id))) > 0
