"""On a phone: the Office makes a directive in the browser, sees the next deadlines while
editing, publishes it for the Chairman; the owner unit's head sees the work on the home page;
an amendment with a reason moves a future deadline and shows in the history."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests import factories
from tests.browser.conftest import LiveServer, log_in, log_out
from tracker.db import LOCAL_TZ, utcnow
from tracker.org.models import UnitKind

pytestmark = pytest.mark.browser



@pytest.fixture
def live_server_seed() -> Callable[[], None]:
    def seed() -> None:
        factories.unit("LD", kind=UnitKind.LEADERSHIP, name="Lãnh đạo UBND xã")
        factories.unit("VP", kind=UnitKind.OFFICE, name="Văn phòng HĐND và UBND")
        factories.unit("PKT", name="Phòng Kinh tế")
        factories.user(role="office", unit_code="VP", username="vanphong")
        factories.user(role="leader", unit_code="LD", username="chutich", person_code="CT-XA",
                       full_name="Nguyễn Văn Chủ", title="Chủ tịch UBND xã")
        factories.user(role="unit_head", unit_code="PKT", username="truongpkt")

    return seed


def fill_task(page: Page, index: int, clause: str, title: str, frequency: str) -> None:
    prefix = f"tasks[{index}]."
    page.locator(f"[name='{prefix}clause']").fill(clause)
    page.locator(f"[name='{prefix}owner']").select_option("PKT")
    page.locator(f"[name='{prefix}title']").fill(title)
    page.locator(f"[name='{prefix}frequency']").select_option(frequency)


def test_office_makes_publishes_and_amends_a_directive(live_server: LiveServer, page: Page):
    today = utcnow().astimezone(LOCAL_TZ).date()
    start = today - timedelta(days=7)  # past working days: the daily work is already due
    one_off, moved = today + timedelta(days=20), today + timedelta(days=34)

    log_in(page, live_server, "vanphong")
    page.goto(f"{live_server.url}/directives")
    page.locator("#new-directive").click()
    page.locator("[name='directive.type']").select_option("conclusion_notice")
    page.locator("[name='directive.number']").fill("21/TB-UBND")
    page.locator("[name='directive.issued_on']").fill(start.isoformat())
    page.locator("[name='directive.issuer']").fill("UBND xã Cẩm Giang")
    page.locator("[name='directive.title']").fill("Kết luận giao ban về thủ tục hành chính")
    page.locator("[name='directive.signer.authority']").select_option("TM.")
    page.locator("[name='directive.signer.title']").fill("Chủ tịch")
    page.locator("[name='directive.signer.name']").fill("Nguyễn Văn Chủ")
    page.locator("[name='directive.period.start']").fill(start.isoformat())
    page.locator("[name='directive.period.end']").fill((today + timedelta(days=120)).isoformat())

    fill_task(page, 0, "1", "Kiểm soát hồ sơ hằng ngày", "daily")
    expect(page.locator("[name='tasks[0].code']")).to_have_value("1-PKT")
    expect(page.locator(".js-item").first.locator(".js-preview li")).to_have_count(5)

    page.get_by_role("button", name="Thêm nhiệm vụ").click()
    fill_task(page, 1, "2", "Kiểm tra 02 lần/tháng", "twice_monthly")
    page.locator("[name='tasks[1].due.days.0']").select_option("15")
    page.locator("[name='tasks[1].due.days.1']").select_option("last")
    second = page.locator("#task-items .js-item").nth(1)
    expect(second.locator(".js-preview li")).to_have_count(5)
    expect(second.locator(".js-preview")).to_contain_text("15/")

    page.get_by_role("button", name="Thêm nhiệm vụ").click()
    fill_task(page, 2, "3", "Hoàn thành rà soát quy trình", "once")
    page.locator("[name='tasks[2].due.date']").fill(one_off.isoformat())
    third = page.locator("#task-items .js-item").nth(2)
    expect(third.locator(".js-preview li")).to_have_count(1)
    # Nothing typed before the tasks were added was lost.
    expect(page.locator("[name='tasks[0].title']")).to_have_value("Kiểm soát hồ sơ hằng ngày")
    expect(page.locator("[name='directive.number']")).to_have_value("21/TB-UBND")

    page.get_by_role("button", name="Thêm chỉ tiêu").click()
    page.locator("[name='indicators[0].code']").fill("CT-DUNG-HAN")
    page.locator("[name='indicators[0].name']").fill("Tỷ lệ hồ sơ đúng hạn")
    page.locator("[name='indicators[0].comparator']").select_option(">=")
    page.locator("[name='indicators[0].target']").fill("95")
    page.locator("[name='indicators[0].unit']").fill("%")
    page.locator("[name='indicators[0].owner']").select_option("PKT")
    page.locator("[name='indicators[0].aggregate']").select_option("average")
    Path("test-results").mkdir(exist_ok=True)
    page.screenshot(path="test-results/editor-phone.png", full_page=True)
    page.get_by_role("button", name="Lưu bản nháp").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã lưu")

    page.locator("#leader").select_option(label="Nguyễn Văn Chủ – Chủ tịch UBND xã")
    page.locator("#publish-form").get_by_role("button", name="Ban hành văn bản").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã ban hành")
    expect(page.locator("#task-list")).to_contain_text("Kiểm tra 02 lần/tháng")
    expect(page.locator("#directive-history")).to_contain_text("thay mặt", ignore_case=True)
    log_out(page)

    log_in(page, live_server, "truongpkt")
    expect(page.locator("main")).to_contain_text("Kiểm soát hồ sơ hằng ngày")
    page.goto(f"{live_server.url}/inbox")
    expect(page.locator("main")).to_contain_text("Kết luận giao ban về thủ tục hành chính")
    log_out(page)

    log_in(page, live_server, "vanphong")
    page.goto(f"{live_server.url}/directives")
    page.get_by_text("Kết luận giao ban về thủ tục hành chính").click()
    page.locator("#edit-directive").click()
    page.locator("[name='tasks[2].due.date']").fill(moved.isoformat())
    page.get_by_role("button", name="Lưu điều chỉnh").click()
    expect(page.locator("#editor-problems")).to_contain_text("cần ghi lý do")
    page.locator("#reason").fill("Lùi hạn theo đề nghị của Phòng Kinh tế")
    page.get_by_role("button", name="Lưu điều chỉnh").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã lưu")
    page.get_by_role("link", name="Quay lại văn bản").click()
    history = page.locator("#directive-history")
    expect(history).to_contain_text("Lùi hạn theo đề nghị của Phòng Kinh tế")
    page.get_by_role("link", name="Hoàn thành rà soát quy trình").click()
    expect(page.locator("#upcoming")).to_contain_text(moved.strftime("%d/%m/%Y"))
    expect(page.locator("#task-history")).to_contain_text(one_off.isoformat())
    expect(page.locator("#task-history")).to_contain_text(moved.isoformat())
    page.screenshot(path="test-results/amended-task-phone.png", full_page=True)
