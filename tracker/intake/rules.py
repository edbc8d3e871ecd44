"""Frequency, due rule and targets read from the wording of one duty."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date

from tracker.intake.text import fold
from tracker.intake.vocabulary import Vocabulary

WEEKDAYS = {"hai": "mon", "2": "mon", "ba": "tue", "3": "tue", "tư": "wed", "4": "wed",
            "năm": "thu", "5": "thu", "sáu": "fri", "6": "fri", "bảy": "sat", "7": "sat"}
ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
DAY_MONTH = r"(\d{1,2})\s*[/.-]\s*(\d{1,2})(?:\s*[/.-]\s*(\d{4}))?"
LONG_DATE = r"(\d{1,2})\s+tháng\s+(\d{1,2})(?:\s+năm\s+(\d{4}))?"
DEADLINE = re.compile(
    r"(?:trước|chậm nhất|hạn chót|hạn cuối|xong trước|hoàn thành trước|trong ngày|hạn|đến)"
    rf"\s*(?:là\s*)?(?:ngày\s*)?(?:{DAY_MONTH}|{LONG_DATE})"
)
RANGE = re.compile(
    rf"từ\s*(?:ngày\s*)?{DAY_MONTH}\s*(?:đến|tới)\s*(?:hết\s*)?(?:ngày\s*)?{DAY_MONTH}"
)
IN_MONTH = re.compile(
    r"(?:trong|hết|cuối|trước hết)\s+tháng\s+(\d{1,2})(?:\s*/\s*(\d{4})|\s+năm\s+(\d{4}))?"
)
IN_QUARTER = re.compile(
    r"(?:trong|hết|cuối|trước hết)\s+quý\s+(iv|iii|ii|i|[1-4])(?:\s*(?:/|năm)\s*(\d{4}))?"
)
IN_YEAR = re.compile(r"(?:trong|hết|cuối|trước hết)\s+năm\s+(\d{4})")
TIME = re.compile(r"(?:trước|lúc|vào|đến)\s*(\d{1,2})\s*(?:giờ|h)\s*(\d{2})?(?!\s*/)")
WEEKDAY = re.compile(r"(?:vào\s*)?(?:ngày\s*)?thứ\s*(hai|ba|tư|năm|sáu|bảy|[2-7])(?!\w)")
MONTH_DAY = re.compile(
    r"(?:vào|trước|trong)\s*ngày\s*(\d{1,2}|cuối tháng)\s*(?:hằng|hàng|mỗi|của)\s*(?:tháng|quý)"
)
TWO_DAYS = re.compile(
    r"(?:vào\s*)?(?:các\s*)?ngày\s*(\d{1,2})\s*(?:và|,)\s*(?:ngày\s*)?(\d{1,2}|cuối tháng)"
)
HALF_YEAR = re.compile(r"(?:định kỳ|hằng|hàng|mỗi)\s+(?:0?6|sáu)\s+tháng|(?:hằng|hàng|mỗi)\s+năm"
                       r"|(?:0?6|sáu) tháng(?:,| và)\s+(?:cả\s+)?năm")
WITHIN = re.compile(
    r"(?:trong|tối đa|không quá)\s*(?:thời hạn|vòng|phạm vi)?\s*(\d{1,2})\s*ngày\s*làm\s*việc"
)


@dataclass
class Timing:
    frequency: str
    due: object = None  # the schema's due: a date string for once, else the rule mapping
    start: date | None = None
    end: date | None = None
    explicit: bool = False
    doubts: list[str] = field(default_factory=list)
    dates: list[date] = field(default_factory=list)


def _year(day: int, month: int, year: str | None, issued: date) -> date | None:
    try:
        found = date(int(year) if year else issued.year, month, day)
    except ValueError:
        return None
    if not year and found < issued:
        found = found.replace(year=found.year + 1)
    return found


def last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def quarter_end(year: int, quarter: int) -> date:
    return last_day(year, quarter * 3)


def find_dates(text: str, issued: date) -> list[tuple[int, date]]:
    """Every deadline in the text, with its position: a day, a month, a quarter, a year."""
    folded = fold(text)
    found: list[tuple[int, date]] = []
    for match in DEADLINE.finditer(folded):
        groups = match.groups()
        day, month, year = (groups[0], groups[1], groups[2]) if groups[0] else groups[3:6]
        value = _year(int(day), int(month), year, issued)
        if value:
            found.append((match.start(), value))
    for match in IN_MONTH.finditer(folded):
        month = int(match.group(1))
        if 1 <= month <= 12:
            year = match.group(2) or match.group(3)
            found.append((match.start(), _month_end(month, year, issued)))
    for match in IN_QUARTER.finditer(folded):
        year = int(match.group(2)) if match.group(2) else issued.year
        found.append((match.start(), quarter_end(year, ROMAN[match.group(1)])))
    for match in IN_YEAR.finditer(folded):
        found.append((match.start(), date(int(match.group(1)), 12, 31)))
    for match in re.finditer(r"(?:trong\s+)?(06|6|sáu) tháng đầu năm(?:\s+(\d{4}))?", folded):
        year = int(match.group(2)) if match.group(2) else issued.year
        found.append((match.start(), date(year, 6, 30)))
    return sorted(found)


def _month_end(month: int, year: str | None, issued: date) -> date:
    value = last_day(int(year) if year else issued.year, month)
    return value.replace(year=value.year + 1) if not year and value < issued else value


def _time(folded: str) -> str | None:
    match = TIME.search(folded)
    if not match or int(match.group(1)) > 23:
        return None
    return f"{int(match.group(1)):02d}:{match.group(2) or '00'}"


def _explicit(folded: str, vocabulary: Vocabulary) -> list[tuple[int, str]]:
    found = []
    taken: list[tuple[int, int]] = []
    for name in ("twice_monthly", "quarterly", "weekly", "monthly", "daily"):
        for match in vocabulary.frequency_pattern(name).finditer(folded):
            span = match.span()
            if any(a < span[1] and span[0] < b for a, b in taken):
                continue
            if name == "daily" and _describes(folded[:span[0]], vocabulary):
                continue
            taken.append(span)
            found.append((match.start(), name))
    return sorted(found)


def _describes(before: str, vocabulary: Vocabulary) -> bool:
    """Whether "hằng ngày" closes a noun phrase ("việc giải quyết TTHC hàng ngày")."""
    clause = re.split(r"[;,:.]", before)[-1]
    words = vocabulary.pattern("daily_descriptive")
    found = list(words.finditer(clause))
    return bool(found) and len(clause[found[-1].end():].split()) <= 6


def timing(text: str, vocabulary: Vocabulary, issued: date, default_once: date,
           has_target: bool, target_dates: set[date]) -> Timing:
    """How often the duty recurs and its due rule, from the words; doubts where guessed."""
    folded = fold(text)
    time = _time(folded)
    rule_time = {"time": time} if time else {}
    explicit = [name for _pos, name in _explicit(folded, vocabulary)]
    recurring = [name for name in explicit if name != "daily"] or explicit
    strong = re.search(r"(?<!\w)(khi phát sinh|khi có|khi nhận được|khi xảy ra|trường hợp|"
                       r"nếu để xảy ra|nếu có|nếu phát sinh|để xảy ra)(?!\w)", folded)
    weak = vocabulary.pattern("on_event").search(folded)
    dates = [value for _pos, value in find_dates(text, issued) if value not in target_dates]
    span = RANGE.search(folded)
    start = end = None
    if span:
        start = _year(int(span.group(1)), int(span.group(2)), span.group(3), issued)
        end = _year(int(span.group(4)), int(span.group(5)), span.group(6), issued)
        dates = [value for value in dates if value != end]
    within = WITHIN.search(folded)
    if within or (strong and (not recurring or recurring == ["daily"])) or (weak and not recurring
                                                                           and not dates):
        days = int(within.group(1)) if within else _window(folded, vocabulary)
        result = Timing("on_event", {"within_working_days": days, **rule_time}, explicit=True)
        if not within:
            result.doubts.append("on_event_window")
    elif recurring:
        result = _recurring(recurring[0], folded, rule_time)
        if dates and not span:
            result.end = max(dates)
    elif dates:
        result = Timing("once", max(dates).isoformat(), explicit=True, dates=dates)
    elif HALF_YEAR.search(folded):  # "báo cáo định kỳ 6 tháng, năm": the year's last report
        result = Timing("once", date(issued.year, 12, 31).isoformat(), explicit=True,
                        doubts=["half_year"])
    elif span and end:  # "trong thời gian … từ ngày 05/5 đến ngày 15/5": done by its last day
        result = Timing("once", end.isoformat(), explicit=True, dates=[end])
    elif vocabulary.pattern("continuous").search(folded):
        result = Timing("monthly", {"day": "last"}, doubts=["continuous"])
    elif _starts_once(folded, vocabulary):
        result = Timing("once", default_once.isoformat(), doubts=["no_deadline"])
    else:
        result = Timing("monthly", {"day": "last"}, doubts=[] if has_target else ["no_frequency"])
    if span:
        result.start, result.end = start, end
    return result


def _window(folded: str, vocabulary: Vocabulary) -> int:
    windows = vocabulary["on_event_windows"]
    for word, days in windows.items():
        if word != "default" and fold(word) in folded:
            return int(days)
    return int(windows.get("default", 5))


def _recurring(name: str, folded: str, rule_time: dict) -> Timing:
    if name == "daily":
        return Timing("daily", dict(rule_time), explicit=True)
    if name == "weekly":
        day = WEEKDAY.search(folded)
        rule = {"weekday": WEEKDAYS[day.group(1)]} if day else {}
        return Timing("weekly", {**rule, **rule_time}, explicit=True,
                      doubts=[] if day else ["weekday"])
    if name == "twice_monthly":
        days = TWO_DAYS.search(folded)
        rule = {}
        if days:
            first, second = days.group(1), days.group(2)
            pair = [_day(first), _day(second)]
            if None not in pair and pair[0] != pair[1]:
                rule = {"days": pair}
        return Timing("twice_monthly", {**rule, **rule_time}, explicit=True)
    day = MONTH_DAY.search(folded) or re.search(
        r"(?:vào|trước)\s*(?:các\s*)?ngày\s*(\d{1,2}|cuối tháng)"
        r"(?!\s*[/.-]\s*\d|\s*tháng\s*\d)",
        folded,
    )
    rule = {"day": _day(day.group(1)) or "last"} if day else {"day": "last"}
    return Timing(name, {**rule, **rule_time}, explicit=True)


def _day(text: str) -> int | str | None:
    if "cuối" in text:
        return "last"
    value = int(text)
    return value if 1 <= value <= 28 else ("last" if value in (29, 30, 31) else None)


def _starts_once(folded: str, vocabulary: Vocabulary) -> bool:
    head = re.sub(r"^(chỉ đạo|giao|chủ trì,?|phối hợp với [^,]+,|khẩn trương|tập trung)\s+", "",
                  folded)
    head = re.sub(r"^(chủ trì,?|phối hợp)\s+", "", head)
    return bool(vocabulary.pattern("once_verbs", prefix=True).match(head))
