"""A member of the office logs in on a phone and reaches the task list."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests import factories
from tests.browser.checks import DESKTOP_VIEWPORT, visit
from tests.browser.conftest import PHONE_VIEWPORT, LiveServer, log_in

pytestmark = pytest.mark.browser

SCREENSHOTS = Path("test-results")


@pytest.fixture
def live_server_seed() -> Callable[[], None]:
    return lambda: factories.user(role="office", unit_code="VP", username="vanphong")


def test_login_page_fits_and_passes_the_accessibility_check(live_server: LiveServer,
                                                            page: Page) -> None:
    visit(page, f"{live_server.url}/login", "login (phone)")
    page.set_viewport_size(DESKTOP_VIEWPORT)
    visit(page, f"{live_server.url}/login", "login (desktop)")


def test_office_logs_in_on_a_phone_and_sees_the_task_list(
    live_server: LiveServer, page: Page
) -> None:
    log_in(page, live_server, "vanphong")
    # At a phone's width the menu folds behind its toggler, and no page scrolls sideways.
    expect(page.locator(".navbar-toggler")).to_be_visible()
    expect(page.locator(".navbar-collapse")).to_be_hidden()

    visit(page, f"{live_server.url}/tasks")
    expect(page).to_have_url(re.compile(re.escape(f"{live_server.url}/tasks")))
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator("#task-list")).to_be_attached()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_VIEWPORT["width"]

    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "task-list-phone.png", full_page=True)
