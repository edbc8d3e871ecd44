"""Browser fixtures: Debian's Chromium, driven by Playwright, against the app served on a free port.

Playwright cannot download its own browser here, so the system Chromium is used; when it is
missing the tests fail rather than skip, because `make test` promises they ran.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from werkzeug.serving import make_server

from tests.conftest import PASSWORD, fresh_schema, make_app
from tracker.extensions import db

CHROMIUM = Path("/usr/bin/chromium")
# Without the networking flags Chromium keeps calling Google's hosts, which this network refuses.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Commune staff mostly use phones: pages are checked at an iPhone 12-14 sized viewport first.
PHONE_VIEWPORT = {"width": 390, "height": 844}


@dataclass(frozen=True)
class LiveServer:
    url: str
    app: Flask


@pytest.fixture(scope="session")
def base_url() -> str | None:
    """None: each test's server has its own port, so pages are addressed via ``live_server.url``.

    This also replaces pytest-playwright's fallback ``base_url``, a session fixture written as an
    instance method, which pytest 9 deprecates (an error under ``filterwarnings = error``).
    """
    return None


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (make install does)")
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    return {
        **browser_context_args,
        "viewport": PHONE_VIEWPORT,
        "locale": "vi-VN",
        "timezone_id": "Asia/Ho_Chi_Minh",
    }


@pytest.fixture
def live_server_seed() -> Callable[[], None]:
    """Override in a test module to add data before the server starts (inside an app context)."""
    return lambda: None


@pytest.fixture
def live_server(tmp_path: Path, live_server_seed: Callable[[], None]) -> Iterator[LiveServer]:
    """Serve a fresh app, seeded by ``live_server_seed``, from a thread on a free port."""
    uri = os.environ.get("TRACKER_TEST_DATABASE_URI") or f"sqlite:///{tmp_path / 'live.sqlite3'}"
    app = make_app(
        {
            "TESTING": True,
            "SECRET_KEY": "a-test-only-secret-key-0123456789abcdef",
            "SQLALCHEMY_DATABASE_URI": uri,
            "UPLOAD_FOLDER": str(tmp_path / "uploads"),
            "PENDING_FOLDER": str(tmp_path),
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        }
    )
    with app.app_context():
        fresh_schema()
        db.create_all()
        live_server_seed()
        db.session.commit()

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(url=f"http://127.0.0.1:{server.server_port}", app=app)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def log_in(page: Page, server: LiveServer, username: str, password: str = PASSWORD) -> None:
    """Log in through the login form, as a person would, and land on the home page."""
    response = page.goto(f"{server.url}/login")
    assert response is not None
    assert response.ok, f"/login answered {response.status}"
    # The footer's language switches are submit buttons too: click the login form's own.
    form = page.locator("form", has=page.locator("input[name=password]"))
    form.locator("input[name=username]").fill(username)
    form.locator("input[name=password]").fill(password)
    form.locator("[type=submit]").click()
    expect(page).to_have_url(f"{server.url}/")
    # The address changes before the home page's stylesheets apply; a test measuring the
    # layout right after logging in must see the styled page.
    page.wait_for_load_state("load")


def log_out(page: Page) -> None:
    """Log out through the menu, as a person would. On a phone the menu first opens: wait until
    its animation has ended, or the click lands on a moving button and is lost."""
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
        expect(page.locator(".navbar-collapse.show")).to_be_visible()
        expect(page.locator(".navbar-collapse.collapsing")).to_have_count(0)
    with page.expect_navigation():
        page.get_by_role("button", name="Đăng xuất").click()
    expect(page.locator("input[name=password]")).to_be_visible()
