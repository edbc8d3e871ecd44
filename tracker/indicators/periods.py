"""Reading periods: a month written ``YYYY-MM``, the one form stored and compared.

Months sort and compare as text, so ``"2026-04" < "2026-10"`` needs no date arithmetic;
parsing, shifting and labels are :class:`tracker.months.Month`'s. Baselines and milestones may
also name a quarter (``2026-Q1``), a year (``2026``) or a day (``2026-06-30``); these helpers
turn them into months.
"""

from __future__ import annotations

import re
from datetime import date

from tracker.months import Month

QUARTER = re.compile(r"(\d{4})-Q([1-4])", re.IGNORECASE)
YEAR = re.compile(r"\d{4}")
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def months_between(first: str, last: str) -> list[str]:
    """Every month from ``first`` to ``last``, both included (empty if last is earlier)."""
    months = []
    current = Month.parse(first)
    while current.stored <= last:
        months.append(current.stored)
        current = current.shift(1)
    return months


def months_of(spec: str) -> list[str]:
    """The months a baseline names: a month, a quarter, a year or the month of a day."""
    spec = spec.strip()
    quarter = QUARTER.fullmatch(spec)
    if quarter:
        first = Month(int(quarter.group(1)), 3 * int(quarter.group(2)) - 2)
        return months_between(first.stored, first.shift(2).stored)
    if YEAR.fullmatch(spec):
        return months_between(f"{spec}-01", f"{spec}-12")
    if DAY.fullmatch(spec):
        return [Month.of(date.fromisoformat(spec)).stored]
    return [Month.parse(spec).stored]


def last_month_of(spec: str | date | None) -> str | None:
    """The month by which a milestone or deadline must be met (a quarter: its last month)."""
    if spec is None or spec == "":
        return None
    if isinstance(spec, date):
        return Month.of(spec).stored
    return months_of(str(spec))[-1]


def days_in_month(period: str) -> int:
    """How many days the month ``YYYY-MM`` has."""
    return Month.parse(period).last_day.day
