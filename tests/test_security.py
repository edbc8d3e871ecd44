"""Hardening: headers, cookies, login rate limits, redirects, passwords, and fuzzed POST forms.

CSRF stays on throughout. The fuzzing part posts arbitrary values to every POST route of the
application (found in its URL map, so new routes are fuzzed without anyone listing them), as
every role and anonymously, with a valid, missing, garbage or another session's CSRF token:
never a server error, and without a valid token never a change to any table or stored file.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
from datetime import date

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text
from werkzeug.routing import Rule

from tests import factories
from tests.conftest import CSRF_INPUT, PASSWORD, csrf_token, fresh_schema, login, submit
from tracker import create_app
from tracker.auth.views import safe_next
from tracker.db import utcnow
from tracker.directives.models import Frequency
from tracker.extensions import db
from tracker.org import services as org
from tracker.schedule.models import CalendarDay, DayKind
from tracker.schedule.planning import sync_tasks
from tracker.workflow.models import Occurrence, OccurrenceState

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06"
       b"\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01"
       b"\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")
ROLES = ["admin", "leader", "office", "unit_head", "staff"]


# Headers and cookies ---------------------------------------------------------------------------

def directives(csp: str) -> dict[str, list[str]]:
    parsed = {}
    for part in csp.split(";"):
        words = part.split()
        if words:
            parsed[words[0].lower()] = words[1:]
    return parsed


def test_login_page_carries_the_security_headers(client):
    response = client.get("/login")
    assert response.status_code == 200
    csp = directives(response.headers["Content-Security-Policy"])
    script_src = csp.get("script-src", csp.get("default-src"))
    assert script_src == ["'self'"]
    assert "'unsafe-inline'" not in csp.get("style-src", csp["default-src"])
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] in {"same-origin", "strict-origin-when-cross-origin",
                                                   "no-referrer"}
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP: not ours to pin


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"<[^>]+\s(on[a-z]+|style)\s*=", re.I)


def test_pages_have_no_inline_script_or_style(client, make_user):
    """What the CSP would block in the browser must not be in the pages at all."""
    make_user("admin", "VP", username="quantri")
    pages = {"/login": client.get("/login").get_data(as_text=True)}
    login(client, "quantri")
    for url in ("/", "/tasks", "/directives", "/admin/users", "/admin/calendar", "/inbox"):
        response = client.get(url)
        assert response.status_code == 200, url
        pages[url] = response.get_data(as_text=True)
    for url, html in pages.items():
        assert not INLINE_SCRIPT.search(html), url
        assert not INLINE_HANDLER.search(html), url
        assert "<style" not in html.lower(), url


def cookie_header(response, name: str) -> str:
    found = [value for value in response.headers.getlist("Set-Cookie")
             if value.startswith(f"{name}=")]
    assert found, f"no {name} cookie set"
    return found[-1]


def cookie_flags(header: str) -> set[str]:
    """The attributes after name=value: {"httponly", "samesite=lax", "path=/", ...}."""
    return {part.strip().lower() for part in header.split(";")[1:]}


def test_session_cookie_is_httponly_and_lax_on_plain_http(client, make_user):
    make_user("office", "VP", username="vanphong")
    response = submit(client, "/login", {"username": "vanphong", "password": PASSWORD,
                                         "remember": "y"})
    assert response.status_code == 302
    for name in ("session", "remember_token"):
        flags = cookie_flags(cookie_header(response, name))
        assert "httponly" in flags
        assert "samesite=lax" in flags
        assert "secure" not in flags  # `make run` serves http://127.0.0.1:5000


@pytest.fixture
def https_app(tmp_path):
    """The production shape: behind nginx (one proxy) that terminates HTTPS."""
    uri = os.environ.get("TRACKER_TEST_DATABASE_URI") or f"sqlite:///{tmp_path / 'https.sqlite3'}"
    app = create_app({
        "TESTING": True, "SECRET_KEY": "a-test-only-secret-key-0123456789abcdef",
        "SQLALCHEMY_DATABASE_URI": uri, "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "BEHIND_PROXY": 1, "PREFERRED_URL_SCHEME": "https",
    })
    with app.app_context():
        if uri.startswith("postgresql"):
            fresh_schema()
        db.create_all()
        factories.user(role="office", unit_code="VP", username="vanphong")
        db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


FORWARDED_HTTPS = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7",
                   "X-Forwarded-Host": "roviec.example.vn"}


def test_behind_an_https_proxy_cookies_are_secure_and_hsts_is_sent(https_app):
    client = https_app.test_client()
    page = client.get("/login", headers=FORWARDED_HTTPS)
    assert page.headers["Strict-Transport-Security"].startswith("max-age=")
    token = CSRF_INPUT.search(page.get_data(as_text=True)).group(1)
    response = client.post("/login", headers={
        **FORWARDED_HTTPS, "Referer": "https://roviec.example.vn/login"}, data={
        "csrf_token": token, "username": "vanphong", "password": PASSWORD, "remember": "y"})
    assert response.status_code == 302
    for name in ("session", "remember_token"):
        flags = cookie_flags(cookie_header(response, name))
        assert {"secure", "httponly", "samesite=lax"} <= flags


def test_explicit_cookie_setting_wins(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "x" * 40, "SESSION_COOKIE_SECURE": False,
                      "PREFERRED_URL_SCHEME": "https",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'a.sqlite3'}"})
    assert app.config["SESSION_COOKIE_SECURE"] is False
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    other = create_app({"TESTING": True, "SECRET_KEY": "x" * 40,
                        "SITE_URL": "https://roviec.example.vn",
                        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'b.sqlite3'}"})
    assert other.config["SESSION_COOKIE_SECURE"] is True


# Login rate limiting -------------------------------------------------------------------------

def attempt(client, username: str, password: str | None = None, headers=None):
    """One login attempt (a wrong password unless one is given)."""
    token = csrf_token(client, "/login")
    return client.post("/login", headers=headers or {}, data={
        "csrf_token": token, "username": username, "password": password or "sai-mat-khau"})


def test_the_eleventh_attempt_in_a_minute_is_refused(client, make_user, app):
    make_user("office", "VP", username="vanphong")
    for _ in range(10):
        assert attempt(client, "vanphong").status_code == 200  # the form, with "wrong password"
    refused = attempt(client, "VanPhong ", PASSWORD)  # even the right password, any spelling
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert 'name="password"' not in refused.get_data(as_text=True)  # an error page, no form
    with app.app_context():
        from tracker.org.models import User

        assert db.session.scalar(select(User.last_login_at)) is None


def test_the_limit_is_per_username_and_spares_other_pages(client, make_user):
    make_user("office", "VP", username="vanphong")
    make_user("staff", "VP", username="canbo")
    for _ in range(11):
        attempt(client, "vanphong")
    assert attempt(client, "vanphong").status_code == 429
    assert client.get("/login").status_code == 200
    assert client.get("/healthz").status_code == 200
    response = login(client, "canbo")  # another person from the same address
    assert response.status_code == 302
    for _ in range(15):
        assert client.get("/tasks").status_code == 200
        token = csrf_token(client, "/")
        assert client.post("/inbox/read", data={"csrf_token": token}).status_code < 400


def test_the_address_limit_stops_one_password_tried_on_every_account(client, make_user, app):
    app.config["LOGIN_ADDRESS_RATE_LIMIT"] = "5 per minute"
    for number in range(5):
        assert attempt(client, f"nguoi{number}").status_code == 200
    assert attempt(client, "nguoi-khac").status_code == 429


def test_behind_a_proxy_the_limit_follows_the_real_address(https_app):
    client = https_app.test_client()
    first = {**FORWARDED_HTTPS, "Referer": "https://roviec.example.vn/login"}
    second = {**first, "X-Forwarded-For": "198.51.100.20"}
    for _ in range(10):
        attempt(client, "vanphong", headers=first)
    assert attempt(client, "vanphong", headers=first).status_code == 429
    assert attempt(client, "vanphong", PASSWORD, headers=second).status_code == 302


def test_without_a_proxy_a_forged_forwarded_for_does_not_help(client, make_user):
    make_user("office", "VP", username="vanphong")
    for number in range(10):
        attempt(client, "vanphong", headers={"X-Forwarded-For": f"192.0.2.{number}"})
    assert attempt(client, "vanphong", headers={"X-Forwarded-For": "192.0.2.99"}) \
        .status_code == 429


def test_healthz_answers_without_a_session(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_data(as_text=True).strip() == "ok"
    assert "Set-Cookie" not in response.headers


# Redirects and passwords -----------------------------------------------------------------------

def leaves_the_site(location: str) -> bool:
    """Whether a browser would follow this Location to another site (WHATWG URL parsing:
    tabs and newlines vanish, backslashes are slashes, any number of leading slashes)."""
    cleaned = re.sub(r"[\t\n\r]", "", location.lstrip("".join(map(chr, range(33)))))
    cleaned = cleaned.replace("\\", "/")
    return cleaned.startswith("//") or bool(re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", cleaned))


@pytest.mark.parametrize("target", [
    "///evil.example", "////evil.example/x", "/\\evil.example", "\\\\evil.example",
    "https:evil.example", " //evil.example", "\t//evil.example", "/\t/evil.example",
    "HTTPS://evil.example", "data:text/html,x", "//evil.example@roviec",
])
def test_next_never_leaves_the_site(app, target):
    with app.test_request_context():
        assert safe_next(target) == "/"


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(target=st.text(max_size=40) | st.builds(
    lambda a, b: a + b, st.sampled_from(["/", "//", "\\", "/\\", "https:", "/\t/", " /"]),
    st.text(max_size=20)))
def test_next_never_leaves_the_site_whatever_it_is(target):
    app = SAFE_NEXT_APP
    with app.test_request_context():
        result = safe_next(target)
    assert result == "/" or (result == target and not leaves_the_site(result))


@pytest.mark.parametrize(("password", "refusal"), [
    ("password123", "kẻ tấn công thử đầu tiên"), ("Matkhau123", "kẻ tấn công thử đầu tiên"),
    ("12345678a", "kẻ tấn công thử đầu tiên"),
    ("qwertyuiop", "phím liền nhau"),  # a keyboard row, refused before the list is read
])
def test_common_passwords_are_refused(ctx, password, refusal):
    with pytest.raises(org.PasswordRejectedError, match=refusal):
        org.check_password_policy(password, "canbo")


def test_reasonable_passwords_pass(ctx):
    for password in ("demo@2026", PASSWORD, "Cam-Giang-2026!"):
        org.check_password_policy(password, "canbo")


def test_a_common_password_is_refused_when_changing_it(client, make_user, app):
    make_user("staff", "VP", username="canbo")
    login(client, "canbo")
    response = submit(client, "/account/password", {
        "current_password": PASSWORD, "new_password": "matkhau123", "confirm": "matkhau123"})
    assert response.status_code == 200
    with app.app_context():
        from tracker.org.models import User

        assert db.session.scalar(select(User).where(User.username == "canbo")) \
            .check_password(PASSWORD)


def test_huge_ids_in_addresses_are_not_found(client, make_user):
    make_user("admin", "VP", username="quantri")
    login(client, "quantri")
    for url in ("/occurrences/99999999999999999999999", "/tasks/9223372036854775808",
                "/occurrences/2147483648"):
        assert client.get(url).status_code == 404


# Fuzzing every POST form ----------------------------------------------------------------------

def make_probe_app() -> Flask:
    """An application built at collection time, only to read its URL map and forms."""
    return create_app({"TESTING": True, "SECRET_KEY": "collection-only-key-0123456789",
                       "SQLALCHEMY_DATABASE_URI": "sqlite://"})


SAFE_NEXT_APP = make_probe_app()
POST_RULES = sorted((rule for rule in SAFE_NEXT_APP.url_map.iter_rules()
                     if "POST" in (rule.methods or ())), key=lambda rule: rule.rule)


def form_field_names() -> list[str]:
    """Every field name of every form class in the application."""
    from flask_wtf import FlaskForm
    from wtforms.fields.core import UnboundField

    names, pending = set(), [FlaskForm]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        for klass in cls.__mro__:
            names.update(name for name, value in vars(klass).items()
                         if isinstance(value, UnboundField))
    return sorted(names)


FIELDS = form_field_names()
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "20"))
NASTY = ["", " ", "0", "-1", "1", "2", "3", "99999999999999999999999", "1e309", "nan", "-0",
         "80,5", "2026-02-30", "2026-04-30", "30/04/2026", "31/12/9999", "0001-01-01", "y",
         "on", "false", "admin", "leader", "office", "unit_head", "staff", "vi", "en",
         "subjective", "objective", "no_action", "discipline", "day_off", "working_day",
         "pass", "fail", "once", "daily", "<script>alert(1)</script>", "' OR '1'='1",
         "../../etc/passwd", "https://example.com/minh-chung", "javascript:alert(1)", "\x00",
         "ａｄｍｉｎ", "Đ" * 400]
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=60)


def default_argument(name: str, world: dict[str, int]) -> str:
    """A path argument that names a real row: the world's, else the first of its table."""
    if name in world:
        return str(world[name])
    if not name.endswith("_id"):
        return "en"
    return factories.first_row_id(name)


def fill(rule: Rule, values: dict[str, str]) -> str:
    path = rule.rule
    for name, value in values.items():
        path = re.sub(rf"<(?:[^:<>]+:)?{name}>", value, path)
    return path


def state_checksum(upload_folder: str) -> str:
    """A digest of every row of every table and of the stored files."""
    digest = hashlib.sha256()
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            for row in connection.execute(select(table).order_by(*order)):
                digest.update(repr(tuple(row)).encode())
    for root, _, files in sorted(os.walk(upload_folder)):
        digest.update(f"{root}:{sorted(files)}".encode())
    return digest.hexdigest()


@pytest.fixture
def fuzz_world(app):
    """Two units, one account per role in the first, tasks, open and handed-in occurrences,
    evidence, a calendar day: something real behind every path argument."""
    with app.app_context():
        weekly = {"frequency": Frequency.WEEKLY, "due_rule": {"weekday": "fri", "time": "17:00"}}
        task_a = factories.task("DVA", code="A-01", **weekly)
        task_b = factories.task("DVB", code="B-01", parent=task_a.directive, **weekly)
        event_a = factories.task("DVA", code="A-EV", parent=task_a.directive,
                                 frequency=Frequency.ON_EVENT, due_rule={"within_working_days": 1})
        users = {role: factories.user(role=role, unit_code="DVA", username=role) for role in ROLES}
        other = factories.user(role="staff", unit_code="DVB", username="other")
        sync_tasks([task_a, task_b])
        now = utcnow()
        planned = db.session.scalars(select(Occurrence).where(Occurrence.task_id == task_a.id)
                                     .order_by(Occurrence.due_at)).all()
        future = [occurrence for occurrence in planned if occurrence.due_at > now] or planned
        past = [occurrence for occurrence in planned if occurrence.due_at <= now] or planned
        own, submitted, overdue = future[0], future[-1], past[-1]
        own.report = "Đang thực hiện"  # started: no calendar change may re-plan it away
        submitted.state, submitted.submitted_at = OccurrenceState.SUBMITTED, now
        other_unit = db.session.scalar(select(Occurrence).where(
            Occurrence.task_id == task_b.id).limit(1))
        occurrences = [own, submitted, overdue, other_unit]
        evidence = factories.evidence(occurrences[0], users["unit_head"], name="ảnh.png")
        day = CalendarDay(day=date(2026, 9, 4), kind=DayKind.DAY_OFF, reason="Quyết định 1")
        db.session.add(day)
        db.session.commit()
        return {
            "occurrence_id": occurrences[0].id, "task_id": task_a.id, "unit_id":
            task_a.owner_unit_id, "user_id": other.id, "evidence_id": evidence.id,
            "day_id": day.id, "directive_id": task_a.directive_id, "code": "en",
            "event_task": event_a.id, "submitted": occurrences[1].id,
            "overdue": occurrences[2].id, "other_unit_occurrence": occurrences[3].id,
        }


def valid_token(client, logged_in_now: bool) -> str:
    """The session's token, from a small page with a form."""
    page = client.get("/account/password" if logged_in_now else "/login")
    return CSRF_INPUT.search(page.get_data(as_text=True)).group(1)


def logged_in(client) -> bool:
    with client.session_transaction() as session:
        return "_user_id" in session


def values_strategy(world: dict[str, int]):
    ids = [str(value) for value in world.values()]
    single = st.one_of(st.sampled_from(NASTY), st.sampled_from(ids), TEXT,
                       st.integers(-(10**20), 10**20).map(str))
    return st.one_of(single, st.lists(single, min_size=2, max_size=3))


UPLOADS = st.one_of(st.none(), st.tuples(
    st.sampled_from(["files", "file"]),
    st.one_of(st.just(PNG), st.binary(max_size=300),
              st.just(b"directive:\n  code: X\n"), st.just(b"%PDF-1.4\n%%EOF\n")),
    st.one_of(st.sampled_from(["a.png", "b.yaml", "c.pdf", "../../x.pdf", "ảnh.jpg", ""]),
              TEXT)))


@pytest.mark.parametrize("rule", POST_RULES, ids=lambda rule: f"{rule.rule}")
def test_fuzz_post_form(app, fuzz_world, rule):
    world = fuzz_world
    upload_folder = app.config["UPLOAD_FOLDER"]
    clients = {role: app.test_client() for role in [*ROLES, None]}
    tokens: dict[str | None, str] = {}

    def ensure_session(role: str | None) -> None:
        """Log in (again, after a fuzzed logout) and know the session's token."""
        client = clients[role]
        if role is not None and not logged_in(client):
            login(client, role)
            tokens.pop(role, None)
        if role not in tokens:
            tokens[role] = valid_token(client, logged_in(client))

    with app.app_context():
        arguments = {name: default_argument(name, world) for name in rule.arguments}

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(data=st.data())
    def post_anything(data):
        role = data.draw(st.sampled_from([*ROLES, None]), label="role")
        token_kind = data.draw(st.sampled_from(["valid", "valid", "missing", "garbage",
                                                "foreign"]), label="token")
        path_values = {
            name: data.draw(st.one_of(st.just(default), st.just(default), st.just(default),
                                      st.integers(0, 2**70).map(str)), label=name)
            for name, default in arguments.items()
        }
        fields = data.draw(st.dictionaries(
            st.one_of(st.sampled_from(FIELDS), TEXT.filter(bool)), values_strategy(world),
            max_size=10), label="fields")
        upload = data.draw(UPLOADS, label="upload")
        ensure_session(role)
        foreign = "admin" if role is None else None
        if token_kind == "foreign":
            ensure_session(foreign)
        client = clients[role]
        fields.pop("csrf_token", None)
        if token_kind == "valid":
            fields["csrf_token"] = tokens[role]
        elif token_kind == "garbage":
            fields["csrf_token"] = data.draw(TEXT, label="garbage token")
        elif token_kind == "foreign":
            fields["csrf_token"] = tokens[foreign]
        if upload is not None:
            name, content, filename = upload
            fields[name] = (io.BytesIO(content), filename)
        with app.app_context():
            before = state_checksum(upload_folder) if token_kind != "valid" else None
        response = client.post(fill(rule, path_values), data=fields,
                               content_type="multipart/form-data")
        response.close()
        assert response.status_code < 500, (rule.rule, role, token_kind)
        if before is not None:
            # 400: refused for the token; 404: an id past any row matched no route at all.
            assert response.status_code in (400, 404), (rule.rule, role, token_kind)
            with app.app_context():
                assert state_checksum(upload_folder) == before, (rule.rule, role, token_kind)

    post_anything()


def test_fuzzing_covers_the_routes_that_change_things():
    paths = {rule.rule for rule in POST_RULES}
    assert {"/login", "/logout", "/occurrences/<int:occurrence_id>/report",
            "/admin/users/new"} <= paths


def test_the_state_checksum_sees_a_change(app, fuzz_world):
    with app.app_context():
        before = state_checksum(app.config["UPLOAD_FOLDER"])
        db.session.execute(text("UPDATE units SET name = 'x' WHERE id = (SELECT min(id) FROM "
                                "units)"))
        db.session.commit()
        assert state_checksum(app.config["UPLOAD_FOLDER"]) != before
