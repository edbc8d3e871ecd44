"""Official documents as DOCX, for the Office to edit before signing (Nghị định 30/2020 layout).

The same document as the PDF: the content blocks the PDF prints, real Word styles (headings,
list, table), the rules under the header as paragraph borders, page numbers centred at the top
from the second page (a PAGE field; the first page has a header of its own, empty), an
appendix numbered on its own, and the chart as an image.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

FONT = "Times New Roman"
TITLE = "Tên loại văn bản"  # the document's own title style (Word's "Title" is blue and ruled)
TEXT_WIDTH_MM = 165  # A4 less the 30 and 15 mm margins
BLACK = RGBColor(0, 0, 0)
# Elements that follow <w:pBdr> inside <w:pPr> (ECMA-376 order), for a valid document.
_AFTER_BORDER = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
                 "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN",
                 "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind",
                 "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
                 "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl",
                 "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")


def official_day(day: date) -> str:
    """"ngày 05 tháng 5 năm 2026": day padded, month padded only for 1 and 2."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def official_date(place: str, day: date) -> str:
    """"Cẩm Giang, ngày 05 tháng 5 năm 2026"."""
    return f"{place}, {official_day(day)}"


def bottom_rule(paragraph) -> None:
    """A thin rule under the paragraph, as long as the paragraph (narrow it with indents)."""
    properties = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"),
                       ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    properties.insert_element_before(borders, *_AFTER_BORDER)


def page_field(paragraph) -> None:
    """A PAGE field: Word and LibreOffice print the page's number there."""
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "2"),
                       ("end", None)):
        run = paragraph.add_run()
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif text == " PAGE ":
            instruction = OxmlElement("w:instrText")
            instruction.set(qn("xml:space"), "preserve")
            instruction.text = text
            run._r.append(instruction)
        else:
            run.text = text


class OfficialDocument:
    """A python-docx document with the A4 page, margins, font, styles and header of an
    official paper."""

    def __init__(self) -> None:
        self.document = Document()
        self._set_up_section(self.document.sections[0])
        styles = self.document.styles
        normal = styles["Normal"]
        normal.font.name, normal.font.size = FONT, Pt(14)
        normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
        title = styles.add_style(TITLE, WD_STYLE_TYPE.PARAGRAPH)
        title.base_style = normal
        title.quick_style = True
        for name, size, italic in ((TITLE, 14, False), ("Heading 1", 14, False),
                                   ("Heading 2", 14, True), ("List Bullet", 12, False),
                                   ("Caption", 12, True)):
            style = styles[name]
            style.font.name, style.font.size, style.font.color.rgb = FONT, Pt(size), BLACK
            style.font.italic = italic
            rfonts = style.element.get_or_add_rPr().get_or_add_rFonts()
            for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
                rfonts.attrib.pop(qn(attribute), None)
            for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
                rfonts.set(qn(attribute), FONT)
            style.paragraph_format.space_before = Pt(6 if name.startswith("Heading") else 0)
            style.paragraph_format.space_after = Pt(3)
        for name in ("Heading 1", "Heading 2", TITLE):
            styles[name].font.bold = True
        styles[TITLE].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        self.document.core_properties.language = "vi-VN"

    @staticmethod
    def _set_up_section(section, restart_numbers: bool = False) -> None:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin = section.bottom_margin = Mm(20)
        section.left_margin, section.right_margin = Mm(30), Mm(15)
        section.header_distance = Mm(10)
        section.different_first_page_header_footer = True
        header = section.header
        header.is_linked_to_previous = False
        paragraph = header.paragraphs[0]
        paragraph.text = ""
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        page_field(paragraph)
        if restart_numbers:
            numbering = OxmlElement("w:pgNumType")
            numbering.set(qn("w:start"), "1")
            section._sectPr.append(numbering)

    def _cell_line(self, cell, text: str, bold=False, italic=False, caps=False, size=13,
                   first=False):
        paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_after = Pt(0)
        run = paragraph.add_run(text.upper() if caps else text)
        run.bold, run.italic, run.font.size = bold, italic, Pt(size)
        return paragraph

    @staticmethod
    def _rule(container, width_mm: float, rule_mm: float) -> None:
        """A short rule, ``rule_mm`` long and centred in ``container`` (a cell or the page),
        drawn as the bottom border of an empty paragraph two points high."""
        paragraph = container.add_paragraph()
        form = paragraph.paragraph_format
        form.line_spacing_rule, form.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(2)
        form.space_before, form.space_after = Pt(0), Pt(4)
        form.left_indent = form.right_indent = Mm(max(0.0, (width_mm - rule_mm) / 2))
        bottom_rule(paragraph)

    @staticmethod
    def _fixed_widths(table, widths_mm: Sequence[float]) -> None:
        """Column widths Word and LibreOffice both keep: fixed layout, grid and cells."""
        table.autofit = False  # <w:tblLayout w:type="fixed"/>
        for column, width in zip(table.columns, widths_mm, strict=True):
            column.width = Mm(width)
            for cell in column.cells:
                cell.width = Mm(width)

    def header(self, parent: str, own: str, number: str, place: str, issued: date) -> None:
        table = self.document.add_table(rows=1, cols=2)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        self._fixed_widths(table, (66, 99))
        left, right = table.rows[0].cells
        self._cell_line(left, parent, caps=True, first=True)
        self._cell_line(left, own, bold=True, caps=True)
        self._rule(left, 66, 22)
        self._cell_line(left, f"Số: {number}").paragraph_format.space_before = Pt(4)
        self._cell_line(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12.5,
                        first=True)
        self._cell_line(right, "Độc lập - Tự do - Hạnh phúc", bold=True, size=13.5)
        self._rule(right, 99, 62)
        self._cell_line(right, official_date(place, issued), italic=True,
                        size=14).paragraph_format.space_before = Pt(4)

    def title(self, kind: str, subject: str) -> None:
        heading = self.document.add_paragraph(kind.upper(), style=TITLE)
        heading.paragraph_format.space_before = Pt(18)
        heading.paragraph_format.space_after = Pt(0)
        self.document.add_paragraph(subject, style=TITLE).paragraph_format.space_after = Pt(2)
        self._rule(self.document, TEXT_WIDTH_MM, 40)

    def appendix(self, subject: str, attached_to: str, issued: date) -> None:
        """A new section opening the appendix, its pages numbered on their own."""
        section = self.document.add_section(WD_SECTION.NEW_PAGE)
        self._set_up_section(section, restart_numbers=True)
        self.document.add_paragraph("Phụ lục", style=TITLE)
        self.document.add_paragraph(subject.upper(), style=TITLE)
        attached = self.document.add_paragraph(f"(Kèm theo {attached_to} {official_day(issued)})",
                                               style=TITLE)
        attached.runs[0].bold, attached.runs[0].italic = False, True
        attached.paragraph_format.space_after = Pt(2)
        self._rule(self.document, TEXT_WIDTH_MM, 40)

    def page_break(self) -> None:
        self.document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def heading(self, text: str, level: int = 1) -> None:
        self.document.add_paragraph(text, style=f"Heading {level}")

    def paragraph(self, text: str, style: str = "") -> None:
        if style == "item" and text.startswith("- "):
            self.document.add_paragraph(text[2:], style="List Bullet")
            return
        paragraph = self.document.add_paragraph()
        run = paragraph.add_run(text)
        form = paragraph.paragraph_format
        form.space_after = Pt(6)
        if style in ("item", "person"):
            run.font.size = Pt(12)
            run.bold = style == "person"
        elif style in ("note", "caption"):
            run.italic = True
            form.first_line_indent = Mm(10)
        else:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            form.first_line_indent = Mm(10)

    def table(self, head: Sequence[str], rows: Iterable[Sequence[object]],
              widths: Sequence[int] = (), centred: Sequence[int] = ()) -> None:
        table = self.document.add_table(rows=1, cols=len(head))
        table.style = "Table Grid"
        header_row = table.rows[0]
        flag = OxmlElement("w:tblHeader")  # the head row repeats on every page
        header_row._tr.get_or_add_trPr().append(flag)
        for cell, text in zip(header_row.cells, head, strict=True):
            cell.text = ""
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = cell.paragraphs[0].add_run(str(text))
            run.bold, run.font.size = True, Pt(12)
        for row in rows:
            cells = table.add_row().cells
            for index, (cell, value) in enumerate(zip(cells, row, strict=True)):
                cell.text = ""
                if index in centred:
                    cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
                cell.paragraphs[0].add_run("" if value is None else str(value)).font.size = Pt(12)
        if widths:
            self._fixed_widths(table, [TEXT_WIDTH_MM * width / 100 for width in widths])
        self.document.add_paragraph().paragraph_format.space_after = Pt(0)

    def picture(self, png: bytes, width_mm: float = 160) -> None:
        self.document.add_picture(io.BytesIO(png), width=Mm(width_mm))
        self.document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER

    def blocks(self, blocks: Iterable) -> None:
        """Print content blocks (tracker.evaluation.content.Block) as the PDF does."""
        from tracker.reports.images import chart_png

        for block in blocks:
            if block.kind == "heading":
                self.heading(block.text, 2 if block.style == "unit" else 1)
            elif block.kind == "para":
                self.paragraph(block.text, block.style)
            elif block.kind == "table":
                self.table(block.head, block.rows, block.widths, block.centred)
            elif block.kind == "chart":
                self.picture(chart_png(block.chart))

    def closing(self, recipients: Sequence[str], position: str, signer: str,
                authority: str = "") -> None:
        table = self.document.add_table(rows=1, cols=2)
        self._fixed_widths(table, (75, 90))
        left, right = table.rows[0].cells
        label = left.paragraphs[0].add_run("Nơi nhận:")
        label.bold, label.italic, label.font.size = True, True, Pt(12)
        for index, item in enumerate(recipients):
            end = "." if index == len(recipients) - 1 else ";"
            line = left.add_paragraph()
            line.paragraph_format.space_after = Pt(0)
            line.add_run(f"- {item}{end}").font.size = Pt(11)
        first = True
        if authority:
            self._cell_line(right, authority, bold=True, caps=True, size=14, first=True)
            first = False
        self._cell_line(right, position, bold=True, caps=True, size=14, first=first)
        for _blank in range(3):
            right.add_paragraph()
        self._cell_line(right, signer, bold=True, size=14)

    def both_sides(self, left: tuple[str, list[tuple[str, str]]],
                   right: tuple[str, str]) -> None:
        """The signatures of a biên bản: the inspected units' representatives (each unit, room
        to sign, the name) on the left, the inspector on the right."""
        table = self.document.add_table(rows=1, cols=2)
        self._fixed_widths(table, (TEXT_WIDTH_MM / 2, TEXT_WIDTH_MM / 2))
        cells = table.rows[0].cells
        self._cell_line(cells[0], left[0], bold=True, caps=True, size=13, first=True)
        for unit, name in left[1]:
            self._cell_line(cells[0], unit, italic=True, size=12)
            for _blank in range(2):
                cells[0].add_paragraph()
            self._cell_line(cells[0], name or "", bold=True, size=13)
        self._cell_line(cells[1], right[0], bold=True, caps=True, size=13, first=True)
        for _blank in range(3):
            cells[1].add_paragraph()
        self._cell_line(cells[1], right[1], bold=True, size=13)

    def recipients(self, recipients: Sequence[str]) -> None:
        paragraph = self.document.add_paragraph()
        paragraph.paragraph_format.space_before = Pt(12)
        label = paragraph.add_run("Nơi nhận:")
        label.bold, label.italic, label.font.size = True, True, Pt(12)
        for index, item in enumerate(recipients):
            end = "." if index == len(recipients) - 1 else ";"
            line = self.document.add_paragraph()
            line.paragraph_format.space_after = Pt(0)
            line.add_run(f"- {item}{end}").font.size = Pt(11)

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()
