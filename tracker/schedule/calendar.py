"""The working-day calendar: Vietnam's public holidays plus the commune's own decreed changes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from functools import lru_cache

import holidays
from sqlalchemy import select

from tracker.extensions import db
from tracker.schedule.models import CalendarDay, DayKind


@lru_cache(maxsize=32)
def public_holidays(years: tuple[int, ...]) -> holidays.HolidayBase:
    """Vietnam's holidays for ``years``: fixed by law, so built once per process and reused.

    ``expand=False`` keeps the shared object read-only (web workers run threads); callers ask
    for every year they look at.
    """
    return holidays.country_holidays("VN", years=list(years), language="vi", expand=False)


class WorkCalendar:
    """Answer "is this a working day?" for a span of years.

    The ``holidays`` package knows Tết, Giỗ Tổ, 30/4, 1/5, 2/9, days in lieu and make-up
    Saturdays decreed by the Government; ``overrides`` (from the CalendarDay table) wins over it.
    """

    def __init__(self, years: range | list[int], overrides: dict[date, bool] | None = None):
        self.public = public_holidays(tuple(years))
        self.overrides = overrides or {}

    @classmethod
    def load(cls, start: date, end: date) -> WorkCalendar:
        rows = db.session.scalars(
            select(CalendarDay).where(CalendarDay.day >= start, CalendarDay.day <= end)
        )
        overrides = {row.day: row.kind == DayKind.WORKING_DAY for row in rows}
        return cls(range(start.year - 1, end.year + 2), overrides)

    def is_working_day(self, day: date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        return self.public.is_working_day(day)

    def holiday_name(self, day: date) -> str | None:
        return self.public.get(day)

    def previous_working_day(self, day: date) -> date:
        while not self.is_working_day(day):
            day -= timedelta(days=1)
        return day

    def next_working_day(self, day: date) -> date:
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def add_working_days(self, day: date, count: int) -> date:
        """The ``count``-th working day after ``day`` (``day`` itself is not counted)."""
        while count > 0:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count -= 1
        return day

    def working_days(self, start: date, end: date) -> Iterator[date]:
        day = start
        while day <= end:
            if self.is_working_day(day):
                yield day
            day += timedelta(days=1)
