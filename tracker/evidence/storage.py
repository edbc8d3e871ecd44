"""Content-addressed storage of evidence files under the instance folder.

A file is written to a temporary name in the same folder and renamed into place only once it is
complete, so an interrupted upload never leaves a half-written file under a real name. The
database row is committed after the rename; a row therefore always points at a whole file.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import filetype
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from tracker.evidence.models import Evidence
from tracker.extensions import db

CHUNK = 1024 * 1024

# What evidence may be, decided from the content: extension -> media type.
ALLOWED = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "jpg": "image/jpeg",
    "png": "image/png",
}
OLE_FAMILY = {"doc", "xls"}  # one container format: the name tells Word from Excel


class EvidenceRejectedError(ValueError):
    """The file cannot be kept as evidence; the message says why, for the person uploading."""


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    size: int
    media_type: str
    extension: str


def storage_root() -> Path:
    root = Path(current_app.config.get("UPLOAD_FOLDER") or
                Path(current_app.instance_path) / "evidence")
    root.mkdir(parents=True, exist_ok=True)
    return root


def path_for(sha256: str) -> Path:
    return storage_root() / sha256[:2] / sha256[2:4] / sha256


def _kind_of(path: Path, filename: str) -> str:
    """The allowed extension matching the content, or raise: the name alone proves nothing."""
    guess = filetype.guess(str(path))
    extension = guess.extension if guess else None
    if extension == "zip" and _is_opendocument_or_ooxml(path):
        extension = _zip_office_kind(path)
    if extension in OLE_FAMILY:
        named = Path(filename).suffix.lower().lstrip(".")
        extension = named if named in OLE_FAMILY else extension
    if extension not in ALLOWED:
        raise EvidenceRejectedError(
            _("“%(name)s” is not an accepted kind of file. Accepted: PDF, Word (DOC, DOCX), "
              "Excel (XLS, XLSX), OpenDocument (ODT, ODS), JPG and PNG pictures.", name=filename)
        )
    return extension


def _is_opendocument_or_ooxml(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        return False
    return "[Content_Types].xml" in names or "mimetype" in names


def _zip_office_kind(path: Path) -> str | None:
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        if "mimetype" in names:
            mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
            return {ALLOWED["odt"]: "odt", ALLOWED["ods"]: "ods"}.get(mimetype)
    if any(name.startswith("word/") for name in names):
        return "docx"
    if any(name.startswith("xl/") for name in names):
        return "xlsx"
    return None


def store(stream: BinaryIO, filename: str) -> StoredFile:
    """Copy ``stream`` into the store; refuse it (keeping nothing) if it is not allowed."""
    limit = current_app.config["MAX_EVIDENCE_BYTES"]
    root = storage_root()
    digest = hashlib.sha256()
    size = 0
    handle, temporary = tempfile.mkstemp(dir=root, prefix=".upload-")
    try:
        with os.fdopen(handle, "wb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise EvidenceRejectedError(
                        _("“%(name)s” is larger than %(mb)d MB; send a smaller file or a link.",
                          name=filename, mb=limit // (1024 * 1024))
                    )
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        if size == 0:
            raise EvidenceRejectedError(_("“%(name)s” is empty.", name=filename))
        extension = _kind_of(Path(temporary), filename)
        sha256 = digest.hexdigest()
        final = path_for(sha256)
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(temporary, final)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return StoredFile(sha256, size, ALLOWED[extension], extension)


def discard_unreferenced(hashes: list[str]) -> None:
    """Delete stored files no evidence row points at (after a rolled-back upload)."""
    for sha256 in set(hashes):
        used = db.session.scalar(select(Evidence.id).where(Evidence.sha256 == sha256).limit(1))
        if used is None:
            path_for(sha256).unlink(missing_ok=True)
