"""The month: the one type that parses, bounds and labels a month, for every domain.

A month is stored as text ``YYYY-MM`` (indicator readings, evaluations, accountability
decisions): that form sorts and compares as text. People write ``04/2026``. A month's bounds
are local midnights in Asia/Ho_Chi_Minh, as aware datetimes, so "this month's work" means the
same thing on the dashboard, in the evaluation and in every filter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from tracker.db import LOCAL_TZ

STORED = re.compile(r"(\d{4})-(\d{2})")
AS_WRITTEN = re.compile(r"(\d{1,2})/(\d{4})")
FIRST_YEAR, LAST_YEAR = 2000, 2100


@dataclass(frozen=True, order=True)
class Month:
    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> Month:
        """Read ``2026-04`` (as stored) or ``04/2026`` (as written); ValueError otherwise."""
        text = text.strip()
        match = STORED.fullmatch(text)
        if match:
            year, number = int(match.group(1)), int(match.group(2))
        else:
            match = AS_WRITTEN.fullmatch(text)
            if not match:
                raise ValueError(text)
            year, number = int(match.group(2)), int(match.group(1))
        if not (1 <= number <= 12 and FIRST_YEAR <= year <= LAST_YEAR):
            raise ValueError(text)
        return cls(year, number)

    @classmethod
    def of(cls, moment: date | datetime) -> Month:
        """The month a day falls in; an aware time counts in Asia/Ho_Chi_Minh."""
        if isinstance(moment, datetime):
            moment = moment.astimezone(LOCAL_TZ).date()
        return cls(moment.year, moment.month)

    @property
    def first_day(self) -> date:
        return date(self.year, self.number, 1)

    @property
    def last_day(self) -> date:
        return self.shift(1).first_day - timedelta(days=1)

    def shift(self, count: int) -> Month:
        """The month ``count`` months later (earlier when negative)."""
        index = self.year * 12 + self.number - 1 + count
        return Month(index // 12, index % 12 + 1)

    def bounds(self) -> tuple[datetime, datetime]:
        """Local midnight of the first day, and of the first day of the next month."""
        return (datetime.combine(self.first_day, time(), tzinfo=LOCAL_TZ),
                datetime.combine(self.shift(1).first_day, time(), tzinfo=LOCAL_TZ))

    @property
    def stored(self) -> str:
        """``2026-04``: the form kept in the database and in files."""
        return f"{self.year:04d}-{self.number:02d}"

    @property
    def label(self) -> str:
        """``04/2026``: the form Vietnamese pages write."""
        return f"{self.number:02d}/{self.year:04d}"

    def __str__(self) -> str:
        return self.stored
