"""The Office's day: the verification queue (filters, approve and open the next), then an
inspection round marked in bulk ("the rest are met") and signed off."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta

import pytest
from playwright.sync_api import Page, expect

from tests import factories
from tests.browser.checks import DESKTOP_VIEWPORT, Watcher, check_page, visit
from tests.browser.conftest import LiveServer, log_in
from tracker.db import LOCAL_TZ, utcnow
from tracker.inspections.services import window_for
from tracker.workflow.models import OccurrenceState

pytestmark = pytest.mark.browser

QUEUE = [("PKT", "Rà soát thủ tục cắt giảm thời gian", 5),
         ("TTPVHCC", "Báo cáo hồ sơ trễ hạn trong ngày", 4),
         ("PKT", "Báo cáo tiến độ số hóa hồ sơ", 3)]
LATER = "Tuyên truyền dịch vụ công trực tuyến"


@pytest.fixture
def live_server_seed() -> Callable[[], None]:
    def seed() -> None:
        factories.user(role="office", unit_code="VP", username="vanphong",
                       full_name="Hoàng Thị Hạnh", title="Chánh Văn phòng")
        factories.unit("PKT", name="Phòng Kinh tế")
        factories.unit("TTPVHCC", name="Trung tâm Phục vụ hành chính công")
        factories.user(role="unit_head", unit_code="PKT", username="truong.pkt")
        directive = factories.directive()
        now = utcnow()
        for unit, title, days in QUEUE:
            task = factories.task(unit, title=title, parent=directive)
            due = now - timedelta(days=days)
            day = due.astimezone(LOCAL_TZ).date()
            factories.occurrence(task, due, OccurrenceState.SUBMITTED, period_start=day,
                                 submitted_at=due - timedelta(hours=days), report="Đã thực hiện")
        # A period of this half-month whose deadline has not come: "chưa đến hạn".
        today = now.astimezone(LOCAL_TZ).date()
        end = datetime.combine(window_for(today)[1], time(17), tzinfo=LOCAL_TZ)
        task = factories.task("PKT", title=LATER, parent=directive)
        factories.occurrence(task, max(end, now + timedelta(hours=1)), period_start=today)

    return seed


def test_office_verifies_in_a_row_then_runs_a_round(live_server: LiveServer,
                                                     page: Page) -> None:
    watcher = Watcher().attach(page)
    log_in(page, live_server, "vanphong")
    # The count of work waiting shows in the navigation.
    page.locator(".navbar-toggler").click()
    expect(page.locator("#nav-follow-up .badge")).to_contain_text("3")
    check_page(page, "office home, menu open")

    visit(page, f"{live_server.url}/verification", "queue")
    expect(page.locator("#queue-total")).to_have_text("3")
    items = page.locator("#verification-queue .list-group-item")
    expect(items.first).to_contain_text(QUEUE[0][1])  # oldest first
    page.locator("#filter-unit").select_option("PKT")
    page.get_by_role("button", name="Lọc").click()
    expect(items).to_have_count(2)
    check_page(page, "queue filtered")

    items.first.click()
    expect(page.locator("h1")).to_have_text(QUEUE[0][1])
    check_page(page, "queued item")
    page.screenshot(path="test-results/queued-item-phone.png", full_page=True)
    page.get_by_role("button", name="Xác nhận và mở việc tiếp theo").click()
    # The clerk lands on the next item of the same filter (Phòng Kinh tế's other one).
    expect(page.locator(".alert-success")).to_contain_text("Đã xác nhận")
    expect(page.locator("h1")).to_have_text(QUEUE[2][1])
    page.get_by_role("button", name="Xác nhận và mở việc tiếp theo").click()
    expect(page.locator(".alert-info")).to_contain_text("Không còn việc nào chờ xác nhận")
    expect(page.locator("#queue-total")).to_have_text("1")

    page.set_viewport_size(DESKTOP_VIEWPORT)
    visit(page, f"{live_server.url}/inspections/", "rounds")
    page.locator("#open-round-form select[name=units]").select_option(label="Phòng Kinh tế")
    page.get_by_role("button", name="Mở đợt kiểm tra").click()
    expect(page.locator("h1")).to_contain_text("Đợt kiểm tra")
    check_page(page, "round (desktop)")
    later = page.locator(".list-group-item", has_text=LATER)
    expect(later.locator(".item-result")).to_contain_text("Chưa đến hạn")
    expect(later.locator("option[value=pass]")).to_be_disabled()

    # One exception first, saved in the background, then the rest are met in one go.
    criterion = page.locator(".list-group-item", has_text="Niêm yết công khai")
    first = criterion.locator("form.mark-form")
    first.locator("select[name=result]").select_option("fail")
    first.locator("input[name=note]").fill("Chưa cập nhật sổ theo dõi")
    first.get_by_role("button", name="Lưu").click()
    expect(first.locator(".mark-message")).to_have_text("Đã lưu.")
    page.get_by_role("button", name="Đánh dấu đạt mọi mục chưa đánh giá").click()
    expect(page.locator(".alert-success")).to_contain_text("mục đạt")
    expect(later.locator(".item-result")).to_contain_text("Chưa đến hạn")
    check_page(page, "round marked")
    page.screenshot(path="test-results/round-marked-desktop.png")

    complete = page.locator("#complete-form")
    complete.locator("textarea[name=conclusion]").fill("Cơ bản đạt; khắc phục tồn tại.")
    complete.get_by_role("button", name="Ký kết thúc đợt kiểm tra").click()
    expect(page.locator("#round-state")).to_contain_text("Đã ký kết thúc")
    check_page(page, "round signed off")

    # Another round of the same half-month may follow a signed-off one, but not run beside it.
    for attempt in range(2):
        visit(page, f"{live_server.url}/inspections/", f"rounds, opening attempt {attempt + 1}")
        page.locator("#open-round-form select[name=units]").select_option(label="Phòng Kinh tế")
        page.get_by_role("button", name="Mở đợt kiểm tra").click()
        expect(page.locator("h1")).to_contain_text("Đợt kiểm tra")
    expect(page.locator(".alert-warning")).to_contain_text("đang mở")
    expect(page.locator("#round-state")).to_contain_text("Đang kiểm tra")
    watcher.assert_clean()
