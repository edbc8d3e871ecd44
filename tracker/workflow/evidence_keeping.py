"""Evidence files kept between tries of the report form.

A file passes the upload guard and goes into the store as soon as it is sent; when the form is
refused (a missing explanation, a stale version) the page carries a signed token per file, so
the next try attaches it without the person choosing it again. The token names the period, so
it cannot be replayed onto another one.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from tracker.evidence import storage
from tracker.workflow.models import Occurrence
from tracker.workflow.services import upload_name

SALT = "kept-evidence"


@dataclass(frozen=True)
class KeptFile:
    stored: storage.StoredFile
    name: str
    token: str


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt=SALT)


def _keep(stored: storage.StoredFile, name: str, occurrence_id: int | None) -> KeptFile:
    token = _serializer().dumps([occurrence_id, stored.sha256, stored.size, stored.media_type,
                                 stored.extension, name])
    return KeptFile(stored, name, token)


def store_uploads(uploads, occurrence: Occurrence | None = None) -> list[KeptFile]:
    """Pass each chosen file through the one upload guard; refuse the lot on a bad file."""
    kept = []
    for upload in uploads or []:
        if upload and upload.filename:
            name = upload_name(upload)
            stored = storage.store(upload.stream, name)
            kept.append(_keep(stored, name, occurrence.id if occurrence else None))
    return kept


def read(tokens: list[str], occurrence: Occurrence) -> list[KeptFile]:
    """The files kept for this period; a forged, foreign or vanished one is dropped."""
    kept = []
    for token in tokens:
        try:
            occurrence_id, sha256, size, media_type, extension, name = _serializer().loads(token)
        except (BadSignature, ValueError):
            continue
        if occurrence_id != occurrence.id or not storage.path_for(sha256).exists():
            continue
        kept.append(KeptFile(storage.StoredFile(sha256, size, media_type, extension), name, token))
    return kept
