"""Official documents (PDF, DOCX) and the downloads that carry every report."""

from flask import Response

MIMETYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",  # Werkzeug adds the charset to text types
}


def download(data: bytes | str, name: str) -> Response:
    """A report as a file to save, its type given by the name's extension (an ASCII name)."""
    return Response(data, mimetype=MIMETYPES[name.rsplit(".", 1)[-1]],
                    headers={"Content-Disposition": f"attachment; filename={name}",
                             "Cache-Control": "no-store"})
