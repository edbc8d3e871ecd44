"""A leader's morning: the dashboard says who is behind and fits a phone and a desktop; the
month's evaluation opens from the menu. Also the administrator's navigation on one line at
1366 px in both languages, and the public results page without logging in."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from playwright.sync_api import Page, expect

from tests import factories
from tests.browser.checks import (
    DESKTOP_VIEWPORT,
    Watcher,
    check_page,
    nav_height_lines,
    switch_to_english,
    visit,
)
from tests.browser.conftest import PHONE_VIEWPORT, LiveServer, log_in
from tracker.db import LOCAL_TZ, utcnow
from tracker.evaluation import services as evaluation
from tracker.extensions import db
from tracker.org.models import UnitKind
from tracker.workflow.models import OccurrenceState

pytestmark = pytest.mark.browser

UNITS = [("VP", "Văn phòng HĐND và UBND", UnitKind.OFFICE),
         ("PKT", "Phòng Kinh tế", UnitKind.DEPARTMENT),
         ("PVHXH", "Phòng Văn hóa – Xã hội", UnitKind.DEPARTMENT),
         ("TTPVHCC", "Trung tâm Phục vụ hành chính công", UnitKind.CENTER),
         ("TTDVSNC", "Trung tâm Dịch vụ sự nghiệp công", UnitKind.CENTER)]


@pytest.fixture
def live_server_seed() -> Callable[[], None]:
    def seed() -> None:
        for code, name, kind in UNITS:
            factories.unit(code, kind=kind, name=name)
        office = factories.user(role="office", unit_code="VP", username="vanphong")
        factories.user(role="leader", username="lanhdao", full_name="Lê Văn Định",
                       title="Phó Chủ tịch Thường trực")
        factories.user(role="admin", unit_code="VP", username="quantri",
                       full_name="Nguyễn Thị Quản Trị Hệ Thống")
        directive = factories.directive()
        now = utcnow()
        # The last unit is clearly behind: more of its periods are overdue.
        for index, (code, _name, _kind) in enumerate(UNITS):
            task = factories.task(code, title=f"Báo cáo định kỳ của {code}", parent=directive)
            for back in range(1, 6):
                due = now - timedelta(minutes=back)
                day = due.astimezone(LOCAL_TZ).date()
                late = back <= index
                if late:
                    factories.occurrence(task, due, period_start=day, sequence=back)
                else:
                    factories.occurrence(task, due, OccurrenceState.VERIFIED, period_start=day,
                                         sequence=back, submitted_at=due - timedelta(hours=1),
                                         verified_at=due)
        db.session.flush()
        last_month = (now.astimezone(LOCAL_TZ).date() - relativedelta(months=1)).replace(day=1)
        evaluation.compute(office, last_month)

    return seed


def test_leader_sees_who_is_behind_and_opens_the_evaluation(live_server: LiveServer,
                                                            page: Page) -> None:
    watcher = Watcher().attach(page)
    log_in(page, live_server, "lanhdao")
    check_page(page, "dashboard (phone)")
    page.screenshot(path="test-results/dashboard-phone.png", full_page=True)
    table = page.locator("#unit-status")
    # Furthest behind first.
    expect(table.locator("tbody tr").first).to_contain_text("Trung tâm Dịch vụ sự nghiệp công")
    expect(page.locator("#behind")).to_contain_text("4")
    # The table fits the phone without scrolling sideways.
    fits = page.evaluate("() => { const t = document.querySelector('#unit-status');"
                         " return t.scrollWidth <= t.parentElement.clientWidth; }")
    assert fits
    # Indicator tiles, when any, come after who is behind.
    page.set_viewport_size(DESKTOP_VIEWPORT)
    visit(page, f"{live_server.url}/", "dashboard (desktop)")
    page.screenshot(path="test-results/dashboard-desktop.png", full_page=True)
    page.locator("#nav-results").click()
    page.get_by_role("link", name="Đánh giá, xếp loại").click()
    page.locator("#evaluation-list a").first.click()
    expect(page.locator("h1")).to_be_visible()
    check_page(page, "evaluation (desktop)")
    page.set_viewport_size(PHONE_VIEWPORT)
    check_page(page, "evaluation (phone)")
    watcher.assert_clean()


@pytest.mark.parametrize("language", ["vi", "en"])
def test_admin_navigation_fits_one_line(live_server: LiveServer, page: Page,
                                        language: str) -> None:
    watcher = Watcher().attach(page)
    page.set_viewport_size(DESKTOP_VIEWPORT)
    log_in(page, live_server, "quantri")
    if language == "en":
        switch_to_english(page)
    bar, link = nav_height_lines(page)
    assert bar < 1.5 * link, f"the navigation takes {bar:.0f}px for {link:.0f}px links"
    page.screenshot(path=f"test-results/admin-nav-{language}.png")
    # The first Tab stop is the skip link, shown when focused; then the links show a thick ring.
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    ring = page.evaluate("() => getComputedStyle(document.activeElement).outlineWidth")
    assert float(ring.removesuffix("px")) >= 3, ring
    # Every menu opens and reads well (keyboard: Enter opens, Escape closes).
    for menu in ("work", "follow-up", "results", "admin", "me"):
        toggle = page.locator(f"#nav-{menu}")
        toggle.focus()
        page.keyboard.press("Enter")
        expect(page.locator(f"[aria-labelledby=nav-{menu}]")).to_be_visible()
        check_page(page, f"menu {menu} open ({language})")
        page.keyboard.press("Escape")
    for path in ("/admin/users", "/admin/calendar", "/admin/units"):
        visit(page, f"{live_server.url}{path}", f"{path} ({language})")
    watcher.assert_clean()


def test_public_results_without_login(live_server: LiveServer, page: Page) -> None:
    watcher = Watcher().attach(page)
    visit(page, f"{live_server.url}/cong-khai/", "public results (phone)")
    expect(page.locator("h1")).to_be_visible()
    page.set_viewport_size(DESKTOP_VIEWPORT)
    visit(page, f"{live_server.url}/cong-khai/", "public results (desktop)")
    watcher.assert_clean()
