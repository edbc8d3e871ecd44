"""Values for spreadsheet cells (CSV and XLSX): text can never become a formula.

CSV has no types: OWASP's advice for CSV injection is that a cell whose text starts with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return is read as a formula by Excel and LibreOffice,
so :func:`cells` prefixes it with a single quote, which they show as plain text. An XLSX cell
has a type: :func:`append_text_row` stores text as a string cell, which no spreadsheet
evaluates, so the reader sees it exactly as typed. Control characters that XML cannot hold (a
vertical tab pasted from Word) are dropped, so the workbook still opens. Numbers, dates and
None pass as they are. Every CSV export writes its rows through :func:`cells`, every XLSX
export through :func:`append_text_row`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def clean_text(text: str) -> str:
    """Drop the control characters no document format can hold (tab and newlines stay)."""
    return XML_ILLEGAL.sub("", text)


def cell(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    text = clean_text(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def cells(values: Iterable[Any]) -> list[Any]:
    return [cell(value) for value in values]


def append_text_row(sheet: Worksheet, values: Iterable[Any]) -> None:
    """Append ``values`` to an openpyxl sheet, text as string cells (openpyxl would turn text
    starting with ``=`` into a formula)."""
    sheet.append([clean_text(value) if isinstance(value, str) else value for value in values])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"
