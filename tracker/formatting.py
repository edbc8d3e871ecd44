"""Numbers as people read them: one helper for pages, PDF, DOCX and charts.

Babel knows each language's signs: Vietnamese writes 1.234,5 (thousands dot, decimal comma),
English 1,234.5. Pages follow the reader's language; official documents are Vietnamese
whatever the interface language, so they pass ``locale="vi"``. CSV and XLSX keep plain numbers
(XLSX with a display format), never text.
"""

from __future__ import annotations

from functools import partial

from babel.numbers import format_decimal as babel_format_decimal
from flask_babel import format_decimal


def number_pattern(places: int | None) -> str:
    """``2`` -> "#,##0.00" (always two decimals); ``None`` -> "#,##0.##" (as many as needed)."""
    if places is None:
        return "#,##0.##"
    return "#,##0" + ("." + "0" * places if places else "")


def number(value: float | int | None, places: int | None = 2, locale: str | None = None) -> str:
    """A figure in the reader's language, or in ``locale`` when given (documents: "vi")."""
    if value is None:
        return "—"
    pattern = number_pattern(places)
    if locale is not None:
        return babel_format_decimal(value, format=pattern, locale=locale)
    return format_decimal(value, format=pattern)


# Official documents: always Vietnamese, scores with two decimals ("85,50").
document_number = partial(number, locale="vi")


def document_points(value: float) -> str:
    """"85,50 điểm": how a score is written in a Vietnamese document."""
    return f"{document_number(value)} điểm"
