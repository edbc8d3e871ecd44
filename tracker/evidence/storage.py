"""Content-addressed storage of evidence files under the instance folder.

A file is written to a temporary name in the same folder and renamed into place only once it is
complete, so an interrupted upload never leaves a half-written file under a real name. The
database row is committed after the rename; a row therefore always points at a whole file.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import time
import zipfile
from collections.abc import Collection
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, BinaryIO

import filetype
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

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
IMAGES = {"jpg", "png"}  # what an inspection photo may be


class EvidenceRejectedError(ValueError):
    """The file cannot be kept as evidence; the message says why, for the person uploading."""


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    size: int
    media_type: str
    extension: str


def media_type_of(sha256: str) -> str:
    """The media type of a stored file, read from its content (never from a name)."""
    guess = filetype.guess(str(path_for(sha256)))
    return guess.mime if guess is not None else "application/octet-stream"


def storage_root() -> Path:
    root = Path(current_app.config.get("UPLOAD_FOLDER") or
                Path(current_app.instance_path) / "evidence")
    root.mkdir(parents=True, exist_ok=True)
    return root


def path_for(sha256: str) -> Path:
    return storage_root() / sha256[:2] / sha256[2:4] / sha256


# A ZIP container (DOCX, XLSX, ODT, ODS) is judged from its central directory before any member
# is read: a few thousand members at most, no member expanding more than this many times or past
# this size, and of the one member read (ODF's "mimetype") never more than a few hundred bytes.
# Real office files compress text about 5 to 20 times; a ZIP bomb expands thousands of times.
ZIP_MAX_MEMBERS = 5000
ZIP_MAX_RATIO = 200
ZIP_MAX_MEMBER_BYTES = 200 * 1024 * 1024
ZIP_MAX_TOTAL_BYTES = 400 * 1024 * 1024
ZIP_MIMETYPE_READ = 200
# What a stored upload's name may not contain: line breaks, NUL and other control characters
# break the download header and the documents that print the name.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def clean_filename(filename: str | None, default: str = "tep") -> str:
    """The last part of an uploaded name, without control characters, at most 255 long."""
    name = CONTROL_CHARACTERS.sub("", (filename or "").replace("\\", "/")).rsplit("/", 1)[-1]
    return name.strip()[:255] or default


def _refuse_kind(filename: str) -> EvidenceRejectedError:
    return EvidenceRejectedError(
        _("“%(name)s” is not an accepted kind of file. Accepted: PDF, Word (DOC, DOCX), "
          "Excel (XLS, XLSX), OpenDocument (ODT, ODS), JPG and PNG pictures.", name=filename)
    )


def _kind_of(path: Path, filename: str, accepted: Collection[str] = ALLOWED.keys()) -> str:
    """The allowed extension matching the content, or raise: the name alone proves nothing."""
    guess = filetype.guess(str(path))
    extension = guess.extension if guess else None
    if extension == "zip":
        extension = _zip_office_kind(path, filename)
    if extension in OLE_FAMILY:
        named = Path(filename).suffix.lower().lstrip(".")
        extension = named if named in OLE_FAMILY else extension
    if extension not in accepted:
        if set(accepted) <= IMAGES:
            raise EvidenceRejectedError(_("The photo must be a JPG or PNG picture."))
        raise _refuse_kind(filename)
    return extension


def _check_zip_directory(members: list[zipfile.ZipInfo], filename: str) -> None:
    """Refuse a ZIP whose directory promises more than an office file ever holds."""
    if len(members) > ZIP_MAX_MEMBERS:
        raise _refuse_kind(filename)
    total = 0
    for member in members:
        total += member.file_size
        expands = member.file_size / max(member.compress_size, 1)
        if (member.file_size > ZIP_MAX_MEMBER_BYTES or total > ZIP_MAX_TOTAL_BYTES
                or (member.file_size > 64 * 1024 and expands > ZIP_MAX_RATIO)):
            raise EvidenceRejectedError(
                _("“%(name)s” unpacks to far more than its size (a damaged or hostile "
                  "file); it was not kept.", name=filename))


def _zip_office_kind(path: Path, filename: str) -> str | None:
    """DOCX, XLSX, ODT or ODS from the ZIP directory (and ODF's first bytes), or None."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            _check_zip_directory(members, filename)
            names = {member.filename for member in members}
            if "mimetype" in names:
                with archive.open("mimetype") as member:
                    head = member.read(ZIP_MIMETYPE_READ)
                mimetype = head.decode("ascii", "replace").strip()
                return {ALLOWED["odt"]: "odt", ALLOWED["ods"]: "ods"}.get(mimetype)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError,
            EOFError, RuntimeError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if any(name.startswith("word/") for name in names):
        return "docx"
    if any(name.startswith("xl/") for name in names):
        return "xlsx"
    return None


def store(stream: BinaryIO, filename: str,
          accepted: Collection[str] = ALLOWED.keys()) -> StoredFile:
    """Copy ``stream`` into the store; refuse it (keeping nothing) if it is not allowed.

    The one guard of every upload: size, type from the content, ZIP containers checked from
    their directory. ``accepted`` narrows the kinds (``IMAGES`` for a photo).
    """
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
        extension = _kind_of(Path(temporary), filename, accepted)
        sha256 = digest.hexdigest()
        final = path_for(sha256)
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(temporary, final)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return StoredFile(sha256, size, ALLOWED[extension], extension)


def _store_references() -> list[Any]:
    """Every column that may name a stored file: ``sha256`` or ``*_sha256`` on any table."""
    return [column for table in db.metadata.sorted_tables for column in table.columns
            if column.name == "sha256" or column.name.endswith("_sha256")]


def is_referenced(sha256: str) -> bool:
    return any(db.session.scalar(select(column).where(column == sha256).limit(1)) is not None
               for column in _store_references())


def discard_unreferenced(hashes: list[str]) -> None:
    """Delete stored files that no row names (after a rolled-back upload).

    Evidence, inspection photos and any later upload share the content-addressed store, so a
    file stays while any column of any table still names it.
    """
    for sha256 in set(hashes):
        if not is_referenced(sha256):
            path_for(sha256).unlink(missing_ok=True)


# A checked upload waits for its confirmation under the SHA-256 of its bytes.
DIGEST = re.compile(r"^[0-9a-f]{64}\Z")


def pending_folder(kind: str, keep: timedelta = timedelta(days=1)) -> Path:
    """Where an upload of ``kind`` waits between its check and its confirmation
    (``PENDING_FOLDER``, else the instance folder, in ``pending-<kind>``). Files left
    unconfirmed for ``keep`` are removed on the way."""
    root = Path(current_app.config.get("PENDING_FOLDER") or current_app.instance_path)
    path = root / f"pending-{kind}"
    path.mkdir(parents=True, exist_ok=True)
    remove_stale_files(path, keep)
    return path


def keep_pending(kind: str, data: bytes, suffix: str,
                 keep: timedelta = timedelta(days=1)) -> str:
    """Keep a checked upload until it is confirmed; return the digest that names it."""
    digest = hashlib.sha256(data).hexdigest()
    (pending_folder(kind, keep) / f"{digest}{suffix}").write_bytes(data)
    return digest


def pending_file(kind: str, digest: str, suffix: str,
                 keep: timedelta = timedelta(days=1)) -> Path | None:
    """The kept upload ``digest`` names, or None when it is gone (or ``digest`` is not one)."""
    if not DIGEST.match(digest or ""):
        return None
    path = pending_folder(kind, keep) / f"{digest}{suffix}"
    return path if path.is_file() else None


def remove_stale_files(folder: Path, older_than: timedelta = timedelta(days=1)) -> int:
    """Delete files in ``folder`` untouched for ``older_than`` (unconfirmed pending uploads)."""
    cutoff = time.time() - older_than.total_seconds()
    removed = 0
    for path in folder.iterdir() if folder.is_dir() else ():
        if path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
