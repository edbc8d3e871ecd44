"""On a phone: a leader assigns a job to a unit; the head asks for a later deadline for the
period; the leader approves; handed in by the new deadline, the month counts it on time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from tests import factories
from tests.browser.conftest import PHONE_VIEWPORT, LiveServer
from tracker.assignments.models import DeadlineRequest
from tracker.db import LOCAL_TZ, utcnow
from tracker.evaluation import services as evaluations
from tracker.extensions import db
from tracker.schedule.calendar import WorkCalendar
from tracker.schedule.status import Category, category_of
from tracker.workflow.models import Occurrence

pytestmark = pytest.mark.browser

PASSWORD = "mat-khau-thu-nghiem"
JOB = "Tổng hợp kiến nghị của cử tri về thủ tục đất đai"


@pytest.fixture
def live_server_seed() -> Callable[[], None]:
    def seed() -> None:
        factories.user(role="leader", unit_code="LD", username="pct", full_name="Vũ Mạnh Huy")
        factories.user(role="unit_head", unit_code="PKT", username="truong")
        factories.user(role="office", unit_code="VP", username="vanphong")

    return seed


def deadline_this_week() -> date:
    """The first working day from today, still ahead at 17:00 and within this week, so the
    job shows under "today" or "later this week" on the head's home page."""
    now = utcnow().astimezone(LOCAL_TZ)
    calendar = WorkCalendar.load(now.date(), now.date() + timedelta(days=7))
    day = now.date()
    while day.weekday() < 7 and day <= now.date() + timedelta(days=6 - now.weekday()):
        due = datetime.combine(day, time(17), tzinfo=LOCAL_TZ)
        if calendar.is_working_day(day) and due > now + timedelta(hours=1):
            return day
        day += timedelta(days=1)
    pytest.fail("no working day left this week for a deadline (the test needs a weekday)")


def log_in(page: Page, server: LiveServer, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{server.url}/login")
    form = page.locator("form", has=page.locator("input[name=password]"))
    form.locator("input[name=username]").fill(username)
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("[type=submit]").click()
    expect(page).to_have_url(f"{server.url}/")


def test_quick_assignment_then_deadline_change_then_on_time(live_server: LiveServer,
                                                            page: Page):
    assert page.viewport_size == PHONE_VIEWPORT
    app = live_server.app
    with app.app_context():
        first_deadline = deadline_this_week()
    new_deadline = first_deadline + timedelta(days=7)

    log_in(page, live_server, "pct")
    page.locator("#quick-assign").click()
    form = page.locator("#assign-form")
    form.locator("textarea[name=title]").fill(JOB)
    form.locator("select[name=unit]").select_option(label="Đơn vị PKT")
    form.locator("select[name=frequency]").select_option("once")
    form.locator("input[name=due_on]").fill(first_deadline.strftime("%d/%m/%Y"))
    form.locator("textarea[name=outcome]").fill("Báo cáo tổng hợp gửi Chủ tịch")
    form.locator("[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã giao việc cho Đơn vị PKT")
    expect(page.locator("h1")).to_contain_text(JOB)

    log_in(page, live_server, "truong")
    soon = page.locator("#today + *, #this-week + *")
    expect(soon.get_by_text(JOB)).to_be_visible()
    soon.get_by_text(JOB).first.click()
    page.locator("#deadline-request summary").click()
    page.locator("input[name=new_due_on]").fill(new_deadline.strftime("%d/%m/%Y"))
    page.locator("#deadline-request-form textarea[name=reason]").fill(
        "Chờ số liệu của Chi nhánh Văn phòng đăng ký đất đai")
    page.locator("#deadline-request-form [type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã gửi đề nghị")
    expect(page.locator("#deadline-requests")).to_contain_text("Chờ quyết định")
    period_url = page.url

    log_in(page, live_server, "pct")
    pending = page.locator("#pending-deadline-requests")
    expect(pending).to_contain_text(new_deadline.strftime("%d/%m/%Y"))
    pending.get_by_role("link").first.click()
    page.locator("#deadline-decision-form textarea[name=note]").fill("Đồng ý, bảo đảm chất lượng")
    page.get_by_role("button", name="Đồng ý thời hạn mới").click()
    deadline = page.locator("#occurrence-deadline")
    expect(deadline).to_contain_text(new_deadline.strftime("%d/%m/%Y"))
    expect(deadline).to_contain_text(f"hạn ban đầu 17:00 {first_deadline:%d/%m/%Y}")
    expect(page.locator("#deadline-requests")).to_contain_text("Đồng ý")

    with app.app_context():
        # The first deadline passes before the work is handed in (by the new one).
        occurrence = db.session.scalar(select(Occurrence))
        request = db.session.scalar(select(DeadlineRequest))
        occurrence.original_due_at = request.old_due_at = utcnow() - timedelta(hours=1)
        db.session.commit()

    log_in(page, live_server, "truong")
    page.goto(period_url)
    page.locator("textarea[name=report]").fill("Đã tổng hợp 14 kiến nghị, báo cáo Chủ tịch")
    page.locator("input[name=link]").fill("https://example.org/bao-cao-kien-nghi")
    page.get_by_role("button", name="Nộp để Văn phòng xác nhận").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã nộp")

    log_in(page, live_server, "vanphong")
    page.goto(period_url)
    page.get_by_role("button", name="Xác nhận").click()
    expect(page.locator("#occurrence-status")).to_contain_text("Đã hoàn thành – đúng hạn")
    Path("test-results").mkdir(exist_ok=True)
    page.screenshot(path="test-results/deadline-change-phone.png", full_page=True)

    with app.app_context():
        occurrence = db.session.scalar(select(Occurrence))
        assert category_of(occurrence) == Category.DONE_ON_TIME
        month = occurrence.due_at.astimezone(LOCAL_TZ).date().replace(day=1)
        counted = evaluations.gather(month)[occurrence.unit_id]
        assert (counted.due, counted.on_time, counted.late) == (1, 1, 0)
