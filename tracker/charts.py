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


@dataclass(frozen=True)
class Band:
    """One level of the evaluation: its lowest score, its fill (a colour or a pattern, so that
    it stays legible printed in black and white) and its name for the legend."""

    low: float
    fill: str
    label: str


# Fills from dark to light, the two lower levels also hatched: four levels told apart in
# greyscale as well as in colour. Patterns are defined in templates/charts/score_bars.svg.
LEVEL_FILLS = ("#14532d", "#6aa84f", "url(#hatch-done)", "url(#hatch-not-done)")


@dataclass(frozen=True)
class ScoreChart(BarChart):
    """A bar chart of scores, with an axis and a legend of the levels."""

    ticks: list[tuple[float, str]]  # x position, value printed under the axis
    axis_y: int
    legend: list[tuple[float, float, str, str]]  # x, y, fill, label
    unit: str


def score_bars(title: str, rows: list[tuple[str, float]], bands: list[Band],
               fmt, unit: str, width: int = 600, label_width: int = 230, bar_height: int = 20,
               gap: int = 8, tick_step: int = 20) -> ScoreChart:
    """Horizontal bars of scores out of 100, each filled by its level, with a value axis
    (``fmt`` writes the numbers in the document's language) and a legend of the levels."""
    track = width - label_width - 60
    bars = []
    for index, (label, value) in enumerate(rows):
        short = label if len(label) <= 34 else label[:33] + "…"
        fill = next((band.fill for band in bands if value >= band.low), bands[-1].fill)
        filled = round(track * min(max(value, 0), 100) / 100, 1)
        bars.append(Bar(short, value, index * (bar_height + gap) + 5, filled, fill))
    axis_y = len(rows) * (bar_height + gap) + 5
    ticks = [(label_width + track * value / 100, fmt(value, places=0))
             for value in range(0, 101, tick_step)]
    # The legend in two columns under the axis.
    legend = [((index % 2) * width / 2, axis_y + 42 + (index // 2) * 20, band.fill, band.label)
              for index, band in enumerate(bands)]
    height = axis_y + 42 + ((len(bands) + 1) // 2) * 20
    return ScoreChart(title, bars, width, height, label_width, track, bar_height, ticks,
                      axis_y, legend, unit)
