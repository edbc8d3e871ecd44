"""An officer on a phone: sees the unit's work (read-only) with their own first, and reports on
the period handed to them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from tests import factories
from tests.browser.checks import DESKTOP_VIEWPORT, Watcher, check_page, visit
from tests.browser.conftest import LiveServer, log_in
from tracker.db import LOCAL_TZ, utcnow

pytestmark = pytest.mark.browser

MINE = "Tổng hợp ý kiến người dân"
UNITS = "Niêm yết thủ tục hành chính"


@pytest.fixture
def live_server_seed() -> Callable[[], None]:
    def seed() -> None:
        factories.user(role="unit_head", unit_code="PVHXH", username="truong")
        officer = factories.user(role="staff", unit_code="PVHXH", username="canbo",
                                 full_name="Lê Thị Cúc")
        directive = factories.directive()
        due = utcnow() + timedelta(days=1)
        day = due.astimezone(LOCAL_TZ).date()
        for title, person in ((UNITS, None), (MINE, officer)):
            task = factories.task("PVHXH", title=title, parent=directive)
            factories.occurrence(task, due, period_start=day,
                                 assignee_id=person.id if person else None)

    return seed


def test_officer_reads_the_unit_and_reports_own_period(live_server: LiveServer,
                                                       page: Page) -> None:
    watcher = Watcher().attach(page)
    log_in(page, live_server, "canbo")
    check_page(page, "officer home")
    expect(page.locator("#staff-hint")).to_be_visible()
    expect(page.locator("#unit-work + .list-group")).to_contain_text(UNITS)

    visit(page, f"{live_server.url}/tasks", "officer task list")
    rows = page.locator("#task-list")
    expect(rows).to_contain_text(UNITS)
    # Their own task first.
    text = rows.inner_text()
    assert text.index(MINE) < text.index(UNITS)

    # The unit's other work reads, but offers no report form.
    page.locator("#task-list").get_by_text(UNITS).first.click()
    expect(page.locator("h1")).to_contain_text(UNITS)
    check_page(page, "unit task, read-only")

    visit(page, f"{live_server.url}/", "officer home again")
    page.locator("#this-week + .list-group, #today + .list-group").get_by_text(MINE).first.click()
    expect(page.locator("#report-form")).to_be_visible()
    page.locator("textarea[name=report]").fill("Đã tổng hợp 12 ý kiến")
    page.locator("input[name=link]").fill("https://example.gov.vn/y-kien")
    page.get_by_role("button", name="Nộp để Văn phòng xác nhận").click()
    expect(page.locator("#occurrence-status")).to_contain_text("Chờ xác nhận")
    check_page(page, "officer handed in")

    page.set_viewport_size(DESKTOP_VIEWPORT)
    visit(page, f"{live_server.url}/tasks", "officer task list (desktop)")
    watcher.assert_clean()
