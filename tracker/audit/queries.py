"""What the history panels read: the audit entries of one object, newest first."""

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from tracker.audit.models import AuditEntry
from tracker.extensions import db


def history(object_type: str, object_id: int, limit: int | None = None) -> list[AuditEntry]:
    query = (
        select(AuditEntry)
        .where(AuditEntry.object_type == object_type, AuditEntry.object_id == object_id)
        .options(joinedload(AuditEntry.actor))
        .order_by(AuditEntry.id.desc())
    )
    if limit is not None:
        query = query.limit(limit)
    return list(db.session.scalars(query))
