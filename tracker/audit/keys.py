"""The instance's audit key: generated into instance/, never stored in the database.

It keys the audit chain (HMAC), the fingerprints of password hashes in the log and the
signature of backup manifests. Someone who can write to the database but cannot read the
instance folder can neither recompute the chain after an edit nor forge a backup.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask, current_app


def configure_audit_key(app: Flask) -> None:
    """Use AUDIT_KEY if set, else the one generated once into instance/audit_key."""
    if app.config.get("AUDIT_KEY"):
        return
    key_file = Path(app.instance_path) / "audit_key"
    if not key_file.exists():
        try:
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another worker created it first
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32))
    app.config["AUDIT_KEY"] = key_file.read_text().strip()


def _key(purpose: str) -> bytes:
    """A separate key per use, derived from the one secret."""
    secret = str(current_app.config["AUDIT_KEY"]).encode()
    return hmac.new(secret, purpose.encode(), hashlib.sha256).digest()


def mac(purpose: str, data: bytes) -> str:
    return hmac.new(_key(purpose), data, hashlib.sha256).hexdigest()


def canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def password_fingerprint(password_hash: str | None) -> str | None:
    """What the log keeps of a password hash: enough to notice it changed, nothing to crack."""
    if password_hash is None:
        return None
    return mac("password", password_hash.encode())[:32]


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
