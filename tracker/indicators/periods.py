"""Reading periods: a month written ``YYYY-MM``, the one form stored and compared.

Months sort and compare as text, so ``"2026-04" < "2026-10"`` needs no date arithmetic.
Baselines and milestones may also name a quarter (``2026-Q1``), a year (``2026``) or a day
(``2026-06-30``); these helpers turn them into months.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime

from tracker.db import LOCAL_TZ

MONTH = re.compile(r"(\d{4})-(\d{2})")
MONTH_AS_WRITTEN = re.compile(r"(\d{1,2})/(\d{4})")
QUARTER = re.compile(r"(\d{4})-Q([1-4])", re.IGNORECASE)
YEAR = re.compile(r"\d{4}")
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def month_of(day: date | datetime) -> str:
    """The period a date falls in; an aware time counts in Asia/Ho_Chi_Minh."""
    if isinstance(day, datetime):
        day = day.astimezone(LOCAL_TZ).date()
    return f"{day.year:04d}-{day.month:02d}"


def parse_month(text: str) -> str:
    """Read ``2026-04`` (as stored) or ``04/2026`` (as people write it); ValueError otherwise."""
    text = text.strip()
    match = MONTH.fullmatch(text)
    if match:
        year, month = int(match.group(1)), int(match.group(2))
    else:
        match = MONTH_AS_WRITTEN.fullmatch(text)
        if not match:
            raise ValueError(text)
        year, month = int(match.group(2)), int(match.group(1))
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        raise ValueError(text)
    return f"{year:04d}-{month:02d}"


def add_months(period: str, count: int) -> str:
    year, month = int(period[:4]), int(period[5:7])
    index = year * 12 + month - 1 + count
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def months_between(first: str, last: str) -> list[str]:
    """Every month from ``first`` to ``last``, both included (empty if last is earlier)."""
    months = []
    current = first
    while current <= last:
        months.append(current)
        current = add_months(current, 1)
    return months


def months_of(spec: str) -> list[str]:
    """The months a baseline names: a month, a quarter, a year or the month of a day."""
    spec = spec.strip()
    quarter = QUARTER.fullmatch(spec)
    if quarter:
        year, number = int(quarter.group(1)), int(quarter.group(2))
        first = f"{year:04d}-{3 * number - 2:02d}"
        return months_between(first, add_months(first, 2))
    if YEAR.fullmatch(spec):
        return months_between(f"{spec}-01", f"{spec}-12")
    if DAY.fullmatch(spec):
        return [month_of(date.fromisoformat(spec))]
    return [parse_month(spec)]


def last_month_of(spec: str | date | None) -> str | None:
    """The month by which a milestone or deadline must be met (a quarter: its last month)."""
    if spec is None or spec == "":
        return None
    if isinstance(spec, date):
        return month_of(spec)
    return months_of(str(spec))[-1]


def label(period: str) -> str:
    """``2026-04`` as Vietnamese pages write months: ``04/2026``."""
    return f"{period[5:7]}/{period[:4]}"


def days_in_month(period: str) -> int:
    """How many days the month ``YYYY-MM`` has."""
    year, month = int(period[:4]), int(period[5:7])
    return calendar.monthrange(year, month)[1]
