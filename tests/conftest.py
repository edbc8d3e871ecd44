"""Fixtures: an app on a fresh database per test, a client that speaks CSRF, factories."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from tests import factories
from tracker import create_app
from tracker.extensions import db

# `make test` sets this to a throwaway PostgreSQL server for the second pass of the suite.
TEST_DATABASE_URI = os.environ.get("TRACKER_TEST_DATABASE_URI")
CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')
PASSWORD = "mat-khau-thu-nghiem"


def fresh_schema() -> None:
    """Start from an empty database: per-test SQLite files are new; PostgreSQL is shared."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    else:
        db.drop_all()


@pytest.fixture
def app(tmp_path) -> Iterator[Flask]:
    uri = TEST_DATABASE_URI or f"sqlite:///{tmp_path / 'test.sqlite3'}"
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "a-test-only-secret-key-0123456789abcdef",
            "SQLALCHEMY_DATABASE_URI": uri,
            "UPLOAD_FOLDER": str(tmp_path / "uploads"),
            "AUDIT_KEY": "a-test-only-audit-key-0123456789abcdef",
            "AUDIT_CHECKPOINT_FILE": str(tmp_path / "audit_checkpoints"),
            # Real hashing, fewer rounds: the suite logs in hundreds of times.
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        }
    )
    with app.app_context():
        if TEST_DATABASE_URI:
            fresh_schema()
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


@pytest.fixture
def ctx(app: Flask) -> Iterator[None]:
    """Run the test body inside an app context, for direct use of services and models."""
    with app.app_context():
        yield


def csrf_token(client: FlaskClient, url: str) -> str:
    """Fetch ``url`` as the client and return the CSRF token of its form."""
    response = client.get(url)
    match = CSRF_INPUT.search(response.get_data(as_text=True))
    assert match, f"no CSRF token on {url} ({response.status_code})"
    return match.group(1)


def submit(client: FlaskClient, form_url: str, data: dict, post_url: str | None = None, **kw):
    """Submit a form the way a browser does: load it, then post it with its token."""
    payload = {"csrf_token": csrf_token(client, form_url), **data}
    return client.post(post_url or form_url, data=payload, **kw)


def login(client: FlaskClient, username: str, password: str = PASSWORD):
    return submit(client, "/login", {"username": username, "password": password})


@pytest.fixture
def make_user(app: Flask):
    """Create a user with the test password; returns its id (objects die with the context)."""

    def make(role: str, unit_code: str | None = None, username: str | None = None) -> int:
        with app.app_context():
            user = factories.user(role=role, unit_code=unit_code, username=username)
            db.session.commit()
            return user.id

    return make
