"""What every page a browser test visits must satisfy: no console error, no horizontal
overflow, and no serious or critical accessibility violation found by axe-core.

axe-core is the npm package installed in tests/browser/node_modules (``make install`` runs
``npm ci`` there). It is injected into the page from the test only; the app never serves it.
Its source is evaluated through the DevTools protocol, which the app's strict CSP does not
govern, so the page keeps its real CSP (a CSP violation still shows as a console error).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import ConsoleMessage, Page, Response, expect

AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
DESKTOP_VIEWPORT = {"width": 1366, "height": 768}
# WCAG 2.1 A and AA, and axe's best practices.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


@dataclass
class Watcher:
    """Console errors, uncaught exceptions and failed requests seen on a page."""

    problems: list[str] = field(default_factory=list)

    def attach(self, page: Page) -> Watcher:
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        page.on("response", self._response)
        return self

    def _console(self, message: ConsoleMessage) -> None:
        # Chromium logs every 4xx answer as "Failed to load resource"; failed assets are caught
        # by _response, and a refused form (422) is what the test asked for.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.problems.append(f"console: {message.text} ({message.location.get('url')})")

    def _response(self, response: Response) -> None:
        # 4xx answers to a form the test sent on purpose are checked by the test itself;
        # a missing asset (a favicon, a script) is not.
        if response.status >= 400 and response.request.resource_type != "document":
            self.problems.append(f"{response.status} {response.url}")

    def assert_clean(self) -> None:
        assert not self.problems, "\n".join(self.problems)


def axe_source() -> str:
    if not AXE.is_file():
        raise AssertionError(f"{AXE} is missing: run `npm ci` in tests/browser (make install)")
    return AXE.read_text(encoding="utf-8")


def serious_violations(page: Page) -> list[str]:
    """Run axe-core on the page as it stands; list its serious and critical violations."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source() + "\n;undefined")
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})",
        AXE_TAGS,
    )
    found = []
    for violation in result["violations"]:
        if violation["impact"] in ("serious", "critical"):
            targets = [", ".join(node["target"]) for node in violation["nodes"][:5]]
            found.append(f"{violation['id']} ({violation['impact']}): {violation['help']} "
                         f"at {targets}")
    return found


def horizontal_overflow(page: Page) -> int:
    """How many pixels the page is wider than the viewport (0 when it fits)."""
    return page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth")


def check_page(page: Page, what: str = "") -> None:
    """The page fits its width and axe-core finds nothing serious on it (judged once its
    stylesheets apply: an unstyled page neither fits nor has its real colours)."""
    page.wait_for_load_state("load")
    label = what or page.url
    overflow = horizontal_overflow(page)
    assert overflow <= 0, f"{label}: {overflow}px wider than the viewport"
    violations = serious_violations(page)
    assert not violations, f"{label}:\n" + "\n".join(violations)


def visit(page: Page, url: str, what: str = "") -> None:
    response = page.goto(url)
    assert response is not None, url
    assert response.ok, f"{url} answered {response.status}"
    check_page(page, what or url)


def switch_to_english(page: Page) -> None:
    page.locator("footer").get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    # The new document's attribute shows before its stylesheets apply: wait for them.
    page.wait_for_load_state("load")


def nav_height_lines(page: Page) -> tuple[float, float]:
    """(height of the expanded navigation bar, height of one link): equal heights mean one line.
    Measured once the stylesheets apply: before, every link stacks on its own line."""
    page.wait_for_load_state("load")
    return page.evaluate(
        "() => [document.querySelector('#main-nav').getBoundingClientRect().height,"
        " document.querySelector('#main-nav .nav-link').getBoundingClientRect().height]")
