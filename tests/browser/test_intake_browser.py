"""On a phone: the Office reads a signed DOCX into a draft, corrects an owner, publishes it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests import factories
from tests.browser.conftest import LiveServer, log_in
from tracker.org.models import UnitKind

pytestmark = pytest.mark.browser

DOCX = Path(__file__).parent.parent / "data" / "intake" / "ke-hoach-chuyen-doi-so-2027.docx"


@pytest.fixture
def live_server_seed() -> Callable[[], None]:
    def seed() -> None:
        factories.unit("VP", kind=UnitKind.OFFICE, name="Văn phòng HĐND và UBND")
        factories.unit("PKT", name="Phòng Kinh tế")
        factories.unit("PVHXH", name="Phòng Văn hóa – Xã hội")
        factories.unit("TTPVHCC", kind=UnitKind.CENTER, name="Trung tâm Phục vụ hành chính công")
        factories.unit("LD", kind=UnitKind.LEADERSHIP, name="Lãnh đạo UBND xã")
        factories.user(role="leader", unit_code="LD", username="chutich")
        factories.user(role="office", unit_code="VP", username="vanphong")
        factories.user(role="unit_head", unit_code="PKT", username="kinhte")

    return seed


def test_office_drafts_from_a_docx_and_the_owner_sees_the_work(live_server: LiveServer,
                                                                page: Page):
    log_in(page, live_server, "vanphong")
    page.goto(f"{live_server.url}/directives/from-document")
    page.locator("input[name=file]").set_input_files(str(DOCX))
    page.get_by_role("button", name="Đọc văn bản").click()
    expect(page.locator("#draft-title")).to_contain_text("chuyển đổi số")
    proposal = page.locator(".proposal", has_text="xây dựng kế hoạch chi tiết")
    expect(proposal.locator("mark.source")).to_contain_text(
        "Thủ trưởng các cơ quan, đơn vị căn cứ nhiệm vụ được giao")
    expect(proposal.locator(".doubt")).to_be_visible()
    expect(proposal.locator("select.owner")).to_have_value("VP")
    proposal.locator("select.owner").select_option("PKT")
    page.get_by_role("button", name="Tạo bản nháp văn bản chỉ đạo").click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator("#draft-badge")).to_be_visible()  # a draft: nothing planned yet
    page.locator("#publish-form [type=submit]").click()  # on the leader's behalf
    expect(page.locator("#draft-badge")).to_have_count(0)
    page.context.clear_cookies()  # the head of the Phòng Kinh tế, on the same phone
    log_in(page, live_server, "kinhte")
    page.goto(f"{live_server.url}/tasks")
    expect(page.get_by_text("xây dựng kế hoạch chi tiết").first).to_be_visible()
    expect(page.get_by_text("Rà soát, cập nhật dữ liệu hộ kinh doanh").first).to_be_visible()
