"""Transfer (chuyển chủ trì) and withdrawal (thu hồi): what is done keeps its unit and score,
what is to come follows the change, nothing done is lost."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests import factories
from tests.conftest import login, submit
from tracker.assignments import transfers
from tracker.assignments.models import ChangeKind, TaskChange
from tracker.db import LOCAL_TZ, utcnow
from tracker.directives.models import Frequency, Task
from tracker.evaluation import services as evaluations
from tracker.evidence.models import Evidence, EvidenceKind
from tracker.extensions import db
from tracker.notify.models import Notification
from tracker.notify.services import responsible_people, unit_heads_by_unit
from tracker.org.models import User
from tracker.schedule.planning import sync_tasks
from tracker.workflow.models import Occurrence, OccurrenceState


def by_name(username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


def periods(task_id: int) -> list[Occurrence]:
    return list(db.session.scalars(
        select(Occurrence).where(Occurrence.task_id == task_id).order_by(Occurrence.due_at)))


@pytest.fixture
def weekly(app):
    """A weekly task of unit A over six weeks around today: the first period done on time
    (with evidence), the next past due and open, one future period already worked on."""
    with app.app_context():
        factories.user(role="leader", unit_code="LD", username="pct")
        factories.user(role="office", unit_code="VP", username="vanphong")
        factories.user(role="unit_head", unit_code="DVA", username="truong.a")
        factories.user(role="unit_head", unit_code="DVB", username="truong.b")
        today = utcnow().astimezone(LOCAL_TZ).date()
        task = factories.task("DVA", code="A-TUAN", frequency=Frequency.WEEKLY,
                              due_rule={"weekday": "wed", "time": "17:00"},
                              starts_on=today - timedelta(days=21),
                              ends_on=today + timedelta(days=21))
        sync_tasks([task])
        now = utcnow()
        past = [o for o in periods(task.id) if o.due_at < now]
        future = [o for o in periods(task.id) if o.due_at > now]
        done = past[0]
        done.state = OccurrenceState.VERIFIED
        done.report = "Đã thực hiện"
        done.submitted_at = done.due_at - timedelta(hours=3)
        db.session.add(Evidence(occurrence_id=done.id, kind=EvidenceKind.LINK,
                                url="https://example.org/a", original_name="Biên bản",
                                uploaded_by_id=by_name("truong.a").id))
        worked = future[-1]
        worked.state = OccurrenceState.IN_PROGRESS
        worked.report = "Đang chuẩn bị"
        db.session.commit()
        return {"task": task.id, "done": done.id, "overdue": past[1].id, "worked": worked.id,
                "future": [o.id for o in future]}


def month_of(occurrence: Occurrence):
    return occurrence.due_at.astimezone(LOCAL_TZ).date().replace(day=1)


def test_transfer_keeps_finished_periods_with_their_unit_in_the_evaluation(ctx, weekly):
    task = db.session.get(Task, weekly["task"])
    unit_a, unit_b = task.owner_unit, factories.unit("DVB")
    change = transfers.transfer(by_name("pct"), task, unit_b, "Đúng chức năng của DVB")
    assert change.kind == ChangeKind.TRANSFER
    assert change.periods_replanned == len(
        weekly["future"])
    done = db.session.get(Occurrence, weekly["done"])
    overdue = db.session.get(Occurrence, weekly["overdue"])
    assert done.unit_id == unit_a.id
    assert overdue.unit_id == unit_a.id
    assert all(db.session.get(Occurrence, i).unit_id == unit_b.id for i in weekly["future"])
    assert db.session.get(Occurrence, weekly["worked"]).report == "Đang chuẩn bị"
    counted = evaluations.gather(month_of(done))
    assert counted[unit_a.id].on_time == 1
    assert unit_b.id not in counted or counted[unit_b.id].on_time == 0
    told = set(db.session.scalars(select(Notification.user_id).where(
        Notification.kind == "task_change")))
    assert {by_name("truong.a").id, by_name("truong.b").id} <= told
    # The old unit still answers for its overdue period: reminders go to its head.
    assert responsible_people(overdue, unit_heads_by_unit()) == [by_name("truong.a")]


def test_office_records_a_transfer_on_a_leaders_behalf_only(ctx, weekly):
    task = db.session.get(Task, weekly["task"])
    unit_b = factories.unit("DVB")
    with pytest.raises(transfers.ChangeError, match="lãnh đạo"):
        transfers.transfer(by_name("vanphong"), task, unit_b, "Lý do")
    change = transfers.transfer(by_name("vanphong"), task, unit_b, "Lý do", by_name("pct"))
    assert change.on_behalf_of_id == by_name("pct").id
    with pytest.raises(PermissionError, match=r"^$"):  # a refusal, not a message to show
        transfers.transfer(by_name("truong.a"), task, factories.unit("DVA"), "Lý do")


def test_withdrawal_leaves_no_future_periods_and_loses_nothing_done(ctx, weekly):
    task = db.session.get(Task, weekly["task"])
    change = transfers.withdraw(by_name("pct"), task, "Không còn cần thiết")
    assert not task.is_active
    now = utcnow()
    still_to_do = [o for o in periods(task.id) if o.due_at > now
                   and o.state != OccurrenceState.NOT_APPLICABLE]
    assert still_to_do == []
    worked = db.session.get(Occurrence, weekly["worked"])
    assert worked.state == OccurrenceState.NOT_APPLICABLE
    assert worked.report == "Đang chuẩn bị"
    assert "Không còn cần thiết" in worked.skip_reason
    done = db.session.get(Occurrence, weekly["done"])
    assert done.state == OccurrenceState.VERIFIED
    assert db.session.scalar(select(Evidence.id).where(Evidence.occurrence_id == done.id))
    assert change.periods_replanned == len(weekly["future"]) - 1
    assert change.periods_closed == 1
    assert db.session.scalar(select(TaskChange.reason)) == "Không còn cần thiết"


def test_transfer_and_withdraw_pages(client, app, weekly):
    with app.app_context():
        unit_b = factories.unit("DVB").id
        db.session.commit()
    login(client, "pct")
    url = f"/tasks/{weekly['task']}/changes"
    assert "Chuyển chủ trì" in client.get(url).get_data(as_text=True)
    response = submit(client, url, {"unit": str(unit_b), "reason": "Lý do"},
                      post_url=f"/tasks/{weekly['task']}/transfer", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Chuyển chủ trì từ Đơn vị DVA sang Đơn vị DVB" in page
    response = submit(client, url, {"reason": ""},
                      post_url=f"/tasks/{weekly['task']}/withdraw")
    assert response.status_code == 422
    response = submit(client, url, {"reason": "Hết nhu cầu"},
                      post_url=f"/tasks/{weekly['task']}/withdraw", follow_redirects=True)
    assert "Nhiệm vụ đã bị thu hồi" in response.get_data(as_text=True)
