"""Fixtures: an app on a fresh database per test, a client that speaks CSRF, factories.

The suite runs in parallel (pytest-xdist): each worker has its own SQLite files and, on the
PostgreSQL pass, its own database on the throwaway server. Each worker builds its app once and
resets it for every test (:func:`fresh_app`); a fresh database costs little: the SQLite schema
is copied from one built per worker, PostgreSQL tables are emptied in place. A module whose
tests only read a large world builds it once (:func:`build_snapshot`) and each test starts
from a copy of its rows.
"""

from __future__ import annotations

import copy
import os
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, current_app
from flask.testing import FlaskClient
from flask_babel import gettext
from jinja2 import BytecodeCache
from jinja2.bccache import Bucket
from sqlalchemy import create_engine, delete, func, insert, inspect, select, text
from sqlalchemy.engine import make_url

from tests import factories
from tracker import create_app
from tracker.extensions import db, limiter

CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')
PASSWORD = "mat-khau-thu-nghiem"
SEED = Path(__file__).resolve().parent.parent / "seeds" / "directive_tasks.yaml"


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under ``--dist loadgroup`` pytest-xdist suffixes the id of each test of an
    ``xdist_group`` with the group's name; some pytest releases lose the suffix and the groups
    are spread out without a word (pytest-dev/pytest-xdist#1386). Refuse to run then."""
    if not getattr(config.option, "loadgroup", False):
        return
    lost = [item.nodeid for item in items
            if item.get_closest_marker("xdist_group") and "@" not in item.nodeid]
    if lost:
        raise pytest.UsageError(f"--dist loadgroup did not group {lost[0]}: pytest-xdist "
                                "does not work with this pytest (see pyproject.toml)")


def worker_database(uri: str | None) -> str | None:
    """Give this xdist worker its own database on the PostgreSQL server (none without xdist)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not uri or not worker:
        return uri
    url = make_url(uri)
    name = f"{url.database}_{worker}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


# `make test` sets this to a throwaway PostgreSQL server for the second pass of the suite; tests
# that build their own app read it from the environment, so the worker's database goes there.
TEST_DATABASE_URI = worker_database(os.environ.get("TRACKER_TEST_DATABASE_URI"))
if TEST_DATABASE_URI:
    os.environ["TRACKER_TEST_DATABASE_URI"] = TEST_DATABASE_URI
_schema_is_fresh = False  # PostgreSQL: the tables are exactly the models', so emptying them will do


def fresh_schema() -> None:
    """Start from an empty database: per-test SQLite files are new; PostgreSQL is shared."""
    global _schema_is_fresh
    _schema_is_fresh = False
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    else:
        db.drop_all()


def empty_postgres_schema() -> None:
    """The models' tables, empty, sequences restarted: rows deleted when nothing else changed
    (a few milliseconds), the schema rebuilt otherwise (a migration test, a bigger database)."""
    global _schema_is_fresh
    if _schema_is_fresh and set(inspect(db.engine).get_table_names()) == set(db.metadata.tables):
        with db.engine.begin() as connection:
            # Units and users refer to each other (supervisor, unit): no order of deletes suits
            # both, so foreign keys wait for this transaction (the test server's superuser may).
            connection.execute(text("SET LOCAL session_replication_role = replica"))
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(delete(table))
            connection.exec_driver_sql(
                "SELECT setval(c.oid, 1, false) FROM pg_class c WHERE c.relkind = 'S' "
                "AND c.relnamespace = 'public'::regnamespace")
        return
    fresh_schema()
    db.create_all()
    _schema_is_fresh = True


class CompiledTemplates(BytecodeCache):
    """Templates compiled once per test process, shared by every app the tests create. Each
    app has its own Jinja environment, which would otherwise parse and compile every template
    again: a third of the time of a test that renders a page. Jinja checks each entry against
    the template's source, so an edited template is compiled anew."""

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.code:
            bucket.bytecode_from_string(self.code[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = CompiledTemplates()


def make_app(config: dict[str, Any] | None = None) -> Flask:
    """``create_app`` for tests: the same app, with templates compiled once per process."""
    app = create_app(config)
    app.jinja_env.bytecode_cache = COMPILED_TEMPLATES
    return app


def app_on(tmp_path: Path, uri: str) -> Flask:
    return make_app(
        {
            "TESTING": True,
            "SECRET_KEY": "a-test-only-secret-key-0123456789abcdef",
            "SQLALCHEMY_DATABASE_URI": uri,
            "UPLOAD_FOLDER": str(tmp_path / "uploads"),
            "PENDING_FOLDER": str(tmp_path),
            "AUDIT_KEY": "a-test-only-audit-key-0123456789abcdef",
            "AUDIT_CHECKPOINT_FILE": str(tmp_path / "audit_checkpoints"),
            # Real hashing, fewer rounds: the suite logs in hundreds of times.
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        }
    )


@pytest.fixture(scope="session")
def sqlite_schema(tmp_path_factory) -> Path | None:
    """An SQLite file with every table and no rows, copied for each test (None on PostgreSQL)."""
    if TEST_DATABASE_URI:
        return None
    folder = tmp_path_factory.mktemp("schema")
    path = folder / "schema.sqlite3"
    app = app_on(folder, f"sqlite:///{path}")
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    return path


_worker_app: tuple[Flask, dict[str, Any]] | None = None


def fresh_app(tmp_path: Path, sqlite_schema: Path | None) -> Flask:
    """The test process's app on an empty database, its files in ``tmp_path`` (inside no app
    context when it returns).

    One app serves every test of the process: building one registers a hundred routes and
    a new engine compiles every SQL statement again, which cost more than most tests. What a
    test may change is put back here: the configuration as built, the login limits' counts,
    an empty database (the schema file copied again on SQLite, the tables emptied on
    PostgreSQL)."""
    global _worker_app
    if _worker_app is None:
        uri = TEST_DATABASE_URI or f"sqlite:///{sqlite_schema.with_name('worker.sqlite3')}"
        built = app_on(tmp_path, uri)
        _worker_app = built, copy.deepcopy(dict(built.config))
    app, config = _worker_app
    close(app)
    app.config.clear()
    app.config.update(copy.deepcopy(config))
    app.config.update(UPLOAD_FOLDER=str(tmp_path / "uploads"), PENDING_FOLDER=str(tmp_path),
                      AUDIT_CHECKPOINT_FILE=str(tmp_path / "audit_checkpoints"))
    limiter.reset()
    if TEST_DATABASE_URI:
        with app.app_context():
            empty_postgres_schema()
        return app
    path = sqlite_schema.with_name("worker.sqlite3")
    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    shutil.copyfile(sqlite_schema, path)
    return app


def close(app: Flask) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app(tmp_path, sqlite_schema) -> Iterator[Flask]:
    """The process's app, reset for this test (see :func:`fresh_app`)."""
    app = fresh_app(tmp_path, sqlite_schema)
    yield app
    close(app)


@dataclass
class Snapshot:
    """A world built once for a module: its rows, its uploaded files, its audit checkpoints,
    and what the builder returned (ids, since objects die with their session)."""

    result: Any
    rows: dict[str, list[dict]]
    folder: Path

    def restore(self, tmp_path: Path, sqlite_schema: Path | None) -> Flask:
        """A fresh app whose database holds the world's rows, as the builder left them."""
        app = fresh_app(tmp_path, sqlite_schema)
        if (self.folder / "uploads").is_dir():
            shutil.copytree(self.folder / "uploads", tmp_path / "uploads")
        if (self.folder / "audit_checkpoints").is_file():
            shutil.copyfile(self.folder / "audit_checkpoints", tmp_path / "audit_checkpoints")
        with app.app_context(), db.engine.begin() as connection:
            for table in db.metadata.sorted_tables:
                if self.rows[table.name]:
                    connection.execute(insert(table), self.rows[table.name])
            if connection.dialect.name == "postgresql":
                for table in db.metadata.sorted_tables:
                    if "id" in table.c and self.rows[table.name]:
                        connection.execute(select(func.setval(
                            func.pg_get_serial_sequence(table.name, "id"),
                            select(func.max(table.c.id)).scalar_subquery())))
        return app


def build_snapshot(folder: Path, sqlite_schema: Path | None,
                   build: Callable[[], Any]) -> Snapshot:
    """Run ``build`` (inside an app context, committing its work) on a fresh database once, and
    keep its rows for :meth:`Snapshot.restore`."""
    app = fresh_app(folder, sqlite_schema)
    with app.app_context():
        result = build()
        db.session.commit()
        with db.engine.connect() as connection:
            rows = {table.name: [dict(row._mapping) for row in connection.execute(select(table))]
                    for table in db.metadata.sorted_tables}
    close(app)
    return Snapshot(result=result, rows=rows, folder=folder)


def run_demo() -> None:
    """What `make run` does to a new installation: the shipped directive, then the demo."""
    runner = current_app.test_cli_runner()
    for args in (["seed", str(SEED)], ["demo"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 0, result.output


@pytest.fixture(scope="session")
def demo_snapshot(tmp_path_factory, sqlite_schema) -> Snapshot:
    """The demo installation, built once per test process (it takes a while): the tests that
    use it carry ``xdist_group("demo")`` so that one process runs them all."""
    return build_snapshot(tmp_path_factory.mktemp("demo"), sqlite_schema, run_demo)


@pytest.fixture
def demo_app(demo_snapshot, tmp_path, sqlite_schema) -> Iterator[Flask]:
    """The app on a copy of the demo installation."""
    app = demo_snapshot.restore(tmp_path, sqlite_schema)
    yield app
    close(app)


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


def said(msgid: str, **values) -> str:
    """What a service says, translated as it would be, for ``pytest.raises(match=...)``
    (inside an app context)."""
    return "^" + re.escape(gettext(msgid, **values)) + "$"


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
