"""Write and verify the audit log. Every service that changes data calls :func:`record`."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask import has_request_context, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect, select, text

from tracker.audit import checkpoints, keys
from tracker.audit.models import AuditEntry, AuditHead
from tracker.db import utcnow
from tracker.extensions import db
from tracker.org.models import User

GENESIS_HASH = "0" * 64
# Columns that must never be copied into the log.
SECRET_COLUMNS = frozenset({"password_hash", "ical_token"})
# Any constant works; it names the advisory lock that serialises the chain on PostgreSQL.
CHAIN_LOCK_KEY = 7_201_2026


def jsonable(value: Any) -> Any:
    """Turn a column value into something JSON keeps without loss of meaning."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    return value


def snapshot(obj: Any, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """Return the object's column values (or the named ones), ready for the log."""
    mapper = inspect(obj).mapper
    names = fields if fields is not None else [attr.key for attr in mapper.column_attrs]
    return {name: jsonable(getattr(obj, name)) for name in names if name not in SECRET_COLUMNS}


def changed(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict, dict]:
    """Keep only the keys whose values differ, so an entry shows what really changed."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def entry_hash(entry: AuditEntry) -> str:
    """The entry's HMAC over its content and the previous hash, keyed by the instance key."""
    payload = {
        "prev": entry.prev_hash,
        "at": entry.created_at.isoformat(),
        "actor": entry.actor_id,
        "action": entry.action,
        "type": entry.object_type,
        "id": entry.object_id,
        "summary": entry.summary,
        "before": entry.before,
        "after": entry.after,
        "ip": entry.ip_address,
    }
    return keys.mac("chain", keys.canonical(payload))


def record(
    actor: User | None,
    action: str,
    obj: Any,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    summary: str = "",
    object_type: str | None = None,
) -> AuditEntry:
    """Append an entry for ``action`` on ``obj`` by ``actor`` (None: the system itself).

    ``obj`` may be None for an action on no single row (a reminder run); then name the
    ``object_type``.
    """
    db.session.flush()  # give new objects their ids
    if hasattr(obj, "_get_current_object"):  # current_user: name the User, not the proxy
        obj = obj._get_current_object()
    # One writer at a time from here to the commit, so that two appends cannot both follow
    # the same last entry. PostgreSQL (read committed): an advisory lock. SQLite: a request
    # that writes holds the write lock from its start (web.py); a command run by a timer may
    # not have written yet, and a no-op write takes the lock (waiting its turn). pysqlite
    # opens a transaction only at a write, so no older snapshot was read before it.
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK_KEY})
    else:
        head_table = AuditHead.__table__
        db.session.execute(head_table.update().where(head_table.c.id == 1)
                           .values(entry_id=head_table.c.entry_id))
    last_hash = db.session.scalar(
        select(AuditEntry.entry_hash).order_by(AuditEntry.id.desc()).limit(1)
    )
    head = db.session.get(AuditHead, 1)
    entry = AuditEntry(
        created_at=utcnow(),
        actor_id=actor.id if actor is not None else None,
        action=action,
        object_type=object_type or type(obj).__name__,
        object_id=getattr(obj, "id", None),
        summary=summary[:300],
        before=jsonable(before) if before is not None else None,
        after=jsonable(after) if after is not None else None,
        ip_address=request.remote_addr if has_request_context() else None,
        prev_hash=last_hash or GENESIS_HASH,
    )
    entry.entry_hash = entry_hash(entry)
    db.session.add(entry)
    db.session.flush()
    if head is None:
        head = AuditHead(id=1, entry_id=entry.id, entry_hash=entry.entry_hash)
        db.session.add(head)
    else:
        head.entry_id, head.entry_hash = entry.id, entry.entry_hash
    db.session.flush()
    checkpoints.note(entry)
    return entry


@dataclass(frozen=True)
class ChainBreak:
    entry_id: int
    reason: Any


def verify_chain() -> tuple[int, ChainBreak | None]:
    """Recompute the chain: return how many entries were checked and the first break, if any.

    An edited entry no longer matches its hash; a deleted one leaves the next entry pointing
    at a hash that is not there; deleting the newest entries leaves the head pointing past them.
    """
    expected_prev = GENESIS_HASH
    checked = 0
    last: AuditEntry | None = None
    rows = db.session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars()
    for entry in rows.yield_per(1000):
        if entry.prev_hash != expected_prev:
            return checked, ChainBreak(entry.id, _l("the entry before it was deleted or changed"))
        if entry_hash(entry) != entry.entry_hash:
            return checked, ChainBreak(entry.id, _l("its content was changed"))
        expected_prev = entry.entry_hash
        checked += 1
        last = entry
    head = db.session.get(AuditHead, 1)
    if last is None and head is None:
        return checked, None
    if head is None or last is None or (head.entry_id, head.entry_hash) != (
        last.id, last.entry_hash
    ):
        missing = head.entry_id if head is not None else (last.id if last else 0)
        return checked, ChainBreak(missing, _l("the newest entries were deleted"))
    return checked, None
