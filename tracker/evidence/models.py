"""Evidence (minh chứng) attached to an occurrence: stored files and links."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db import enum_column, utcnow
from tracker.extensions import db
from tracker.org.models import User
from tracker.workflow.models import Occurrence


class EvidenceKind(enum.StrEnum):
    FILE = "file"
    LINK = "link"


class Evidence(db.Model):
    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurrence_id: Mapped[int] = mapped_column(ForeignKey("occurrences.id"), index=True)
    kind: Mapped[EvidenceKind] = mapped_column(enum_column(EvidenceKind))
    # Files: the SHA-256 of the content names the stored file (instance/evidence/ab/cd/<hash>);
    # the name the person gave it is kept for display and download.
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    original_name: Mapped[str] = mapped_column(String(255), default="")
    media_type: Mapped[str] = mapped_column(String(120), default="")
    size: Mapped[int] = mapped_column(default=0)
    url: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str] = mapped_column(String(300), default="")
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    occurrence: Mapped[Occurrence] = relationship()
    uploaded_by: Mapped[User] = relationship()
