"""Geometry of the indicator trend charts, drawn once on the server as SVG.

Like :mod:`tracker.charts`, the numbers are computed here and printed by a template macro
(``indicators/_charts.html``), so a page and a PDF show the same chart. The chart plots
what is compared with the target: the figure itself, or, for an increase, its percentage
over the baseline. Where lower is better (a rank, "at most"), the axis is turned over so
that better is always up.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from tracker.charts import EMPTY, GOOD, POOR
from tracker.indicators.targets import Status, Target, check, measure_of
from tracker.months import Month

TARGET_COLOUR = "#0d6efd"
LINE_COLOUR = "#495057"


@dataclass(frozen=True)
class ChartPoint:
    x: float
    y: float
    period: str
    value: float
    colour: str


@dataclass(frozen=True)
class LineChart:
    title: str
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    points: list[ChartPoint]
    paths: list[str]  # "x,y x,y ..." for each unbroken run of months
    target_y: float | None
    target_value: float | None
    x_labels: list[tuple[float, str]]
    y_labels: list[tuple[float, float]]
    lower_is_better: bool
    small: bool

    @property
    def empty(self) -> bool:
        return not self.points


def line_chart(title: str, months: Sequence[str], values: Sequence[float | None],
               target: Target, baseline: float | None = None, *, small: bool = False,
               width: int | None = None, height: int | None = None) -> LineChart:
    """A line of the months' figures against the target line; None leaves a break."""
    width = width or (96 if small else 640)
    height = height or (36 if small else 240)
    # Room on the right for half of the last month label ("12/2026") centred on its point.
    left, right, top = (3, width - 3, 3) if small else (56, width - 32, 16)
    bottom = height - (3 if small else 36)
    measures = [None if v is None else measure_of(target, v, baseline) for v in values]
    target_value = target.target if not target.is_increase or baseline else None
    known = [m for m in measures if m is not None]
    scale = [*known, *([target_value] if target_value is not None else [])]
    low, high = (min(scale), max(scale)) if scale else (0.0, 1.0)
    pad = (high - low) * 0.1 if high > low else max(abs(high) * 0.1, 1.0)
    low, high = low - pad, high + pad
    if not target.is_increase and min(scale or [0.0]) >= 0:
        low = max(low, 0.0)  # figures are never negative; do not draw below zero

    def y_of(value: float) -> float:
        share = (value - low) / (high - low)
        return round(top + (share if target.lower_is_better else 1 - share) * (bottom - top), 1)

    count = len(months)

    def x_of(index: int) -> float:
        if count <= 1:
            return round((left + right) / 2, 1)
        return round(left + index * (right - left) / (count - 1), 1)

    points, paths, run = [], [], []
    for index, (month, value, measure) in enumerate(zip(months, values, measures, strict=True)):
        if measure is None or value is None:
            if run:
                paths.append(" ".join(run))
            run = []
            continue
        status = check(target, value, baseline).status
        colour = GOOD if status == Status.MET else POOR if status == Status.NOT_MET else EMPTY
        point = ChartPoint(x_of(index), y_of(measure), month, measure, colour)
        points.append(point)
        run.append(f"{point.x},{point.y}")
    if run:
        paths.append(" ".join(run))
    step = max(1, math.ceil(count / 6))
    x_labels = [] if small else [(x_of(i), Month.parse(months[i]).label)
                                 for i in range(0, count, step)]
    y_labels = [] if small or not scale else [(y_of(v), v) for v in sorted({min(scale),
                                                                            max(scale)})]
    return LineChart(
        title=title, width=width, height=height, left=left, right=right, top=top,
        bottom=bottom, points=points, paths=[p for p in paths if " " in p], x_labels=x_labels,
        y_labels=y_labels, lower_is_better=target.lower_is_better, small=small,
        target_y=y_of(target_value) if target_value is not None else None,
        target_value=target_value,
    )
