"""Official documents as DOCX, for the Office to edit before signing (Nghị định 30/2020 layout)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

FONT = "Times New Roman"


def official_day(day: date) -> str:
    """"ngày 05 tháng 5 năm 2026": day padded, month padded only for 1 and 2."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def official_date(place: str, day: date) -> str:
    """"Cẩm Giang, ngày 05 tháng 5 năm 2026"."""
    return f"{place}, {official_day(day)}"


class OfficialDocument:
    """A python-docx document with the A4 page, margins, font and header of an official paper."""

    def __init__(self) -> None:
        self.document = Document()
        section = self.document.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin = section.bottom_margin = Mm(20)
        section.left_margin, section.right_margin = Mm(30), Mm(15)
        style = self.document.styles["Normal"]
        style.font.name = FONT
        style.font.size = Pt(14)
        style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)

    def _cell_line(self, cell, text: str, bold=False, italic=False, caps=False, size=13,
                   first=False) -> None:
        paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_after = Pt(0)
        run = paragraph.add_run(text.upper() if caps else text)
        run.bold, run.italic, run.font.size = bold, italic, Pt(size)

    def header(self, parent: str, own: str, number: str, place: str, issued: date) -> None:
        table = self.document.add_table(rows=1, cols=2)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        left, right = table.rows[0].cells
        left.width, right.width = Mm(62), Mm(103)
        self._cell_line(left, parent, caps=True, first=True)
        self._cell_line(left, own, bold=True, caps=True)
        self._cell_line(left, "―――――", size=10)
        self._cell_line(left, f"Số: {number}")
        self._cell_line(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12.5,
                        first=True)
        self._cell_line(right, "Độc lập - Tự do - Hạnh phúc", bold=True, size=13.5)
        self._cell_line(right, "――――――――――――", size=10)
        self._cell_line(right, official_date(place, issued), italic=True, size=14)

    def title(self, kind: str, subject: str) -> None:
        for text, bold in ((kind.upper(), True), (subject, True)):
            paragraph = self.document.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            paragraph.paragraph_format.space_after = Pt(0)
            paragraph.add_run(text).bold = bold
        self.document.add_paragraph()

    def appendix(self, subject: str, attached_to: str, issued: date) -> None:
        """A new page opening an appendix: "Phụ lục", its title, what it is attached to."""
        self.document.add_page_break()
        for text, bold, italic in (("Phụ lục", True, False), (subject.upper(), True, False),
                                   (f"(Kèm theo {attached_to} {official_day(issued)})", False,
                                    True)):
            paragraph = self.document.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            paragraph.paragraph_format.space_after = Pt(0)
            run = paragraph.add_run(text)
            run.bold, run.italic = bold, italic
        self.document.add_paragraph()

    def heading(self, text: str) -> None:
        paragraph = self.document.add_paragraph()
        paragraph.add_run(text).bold = True

    def paragraph(self, text: str) -> None:
        paragraph = self.document.add_paragraph(text)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        paragraph.paragraph_format.first_line_indent = Mm(10)
        paragraph.paragraph_format.space_after = Pt(6)

    def table(self, head: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
        table = self.document.add_table(rows=1, cols=len(head))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, head, strict=True):
            cell.text = ""
            run = cell.paragraphs[0].add_run(str(text))
            run.bold, run.font.size = True, Pt(12)
        for row in rows:
            cells = table.add_row().cells
            for cell, value in zip(cells, row, strict=True):
                cell.text = ""
                cell.paragraphs[0].add_run("" if value is None else str(value)).font.size = Pt(12)
        self.document.add_paragraph()

    def closing(self, recipients: Sequence[str], position: str, signer: str) -> None:
        table = self.document.add_table(rows=1, cols=2)
        left, right = table.rows[0].cells
        label = left.paragraphs[0].add_run("Nơi nhận:")
        label.bold, label.italic, label.font.size = True, True, Pt(12)
        for index, item in enumerate(recipients):
            end = "." if index == len(recipients) - 1 else ";"
            left.add_paragraph().add_run(f"- {item}{end}").font.size = Pt(11)
        self._cell_line(right, position, bold=True, caps=True, size=14, first=True)
        for _blank in range(3):
            right.add_paragraph()
        self._cell_line(right, signer, bold=True, size=14)

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()
