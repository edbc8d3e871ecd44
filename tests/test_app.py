"""The factory, configuration layers, secret key handling and the database plumbing."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from tests import factories
from tracker import create_app
from tracker.audit.models import AuditEntry
from tracker.audit.services import record
from tracker.db import LOCAL_TZ, clock_at, utcnow
from tracker.extensions import db


def test_pages_speak_vietnamese_unless_asked_otherwise(client):
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="vi">' in html
    assert "Đăng nhập" in html
    english = client.get("/login", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="vi">' in english  # the browser's language does not override the default


def test_default_database_is_sqlite_in_instance(monkeypatch, tmp_path):
    monkeypatch.setattr("flask.Flask.auto_find_instance_path", lambda self: str(tmp_path))
    monkeypatch.delenv("TRACKER_SQLALCHEMY_DATABASE_URI", raising=False)
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'tracker.sqlite3'}"


def test_secret_key_is_generated_once_into_instance(monkeypatch, tmp_path):
    monkeypatch.setattr("flask.Flask.auto_find_instance_path", lambda self: str(tmp_path))
    monkeypatch.delenv("TRACKER_SECRET_KEY", raising=False)
    first = create_app().config["SECRET_KEY"]
    second = create_app().config["SECRET_KEY"]
    assert len(first) == 64
    assert first == second == (tmp_path / "secret_key").read_text()
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_environment_overrides_instance_config(monkeypatch, tmp_path):
    monkeypatch.setattr("flask.Flask.auto_find_instance_path", lambda self: str(tmp_path))
    (tmp_path / "config.py").write_text(
        "SQLALCHEMY_DATABASE_URI = 'sqlite:///from-instance.db'\nAGENCY_PLACE = 'Nơi khác'\n"
    )
    monkeypatch.setenv("TRACKER_SQLALCHEMY_DATABASE_URI", "sqlite:///from-env.db")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite:///from-env.db"
    assert app.config["AGENCY_PLACE"] == "Nơi khác"


@pytest.mark.parametrize("key", ["dev", "change-me", ""])
def test_production_refuses_a_well_known_secret_key(monkeypatch, tmp_path, key):
    monkeypatch.setattr("flask.Flask.auto_find_instance_path", lambda self: str(tmp_path))
    monkeypatch.setenv("TRACKER_SECRET_KEY", key)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app()


def test_times_come_back_aware_utc(ctx):
    moment = datetime(2026, 5, 5, 8, 30, tzinfo=timezone(timedelta(hours=7)))
    unit = factories.unit("X1")
    unit.created_at = moment
    db.session.commit()
    db.session.expire_all()
    assert unit.created_at == moment
    assert unit.created_at.tzinfo is not None
    assert unit.created_at.utcoffset() == timedelta(0)


def test_naive_datetimes_are_refused(ctx):
    unit = factories.unit("X2")
    unit.created_at = datetime(2026, 5, 5, 8, 30)  # noqa: DTZ001 (the point of the test)
    with pytest.raises(Exception, match="naive datetime"):
        db.session.flush()
    db.session.rollback()


def test_the_demo_clock_stamps_services_and_defaults_then_lets_go(ctx):
    moment = datetime(2026, 5, 5, 1, 30, tzinfo=UTC)
    with clock_at(moment.astimezone(LOCAL_TZ)):
        assert utcnow() == moment
        unit = factories.unit("X3")  # created_at comes from the column default
        entry = record(None, "unit.create", unit)
    assert unit.created_at == moment
    assert entry.created_at == moment
    assert abs(utcnow() - datetime.now(UTC)) < timedelta(seconds=5)
    with pytest.raises(ValueError, match="naive datetime"), clock_at(datetime(2026, 5, 5)):  # noqa: DTZ001
        pass


def test_foreign_keys_are_enforced(ctx):
    from sqlalchemy.exc import IntegrityError

    from tracker.org.models import User

    db.session.add(User(username="mo-coi", full_name="Mồ Côi", unit_id=999_999))
    with pytest.raises(IntegrityError, match=r"(?i)foreign key"):
        db.session.flush()
    db.session.rollback()


def test_security_headers_on_every_page(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_pages_have_no_inline_script(client):
    html = client.get("/login").get_data(as_text=True)
    assert "<script>" not in html
    assert "<script src=" in html


def test_unknown_page_is_a_vietnamese_404(client):
    response = client.get("/khong-co-trang-nay")
    assert response.status_code == 404
    assert "không tồn tại" in response.get_data(as_text=True)


def test_audit_entries_have_utc_times(ctx):
    from tracker.audit.services import record

    unit = factories.unit("X3")
    entry = record(None, "unit.create", unit, after={"code": "X3"})
    db.session.commit()
    assert entry.created_at.tzinfo is not None
    assert entry.created_at <= datetime.now(UTC)
    assert db.session.query(AuditEntry).count() == 1
