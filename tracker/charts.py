"""Geometry for the server-drawn SVG charts: computed once in Python, printed by templates.

The same bars serve the web page and the PDF, so both show the same figures.
"""

from __future__ import annotations

from dataclasses import dataclass

GOOD, FAIR, POOR, EMPTY = "#198754", "#ffc107", "#dc3545", "#e9ecef"


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None
    y: int
    width: float
    colour: str

    @property
    def text(self) -> str:
        return "—" if self.value is None else f"{self.value:.0f}%"


@dataclass(frozen=True)
class BarChart:
    title: str
    bars: list[Bar]
    width: int
    height: int
    label_width: int
    track_width: int
    bar_height: int


def percent_bars(title: str, rows: list[tuple[str, float | None]], width: int = 560,
                 label_width: int = 230, bar_height: int = 22, gap: int = 8) -> BarChart:
    """Horizontal bars of percentages, green from 90 %, amber from 70 %, red below."""
    track = width - label_width - 50
    bars = []
    for index, (label, value) in enumerate(rows):
        short = label if len(label) <= 34 else label[:33] + "…"
        colour = EMPTY if value is None else GOOD if value >= 90 else FAIR if value >= 70 else POOR
        filled = 0.0 if value is None else round(track * min(max(value, 0), 100) / 100, 1)
        bars.append(Bar(short, value, index * (bar_height + gap) + 5, filled, colour))
    height = len(rows) * (bar_height + gap) + 10
    return BarChart(title, bars, width, height, label_width, track, bar_height)
