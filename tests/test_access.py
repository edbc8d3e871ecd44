"""Every route against every role: who gets in, who is sent to log in, who is refused.

CSRF stays on: POST routes are exercised with a valid token, so a 403 here is the policy
speaking, not a missing token.
"""

import pytest

from tests import factories
from tests.conftest import csrf_token, login
from tracker.directives.models import Frequency
from tracker.extensions import db

ROLES = ["admin", "leader", "office", "unit_head", "staff"]


@pytest.fixture
def world(app):
    """Two units, one task each, one account per role (unit people in unit A)."""
    with app.app_context():
        task_a = factories.task("DVA", code="A-01")
        task_b = factories.task("DVB", code="B-01", parent=task_a.directive)
        event_a = factories.task("DVA", code="A-EV", parent=task_a.directive,
                                 frequency=Frequency.ON_EVENT, due_rule={"within_working_days": 1})
        for role in ROLES:
            factories.user(role=role, unit_code="DVA", username=role)
        other = factories.user(role="staff", unit_code="DVB", username="other")
        db.session.commit()
        return {
            "task_a": task_a.id,
            "task_b": task_b.id,
            "event_a": event_a.id,
            "directive": task_a.directive_id,
            "unit": task_a.owner_unit_id,
            "user": other.id,
        }


def routes(world):
    return {
        "home": ("GET", "/"),
        "directives": ("GET", "/directives"),
        "directive": ("GET", f"/directives/{world['directive']}"),
        "tasks": ("GET", "/tasks"),
        "own_task": ("GET", f"/tasks/{world['task_a']}"),
        "other_task": ("GET", f"/tasks/{world['task_b']}"),
        "import": ("GET", "/directives/import"),
        "units": ("GET", "/admin/units"),
        "new_unit": ("GET", "/admin/units/new"),
        "edit_unit": ("GET", f"/admin/units/{world['unit']}"),
        "users": ("GET", "/admin/users"),
        "new_user": ("GET", "/admin/users/new"),
        "edit_user": ("GET", f"/admin/users/{world['user']}"),
        "reset_password": ("GET", f"/admin/users/{world['user']}/password"),
        "toggle_user": ("POST", f"/admin/users/{world['user']}/active"),
        "change_password": ("GET", "/account/password"),
        "calendar": ("GET", "/admin/calendar"),
        "record_event": ("POST", f"/tasks/{world['event_a']}/events"),
        "inbox": ("GET", "/inbox"),
        "calendar_feed": ("GET", "/calendar-feed"),
    }


ALLOWED = {
    "home": set(ROLES),
    "directives": set(ROLES),
    "directive": set(ROLES),
    "tasks": set(ROLES),
    "own_task": set(ROLES),
    "other_task": {"admin", "leader", "office"},
    "import": {"admin"},
    "units": {"admin"},
    "new_unit": {"admin"},
    "edit_unit": {"admin"},
    "users": {"admin"},
    "new_user": {"admin"},
    "edit_user": {"admin"},
    "reset_password": {"admin"},
    "toggle_user": {"admin"},
    "change_password": set(ROLES),
    "calendar": {"admin", "office"},
    "record_event": {"admin", "leader", "office", "unit_head"},
    "inbox": set(ROLES),
    "calendar_feed": set(ROLES),
}


def call(client, method, url):
    if method == "GET":
        return client.get(url)
    return client.post(url, data={"csrf_token": csrf_token(client, "/")})


@pytest.mark.parametrize("name", sorted(ALLOWED))
@pytest.mark.parametrize("role", ROLES)
def test_route_by_role(client, world, role, name):
    method, url = routes(world)[name]
    login(client, role)
    response = call(client, method, url)
    if role in ALLOWED[name]:
        assert response.status_code in (200, 302), (role, name, response.status_code)
        if response.status_code == 302:
            assert "/login" not in response.headers["Location"]
    else:
        assert response.status_code == 403, (role, name, response.status_code)


@pytest.mark.parametrize("name", sorted(set(ALLOWED) - {"home"}))
def test_anonymous_is_sent_to_login(client, world, name):
    method, url = routes(world)[name]
    response = client.get(url) if method == "GET" else client.post(url)
    if method == "POST":
        assert response.status_code == 400  # no CSRF token: refused before anything else
    else:
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login")


def test_anonymous_home_goes_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_unit_head_sees_only_own_unit_in_task_list(client, world):
    login(client, "unit_head")
    html = client.get("/tasks").get_data(as_text=True)
    assert "A-01" in html
    assert "B-01" not in html


def test_leader_sees_every_unit_in_task_list(client, world):
    login(client, "leader")
    html = client.get("/tasks").get_data(as_text=True)
    assert "A-01" in html
    assert "B-01" in html
