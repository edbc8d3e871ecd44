"""On a phone: a head of unit hands in work with evidence, the Office approves it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests import factories
from tests.browser.conftest import LiveServer, log_in, log_out
from tracker.db import utcnow

pytestmark = pytest.mark.browser

PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]"
       b"/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


@pytest.fixture
def live_server_seed() -> Callable[[], None]:
    def seed() -> None:
        factories.user(role="unit_head", unit_code="TTPVHCC", username="truong")
        factories.user(role="office", unit_code="VP", username="vanphong")
        task = factories.task("TTPVHCC", code="2-TTPVHCC-05",
                              title="Hỗ trợ người dân tối thiểu 01 ngày/tuần")
        factories.occurrence(task, due_at=utcnow() + timedelta(days=2),
                             period_start=date(2026, 11, 23), period_end=date(2026, 11, 29))

    return seed


def test_hand_in_with_evidence_then_office_approves(live_server: LiveServer, page: Page):
    log_in(page, live_server, "truong")
    page.get_by_text("Hỗ trợ người dân tối thiểu 01 ngày/tuần").first.click()
    expect(page.locator("#occurrence-status")).to_contain_text("Chưa hoàn thành – trong hạn")
    page.locator("textarea[name=report]").fill("Đã tổ chức hỗ trợ người dân vào thứ Tư")
    page.locator("input[name=files]").set_input_files(
        files=[{"name": "Báo cáo tuần.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.get_by_role("button", name="Nộp để Văn phòng xác nhận").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã nộp")
    expect(page.locator("#occurrence-status")).to_contain_text("Chờ xác nhận")
    expect(page.locator("#evidence-list")).to_contain_text("Báo cáo tuần.pdf")
    Path("test-results").mkdir(exist_ok=True)
    page.screenshot(path="test-results/handed-in-phone.png", full_page=True)
    log_out(page)

    log_in(page, live_server, "vanphong")
    page.goto(f"{live_server.url}/verification")
    page.get_by_text("Hỗ trợ người dân tối thiểu 01 ngày/tuần").click()
    page.get_by_role("button", name="Xác nhận và mở việc tiếp theo").click()
    # From the queue the clerk lands on the next item, here the empty queue (issue 18).
    expect(page.locator(".alert-info")).to_contain_text("Không còn việc nào chờ xác nhận")
    page.goto(f"{live_server.url}/tasks")
    page.locator("#task-list").get_by_text("Hỗ trợ người dân tối thiểu 01 ngày/tuần").click()
    expect(page.locator("#upcoming")).to_contain_text("Đã hoàn thành – đúng hạn")
    page.screenshot(path="test-results/workflow-phone.png", full_page=True)
