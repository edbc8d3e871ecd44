"""Backup and restore of the database and the evidence files, with a manifest of checksums.

A backup is a folder::

    manifest.json        format, created_at, engine, schema_revision, and every file's SHA-256
    database.sqlite3     SQLite: an online copy through sqlite3's backup API
    database.pgdump      PostgreSQL: pg_dump's custom format
    evidence/ab/cd/<sha256>

It is written under a temporary name beside its final one and renamed into place once the
manifest is complete, so a folder with the final name is always a whole backup. The database is
copied before the evidence: files are stored before the rows that name them are committed, so
every file the copied database refers to is already on disk when the evidence is copied.

A restore checks every checksum, the manifest's signature and the database's integrity before
it touches anything (tracker.ops.trust); a damaged or edited backup is refused whole. It then
puts back the evidence files (content-addressed, so adding them is harmless) and last the
database, in one transaction.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess  # nosec B404  # pg_dump/pg_restore, run with an argument list, no shell
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import inspect, text
from sqlalchemy.engine import URL

from tracker.evidence.storage import storage_root
from tracker.extensions import db
from tracker.ops import trust

MANIFEST = "manifest.json"
FORMAT = "ro-viec-backup"
FORMAT_VERSION = 1
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
EVIDENCE_DIR = "evidence"
EVIDENCE_PATH = re.compile(r"evidence/([0-9a-f]{2})/([0-9a-f]{2})/(\1\2[0-9a-f]{60})")
SHA256 = re.compile(r"[0-9a-f]{64}")
CHUNK = 1024 * 1024
PG_LIB = Path("/usr/lib/postgresql")
MIGRATIONS_DIR = Path(__file__).resolve().parent.parent.parent / "migrations"


class BackupError(Exception):
    """The backup or restore cannot go on; ``problems`` says why, for the person at the shell."""

    def __init__(self, *problems: str) -> None:
        super().__init__(" ".join(problems))
        self.problems = list(problems)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _fsync(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


def schema_revision() -> str | None:
    """The Alembic revision the database is at (None for a schema made without migrations)."""
    with db.engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        versions = connection.execute(text("SELECT version_num FROM alembic_version")).scalars()
        return ",".join(sorted(versions)) or None


def code_schema_head() -> str | None:
    """The newest revision among the shipped migrations."""
    from alembic.script import ScriptDirectory

    if not MIGRATIONS_DIR.is_dir():
        return None
    return ",".join(sorted(ScriptDirectory(str(MIGRATIONS_DIR)).get_heads())) or None


def _engine_name() -> str:
    name = db.engine.dialect.name
    if name not in DATABASE_FILES:
        raise BackupError(_("Backups support SQLite and PostgreSQL, not %(engine)s.", engine=name))
    return name


def _sqlite_path() -> Path:
    database = db.engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise BackupError(_("The SQLite database is not a file; there is nothing to back up."))
    return Path(database)


# PostgreSQL ---------------------------------------------------------------------------------

def pg_tool(name: str) -> str:
    """Find pg_dump or pg_restore: PG_BIN_DIR, the server's version, the PATH, the newest."""
    configured = current_app.config.get("PG_BIN_DIR")
    if configured:
        candidate = Path(configured) / name
        if os.access(candidate, os.X_OK):
            return str(candidate)
        raise BackupError(_("%(tool)s is not in PG_BIN_DIR (%(dir)s).", tool=name,
                            dir=configured))
    with db.engine.connect() as connection:
        server = int(connection.execute(text("SHOW server_version_num")).scalar_one())
    same_version = PG_LIB / str(server // 10000) / "bin" / name
    if os.access(same_version, os.X_OK):
        return str(same_version)
    on_path = shutil.which(name)
    if on_path:
        return on_path
    installed = sorted(PG_LIB.glob(f"*/bin/{name}"),
                       key=lambda path: int(path.parent.parent.name)
                       if path.parent.parent.name.isdigit() else 0)
    if installed:
        return str(installed[-1])
    raise BackupError(_("%(tool)s was not found: install the PostgreSQL client programs "
                        "(apt-get install postgresql-client) or set PG_BIN_DIR.", tool=name))


def _pg_connection(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq address without the password, and an environment that carries it."""
    address = url.set(drivername="postgresql", password=None).render_as_string(
        hide_password=False)
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return address, env


def _run_pg(arguments: list[str], env: dict[str, str]) -> None:
    # The program comes from pg_tool and the arguments are ours; no shell is involved.
    result = subprocess.run(  # noqa: S603 # nosec B603
        arguments, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise BackupError(_("%(tool)s failed: %(detail)s", tool=Path(arguments[0]).name,
                            detail=" / ".join(detail[-5:])))


# Backup -------------------------------------------------------------------------------------

def _backup_sqlite(source: Path, target: Path) -> None:
    """Copy a live SQLite database consistently, even while the application writes to it."""
    origin = sqlite3.connect(source)
    copy = sqlite3.connect(target)
    try:
        origin.execute("PRAGMA busy_timeout=10000")
        origin.backup(copy)  # every page in one step: one consistent snapshot
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        verdict = copy.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        copy.close()
        origin.close()
    if verdict != "ok":
        raise BackupError(_("The copy of the database failed its integrity check: %(detail)s",
                            detail=verdict))
    _fsync(target)


def _backup_postgresql(target: Path) -> None:
    address, env = _pg_connection(db.engine.url)
    _run_pg([pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-acl",
             f"--file={target}", f"--dbname={address}"], env)
    _fsync(target)


def _copy_evidence(target: Path) -> tuple[int, list[str]]:
    """Copy every stored evidence file; return the count and the files whose content no longer
    matches their name (damaged on disk: copied all the same, and reported)."""
    root = storage_root()
    count, damaged = 0, []
    for path in sorted(root.rglob("*")):
        relative = f"{EVIDENCE_DIR}/{path.relative_to(root).as_posix()}"
        if not path.is_file() or path.is_symlink() or not EVIDENCE_PATH.fullmatch(relative):
            continue  # unfinished uploads (.upload-*) and anything not put there by the store
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, destination)
        _fsync(destination)
        if file_sha256(destination) != path.name:
            damaged.append(path.name)
        count += 1
    return count, damaged


def create_backup(target: Path) -> dict[str, Any]:
    """Write a complete backup into the new folder ``target``; return its manifest."""
    target = target.absolute()
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BackupError(_("%(dir)s already exists and is not empty: give a new folder.",
                            dir=target))
    engine = _engine_name()
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}.partial-", dir=target.parent))
    try:
        database_file = DATABASE_FILES[engine]
        revision = schema_revision()
        if engine == "sqlite":
            _backup_sqlite(_sqlite_path(), work / database_file)
        else:
            _backup_postgresql(work / database_file)
        evidence_count, damaged = _copy_evidence(work)
        files = {
            path.relative_to(work).as_posix(): {"sha256": file_sha256(path),
                                                "size": path.stat().st_size}
            for path in sorted(work.rglob("*")) if path.is_file()
        }
        manifest = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "engine": engine,
            "database_file": database_file,
            "schema_revision": revision,
            "evidence_files": evidence_count,
            "damaged_evidence": damaged,
            "files": files,
        }
        manifest_path = work / MANIFEST
        manifest_path.write_text(json.dumps(trust.sign(manifest), indent=2,
                                            ensure_ascii=False) + "\n",
                                 encoding="utf-8")
        _fsync(manifest_path)
        if target.exists():
            target.rmdir()
        work.chmod(0o700)  # the database holds password hashes
        os.rename(work, target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return manifest


# Restore ------------------------------------------------------------------------------------

def read_manifest(source: Path) -> dict[str, Any]:
    """Read and check the manifest's shape (not yet the files' checksums)."""
    path = source / MANIFEST
    if not path.is_file():
        raise BackupError(_("%(dir)s has no manifest.json: it is not a backup made by this "
                            "program, or it is incomplete.", dir=source))
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise BackupError(_("manifest.json is damaged (not valid JSON).")) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(_("manifest.json does not describe a backup of this program."))
    if manifest.get("version") != FORMAT_VERSION:
        raise BackupError(_("This backup has format version %(version)s, which this program "
                            "does not read.", version=manifest.get("version")))
    engine = manifest.get("engine")
    files = manifest.get("files")
    if engine not in DATABASE_FILES or manifest.get("database_file") != DATABASE_FILES[engine] \
            or not isinstance(files, dict) or DATABASE_FILES[engine] not in files:
        raise BackupError(_("manifest.json is incomplete: the database file is not listed."))
    for name, entry in files.items():
        if name != DATABASE_FILES[engine] and not EVIDENCE_PATH.fullmatch(str(name)):
            raise BackupError(_("manifest.json lists a file that does not belong in a backup: "
                                "%(name)s.", name=name))
        if not (isinstance(entry, dict) and isinstance(entry.get("size"), int)
                and SHA256.fullmatch(str(entry.get("sha256")))):
            raise BackupError(_("manifest.json has no valid checksum for %(name)s.", name=name))
        if name != DATABASE_FILES[engine] and entry["sha256"] != name.rsplit("/", 1)[-1]:
            raise BackupError(_("manifest.json gives %(name)s a checksum other than its name.",
                                name=name))
    return manifest


def verify_backup(source: Path) -> dict[str, Any]:
    """Check every file against the manifest; raise listing every problem found."""
    manifest = read_manifest(source)
    problems = []
    listed = manifest["files"]
    for name, entry in sorted(listed.items()):
        path = source / name
        if path.is_symlink() or not path.is_file():
            problems.append(_("%(name)s is missing.", name=name))
        elif path.stat().st_size != entry["size"] or file_sha256(path) != entry["sha256"]:
            problems.append(_("%(name)s does not match its checksum: it was damaged or "
                              "edited.", name=name))
    for path in sorted(source.rglob("*")):
        name = path.relative_to(source).as_posix()
        if path.is_file() and name != MANIFEST and name not in listed:
            problems.append(_("%(name)s is not listed in manifest.json.", name=name))
    if problems:
        raise BackupError(*problems)
    return manifest


def _restore_evidence(source: Path, manifest: dict[str, Any]) -> int:
    root = storage_root()
    restored = 0
    for name, entry in manifest["files"].items():
        if not name.startswith(f"{EVIDENCE_DIR}/"):
            continue
        destination = root / name.removeprefix(f"{EVIDENCE_DIR}/")
        if destination.is_file() and file_sha256(destination) == entry["sha256"]:
            continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=destination.parent, prefix=".restore-")
        os.close(handle)
        try:
            shutil.copyfile(source / name, temporary)
            _fsync(Path(temporary))
            os.replace(temporary, destination)
        finally:
            Path(temporary).unlink(missing_ok=True)
        restored += 1
    return restored


def _restore_sqlite(backup_file: Path, target: Path) -> None:
    """Copy the backup beside the database, check it, then put it in place atomically.

    A database that does not exist yet gets the copy renamed into place. An existing one is
    overwritten through the backup API, in one write transaction of SQLite's own: renaming a
    file over a WAL database would let its old -wal file be replayed onto the new content, and
    any process still holding the old file would go on writing into the void.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.restore-")
    os.close(handle)
    temporary = Path(name)
    try:
        shutil.copyfile(backup_file, temporary)
        _fsync(temporary)
        copy = sqlite3.connect(temporary)
        try:
            verdict = copy.execute("PRAGMA integrity_check").fetchone()[0]
            if verdict != "ok":
                raise BackupError(_("The database in the backup failed its integrity check: "
                                    "%(detail)s", detail=verdict))
            if not target.exists():
                copy.close()
                os.replace(temporary, target)
                return
            live = sqlite3.connect(target)
            try:
                live.execute("PRAGMA busy_timeout=10000")
                copy.backup(live)
            finally:
                live.close()
        finally:
            copy.close()
    finally:
        temporary.unlink(missing_ok=True)


def _restore_postgresql(backup_file: Path) -> None:
    address, env = _pg_connection(db.engine.url)
    _run_pg([pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-acl",
             "--single-transaction", "--exit-on-error", f"--dbname={address}",
             str(backup_file)], env)


def restore_backup(source: Path) -> dict[str, Any]:
    """Verify the backup in ``source`` whole, then restore the evidence and the database."""
    source = source.absolute()
    manifest = verify_backup(source)
    engine = _engine_name()
    if manifest["engine"] != engine:
        raise BackupError(_("This is a backup of a %(backup)s database, but the application "
                            "uses %(current)s.", backup=manifest["engine"], current=engine))
    database_file = source / manifest["database_file"]
    problem = trust.signature_problem(manifest) or (
        trust.sqlite_problem(database_file) if engine == "sqlite" else None)
    if problem:
        raise BackupError(problem)
    if engine == "postgresql":  # before anything changes: a missing tool or a damaged dump
        _run_pg([pg_tool("pg_restore"), "--list", str(database_file)], dict(os.environ))
    _restore_evidence(source, manifest)
    db.session.remove()
    db.engine.dispose()
    if engine == "sqlite":
        _restore_sqlite(database_file, _sqlite_path())
    else:
        _restore_postgresql(database_file)
    db.engine.dispose()
    trust.restored_checkpoints(manifest)
    return manifest
