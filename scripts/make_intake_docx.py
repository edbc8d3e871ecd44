"""Make the DOCX (or PDF) of an intake check document, laid out as the drafting office sends it.

The header (issuing body and number | motto, place and date) and the closing ("Nơi nhận" |
signature block) are two-column tables, as in the NĐ 30/2020 template; the body is paragraphs,
headings in bold. The PDF is the text as justified paragraphs on A4 (a text layer, lines
wrapped as a PDF's are). Usage: python scripts/make_intake_docx.py SOURCE.md|.txt [OUT.docx|.pdf]
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from docx import Document
from docx.shared import Pt

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tracker.intake.extract import from_text  # noqa: E402

MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")


def _cell(cell, lines: list[str], bold: bool = False) -> None:
    cell.paragraphs[0].text = ""
    for index, line in enumerate(lines):
        paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
        run = paragraph.add_run(line)
        run.bold = bold and not line.startswith("-")


def make(source: Path, out: Path) -> None:
    text = source.read_text(encoding="utf-8")
    blocks = from_text(text, markdown=source.suffix == ".md")
    lines = [block.text for block in blocks]
    rows = {block.text: block for block in blocks if block.cells}  # task-table rows
    head_end = next(i for i, line in enumerate(lines) if re.search(r"ngày\s.*năm\s\d{4}", line))
    left = [line for line in lines[: head_end + 1]
            if not re.search(r"ngày\s.*năm\s\d{4}", line) and line not in MOTTO]
    closing = next(i for i in range(len(lines) - 1, -1, -1) if lines[i].startswith("Nơi nhận"))
    recipients, signature = [], []
    for line in lines[closing:]:
        (recipients if line.startswith(("Nơi nhận", "-")) else signature).append(line)
    document = Document()
    document.styles["Normal"].font.name = "Times New Roman"
    document.styles["Normal"].font.size = Pt(13)
    table = document.add_table(rows=1, cols=2)
    _cell(table.rows[0].cells[0], left, bold=True)
    _cell(table.rows[0].cells[1], [*MOTTO, lines[head_end]], bold=True)
    grid = None
    for line in lines[head_end + 1:closing]:
        if line in rows:  # a task table: a real DOCX table, one row per row
            cells = rows[line].cells
            if grid is None:
                grid = document.add_table(rows=0, cols=len(cells))
                grid.style = "Table Grid"
            for cell, value in zip(grid.add_row().cells, cells, strict=False):
                cell.text = value
            continue
        grid = None
        paragraph = document.add_paragraph()
        heading = bool(re.match(r"^([IVX]+\.|\d+(\.\d+)*\.)\s", line)) and len(line) < 90
        run = paragraph.add_run(line)
        run.bold = heading or line.isupper()
    table = document.add_table(rows=1, cols=2)
    _cell(table.rows[0].cells[0], recipients)
    _cell(table.rows[0].cells[1], [*signature[:-1], "(Đã ký)", signature[-1]], bold=True)
    document.save(out)


def make_pdf(source: Path, out: Path) -> None:
    """The same layout as a PDF: header and signature in two columns, indented paragraphs."""
    import html

    from weasyprint import HTML

    lines = [block.text for block in from_text(source.read_text(encoding="utf-8"),
                                                markdown=source.suffix == ".md")]
    dated = re.compile(r"ngày\s.*năm\s\d{4}")
    head_end = next(i for i, line in enumerate(lines) if dated.search(line))
    left = [line for line in lines[: head_end + 1] if line not in MOTTO and not dated.search(line)]
    closing = next(i for i in range(len(lines) - 1, -1, -1) if lines[i].startswith("Nơi nhận"))
    recipients = [line for line in lines[closing:] if line.startswith(("Nơi nhận", "-"))]
    signature = [line for line in lines[closing:] if not line.startswith(("Nơi nhận", "-"))]

    def cell(items: list[str]) -> str:
        return "<br>".join(html.escape(item) for item in items)

    body = "".join(f"<p>{html.escape(line)}</p>" for line in lines[head_end + 1:closing])
    centred = "text-align:center;font-weight:bold"
    document = (
        f"<table width=100%><tr><td style='{centred};width:40%'>{cell(left)}</td>"
        f"<td style='{centred}'>{cell([*MOTTO, lines[head_end]])}</td></tr></table>{body}"
        f"<table width=100%><tr><td style='width:50%;font-size:11pt'>{cell(recipients)}</td>"
        f"<td style='{centred}'>{cell([*signature[:-1], '(Đã ký)', '', signature[-1]])}</td>"
        "</tr></table>"
    )
    style = ("@page{size:A4;margin:20mm 15mm 20mm 30mm} body{font-family:'Liberation Serif';"
             "font-size:13pt;text-align:justify} p{margin:0 0 4pt 0;text-indent:1cm}")
    HTML(string=f"<html><head><style>{style}</style></head><body>{document}</body></html>"
         ).write_pdf(out)


if __name__ == "__main__":
    source = Path(sys.argv[1])
    target = Path(sys.argv[2]) if len(sys.argv) > 2 else source.with_suffix(".docx")
    (make_pdf if target.suffix == ".pdf" else make)(source, target)
