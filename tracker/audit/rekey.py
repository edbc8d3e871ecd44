"""Re-key the audit chain once (plain SHA-256 to the instance's HMAC), for the migration.

Written against the table as that migration finds it, through a connection: no ORM session,
no models that may change later.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa

from tracker.audit import checkpoints, keys
from tracker.db import LOCAL_TZ, UTCDateTime, utcnow

GENESIS_HASH = "0" * 64
entries = sa.table(
    "audit_entries", sa.column("id", sa.Integer), sa.column("created_at", UTCDateTime()),
    sa.column("actor_id", sa.Integer), sa.column("action", sa.String),
    sa.column("object_type", sa.String), sa.column("object_id", sa.Integer),
    sa.column("summary", sa.String), sa.column("before", sa.JSON), sa.column("after", sa.JSON),
    sa.column("ip_address", sa.String), sa.column("prev_hash", sa.String),
    sa.column("entry_hash", sa.String))
head = sa.table("audit_head", sa.column("id", sa.Integer), sa.column("entry_id", sa.Integer),
                sa.column("entry_hash", sa.String))
users = sa.table("users", sa.column("id", sa.Integer), sa.column("role", sa.String),
                 sa.column("is_active", sa.Boolean), sa.column("password_hash", sa.String))


def _payload(entry: Any) -> dict[str, Any]:
    return {"prev": entry.prev_hash, "at": entry.created_at.isoformat(), "actor": entry.actor_id,
            "action": entry.action, "type": entry.object_type, "id": entry.object_id,
            "summary": entry.summary, "before": entry.before, "after": entry.after,
            "ip": entry.ip_address}


def keyed_hash(entry: Any) -> str:
    return keys.mac("chain", keys.canonical(_payload(entry)))


def plain_hash(entry: Any) -> str:
    return hashlib.sha256(keys.canonical(_payload(entry))).hexdigest()


def rehash(connection: sa.Connection, hasher: Callable[[Any], str]) -> tuple[int, str]:
    """Recompute every entry's hash in order; return the count and the last hash."""
    previous, count = GENESIS_HASH, 0
    for row in connection.execute(sa.select(entries).order_by(entries.c.id)).mappings().all():
        entry = SimpleNamespace(**{**row, "prev_hash": previous})
        previous = hasher(entry)
        connection.execute(entries.update().where(entries.c.id == row["id"])
                           .values(prev_hash=entry.prev_hash, entry_hash=previous))
        count += 1
    return count, previous


def _append(connection: sa.Connection, previous: str, **fields: Any) -> tuple[int, str]:
    defaults = {"created_at": utcnow(), "actor_id": None, "object_id": None, "summary": "",
                "before": None, "ip_address": None, "prev_hash": previous}
    entry = SimpleNamespace(**{**defaults, **fields})
    entry.entry_hash = keyed_hash(entry)
    inserted = connection.execute(entries.insert().values(**vars(entry)).returning(entries.c.id))
    return inserted.scalar_one(), entry.entry_hash


def rekey_chain(connection: sa.Connection) -> None:
    """Key the existing chain, then record that it was done and the accounts' watched values
    as they stand (the baseline ``audit verify`` compares later changes with)."""
    count, last = rehash(connection, keyed_hash)
    if count == 0:
        return
    entry_id, last = _append(connection, last, action="audit.rekey", object_type="AuditLog",
                             summary="HMAC", after={"entries_rekeyed": count})
    for user in connection.execute(sa.select(users).order_by(users.c.id)).mappings().all():
        entry_id, last = _append(
            connection, last, action="audit.baseline", object_type="User", object_id=user["id"],
            after={"role": user["role"], "is_active": bool(user["is_active"]),
                   "password_fingerprint": keys.password_fingerprint(user["password_hash"])})
    connection.execute(head.update().where(head.c.id == 1).values(entry_id=entry_id,
                                                                  entry_hash=last))
    day = utcnow().astimezone(LOCAL_TZ).date().isoformat()
    checkpoints.replace_file([checkpoints.Checkpoint(day, entry_id, last, "file")],
                             keep_as=f"before-rekey-{utcnow():%Y%m%d%H%M%S}")


def unkey_chain(connection: sa.Connection) -> None:
    """Back to plain SHA-256 (a downgrade); the checkpoint file no longer applies."""
    count, last = rehash(connection, plain_hash)
    if count:
        connection.execute(head.update().where(head.c.id == 1).values(entry_hash=last))
        checkpoints.replace_file([], keep_as=f"before-unkey-{utcnow():%Y%m%d%H%M%S}")
