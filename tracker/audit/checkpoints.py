"""Checkpoints of the audit chain that live outside the database.

Each day's newest entry (its number and hash) is written to ``instance/audit_checkpoints`` once
the transaction that added it commits; backups carry the list in their manifest and each issued
monthly report carries the newest one in its PDF properties. ``audit verify`` looks each one up:
a checkpointed entry that is gone means the newest entries were deleted or the log was wiped,
which the chain alone cannot show.
"""

from __future__ import annotations

import fcntl
import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import current_app, has_app_context
from pypdf import PdfReader, PdfWriter
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from tracker.db import LOCAL_TZ

PENDING = "audit_checkpoint"
PDF_PROPERTY = "/RoViecAuditCheckpoint"


@dataclass(frozen=True)
class Checkpoint:
    day: str
    entry_id: int
    entry_hash: str
    source: str

    def line(self) -> str:
        return f"{self.day} {self.entry_id} {self.entry_hash}\n"


def checkpoint_file() -> Path:
    configured = current_app.config.get("AUDIT_CHECKPOINT_FILE")
    return Path(configured) if configured else Path(current_app.instance_path) / "audit_checkpoints"


def note(entry: Any) -> None:
    """Remember the newest entry of this transaction; it is written out after the commit."""
    from tracker.extensions import db

    day = entry.created_at.astimezone(LOCAL_TZ).date().isoformat()
    db.session().info[PENDING] = Checkpoint(day, entry.id, entry.entry_hash, "file")


@event.listens_for(Session, "after_commit")
def _write_after_commit(session: Session) -> None:
    checkpoint = session.info.pop(PENDING, None)
    if checkpoint is not None and has_app_context():
        write(checkpoint)


@event.listens_for(Session, "after_soft_rollback")
def _forget_after_rollback(session: Session, previous_transaction) -> None:
    session.info.pop(PENDING, None)


def parse(text: str, source: str) -> list[Checkpoint]:
    found = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1].isdigit() and len(parts[2]) == 64:
            found.append(Checkpoint(parts[0], int(parts[1]), parts[2], source))
    return found


def write(checkpoint: Checkpoint) -> None:
    """Keep one line per day: the day's newest entry (commits may finish out of order)."""
    path = checkpoint_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    with os.fdopen(fd, "r+", encoding="ascii") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        lines = parse(handle.read(), "file")
        last = lines[-1] if lines else None
        if last is not None and last.entry_id >= checkpoint.entry_id:
            return
        if last is not None and last.day == checkpoint.day:
            lines[-1] = checkpoint
        else:
            lines.append(checkpoint)
        handle.seek(0)
        handle.truncate()
        handle.write("".join(item.line() for item in lines))
        handle.flush()
        os.fsync(handle.fileno())


def from_file() -> list[Checkpoint]:
    path = checkpoint_file()
    return parse(path.read_text(encoding="ascii"), str(path)) if path.is_file() else []


def replace_file(checkpoints: list[Checkpoint], keep_as: str) -> None:
    """Start the file afresh (after a re-key or a restore), keeping the old one beside it."""
    path = checkpoint_file()
    if path.is_file():
        path.replace(path.with_name(f"{path.name}.{keep_as}"))
    for checkpoint in checkpoints:
        write(checkpoint)


def newest() -> Checkpoint | None:
    """The newest entry in the database now, as a checkpoint."""
    from tracker.audit.models import AuditEntry
    from tracker.extensions import db

    entry = db.session.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1))
    if entry is None:
        return None
    day = entry.created_at.astimezone(LOCAL_TZ).date().isoformat()
    return Checkpoint(day, entry.id, entry.entry_hash, "database")


def stamp_pdf(pdf: bytes) -> bytes:
    """Write the newest checkpoint into an issued document's properties."""
    checkpoint = newest()
    if checkpoint is None:
        return pdf
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.add_metadata({PDF_PROPERTY: checkpoint.line().strip()})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def from_pdf(pdf: bytes, source: str) -> list[Checkpoint]:
    metadata = PdfReader(io.BytesIO(pdf)).metadata or {}
    return parse(str(metadata.get(PDF_PROPERTY, "")), source)


def from_issued_reports() -> list[Checkpoint]:
    from tracker.evaluation.models import Evaluation
    from tracker.extensions import db

    found = []
    rows = db.session.execute(select(Evaluation.month, Evaluation.version, Evaluation.pdf)
                              .where(Evaluation.pdf.is_not(None)))
    for month, version, pdf in rows:
        found += from_pdf(pdf, f"report {month} v{version}")
    return found
