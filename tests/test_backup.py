"""Backup and restore: the round trip gives back every row and every evidence byte; a damaged
or edited backup is refused whole and changes nothing.

Runs on SQLite and, in the PostgreSQL pass of `make test`, on PostgreSQL (pg_dump/pg_restore):
it never skips.
"""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import delete, select, text
from werkzeug.datastructures import FileStorage

from tests.conftest import PASSWORD
from tracker.audit.models import AuditEntry
from tracker.directives import seeding
from tracker.directives import services as directive_services
from tracker.directives.models import Task
from tracker.evidence import storage
from tracker.extensions import db
from tracker.ops import backup
from tracker.org import services as org
from tracker.org.models import Role, Unit, UnitKind, User
from tracker.workflow import services as workflow
from tracker.workflow.models import Occurrence

ROOT = Path(__file__).resolve().parent.parent
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06"
       b"\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01"
       b"\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def table_rows() -> dict[str, list[tuple]]:
    """Every row of every table, in primary-key order."""
    rows = {}
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            rows[table.name] = [tuple(row) for row in
                                connection.execute(select(table).order_by(*order))]
    return rows


def evidence_bytes() -> dict[str, bytes]:
    root = storage.storage_root()
    return {path.relative_to(root).as_posix(): path.read_bytes()
            for path in sorted(root.rglob("*")) if path.is_file()}


def add_file(actor: User, occurrence: Occurrence, content: bytes, name: str) -> str:
    upload = FileStorage(stream=io.BytesIO(content), filename=name)
    return workflow.add_file(actor, occurrence, upload, "minh chứng").sha256


@pytest.fixture
def office_data(app):
    """The shipped directive, accounts, reports and evidence, all made through the services."""
    with app.app_context():
        directive_services.load_directive(
            seeding.load_file(ROOT / "seeds/directive_tasks.yaml"), actor=None)
        office = db.session.scalar(select(Unit).where(Unit.kind == UnitKind.OFFICE))
        extra = org.create_unit(None, code="TN", name="Đoàn Thanh niên", kind=UnitKind.OTHER)
        admin = org.create_user(None, username="quantri", full_name="Quản trị", role=Role.ADMIN,
                                unit=office, password=PASSWORD)
        task = db.session.scalar(select(Task).where(Task.owner_unit_id != extra.id)
                                 .order_by(Task.id).limit(1))
        head = org.create_user(admin, username="truong", full_name="Trưởng đơn vị",
                               role=Role.UNIT_HEAD, unit=task.owner_unit, password=PASSWORD)
        occurrences = db.session.scalars(select(Occurrence).where(Occurrence.task_id == task.id)
                                         .order_by(Occurrence.due_at).limit(2)).all()
        hashes = [add_file(head, occurrences[0], PNG, "ảnh hiện trường.png"),
                  add_file(head, occurrences[1], PDF, "báo cáo.pdf")]
        workflow.add_link(head, occurrences[1], "https://dichvucong.gov.vn/", "Cổng DVC")
        workflow.save_report(head, occurrences[0], version=None, report="Đã rà soát hồ sơ.",
                             reported_value=None, submit=False)
        db.session.commit()
        return {"hashes": hashes, "occurrence": occurrences[0].id, "head": head.id}


def damage(app, data) -> None:
    """What a bad day does: rows edited, added and deleted, evidence lost and corrupted."""
    with app.app_context():
        user = db.session.get(User, data["head"])
        org.update_user(None, user, full_name="Sửa sai")
        org.create_unit(None, code="MOI", name="Đơn vị thêm sau", kind=UnitKind.OTHER)
        db.session.execute(delete(AuditEntry).where(AuditEntry.id > 3))
        db.session.execute(text("UPDATE occurrences SET report = 'mất' WHERE id = :id"),
                           {"id": data["occurrence"]})
        db.session.commit()
        storage.path_for(data["hashes"][0]).unlink()
        storage.path_for(data["hashes"][1]).write_bytes(b"hong")


def test_backup_and_restore_give_back_every_row_and_file(app, runner, office_data, tmp_path):
    with app.app_context():
        rows_before, files_before = table_rows(), evidence_bytes()
    assert len(files_before) == 2
    target = tmp_path / "sao-luu"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    manifest = json.loads((target / "manifest.json").read_text())
    with app.app_context():
        engine = db.engine.dialect.name
    assert manifest["engine"] == engine
    assert manifest["evidence_files"] == 2
    assert set(manifest["files"]) == {manifest["database_file"]} | {
        f"evidence/{name}" for name in files_before}

    damage(app, office_data)
    with app.app_context():
        assert table_rows() != rows_before

    result = runner.invoke(args=["restore", str(target), "--yes"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert table_rows() == rows_before
        assert evidence_bytes() == files_before
        # The application goes on working on the restored database.
        org.create_unit(None, code="SAU", name="Sau khôi phục", kind=UnitKind.OTHER)
        db.session.commit()


def test_a_damaged_backup_is_refused_and_nothing_changes(app, runner, office_data, tmp_path):
    target = tmp_path / "sao-luu"
    assert runner.invoke(args=["backup", str(target)]).exit_code == 0
    damage(app, office_data)
    with app.app_context():
        rows_after_damage, files_after_damage = table_rows(), evidence_bytes()
    manifest = json.loads((target / "manifest.json").read_text())
    database = target / manifest["database_file"]
    content = bytearray(database.read_bytes())
    content[len(content) // 2] ^= 0xFF
    database.write_bytes(bytes(content))

    result = runner.invoke(args=["restore", str(target), "--yes"])
    assert result.exit_code == 1
    assert manifest["database_file"] in result.output
    with app.app_context():
        assert table_rows() == rows_after_damage
        assert evidence_bytes() == files_after_damage


def tamper_evidence(target: Path) -> None:
    evidence = next(path for path in sorted((target / "evidence").rglob("*")) if path.is_file())
    evidence.write_bytes(evidence.read_bytes() + b"x")


def add_stray_file(target: Path) -> None:
    (target / "evidence" / "thua.txt").write_text("không có trong manifest")


def remove_manifest(target: Path) -> None:
    (target / "manifest.json").unlink()


def break_manifest(target: Path) -> None:
    (target / "manifest.json").write_text("{not json")


def escape_in_manifest(target: Path) -> None:
    manifest = json.loads((target / "manifest.json").read_text())
    name = next(name for name in manifest["files"] if name.startswith("evidence/"))
    manifest["files"]["../../ngoai.png"] = manifest["files"].pop(name)
    (target / "manifest.json").write_text(json.dumps(manifest))


def rewrite_checksum(target: Path) -> None:
    """An edit that also fixes the manifest is caught by the content-addressed names."""
    manifest = json.loads((target / "manifest.json").read_text())
    name = next(name for name in manifest["files"] if name.startswith("evidence/"))
    path = target / name
    path.write_bytes(b"%PDF-1.4 gia mao")
    manifest["files"][name] = {"sha256": backup.file_sha256(path), "size": path.stat().st_size}
    (target / "manifest.json").write_text(json.dumps(manifest))


@pytest.mark.parametrize(("tamper", "refusal"), [
    (tamper_evidence, "không khớp mã kiểm tra"),
    (add_stray_file, r"evidence/thua\.txt không có trong manifest\.json"),
    (remove_manifest, r"không có tệp manifest\.json"),
    (break_manifest, r"manifest\.json bị hỏng"),
    (escape_in_manifest, r"không thuộc bản sao lưu: \.\./\.\./ngoai\.png"),
    (rewrite_checksum, "một mã kiểm tra khác với tên tệp"),
], ids=lambda value: getattr(value, "__name__", None))
def test_every_kind_of_tampering_is_refused(app, runner, tmp_path, tamper, refusal):
    with app.app_context():
        org.create_unit(None, code="VP", name="Văn phòng", kind=UnitKind.OFFICE)
        storage.store(io.BytesIO(PNG), "anh.png")
        db.session.commit()
    target = tmp_path / "sao-luu"
    assert runner.invoke(args=["backup", str(target)]).exit_code == 0
    with app.app_context():
        org.create_unit(None, code="SAU", name="Sau sao lưu", kind=UnitKind.OTHER)
        db.session.commit()
        rows = table_rows()
    tamper(target)
    result = runner.invoke(args=["restore", str(target), "--yes"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    with app.app_context():
        assert table_rows() == rows
        with pytest.raises(backup.BackupError, match=refusal):
            backup.verify_backup(target)


def test_backup_refuses_a_folder_in_use_and_leaves_no_partial_folder(app, runner, tmp_path):
    target = tmp_path / "sao-luu"
    target.mkdir()
    (target / "cu.txt").write_text("đã có")
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 1
    assert [path.name for path in target.iterdir()] == ["cu.txt"]
    assert not [path for path in tmp_path.iterdir() if ".partial-" in path.name]


def test_dated_backups_go_into_a_new_subfolder(app, runner, tmp_path):
    first = runner.invoke(args=["backup", "--dated", str(tmp_path / "kho")])
    assert first.exit_code == 0, first.output
    folders = list((tmp_path / "kho").iterdir())
    assert len(folders) == 1
    assert (folders[0] / "manifest.json").is_file()
    assert backup.verify_backup(folders[0])["evidence_files"] == 0


def test_a_backup_of_another_engine_is_refused(app, runner, tmp_path):
    target = tmp_path / "sao-luu"
    assert runner.invoke(args=["backup", str(target)]).exit_code == 0
    with app.app_context():
        engine = db.engine.dialect.name
    other = "postgresql" if engine == "sqlite" else "sqlite"
    manifest = json.loads((target / "manifest.json").read_text())
    database = target / manifest["database_file"]
    renamed = target / backup.DATABASE_FILES[other]
    shutil.move(database, renamed)
    manifest["files"][renamed.name] = manifest["files"].pop(database.name)
    manifest.update(engine=other, database_file=renamed.name)
    (target / "manifest.json").write_text(json.dumps(manifest))
    result = runner.invoke(args=["restore", str(target), "--yes"])
    assert result.exit_code == 1
    assert other in result.output


def test_restore_asks_before_replacing(app, runner, tmp_path):
    target = tmp_path / "sao-luu"
    assert runner.invoke(args=["backup", str(target)]).exit_code == 0
    result = runner.invoke(args=["restore", str(target)], input="n\n")
    assert result.exit_code == 1  # aborted
