"""Targets against figures: pure functions, no database, so every rule is tested by hand.

A *reading* is one verified figure for one month. :func:`check` puts one figure against the
target; :func:`evaluate` gives an indicator's standing as of a month, respecting its deadline
(readings after ``due`` no longer change the result) and its milestone (from the milestone on,
every month must meet the target: "reach it by Q2, then keep it").

The gap is how far the compared figure still is from the target, in the target's own unit
(percentage points, places in a ranking, dossiers...): 0 when the target is met.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from statistics import fmean
from typing import Any

from flask_babel import lazy_gettext as _l

from tracker.indicators import periods
from tracker.indicators.models import Comparator


class Status(enum.StrEnum):
    MET = "met"  # đạt
    NOT_MET = "not_met"  # chưa đạt
    NO_DATA = "no_data"  # chưa có số liệu


class Trend(enum.StrEnum):
    """The last figure against the one before, in the direction the target wants."""

    BETTER = "better"
    STEADY = "steady"
    WORSE = "worse"


LOWER_IS_BETTER = frozenset({Comparator.AT_MOST, Comparator.RANK_AT_MOST})


@dataclass(frozen=True)
class Target:
    """What an indicator asks for, read from its columns and ``params``."""

    comparator: Comparator
    target: float
    unit: str = ""
    of: int | None = None
    baseline: str | None = None  # "2026-Q1", "2026-03", "2026"
    baseline_value: float | None = None  # given outright instead of read from readings
    milestone: str | None = None  # month by which the target must first be met
    due: str | None = None  # month of the deadline
    baseline_months: tuple[str, ...] = field(default=())

    @classmethod
    def of_indicator(cls, indicator: Any) -> Target:
        params = indicator.params or {}
        baseline = params.get("baseline")
        try:
            months = tuple(periods.months_of(str(baseline))) if baseline else ()
        except ValueError:
            months = ()
        try:
            milestone = periods.last_month_of(params.get("milestone"))
        except ValueError:
            milestone = None
        raw_value = params.get("baseline_value")
        return cls(
            comparator=Comparator(indicator.comparator),
            target=float(indicator.target),
            unit=indicator.unit_of_measure or "",
            of=int(params["of"]) if params.get("of") else None,
            baseline=str(baseline) if baseline else None,
            baseline_value=float(raw_value) if isinstance(raw_value, int | float) else None,
            milestone=milestone,
            due=periods.last_month_of(indicator.due_on),
            baseline_months=months,
        )

    @property
    def lower_is_better(self) -> bool:
        return self.comparator in LOWER_IS_BETTER

    @property
    def is_increase(self) -> bool:
        return self.comparator == Comparator.INCREASE_AT_LEAST


@dataclass(frozen=True)
class Check:
    """One figure against the target."""

    status: Status
    measure: float | None = None  # what is compared: the figure, or its % increase
    gap: float | None = None
    achievement: float | None = None  # 0..1, how much of the target the figure reaches


NO_FIGURE = Check(Status.NO_DATA)


def value_problem(target: Target, value: float) -> Any | None:
    """Why ``value`` cannot be a reading of this indicator, or None if it can."""
    value = float(value)
    if not math.isfinite(value):
        return _l("Write a number, for example 85 or 85,5.")
    if value < 0:
        return _l("A figure cannot be negative.")
    if target.comparator == Comparator.RANK_AT_MOST:
        if value < 1 or not value.is_integer():
            return _l("A rank is a whole number from 1.")
        if target.of is not None and value > target.of:
            return _l("A rank cannot be beyond the number ranked (%(of)s).", of=target.of)
    elif target.unit == "%" and not target.is_increase and value > 100:
        return _l("A percentage cannot be above 100.")
    return None


def baseline_of(target: Target, readings: Mapping[str, float]) -> float | None:
    """The figure an increase is measured from: given outright, else the baseline months' mean.

    The mean keeps a quarter comparable with the month it is set against (three months of
    "không hẹn" dossiers averaged, then compared with one month).
    """
    if not target.is_increase:
        return None
    if target.baseline_value is not None:
        return target.baseline_value
    values = [readings[month] for month in target.baseline_months if month in readings]
    return fmean(values) if values else None


def measure_of(target: Target, value: float, baseline: float | None) -> float | None:
    if not target.is_increase:
        return value
    if baseline is None or baseline <= 0:
        return None  # no increase can be stated from nothing
    return (value - baseline) / baseline * 100


def _met(target: Target, measure: float) -> tuple[bool, float]:
    wanted = target.target
    if target.comparator in (Comparator.AT_LEAST, Comparator.INCREASE_AT_LEAST):
        shortfall = wanted - measure
    elif target.lower_is_better:
        shortfall = measure - wanted
    else:
        shortfall = abs(measure - wanted)
    # Figures typed as 80,1 + 0,2 must not miss 80,3 by a rounding error.
    tolerance = 1e-9 * max(1.0, abs(wanted))
    return shortfall <= tolerance, max(shortfall, 0.0)


def _achievement(target: Target, measure: float, met: bool) -> float:
    if met:
        return 1.0
    wanted = target.target
    if target.comparator in (Comparator.AT_LEAST, Comparator.INCREASE_AT_LEAST):
        share = measure / wanted if wanted > 0 else 0.0
    elif target.lower_is_better:
        share = wanted / measure if measure > 0 else 0.0
    else:
        share = 0.0  # "exactly N" is met or it is not
    return min(max(share, 0.0), 1.0)


def check(target: Target, value: float | None, baseline: float | None = None) -> Check:
    """Put one figure against the target."""
    if value is None:
        return NO_FIGURE
    measure = measure_of(target, value, baseline)
    if measure is None:
        return NO_FIGURE
    met, shortfall = _met(target, measure)
    return Check(
        Status.MET if met else Status.NOT_MET,
        measure=measure,
        gap=0.0 if met else shortfall,
        achievement=_achievement(target, measure, met),
    )


def trend_of(target: Target, values: Sequence[float], baseline: float | None) -> Trend | None:
    """Better, steady or worse: the last figure against the one before it."""
    if len(values) < 2:
        return None
    before = measure_of(target, values[-2], baseline)
    last = measure_of(target, values[-1], baseline)
    if before is None or last is None:
        return None
    if target.comparator == Comparator.EQUAL:
        change = abs(before - target.target) - abs(last - target.target)
    else:
        change = before - last if target.lower_is_better else last - before
    if math.isclose(change, 0.0, abs_tol=1e-9):
        return Trend.STEADY
    return Trend.BETTER if change > 0 else Trend.WORSE


@dataclass(frozen=True)
class Evaluation:
    """An indicator's standing as of a month."""

    status: Status
    period: str | None = None  # the latest month whose figure was considered
    value: float | None = None
    current: Check = NO_FIGURE
    baseline: float | None = None
    deadline_passed: bool = False
    # From the milestone on, the first month the target was not kept.
    broken_in: str | None = None
    trend: Trend | None = None

    @property
    def measure(self) -> float | None:
        return self.current.measure

    @property
    def gap(self) -> float | None:
        return self.current.gap

    @property
    def achievement(self) -> float | None:
        if self.status == Status.NOT_MET and self.current.status == Status.MET:
            return 0.0  # met now, but the target was not kept after the milestone
        return self.current.achievement


def considered_periods(target: Target, readings: Mapping[str, float], as_of: str) -> list[str]:
    """Months that count: up to ``as_of`` and the deadline, after the baseline, in order."""
    end = min(as_of, target.due) if target.due else as_of
    after = max(target.baseline_months) if target.is_increase and target.baseline_months else ""
    return sorted(month for month in readings if after < month <= end)


def evaluate(target: Target, readings: Mapping[str, float], as_of: str) -> Evaluation:
    """Standing as of the month ``as_of`` from verified ``readings`` (month -> figure).

    Before the deadline, "not met" means "not yet"; after it the result is final and later
    readings do not change it. With a milestone, a month from the milestone on that misses
    the target makes the indicator "not met" even if a later month recovers.
    """
    baseline = baseline_of(target, readings)
    deadline_passed = target.due is not None and as_of > target.due
    months = considered_periods(target, readings, as_of)
    if not months:
        return Evaluation(Status.NO_DATA, baseline=baseline, deadline_passed=deadline_passed)
    latest = months[-1]
    current = check(target, readings[latest], baseline)
    status = current.status
    broken_in = None
    if target.milestone is not None:
        broken_in = next(
            (month for month in months if month >= target.milestone
             and check(target, readings[month], baseline).status == Status.NOT_MET),
            None,
        )
        if broken_in is not None:
            status = Status.NOT_MET
    return Evaluation(
        status=status,
        period=latest,
        value=readings[latest],
        current=current,
        baseline=baseline,
        deadline_passed=deadline_passed,
        broken_in=broken_in,
        trend=trend_of(target, [readings[month] for month in months], baseline),
    )


@dataclass(frozen=True)
class MonthRow:
    period: str
    value: float | None
    check: Check
    is_baseline: bool = False


def month_by_month(target: Target, readings: Mapping[str, float],
                   months: Sequence[str]) -> list[MonthRow]:
    """Each month with its figure (or None) and that figure against the target.

    Baseline months of an increase are marked as such: they are what is compared with.
    """
    baseline = baseline_of(target, readings)
    rows = []
    for month in months:
        value = readings.get(month)
        if target.is_increase and month in target.baseline_months:
            rows.append(MonthRow(month, value, NO_FIGURE, is_baseline=True))
        else:
            rows.append(MonthRow(month, value, check(target, value, baseline)))
    return rows
