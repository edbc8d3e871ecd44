"""A whole inspection round in the browser, ending on the public page while logged out."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from tests import factories
from tests.browser.conftest import LiveServer, log_in
from tracker.db import LOCAL_TZ, utcnow

pytestmark = pytest.mark.browser


@pytest.fixture
def live_server_seed() -> Callable[[], None]:
    def seed() -> None:
        factories.user(role="office", unit_code="VP", username="vanphong",
                       full_name="Hoàng Thị Hạnh", title="Chánh Văn phòng")
        factories.unit("PKT", name="Phòng Kinh tế")

    return seed


def test_round_from_opening_to_the_public_page(live_server: LiveServer, page: Page):
    log_in(page, live_server, "vanphong")

    page.goto(f"{live_server.url}/inspections/")
    page.locator("#open-round-form select[name=units]").select_option(label="Phòng Kinh tế")
    page.get_by_role("button", name="Mở đợt kiểm tra").click()
    expect(page.locator("h1")).to_contain_text("Đợt kiểm tra")

    forms = page.locator("form.mark-form")
    count = forms.count()
    assert count >= 3
    for index in range(count):
        current = page.locator("form.mark-form").nth(index)
        if index == 0:
            current.locator("select[name=result]").select_option("fail")
            current.locator("input[name=note]").fill("Chưa niêm yết thủ tục mới")
        else:
            current.locator("select[name=result]").select_option("pass")
        current.get_by_role("button", name="Lưu").click()
        # Saved in the background (tracker/static/js/checklist.js): the page stays in place.
        expect(current.locator(".mark-message")).to_have_text("Đã lưu.")

    page.locator("details summary").first.click()
    deadline = (utcnow().astimezone(LOCAL_TZ).date() + timedelta(days=14)).strftime("%d/%m/%Y")
    follow_up = page.locator("form.follow-up-form").first
    follow_up.locator("input[name=title]").fill("Niêm yết bổ sung thủ tục mới")
    follow_up.locator("input[name=due_on]").fill(deadline)
    follow_up.get_by_role("button", name="Tạo").click()
    expect(page.locator(".alert-success")).to_contain_text("KT")

    complete = page.locator("#complete-form")
    complete.locator("textarea[name=conclusion]").fill("Cơ bản đạt; khắc phục tồn tại đúng hạn.")
    complete.get_by_role("button", name="Ký kết thúc đợt kiểm tra").click()
    expect(page.locator("#round-state")).to_contain_text("Đã ký kết thúc")
    page.get_by_role("button", name="Công khai").click()
    expect(page.locator("#round-state")).to_contain_text("Đã công khai")

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/cong-khai/")
    page.locator("#published-rounds a").first.click()
    expect(page.locator("#public-findings")).to_contain_text("Chưa niêm yết thủ tục mới")
    expect(page.locator("#public-findings")).to_contain_text("Niêm yết bổ sung thủ tục mới")
    expect(page.locator("body")).to_contain_text("Hoàng Thị Hạnh, Chánh Văn phòng")
