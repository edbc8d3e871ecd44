"""The content of an official document as blocks, printed alike by the PDF template
(templates/pdf/_blocks.html) and the DOCX writer (reports.docx): writing a document's text once
is what keeps its two forms the same document."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tracker.charts import ScoreChart

END = "./."


def ended(text: str) -> str:
    """The last sentence of a document's body, closed by "./." (Nghị định 30/2020)."""
    return text.rstrip().rstrip(".") + END


@dataclass
class Block:
    """One printed element: ``heading``, ``para`` (``style`` "note" for italics, "item" for a
    list line, "person" for a bold lead-in), ``table`` or ``chart``."""

    kind: str
    text: str = ""
    style: str = ""
    head: list[str] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)
    widths: list[int] = field(default_factory=list)  # percentages of the text width
    centred: list[int] = field(default_factory=list)  # columns centred (numbers, dates)
    chart: ScoreChart | None = None
