"""A restore trusts only a manifest signed with this installation's key, and a database that
passes its check before anything is replaced; backups carry the audit checkpoints."""

import json
from pathlib import Path

from sqlalchemy import select

from tracker.extensions import db
from tracker.ops import backup, trust
from tracker.org import services as org
from tracker.org.models import Role, User


def users(app) -> list[tuple[str, str, str | None]]:
    with app.app_context():
        rows = db.session.execute(select(User.username, User.role, User.password_hash)
                                  .order_by(User.id)).all()
        return [(name, role.value, password) for name, role, password in rows]


def make_backup(app, runner, target: Path, *extra_admins: str) -> dict:
    with app.app_context():
        org.create_user(None, password="Cay-bang-xanh-1975", username="vanphong",
                        full_name="Văn phòng", role=Role.OFFICE)
        for name in extra_admins:
            org.create_user(None, password="Cay-bang-xanh-1975", username=name,
                            full_name="Kẻ lạ", role=Role.ADMIN)
        db.session.commit()
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    return json.loads((target / "manifest.json").read_text())


def swap_database(target: Path, manifest: dict, content: bytes) -> None:
    """Put other bytes in place of the database and fix the manifest's checksum, as an
    attacker with the backup folder (but not the instance key) would."""
    database = target / manifest["database_file"]
    database.write_bytes(content)
    manifest["files"][database.name] = {"sha256": backup.file_sha256(database),
                                        "size": database.stat().st_size}
    (target / "manifest.json").write_text(json.dumps(manifest))


def test_a_backup_with_a_new_admin_and_a_recomputed_manifest_is_refused(app, runner,
                                                                        tmp_path):
    crafted = make_backup(app, runner, tmp_path / "ke-la", "kela")
    with app.app_context():
        db.session.execute(User.__table__.delete().where(User.username == "kela"))
        db.session.commit()
    good = tmp_path / "that"
    assert runner.invoke(args=["backup", str(good)]).exit_code == 0
    manifest = json.loads((good / "manifest.json").read_text())
    swap_database(good, manifest, (tmp_path / "ke-la" / crafted["database_file"]).read_bytes())
    before = users(app)
    result = runner.invoke(args=["restore", str(good), "--yes"])
    assert result.exit_code == 1
    assert "audit_key" in result.output
    assert users(app) == before


def test_a_damaged_database_in_a_signed_backup_is_refused_with_a_message(app, runner, tmp_path):
    target = tmp_path / "hong"
    manifest = make_backup(app, runner, target)
    before = users(app)
    swap_database(target, manifest, b"SQLite format 3\x00" + b"\x17" * 8000)
    with app.app_context():
        manifest["signature"] = trust.signature_of(manifest)  # damaged before it was signed
    (target / "manifest.json").write_text(json.dumps(manifest))
    result = runner.invoke(args=["restore", str(target), "--yes"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert users(app) == before


def test_a_backup_carries_the_audit_checkpoints_and_restores_cleanly(app, runner, tmp_path):
    target = tmp_path / "sao-luu"
    manifest = make_backup(app, runner, target)
    assert manifest["audit_checkpoints"]
    newest = manifest["audit_checkpoints"][-1]
    assert len(newest["entry_hash"]) == 64
    result = runner.invoke(args=["restore", str(target), "--yes"])
    assert result.exit_code == 0, result.output
    verified = runner.invoke(args=["audit", "verify"])
    assert verified.exit_code == 0, verified.output
