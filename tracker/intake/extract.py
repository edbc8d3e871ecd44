"""Text out of the signed document: DOCX (paragraphs and tables in order), PDF, Markdown, text."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from flask_babel import gettext as _

from tracker.intake.text import normalise, strip_markdown

MAX_BYTES = 20 * 1024 * 1024


class IntakeError(Exception):
    """The document cannot be read; the message says why, in words the clerk can act on."""


@dataclass(frozen=True)
class Block:
    """One paragraph as printed, or one table row (``cells``)."""

    text: str
    cells: tuple[str, ...] = ()
    table: int = -1


def extract(data: bytes, filename: str) -> list[Block]:
    """The document's paragraphs and table rows in reading order, normalised."""
    if len(data) > MAX_BYTES:
        raise IntakeError(_("The document is too large to be read (more than 20 MB)."))
    name = filename.lower()
    if name.endswith(".docx") or data[:2] == b"PK":
        return _docx(data)
    if name.endswith(".pdf") or data[:5] == b"%PDF-":
        return _pdf(data)
    if name.endswith((".md", ".markdown", ".txt", ".text")) or "." not in name:
        return _text(_decode(data), markdown=name.endswith((".md", ".markdown")))
    raise IntakeError(
        _("This kind of file cannot be read: give a DOCX, a PDF, or the text (.txt, .md).")
    )


def from_text(text: str, markdown: bool = False) -> list[Block]:
    return _text(text, markdown=markdown)


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "utf-16"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise IntakeError(_("The text is not in UTF-8: save it as UTF-8 and try again."))


def _docx(data: bytes) -> list[Block]:
    from docx import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as error:
        raise IntakeError(_("The DOCX file is damaged or is not a Word document.")) from error
    blocks: list[Block] = []
    tables = 0
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            blocks.extend(_lines(Paragraph(child, document).text))
        elif tag == "tbl":
            tables += 1
            _table(Table(child, document), tables, blocks)
    return blocks


def _table(table, number: int, blocks: list[Block]) -> None:
    """A layout table (header, signature) reads cell by cell; a task table row by row."""
    rows = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            text = normalise("\n".join(p.text for p in cell.paragraphs)).strip()
            if not cells or text != cells[-1]:  # merged cells repeat their text
                cells.append(text)
        rows.append(cells)
    _rows(rows, number, blocks)


def _rows(rows: list[list[str]], number: int, blocks: list[Block]) -> None:
    header = " ".join(rows[0]).lower() if rows else ""
    if len(rows) > 1 and ("nhiệm vụ" in header or "nội dung" in header) and (
        "chủ trì" in header or "thực hiện" in header or "thời gian" in header
    ):
        for cells in rows:
            blocks.append(Block(" | ".join(cells), tuple(cells), number))
        return
    columns = max((len(cells) for cells in rows), default=0)
    for column in range(columns):
        for cells in rows:
            if column < len(cells):
                blocks.extend(_lines(cells[column]))


def _lines(text: str) -> list[Block]:
    return [Block(line.strip()) for line in normalise(text).split("\n") if line.strip()]


def _pdf(data: bytes) -> list[Block]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [_pdf_page(page) for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, OSError) as error:
        raise IntakeError(_("The PDF file is damaged or cannot be opened.")) from error
    text = "\n".join(text for text, _starts in pages)
    if len(re.sub(r"\s", "", text)) < 20:
        raise IntakeError(
            _(
                "This PDF has no text layer: it is a scanned image. Use the DOCX from the "
                "drafting office, or a PDF exported from the document system, or paste the text."
            )
        )
    starts = [x for _text_, page_starts in pages for x in page_starts]
    if len(starts) == text.count("\n") + 1 and starts:
        return _indented(text.split("\n"), starts)
    return _text(text, markdown=False, wrapped=True)


def _pdf_page(page) -> tuple[str, list[float]]:
    """The page's text, and where each of its lines starts (x), when the chunks tell."""
    chunks: list[tuple[float, str]] = []

    def visit(text, cm, tm, _font, _size):
        chunks.append((tm[4] * cm[0] + cm[4], text))

    text = page.extract_text(visitor_text=visit) or ""
    if "".join(chunk for _x, chunk in chunks) != text:
        return text, []
    starts, at_start = [], True
    for x, chunk in chunks:
        for number, piece in enumerate(chunk.split("\n")):
            if number > 0:
                at_start = True
            if at_start and (piece.strip() or number < chunk.count("\n")):
                starts.append(x if piece.strip() else -1.0)
                at_start = False
    lines = text.split("\n")
    return (text, starts) if len(starts) == len(lines) else (text, [])


def _indented(lines: list[str], starts: list[float]) -> list[Block]:
    """Paragraphs of a PDF: a line starting at the text's left edge continues the one before;
    an indented first line, a centred heading or a list line starts a new one (NĐ 30 layout)."""
    edges = [round(x) for x, line in zip(starts, lines, strict=True) if line.strip() and x >= 0]
    if not edges:
        return _text("\n".join(lines), markdown=False, wrapped=True)
    # The left edge: the leftmost position many lines start at (first lines are indented).
    common = [x for x in set(edges) if edges.count(x) >= max(2, len(edges) // 10)]
    margin = min(common) if common else max(set(edges), key=edges.count)
    paragraphs: list[str] = []
    for x, raw in zip(starts, lines, strict=True):
        line = normalise(raw).strip()
        if not line:
            continue
        continues = paragraphs and abs(x - margin) < 4 and not _MARKER.match(line)
        if continues and not re.search(r"\./\.$", paragraphs[-1]):
            paragraphs[-1] = f"{paragraphs[-1]} {line}"
        else:
            paragraphs.append(line)
    return [Block(paragraph) for paragraph in paragraphs]


_MARKER = re.compile(r"^([-–•+*]\s|[IVX]+\.\s|\d+(\.\d+)*\.?\s|[a-zđ]\)\s)")
_END = re.compile(r"[.;:!?]$|\./\.$")


def _text(text: str, markdown: bool, wrapped: bool = False) -> list[Block]:
    """Paragraphs from text: a line that continues the one before is joined to it."""
    lines = [strip_markdown(line) if markdown else line.strip()
             for line in normalise(text).split("\n")]
    longest = max((len(line) for line in lines), default=0)
    paragraphs: list[str | list[list[str]]] = []
    previous_blank = True
    for line in lines:
        cells = _pipe_cells(line)
        if cells is not None:  # a Markdown/text table row: "| 1 | Nội dung | Chủ trì | … |"
            if cells and not all(re.fullmatch(r":?-{2,}:?", cell) for cell in cells):
                if not paragraphs or not isinstance(paragraphs[-1], list):
                    paragraphs.append([])
                paragraphs[-1].append(cells)
            previous_blank = True
            continue
        if not line:
            previous_blank = True
            continue
        if (paragraphs and not previous_blank and isinstance(paragraphs[-1], str)
                and _continues(paragraphs[-1], line, wrapped, longest)):
            paragraphs[-1] = f"{paragraphs[-1]} {line}"
        else:
            paragraphs.append(line)
        previous_blank = False
    blocks: list[Block] = []
    number = 1000  # after any DOCX table numbers
    for paragraph in paragraphs:
        if isinstance(paragraph, list):
            number += 1
            _rows(paragraph, number, blocks)
        else:
            blocks.append(Block(paragraph))
    return blocks


def _pipe_cells(line: str) -> list[str] | None:
    if not (line.startswith("|") and line.endswith("|") and line.count("|") >= 3):
        return None
    return [cell.strip() for cell in line.strip("|").split("|")]


def _continues(before: str, line: str, wrapped: bool, longest: int) -> bool:
    if _MARKER.match(line):
        return False
    first = line.split()[0]
    if before.endswith((";", ",")) and first[:1].islower():
        return True  # a wrapped line: "… theo quy định; / báo cáo kết quả …"
    if _END.search(before):
        return False
    if first[:1].islower():
        return True
    letters = [c for c in line if c.isalpha()]
    in_capitals = sum(c.isupper() for c in letters) >= 0.8 * len(letters)
    if first.isupper() and 1 < len(first) <= 5 and len(before) > 40 and not in_capitals:
        return True  # an acronym carried over: "… trước Chủ tịch / UBND xã."
    return wrapped and len(before) >= 0.75 * longest
