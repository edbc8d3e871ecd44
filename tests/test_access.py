"""Every route against every role: who gets in, who is sent to log in, who is refused.

CSRF stays on: POST routes are exercised with a valid token, so a 403 here is the policy
speaking, not a missing token.
"""

import io
from datetime import date, timedelta

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from tests import factories
from tests.conftest import build_snapshot, close, csrf_token, login
from tracker.assignments.models import Contribution, DeadlineRequest
from tracker.db import utcnow
from tracker.directives.models import DirectiveStatus, Frequency
from tracker.evaluation import services as evaluations
from tracker.extensions import db
from tracker.indicators.models import Comparator, Indicator, IndicatorReading, ReadingSource
from tracker.inspections import services as inspections
from tracker.inspections.models import ChecklistCriterion, InspectionItem, ItemResult
from tracker.schedule.models import CalendarDay, DayKind
from tracker.workflow.models import OccurrenceState

ROLES = ["admin", "leader", "office", "unit_head", "staff"]


def build_world():
    """Units A and B, a task each, a task of A delegated to A's officer, one account per role
    (the unit people in A), occurrences, and a piece of evidence."""
    task_a = factories.task("DVA", code="A-01")
    task_b = factories.task("DVB", code="B-01", parent=task_a.directive)
    event_a = factories.task("DVA", code="A-EV", parent=task_a.directive,
                             frequency=Frequency.ON_EVENT, due_rule={"within_working_days": 1})
    users = {role: factories.user(role=role, unit_code="DVA", username=role) for role in ROLES}
    other = factories.user(role="staff", unit_code="DVB", username="other")
    task_d = factories.task("DVA", code="A-DEL", parent=task_a.directive,
                            delegate=users["staff"])
    occ_a, occ_b, occ_d = (factories.occurrence(task, period_start=date(2026, 1, 4))
                           for task in (task_a, task_b, task_d))
    occ_s = factories.occurrence(task_a, utcnow() + timedelta(days=5), OccurrenceState.SUBMITTED,
                                 period_start=date(2026, 1, 6))
    evidence = factories.evidence(occ_a, users["unit_head"])
    indicators = [Indicator(directive_id=task.directive_id, code=f"CT-{task.code}",
                            name=f"Chỉ tiêu {task.code}", comparator=Comparator.AT_LEAST,
                            target=80, owner_unit_id=task.owner_unit_id)
                  for task in (task_a, task_b)]
    db.session.add_all(indicators)
    db.session.flush()
    reading = IndicatorReading(indicator_id=indicators[0].id, period="2026-04", value=75,
                               source=ReadingSource.MANUAL, entered_by_id=users["unit_head"].id)
    db.session.add(reading)
    inspection = factories.inspection_round(users["office"], date(2026, 1, 1))
    round_item = db.session.scalars(select(InspectionItem).where(
        InspectionItem.round_id == inspection.id)).first()
    photo_item = round_item
    inspections.mark_item(users["office"], photo_item, ItemResult.PASS, "",
                          photo=FileStorage(io.BytesIO(factories.PNG), "anh.png"))
    criterion = db.session.scalars(select(ChecklistCriterion)).first()
    calendar_day = CalendarDay(day=date(2026, 9, 4), kind=DayKind.DAY_OFF, reason="QĐ 1")
    db.session.add(calendar_day)
    draft = evaluations.compute(users["office"], date(2026, 1, 1))
    task_a.directive.document_sha256, task_a.directive.document_name = evidence.sha256, "vb.png"
    draft_directive = factories.directive(status=DirectiveStatus.DRAFT)
    shared = factories.task("DVB", code="B-PH", parent=task_a.directive)
    shared.cooperating_units = [task_a.owner_unit]
    occ_c = factories.occurrence(shared, period_start=date(2026, 1, 4))
    pending = DeadlineRequest(occurrence_id=occ_a.id, unit_id=occ_a.unit_id,
                              requested_by_id=users["unit_head"].id, old_due_at=occ_a.due_at,
                              proposed_due_at=occ_a.due_at + timedelta(days=3), reason="x")
    part = Contribution(occurrence_id=occ_a.id, unit_id=shared.owner_unit_id, author_id=other.id,
                        text="Phối hợp", sha256=evidence.sha256, original_name="ảnh.png",
                        media_type=evidence.media_type, size=evidence.size)
    db.session.add_all([pending, part])
    db.session.flush()
    return {
        "task_a": task_a.id, "task_b": task_b.id, "task_d": task_d.id, "event_a": event_a.id,
        "directive": task_a.directive_id, "unit": task_a.owner_unit_id, "user": other.id,
        "occ_a": occ_a.id, "occ_b": occ_b.id, "occ_d": occ_d.id, "occ_s": occ_s.id,
        "evidence": evidence.id, "round": inspection.id, "round_item": round_item.id,
        "indicator_a": indicators[0].id, "indicator_b": indicators[1].id, "reading": reading.id,
        "evaluation": draft.id, "row": draft.rows[0].id, "photo_item": photo_item.id,
        "criterion": criterion.id, "calendar_day": calendar_day.id,
        "occ_c": occ_c.id, "deadline_request": pending.id, "contribution": part.id,
        "draft": draft_directive.id,
    }


@pytest.fixture(scope="module")
def world_snapshot(tmp_path_factory, sqlite_schema):
    """The world is built once for the module; each case starts from a copy of its rows (the
    POST cases change it)."""
    return build_snapshot(tmp_path_factory.mktemp("world"), sqlite_schema, build_world)


@pytest.fixture
def app(world_snapshot, tmp_path, sqlite_schema):
    app = world_snapshot.restore(tmp_path, sqlite_schema)
    yield app
    close(app)


@pytest.fixture
def world(world_snapshot):
    return world_snapshot.result


def routes(world):
    return {
        "home": ("GET", "/"),
        "directives": ("GET", "/directives"),
        "directive": ("GET", f"/directives/{world['directive']}"),
        "tasks": ("GET", "/tasks"),
        "own_task": ("GET", f"/tasks/{world['task_a']}"),
        "delegated_task": ("GET", f"/tasks/{world['task_d']}"),
        "other_task": ("GET", f"/tasks/{world['task_b']}"),
        "import": ("GET", "/directives/import"),
        "new_directive": ("GET", "/directives/new"),
        "edit_directive": ("GET", f"/directives/{world['directive']}/edit"),
        "draft_directive": ("GET", f"/directives/{world['draft']}"),
        "publish_directive": ("POST", f"/directives/{world['draft']}/publish"),
        "export_directive": ("GET", f"/directives/{world['directive']}/export.yaml"),
        "directive_document": ("GET", f"/directives/{world['directive']}/document"),
        "directive_template": ("GET", "/directives/template.yaml"),
        "rule_preview": ("GET", "/directives/rule-preview?frequency=daily"),
        # A well-formed digest of no checked file: the view answers, it does not load anything.
        "confirm_import": ("POST", "/directives/import/confirm", {"digest": "0" * 64}),
        "draft_from_document": ("GET", "/directives/from-document"),
        # Well-formed digests of no pending draft: the views answer, they load nothing.
        "draft_preview": ("GET", f"/directives/from-document/{'0' * 64}"),
        "confirm_draft": ("POST", "/directives/from-document/confirm", {"digest": "0" * 64}),
        "units": ("GET", "/admin/units"),
        "new_unit": ("GET", "/admin/units/new"),
        "edit_unit": ("GET", f"/admin/units/{world['unit']}"),
        "users": ("GET", "/admin/users"),
        "new_user": ("GET", "/admin/users/new"),
        "edit_user": ("GET", f"/admin/users/{world['user']}"),
        "reset_password": ("GET", f"/admin/users/{world['user']}/password"),
        "toggle_user": ("POST", f"/admin/users/{world['user']}/active"),
        "change_password": ("GET", "/account/password"),
        "end_other_sessions": ("POST", "/account/sessions/end-others"),
        "calendar": ("GET", "/admin/calendar"),
        "delete_calendar_day": ("POST", f"/admin/calendar/{world['calendar_day']}/delete"),
        "record_event": ("POST", f"/tasks/{world['event_a']}/events"),
        "inbox": ("GET", "/inbox"),
        "calendar_feed": ("GET", "/calendar-feed"),
        "occurrence_own": ("GET", f"/occurrences/{world['occ_a']}"),
        "occurrence_delegated": ("GET", f"/occurrences/{world['occ_d']}"),
        "occurrence_other": ("GET", f"/occurrences/{world['occ_b']}"),
        "report_own": ("POST", f"/occurrences/{world['occ_a']}/report"),
        "report_delegated": ("POST", f"/occurrences/{world['occ_d']}/report"),
        "report_other": ("POST", f"/occurrences/{world['occ_b']}/report"),
        "review": ("POST", f"/occurrences/{world['occ_s']}/review"),
        "delegate_occurrence": ("POST", f"/occurrences/{world['occ_a']}/delegate"),
        "delegate_task": ("POST", f"/tasks/{world['task_a']}/delegate"),
        "decision": ("POST", f"/occurrences/{world['occ_a']}/decision"),
        "download": ("GET", f"/evidence/{world['evidence']}/download"),
        "remove_evidence": ("POST", f"/evidence/{world['evidence']}/remove"),
        "verification": ("GET", "/verification"),
        "accountability": ("GET", "/accountability"),
        "indicators": ("GET", "/indicators"),
        "indicator": ("GET", f"/indicators/{world['indicator_a']}"),
        "index_766": ("GET", "/indicators/index-766"),
        "new_reading_own": ("GET", f"/indicators/{world['indicator_a']}/readings/new"),
        "new_reading_other": ("GET", f"/indicators/{world['indicator_b']}/readings/new"),
        "review_reading": ("POST", f"/indicators/readings/{world['reading']}/review"),
        "pending_readings": ("GET", "/indicators/readings/pending"),
        "import_readings": ("GET", "/indicators/import"),
        "confirm_readings": ("POST", "/indicators/import/confirm"),
        "inspections": ("GET", "/inspections/"),
        "open_round": ("POST", "/inspections/open"),
        "round": ("GET", f"/inspections/{world['round']}"),
        "mark_item": ("POST", f"/inspections/{world['round']}/items/{world['round_item']}"),
        "mark_rest": ("POST", f"/inspections/{world['round']}/mark-rest"),
        "follow_up": ("POST",
                      f"/inspections/{world['round']}/items/{world['round_item']}/follow-up"),
        "complete_round": ("POST", f"/inspections/{world['round']}/complete"),
        "reopen_round": ("POST", f"/inspections/{world['round']}/reopen"),
        "publish_round": ("POST", f"/inspections/{world['round']}/publish"),
        "minutes_docx": ("GET", f"/inspections/{world['round']}/minutes.docx"),
        "criteria": ("GET", "/inspections/criteria"),
        "default_criteria": ("POST", "/inspections/criteria/defaults"),
        "toggle_criterion": ("POST", f"/inspections/criteria/{world['criterion']}/toggle"),
        "photo": ("GET", f"/inspections/{world['round']}/items/{world['photo_item']}/photo"),
        "evaluations": ("GET", "/evaluation/"),
        "compute_evaluation": ("POST", "/evaluation/compute"),
        "evaluation": ("GET", f"/evaluation/{world['evaluation']}"),
        "evaluation_unit": ("GET", f"/evaluation/{world['evaluation']}/units/{world['row']}"),
        "override_level": ("POST", f"/evaluation/{world['evaluation']}/rows/{world['row']}/level"),
        "issue_evaluation": ("POST", f"/evaluation/{world['evaluation']}/issue"),
        "keep_excellent": ("POST", f"/evaluation/{world['evaluation']}/rows/{world['row']}/keep"),
        "evaluation_xlsx": ("GET", f"/evaluation/{world['evaluation']}/report.xlsx"),
        "assign": ("GET", "/assign"),
        "request_deadline": ("POST", f"/occurrences/{world['occ_a']}/deadline-requests"),
        "deadline_requests": ("GET", "/deadline-requests"),
        "decide_deadline": ("POST", f"/deadline-requests/{world['deadline_request']}/decision"),
        "task_changes": ("GET", f"/tasks/{world['task_a']}/changes"),
        "transfer_task": ("POST", f"/tasks/{world['task_a']}/transfer"),
        "withdraw_task": ("POST", f"/tasks/{world['task_a']}/withdraw"),
        "contribute": ("POST", f"/occurrences/{world['occ_c']}/contributions"),
        "download_contribution": ("GET", f"/contributions/{world['contribution']}/download"),
    }


EVERYONE = set(ROLES)
OVERSEERS = {"admin", "leader", "office"}
ALLOWED = {
    "home": EVERYONE,
    "directives": EVERYONE,
    "directive": EVERYONE,
    "tasks": EVERYONE,
    # Officers read their unit's work (issue 18); they change only what is handed to them.
    "own_task": EVERYONE,
    "delegated_task": EVERYONE,
    "other_task": OVERSEERS,
    "import": {"admin", "office"},
    "confirm_import": {"admin", "office"},
    "draft_from_document": {"admin", "office"},
    "draft_preview": {"admin", "office"},
    "confirm_draft": {"admin", "office"},
    "new_directive": {"admin", "office"},
    "edit_directive": {"admin", "office"},
    "draft_directive": OVERSEERS,
    "publish_directive": OVERSEERS,
    "export_directive": EVERYONE,
    "directive_document": EVERYONE,
    "directive_template": {"admin", "office"},
    "rule_preview": {"admin", "office"},
    "units": {"admin"},
    "new_unit": {"admin"},
    "edit_unit": {"admin"},
    "users": {"admin"},
    "new_user": {"admin"},
    "edit_user": {"admin"},
    "reset_password": {"admin"},
    "toggle_user": {"admin"},
    "change_password": EVERYONE,
    "end_other_sessions": EVERYONE,
    "calendar": {"admin", "office"},
    "delete_calendar_day": {"admin", "office"},
    "record_event": OVERSEERS | {"unit_head"},
    "inbox": EVERYONE,
    "calendar_feed": EVERYONE,
    "occurrence_own": EVERYONE,
    "occurrence_delegated": EVERYONE,
    "occurrence_other": OVERSEERS,
    "report_own": {"unit_head"},
    "report_delegated": {"unit_head", "staff"},
    "report_other": set(),
    "review": {"admin", "office"},
    "delegate_occurrence": {"unit_head"},
    "delegate_task": {"unit_head"},
    "decision": {"leader"},
    "download": EVERYONE,
    "remove_evidence": {"unit_head"},
    "verification": {"admin", "office"},
    "accountability": OVERSEERS,
    "indicators": EVERYONE,
    "indicator": EVERYONE,
    "index_766": EVERYONE,
    "new_reading_own": {"admin", "office", "unit_head"},
    "new_reading_other": {"admin", "office"},
    "review_reading": {"admin", "office"},
    "pending_readings": {"admin", "office"},
    "import_readings": {"admin", "office"},
    "confirm_readings": {"admin", "office"},
    "inspections": OVERSEERS,
    "open_round": {"admin", "office"},
    "round": OVERSEERS,
    "mark_item": {"admin", "office"},
    "mark_rest": {"admin", "office"},
    "follow_up": {"admin", "office"},
    "complete_round": {"admin", "office"},
    "reopen_round": {"admin", "office"},
    "publish_round": {"admin", "office"},
    "minutes_docx": OVERSEERS,
    "criteria": {"admin", "office"},
    "default_criteria": {"admin", "office"},
    "toggle_criterion": {"admin", "office"},
    "photo": OVERSEERS,
    "evaluations": OVERSEERS,
    "compute_evaluation": {"admin", "office"},
    "evaluation": OVERSEERS,
    "evaluation_unit": OVERSEERS,
    "override_level": {"leader"},
    "issue_evaluation": {"leader"},
    "keep_excellent": {"leader"},
    "evaluation_xlsx": OVERSEERS,
    "assign": {"leader", "office"},
    "request_deadline": {"unit_head"},
    "deadline_requests": {"leader", "office"},
    # Unit A has no supervising leader and the task no assigning one: the Office decides.
    "decide_deadline": {"office"},
    "task_changes": {"leader", "office"},
    "transfer_task": {"leader", "office"},
    "withdraw_task": {"leader", "office"},
    "contribute": {"unit_head"},  # the head of A, a cooperating unit of B's task
    "download_contribution": EVERYONE,  # officers read their unit's periods (issue 18)
}


def call(client, method, url, data=None):
    if method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, data={"csrf_token": csrf_token(client, "/"), **(data or {})})
    response.close()  # downloads stream a file that must be closed
    return response


@pytest.mark.parametrize("name", sorted(ALLOWED))
@pytest.mark.parametrize("role", ROLES)
def test_route_by_role(client, world, role, name):
    method, url, *data = routes(world)[name]
    login(client, role)
    response = call(client, method, url, *data)
    if role in ALLOWED[name]:
        # 422: the empty form reached the view and was refused for its content, not its sender.
        assert response.status_code in (200, 302, 422), (role, name, response.status_code)
        if response.status_code == 302:
            assert "/login" not in response.headers["Location"]
    else:
        assert response.status_code == 403, (role, name, response.status_code)


@pytest.mark.parametrize("name", sorted(set(ALLOWED) - {"home"}))
def test_anonymous_is_sent_to_login(client, world, name):
    method, url, *_data = routes(world)[name]
    response = client.get(url) if method == "GET" else client.post(url)
    if method == "POST":
        assert response.status_code == 400  # no CSRF token: refused before anything else
    else:
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize("url", ["/cong-khai/"])
def test_public_pages_need_no_login(client, url):
    assert client.get(url).status_code == 200


def test_anonymous_home_goes_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_unit_head_sees_only_own_unit_in_task_list(client, world):
    login(client, "unit_head")
    html = client.get("/tasks").get_data(as_text=True)
    assert "A-01" in html
    assert "B-01" not in html


def test_leader_sees_every_unit_in_task_list(client, world):
    login(client, "leader")
    html = client.get("/tasks").get_data(as_text=True)
    assert "A-01" in html
    assert "B-01" in html
