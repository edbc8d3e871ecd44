"""The signed document a directive file names: found beside the file, or already in the store.

Every file goes through the one upload guard, :func:`tracker.evidence.storage.store`.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO, NoReturn

from flask_babel import gettext as _

from tracker.directives.problems import DirectiveFileError, Problem
from tracker.directives.schema import DirectiveSpec, DocumentRef
from tracker.evidence import storage

FIELD = "directive.document"


def store_document(stream: BinaryIO, filename: str) -> DocumentRef:
    """Keep an uploaded signed document (PDF or Word); raise EvidenceRejectedError if refused."""
    stored = storage.store(stream, filename)
    if stored.extension not in {"pdf", "doc", "docx", "odt"}:
        raise storage.EvidenceRejectedError(
            _("The signed document must be a PDF or a Word file.")
        )
    return DocumentRef(name=Path(filename).name[:200] or "document", sha256=stored.sha256)


def resolve_document(spec: DirectiveSpec, base: Path | None) -> DirectiveSpec:
    """Replace a document path by the stored file's checksum; check a checksum names a file.

    ``base`` is the folder of the YAML file; None for a file sent through the browser, which
    cannot name other files.
    """
    document = spec.directive.document
    if document is None:
        return spec
    if document.path is None:
        if document.sha256 is None:
            _refuse(spec, _("Give the document's path beside the file, or its sha256."))
        if not storage.path_for(document.sha256).is_file():
            _refuse(spec, _("No stored file has the checksum %(sha)s.", sha=document.sha256))
        return spec
    if base is None:
        _refuse(spec, _("A file loaded in the browser cannot name another file: attach the "
                        "signed document in the editor instead."))
    path = (base / document.path).resolve()
    try:
        with path.open("rb") as stream:
            stored = store_document(stream, document.name)
    except OSError as error:
        _refuse(spec, _("The file %(path)s cannot be read (%(detail)s).", path=document.path,
                        detail=error.strerror or str(error)))
    except storage.EvidenceRejectedError as error:
        _refuse(spec, str(error))
    info = spec.directive.model_copy(update={"document": stored})
    return spec.model_copy(update={"directive": info})


def _refuse(spec: DirectiveSpec, message: str) -> NoReturn:
    raise DirectiveFileError([Problem(spec.source, None, FIELD, message)])
