"""A member of the office logs in on a phone and reaches the task list."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests import factories
from tests.browser.conftest import PHONE_VIEWPORT, LiveServer

pytestmark = pytest.mark.browser

PASSWORD = "mat-khau-thu-nghiem"
SCREENSHOTS = Path("test-results")


@pytest.fixture
def live_server_seed() -> Callable[[], None]:
    return lambda: factories.user(role="office", unit_code="VP", username="vanphong")


def visit(page: Page, url: str) -> None:
    """Open ``url`` and insist it answered without an error status."""
    response = page.goto(url)
    assert response is not None
    assert response.ok, f"{url} answered {response.status}"


def test_office_logs_in_on_a_phone_and_sees_the_task_list(
    live_server: LiveServer, page: Page
) -> None:
    assert page.viewport_size == PHONE_VIEWPORT

    visit(page, f"{live_server.url}/login")
    # The footer's language switches are submit buttons too: click the login form's own.
    form = page.locator("form", has=page.locator("input[name=password]"))
    form.locator("input[name=username]").fill("vanphong")
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}/")

    visit(page, f"{live_server.url}/tasks")
    expect(page).to_have_url(re.compile(re.escape(f"{live_server.url}/tasks")))
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator("#task-list")).to_be_attached()

    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "task-list-phone.png", full_page=True)
