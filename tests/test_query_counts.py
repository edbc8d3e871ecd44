"""No page's SQL query count may grow with the data: measured at two data sizes."""

from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from sqlalchemy import event

from tests import factories
from tests.conftest import fresh_app, login
from tracker.db import utcnow
from tracker.directives.models import Frequency
from tracker.extensions import db
from tracker.notify.models import Notification
from tracker.workflow.models import OccurrenceState

PAGES = ["/", "/tasks", "/tasks?status=overdue", "/directives", "/directives/{directive}",
         "/tasks/{task}", "/inbox", "/admin/users", "/admin/units"]


def build(app, units: int, tasks_per_unit: int, periods: int) -> dict:
    with app.app_context():
        now = utcnow()
        directive = factories.directive("D")
        admin = factories.user(role="admin", unit_code="VP", username="admin")
        first_task = None
        for u in range(units):
            code = f"DV{u}"
            leader = factories.user(role="leader", unit_code="LD")
            factories.unit(code).supervisor = leader
            factories.user(role="unit_head", unit_code=code)
            for t in range(tasks_per_unit):
                staff = factories.user(role="staff", unit_code=code)
                task = factories.task(code, code=f"{code}-{t}", parent=directive,
                                      frequency=Frequency.DAILY, assignee=staff)
                first_task = first_task or task
                for p in range(periods):
                    state = [OccurrenceState.OPEN, OccurrenceState.VERIFIED,
                             OccurrenceState.SUBMITTED][p % 3]
                    due = now + timedelta(days=p - periods // 2)
                    factories.occurrence(task, due_at=due, state=state,
                                         period_start=date(2026, 1, 1) + timedelta(days=p))
                db.session.add(Notification(user_id=admin.id, kind="digest", title="Tin"))
        db.session.commit()
        return {"directive": directive.id, "task": first_task.id}


@contextmanager
def counting(app):
    statements = []
    with app.app_context():
        engine = db.engine

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def page_counts(app, ids) -> dict[str, int]:
    client = app.test_client()
    login(client, "admin")
    counts = {}
    for page in PAGES:
        url = page.format(**ids)
        client.get(url)  # warm caches that are per process, not per data size
        with counting(app) as statements:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[page] = len(statements)
    return counts


@pytest.fixture
def small(app):
    return page_counts(app, build(app, units=2, tasks_per_unit=1, periods=4))


def test_query_counts_do_not_grow_with_data(app, small, tmp_path, sqlite_schema):
    # The same app again, on an empty database, filled with about twenty times the data.
    big_app = fresh_app(tmp_path / "big", sqlite_schema)
    big = page_counts(big_app, build(big_app, units=6, tasks_per_unit=5, periods=40))
    assert all(count > 0 for count in small.values())
    assert big == small


def test_dashboard_shows_the_units_furthest_behind_first(app):
    app.config["DASHBOARD_UNIT_LIMIT"] = 2
    build(app, units=4, tasks_per_unit=1, periods=6)
    client = app.test_client()
    login(client, "admin")
    html = client.get("/").get_data(as_text=True)
    shown = [code for code in ("DV0", "DV1", "DV2", "DV3") if f"unit={code}" in html]
    assert len(shown) == 2
    assert "all=1" in html
    everything = client.get("/?all=1").get_data(as_text=True)
    assert all(f"unit={code}" in everything for code in ("DV0", "DV1", "DV2", "DV3"))
