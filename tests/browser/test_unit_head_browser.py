"""A head of unit's day on a phone and a desktop: returned work first, then overdue, today and
this week; a returned late period handed in again with evidence that survives a refused try."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta

import pytest
from playwright.sync_api import Page, expect

from tests import factories
from tests.browser.checks import (
    DESKTOP_VIEWPORT,
    Watcher,
    check_page,
    switch_to_english,
    visit,
)
from tests.browser.conftest import LiveServer, log_in
from tracker.db import LOCAL_TZ, utcnow
from tracker.notify.services import notify
from tracker.workflow.models import Occurrence, OccurrenceState

pytestmark = pytest.mark.browser

PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]"
       b"/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
RETURNED = "Báo cáo tình hình giải quyết hồ sơ"
OVERDUE = "Rà soát hồ sơ quá hạn"
TODAY = "Hỗ trợ người dân làm thủ tục trực tuyến"


def add(task, due_at, state=OccurrenceState.OPEN, **fields) -> Occurrence:
    """A period on the local day of its deadline."""
    return factories.occurrence(task, due_at, state,
                                period_start=due_at.astimezone(LOCAL_TZ).date(), **fields)


@pytest.fixture
def live_server_seed() -> Callable[[], None]:
    def seed() -> None:
        factories.unit("TTPVHCC", name="Trung tâm Phục vụ hành chính công")
        head = factories.user(role="unit_head", unit_code="TTPVHCC", username="truong",
                              full_name="Trần Thị Bình")
        factories.user(role="office", unit_code="VP", username="vanphong")
        directive = factories.directive()
        now = utcnow()
        returned_task = factories.task("TTPVHCC", code="2-TTPVHCC-02", title=RETURNED,
                                       parent=directive)
        returned = add(returned_task, now - timedelta(days=2), OccurrenceState.RETURNED,
                       return_reason="Thiếu danh sách hồ sơ kèm theo", times_returned=1,
                       submitted_at=now - timedelta(days=3))
        add(factories.task("TTPVHCC", code="2-TTPVHCC-01", title=OVERDUE, parent=directive),
            now - timedelta(days=1))
        end_of_today = datetime.combine(now.astimezone(LOCAL_TZ).date(), time(23, 59),
                                        tzinfo=LOCAL_TZ)
        add(factories.task("TTPVHCC", code="2-TTPVHCC-05", title=TODAY, parent=directive),
            max(end_of_today, now + timedelta(minutes=30)))
        notify(head, "returned", f"Trả lại: {RETURNED}", "Thiếu danh sách hồ sơ kèm theo",
               returned)

    return seed


def test_unit_head_sees_returned_work_first_and_hands_it_in(live_server: LiveServer,
                                                            page: Page) -> None:
    watcher = Watcher().attach(page)
    log_in(page, live_server, "truong")
    check_page(page, "unit head home (phone)")
    returned = page.locator("#returned")
    expect(returned).to_contain_text("Văn phòng trả lại (1)")
    # Returned work comes first, above overdue, today and this week, with its reason.
    tops = [page.locator(f"#{section}").bounding_box()["y"]
            for section in ("returned", "overdue", "today", "this-week")]
    assert tops == sorted(tops)
    expect(page.locator("#overdue + .list-group")).to_contain_text(OVERDUE)
    expect(page.locator("#today + .list-group")).to_contain_text(TODAY)
    first = page.locator("#returned ~ .list-group").first
    expect(first).to_contain_text("Thiếu danh sách hồ sơ kèm theo")

    # The inbox notice is a link to the period it is about.
    visit(page, f"{live_server.url}/inbox", "inbox")
    page.locator("#notification-list a", has_text=RETURNED).click()
    expect(page.locator("h1")).to_have_text(RETURNED)
    check_page(page, "returned period")

    # A refused try (no explanation of the delay) keeps the chosen file.
    page.locator("textarea[name=report]").fill("Đã bổ sung danh sách hồ sơ")
    page.locator("input[name=files]").set_input_files(
        files=[{"name": "Danh sách hồ sơ.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.get_by_role("button", name="Nộp để Văn phòng xác nhận").click()
    expect(page.locator(".alert-danger")).to_contain_text("giải trình")
    expect(page.locator("#kept-files")).to_contain_text("Danh sách hồ sơ.pdf")
    check_page(page, "refused hand-in")
    page.locator("select[name=cause]").select_option("objective")
    page.locator("textarea[name=explanation]").fill("Chờ số liệu của đơn vị phối hợp")
    page.get_by_role("button", name="Nộp để Văn phòng xác nhận").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã nộp")
    expect(page.locator("#occurrence-status")).to_contain_text("Chờ xác nhận")
    expect(page.locator("#evidence-list")).to_contain_text("Danh sách hồ sơ.pdf")
    check_page(page, "handed in")

    visit(page, f"{live_server.url}/", "home after handing in")
    expect(page.locator("#returned")).to_have_count(0)

    page.set_viewport_size(DESKTOP_VIEWPORT)
    visit(page, f"{live_server.url}/", "unit head home (desktop)")
    visit(page, f"{live_server.url}/tasks", "task list (desktop)")

    switch_to_english(page)
    visit(page, f"{live_server.url}/", "unit head home in English")
    expect(page.locator("#overdue")).to_contain_text("Overdue")
    watcher.assert_clean()
