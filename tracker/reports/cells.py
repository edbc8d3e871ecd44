"""Values for spreadsheet cells (CSV and XLSX): text can never become a formula.

OWASP's advice for CSV injection: a cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return is read as a formula by Excel and LibreOffice, so prefix it with a single
quote, which they show as plain text. Control characters that XML cannot hold (a vertical tab
pasted from Word) are dropped, so the workbook still opens. Numbers, dates and None pass as
they are. Every CSV and XLSX export writes its rows through :func:`cells`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

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
