"""What a restore trusts: a manifest signed with this installation's audit key, and a database
file that opens read-only and passes its integrity check, both before anything is replaced.

The signature is an HMAC of the manifest (which lists every file's SHA-256), so a backup edited
elsewhere (a new administrator's password hash, the checksums recomputed) is refused. A restore
on a new machine needs a copy of ``instance/audit_key`` (see docs/DEPLOYMENT.md).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from flask_babel import gettext as _

from tracker.audit import checkpoints, keys

SIGNATURE = "signature"


def signature_of(manifest: dict[str, Any]) -> str:
    unsigned = {name: value for name, value in manifest.items() if name != SIGNATURE}
    return keys.mac("backup-manifest", keys.canonical(unsigned))


def sign(manifest: dict[str, Any]) -> dict[str, Any]:
    """Add the audit checkpoints and the signature to a finished manifest."""
    points = checkpoints.from_file()
    newest = checkpoints.newest()
    if newest is not None and (not points or points[-1].entry_id < newest.entry_id):
        points.append(newest)
    manifest["audit_checkpoints"] = [
        {"day": point.day, "entry_id": point.entry_id, "entry_hash": point.entry_hash}
        for point in points]
    manifest[SIGNATURE] = signature_of(manifest)
    return manifest


def signature_problem(manifest: dict[str, Any]) -> str | None:
    signature = manifest.get(SIGNATURE)
    if not isinstance(signature, str) or not keys.same(signature, signature_of(manifest)):
        return _("manifest.json is not signed with this installation's key (instance/audit_key):"
                 " the backup was edited, or made by another installation whose key is not "
                 "here.")
    return None


def sqlite_problem(path: Path) -> str | None:
    """Open the copy read-only and run SQLite's integrity check; say what is wrong, if anything."""
    try:
        connection = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
        try:
            verdict = connection.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        verdict = str(error)
    if verdict != "ok":
        return _("The database in the backup failed its integrity check: %(detail)s",
                 detail=verdict)
    return None


def restored_checkpoints(manifest: dict[str, Any]) -> None:
    """After a restore the checkpoint file starts again from the backup's own checkpoints."""
    points = [checkpoints.Checkpoint(str(item["day"]), int(item["entry_id"]),
                                     str(item["entry_hash"]), "file")
              for item in manifest.get("audit_checkpoints") or []]
    checkpoints.replace_file(points, keep_as=f"before-restore-{manifest['created_at']}")
