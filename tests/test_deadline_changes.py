"""Deadline change requests: asked in time, decided by the one who assigned, counted against
the new deadline; a request after the deadline is refused."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from tests import factories
from tests.conftest import login, submit
from tracker.assignments import deadlines, queries
from tracker.assignments.models import RequestState
from tracker.audit.models import AuditEntry
from tracker.db import LOCAL_TZ, utcnow
from tracker.evaluation import services as evaluations
from tracker.evaluation.documents import report_pdf
from tracker.extensions import db
from tracker.months import Month
from tracker.notify.models import Notification
from tracker.org.models import User
from tracker.schedule.status import Category, category_of
from tracker.workflow import services as workflow
from tracker.workflow.models import Occurrence, OccurrenceState


def by_name(username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


@pytest.fixture
def period(app):
    """A unit supervised by a Vice Chairman, its head, the Office, and one open period."""
    with app.app_context():
        leader = factories.user(role="leader", unit_code="LD", username="pct")
        factories.user(role="leader", unit_code="LD", username="ct")
        unit = factories.unit("PKT", supervisor_id=leader.id)
        factories.user(role="unit_head", unit_code="PKT", username="truong")
        factories.user(role="office", unit_code="VP", username="vanphong")
        task = factories.task(unit.code, code="PKT-01", title="Rà soát quy trình")
        occurrence = Occurrence(task_id=task.id, unit_id=unit.id, period_start=date(2026, 12, 1),
                                period_end=date(2026, 12, 1),
                                due_at=utcnow() + timedelta(hours=30))
        db.session.add(occurrence)
        db.session.commit()
        return occurrence.id


def later_day(occurrence: Occurrence, days: int = 5) -> date:
    return occurrence.due_at.astimezone(LOCAL_TZ).date() + timedelta(days=days)


def test_request_goes_to_the_supervising_leader_and_approval_moves_the_deadline(ctx, period):
    occurrence = db.session.get(Occurrence, period)
    first_due = occurrence.due_at
    request = deadlines.request_change(by_name("truong"), occurrence, later_day(occurrence),
                                       "Chờ ý kiến của Sở Tư pháp")
    assert [r.id for r in queries.pending_for(by_name("pct"))] == [request.id]
    assert queries.pending_for(by_name("ct")) == []
    assert queries.pending_for(by_name("vanphong")) == []
    with pytest.raises(PermissionError, match=r"^$"):  # a refusal, not a message to show
        deadlines.decide(by_name("ct"), request, True, "")
    assert db.session.scalar(select(Notification).where(
        Notification.user_id == by_name("pct").id, Notification.kind == "deadline_request"))

    deadlines.decide(by_name("pct"), request, True, "Đồng ý")
    assert request.state == RequestState.APPROVED
    assert occurrence.original_due_at == first_due
    assert occurrence.due_at.astimezone(LOCAL_TZ).date() == (
        first_due.astimezone(LOCAL_TZ).date() + timedelta(days=5))
    told = db.session.scalar(select(Notification).where(
        Notification.user_id == by_name("truong").id, Notification.kind == "deadline_decision"))
    assert "Đồng ý" in told.body
    actions = set(db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.object_type == "Occurrence", AuditEntry.object_id == occurrence.id)))
    assert {"occurrence.deadline_request", "occurrence.deadline_decide"} <= actions


def test_a_request_made_in_time_counts_when_decided_after_the_old_deadline(ctx, period):
    occurrence = db.session.get(Occurrence, period)
    head = by_name("truong")
    request = deadlines.request_change(head, occurrence, later_day(occurrence), "Thiếu hồ sơ")
    # The old deadline passes while the leader has not decided yet.
    occurrence.due_at = request.old_due_at = utcnow() - timedelta(hours=2)
    db.session.flush()
    deadlines.decide(by_name("pct"), request, True, "")
    assert occurrence.due_at > utcnow()
    workflow.add_link(head, occurrence, "https://example.org/bien-ban", "Biên bản")
    workflow.save_report(head, occurrence, version=None, report="Đã rà soát xong",
                         reported_value=None, submit=True)
    workflow.verify(by_name("vanphong"), occurrence, None)
    assert category_of(occurrence) == Category.DONE_ON_TIME
    month = occurrence.due_at.astimezone(LOCAL_TZ).date().replace(day=1)
    counted = evaluations.gather(month)[occurrence.unit_id]
    assert (counted.on_time, counted.late) == (1, 0)


def test_a_request_after_the_deadline_is_refused(ctx, period):
    occurrence = db.session.get(Occurrence, period)
    occurrence.due_at = utcnow() - timedelta(minutes=1)
    db.session.flush()
    with pytest.raises(deadlines.DeadlineError, match="sau thời hạn không phải là điều chỉnh"):
        deadlines.request_change(by_name("truong"), occurrence, later_day(occurrence), "Muộn")
    assert queries.requests_of(occurrence) == []


def test_request_needs_a_later_date_and_a_reason_and_only_one_at_a_time(ctx, period):
    occurrence = db.session.get(Occurrence, period)
    head = by_name("truong")
    with pytest.raises(deadlines.DeadlineError, match="muộn hơn thời hạn hiện tại"):
        deadlines.request_change(head, occurrence, later_day(occurrence, -3), "Lý do")
    with pytest.raises(deadlines.DeadlineError, match="Nêu lý do không hoàn thành"):
        deadlines.request_change(head, occurrence, later_day(occurrence), "  ")
    deadlines.request_change(head, occurrence, later_day(occurrence), "Lý do")
    with pytest.raises(deadlines.DeadlineError, match="đang chờ quyết định"):
        deadlines.request_change(head, occurrence, later_day(occurrence, 9), "Lý do khác")
    with pytest.raises(PermissionError, match=r"^$"):  # a refusal, not a message to show
        deadlines.request_change(by_name("vanphong"), occurrence, later_day(occurrence), "x")


def test_refusal_needs_a_note_and_keeps_the_deadline(ctx, period):
    occurrence = db.session.get(Occurrence, period)
    due = occurrence.due_at
    request = deadlines.request_change(by_name("truong"), occurrence, later_day(occurrence), "x")
    with pytest.raises(deadlines.DeadlineError, match="Nêu lý do không đồng ý"):
        deadlines.decide(by_name("pct"), request, False, "")
    deadlines.decide(by_name("pct"), request, False, "Đủ thời gian")
    assert (occurrence.due_at, occurrence.original_due_at) == (due, None)
    assert request.state == RequestState.REFUSED


def test_without_a_supervising_leader_the_office_decides(ctx, period):
    occurrence = db.session.get(Occurrence, period)
    occurrence.unit.supervisor_id = None
    request = deadlines.request_change(by_name("truong"), occurrence, later_day(occurrence), "x")
    assert queries.pending_for(by_name("pct")) == []
    assert [r.id for r in queries.pending_for(by_name("vanphong"))] == [request.id]
    deadlines.decide(by_name("vanphong"), request, True, "")
    assert occurrence.original_due_at is not None


def test_the_tasks_own_supervising_leader_decides_before_the_units(ctx, period):
    occurrence = db.session.get(Occurrence, period)
    occurrence.task.supervisor_id = by_name("ct").id
    request = deadlines.request_change(by_name("truong"), occurrence, later_day(occurrence), "x")
    assert [r.id for r in queries.pending_for(by_name("ct"))] == [request.id]
    assert queries.pending_for(by_name("pct")) == []
    assert queries.pending_for(by_name("vanphong")) == []
    with pytest.raises(PermissionError, match=r"^$"):  # a refusal, not a message to show
        deadlines.decide(by_name("pct"), request, True, "")
    deadlines.decide(by_name("ct"), request, True, "Đồng ý")
    assert request.state == RequestState.APPROVED


def test_replanning_leaves_an_adjusted_deadline_alone(ctx, period):
    from tracker.schedule.planning import sync_tasks

    occurrence = db.session.get(Occurrence, period)
    request = deadlines.request_change(by_name("truong"), occurrence, later_day(occurrence), "x")
    deadlines.decide(by_name("pct"), request, True, "")
    moved = occurrence.due_at
    sync_tasks([occurrence.task])
    assert db.session.get(Occurrence, period).due_at == moved


def test_pages_show_both_dates_and_refuse_a_late_request(client, app, period):
    with app.app_context():
        occurrence = db.session.get(Occurrence, period)
        new_day = later_day(occurrence)
    login(client, "truong")
    url = f"/occurrences/{period}"
    response = submit(client, url, {"new_due_on": new_day.strftime("%d/%m/%Y"),
                                    "reason": "Chờ số liệu"},
                      post_url=f"{url}/deadline-requests", follow_redirects=True)
    assert "Đã gửi đề nghị" in response.get_data(as_text=True)
    client = app.test_client()
    login(client, "pct")
    home = client.get("/").get_data(as_text=True)
    assert "Đề nghị điều chỉnh thời hạn chờ đồng chí quyết định" in home
    page = submit(client, url, {"note": "Đồng ý", "approve": "1"},
                  post_url=f"/deadline-requests/{_pending_id(app)}/decision",
                  follow_redirects=True).get_data(as_text=True)
    assert "hạn ban đầu" in page
    assert new_day.strftime("%d/%m/%Y") in page
    with app.app_context():
        occurrence = db.session.get(Occurrence, period)
        occurrence.due_at = utcnow() - timedelta(minutes=5)
        db.session.commit()
    client = app.test_client()
    login(client, "truong")
    response = submit(client, url, {"new_due_on": new_day.strftime("%d/%m/%Y"),
                                    "reason": "Muộn"},
                      post_url=f"{url}/deadline-requests", follow_redirects=True)
    assert response.status_code == 200
    assert "không phải là điều chỉnh thời hạn" in response.get_data(as_text=True)


def _pending_id(app) -> int:
    from tracker.assignments.models import DeadlineRequest

    with app.app_context():
        return db.session.scalar(select(DeadlineRequest.id).where(
            DeadlineRequest.state == RequestState.PENDING))


def test_monthly_report_appendix_lists_approved_changes(ctx, period):
    occurrence = db.session.get(Occurrence, period)
    first_due = occurrence.due_at
    request = deadlines.request_change(by_name("truong"), occurrence, later_day(occurrence),
                                       "Chờ ý kiến của Sở")
    deadlines.decide(by_name("pct"), request, True, "")
    month = first_due.astimezone(LOCAL_TZ).date().replace(day=1)
    rows = queries.approved_changes_by_unit(Month.of(month))[occurrence.unit_id]
    assert rows[0]["task_code"] == "PKT-01"
    draft = evaluations.compute(by_name("vanphong"), month)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(report_pdf(draft))).pages)
    assert "Điều chỉnh thời hạn được chấp thuận" in text
    assert "Chờ ý kiến của Sở" in text
    assert occurrence.state == OccurrenceState.OPEN
