"""The audit log against someone with database access: keyed chain, outside checkpoints, drift."""

import hashlib
import json

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select, text

from tests import factories
from tests.conftest import fresh_schema
from tracker.audit import checkpoints
from tracker.audit.models import AuditEntry, AuditHead
from tracker.audit.services import record
from tracker.evaluation.models import Evaluation
from tracker.extensions import db
from tracker.org import services as org
from tracker.org.models import Role, User
from tracker.workflow.models import Occurrence, OccurrenceState


@pytest.fixture
def demo(demo_app):
    """The demo installation: seeded directive, demo accounts, months of simulated work."""
    result = demo_app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    return demo_app


def assert_replayed_through_the_services() -> None:
    """The demo hands in and verifies through the services: each verified period has the entry
    that verified it (the Office's check, or the inspection or ranking that closes a duty),
    stamped at the simulated moment rather than today."""
    verified = db.session.scalars(
        select(Occurrence).where(Occurrence.state == OccurrenceState.VERIFIED)).all()
    stamped = dict(db.session.execute(
        select(AuditEntry.object_id, AuditEntry.created_at)
        .where(AuditEntry.object_type == "Occurrence", AuditEntry.action.in_(
            ["occurrence.verify", "occurrence.close_by_inspection", "occurrence.close_by_act"]))
    ).all())
    assert verified
    assert all(stamped[period.id] == period.verified_at for period in verified)


def verify(runner):
    result = runner.invoke(args=["audit", "verify"])
    return result.exit_code, result.output


@pytest.mark.xdist_group("demo")
def test_after_the_demo_each_tampering_is_found(demo):
    """One demo installation (it takes a while to build), three attacks in turn: each makes
    ``audit verify`` exit 1 naming what it found, and undoing it makes the log whole again."""
    runner = demo.test_cli_runner()
    with demo.app_context():
        assert_replayed_through_the_services()
        issued = db.session.scalars(select(Evaluation).where(Evaluation.pdf.is_not(None))).all()
        assert issued  # the issued reports carry a checkpoint in their PDF properties
        stamped = checkpoints.from_pdf(issued[0].pdf, "report")
        assert len(stamped) == 1
        assert db.session.get(AuditEntry, stamped[0].entry_id).entry_hash == \
            stamped[0].entry_hash

        staff = db.session.scalar(select(User).where(User.role == Role.STAFF).limit(1))
        username, staff_id = staff.username, staff.id
        db.session.execute(text("UPDATE users SET role = 'admin' WHERE id = :id"),
                           {"id": staff_id})
        db.session.commit()
    code, output = verify(runner)
    assert code == 1
    assert username in output, output
    assert "admin" in output, output

    with demo.app_context():
        db.session.execute(text("UPDATE users SET role = 'staff' WHERE id = :id"),
                           {"id": staff_id})
        db.session.commit()
    assert verify(runner)[0] == 0

    with demo.app_context():
        ids = db.session.scalars(select(AuditEntry.id).order_by(AuditEntry.id.desc())
                                 .limit(4)).all()
        keep = db.session.get(AuditEntry, ids[-1])
        db.session.execute(text("DELETE FROM audit_entries WHERE id > :id"), {"id": keep.id})
        db.session.execute(text("UPDATE audit_head SET entry_id = :id, entry_hash = :hash"),
                           {"id": keep.id, "hash": keep.entry_hash})
        db.session.commit()
    code, output = verify(runner)
    assert code == 1
    assert f"mục {ids[0]}" in output, output

    with demo.app_context():
        db.session.execute(text("DELETE FROM audit_head"))
        db.session.execute(text("DELETE FROM audit_entries"))
        db.session.commit()
    code, output = verify(runner)
    assert code == 1
    assert "điểm mốc" in output, output


def test_an_edit_with_the_later_hashes_recomputed_in_plain_sha256_is_found(ctx, runner):
    for number in range(3):
        record(None, "test.tick", None, object_type="Test", summary=str(number))
    db.session.commit()
    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    entries[1].summary = "sửa lén"
    previous = entries[0].entry_hash
    for entry in entries[1:]:  # what the old plain chain let anyone recompute
        entry.prev_hash = previous
        payload = {"prev": entry.prev_hash, "at": entry.created_at.isoformat(),
                   "actor": entry.actor_id, "action": entry.action, "type": entry.object_type,
                   "id": entry.object_id, "summary": entry.summary, "before": entry.before,
                   "after": entry.after, "ip": entry.ip_address}
        blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        entry.entry_hash = previous = hashlib.sha256(blob.encode()).hexdigest()
    head = db.session.get(AuditHead, 1)
    head.entry_id, head.entry_hash = entries[-1].id, entries[-1].entry_hash
    db.session.commit()
    code, output = verify(runner)
    assert code == 1
    assert str(entries[1].id) in output


def test_checkpoint_file_keeps_one_line_per_day_with_its_newest_entry(ctx):
    for _ in range(3):
        record(None, "test.tick", None, object_type="Test")
        db.session.commit()
    lines = checkpoints.checkpoint_file().read_text().splitlines()
    newest = db.session.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1))
    assert len(lines) == 1
    assert lines[0].split()[1:] == [str(newest.id), newest.entry_hash]


def test_a_password_hash_changed_by_sql_is_named(ctx, runner):
    user = org.create_user(None, password="Cay-bang-xanh-1975", username="thuquy",
                           full_name="Thủ quỹ", role=Role.STAFF,
                           unit=factories.unit("PKT"))
    db.session.commit()
    user.set_password("Mat-khau-khac-2026")  # not through the service: no audit entry
    db.session.commit()
    code, output = verify(runner)
    assert code == 1
    assert "thuquy" in output
    assert "password" in output


def test_an_account_inserted_by_sql_is_named(ctx, runner):
    org.create_user(None, password="Cay-bang-xanh-1975", username="thuquy", full_name="Thủ quỹ",
                    role=Role.STAFF, unit=factories.unit("PKT"))
    db.session.commit()
    assert verify(runner)[0] == 0
    unit_id = db.session.scalar(select(User.unit_id).where(User.username == "thuquy"))
    # A plain INSERT, as someone with the database's password would write it.
    db.session.execute(User.__table__.insert().values(
        username="cuaso", full_name="Cửa sổ", role=Role.ADMIN, unit_id=unit_id))
    db.session.commit()
    code, output = verify(runner)
    assert code == 1
    assert "cuaso" in output
    assert "thuquy" not in output


def test_audit_rows_name_the_object_type_not_the_proxy(client, app, make_user):
    from tests.conftest import csrf_token, login

    make_user("staff", "PKT", username="canbo")
    login(client, "canbo")
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    with app.app_context():
        types = set(db.session.scalars(select(AuditEntry.object_type)))
    assert "LocalProxy" not in types
    assert "User" in types


def test_the_migration_rekeys_an_existing_chain_once_and_records_it(app):
    with app.app_context():
        fresh_schema()
        db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.session.commit()
        upgrade(revision="ebb5548753ff")
        db.session.execute(text(
            "INSERT INTO users (username, full_name, title, role, is_active, is_demo, created_at,"
            " password_hash) VALUES ('cu', 'Người cũ', '', 'office', true, false,"
            " '2026-11-01 00:00:00', 'pbkdf2:sha256:1000$x$y')"))
        payload = {"prev": "0" * 64, "at": "2026-11-01T00:00:00+00:00", "actor": None,
                   "action": "old.entry", "type": "Test", "id": None, "summary": "",
                   "before": None, "after": None, "ip": None}
        blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        old_hash = hashlib.sha256(blob.encode()).hexdigest()
        db.session.execute(text(
            "INSERT INTO audit_entries (created_at, actor_id, action, object_type, object_id,"
            " summary, before, after, ip_address, prev_hash, entry_hash) VALUES"
            " ('2026-11-01 00:00:00', NULL, 'old.entry', 'Test', NULL, '', NULL, NULL, NULL,"
            " :prev, :hash)"), {"prev": "0" * 64, "hash": old_hash})
        db.session.execute(text("INSERT INTO audit_head (id, entry_id, entry_hash) "
                                "SELECT 1, id, entry_hash FROM audit_entries"))
        db.session.commit()
        upgrade()
        actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
        assert actions == ["old.entry", "audit.rekey", "audit.baseline"]
        first = db.session.scalar(select(AuditEntry).order_by(AuditEntry.id).limit(1))
        assert first.entry_hash != old_hash
        assert db.session.scalar(select(func.count(User.id))) == 1
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
