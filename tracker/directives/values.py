"""The values a directive file may hold: each parser turns the text written in the file into a
value or raises a ``PydanticCustomError`` whose type names a message in :data:`MESSAGES`.

:mod:`tracker.directives.schema` builds its models from these; the editor reads its fields
through the same models, so a value means the same wherever it was typed.
"""

from __future__ import annotations

import enum
import re
from datetime import date
from typing import Annotated, Any

from pydantic import BeforeValidator, Field

from tracker.directives.messages import MESSAGES as MESSAGES  # re-exported
from tracker.directives.messages import fail as fail  # re-exported
from tracker.directives.messages import message_for as message_for  # re-exported
from tracker.org.models import Role

DEFAULT_TIME = "17:00"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
LAST = "last"

CODE_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")
MONTH_PATTERN = re.compile(r"(\d{4})-(\d{2})")
NUMBER_PATTERN = re.compile(r"[+-]?\d+(\.\d+)?")
TIME_PATTERN = re.compile(r"(\d{1,2}):(\d{2})")

def _text(value: Any) -> str:
    if value is None:
        fail("seed_required")
    if not isinstance(value, str):
        fail("seed_not_text")
    return value.strip()


def _optional_text(value: Any) -> str:
    return "" if value is None else _text(value)


def _optional_ref(value: Any) -> str | None:
    return None if value is None else (_text(value) or None)


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        fail("seed_not_list")
    return value


def _code(value: Any) -> str:
    text = _text(value)
    if not CODE_PATTERN.fullmatch(text):
        fail("seed_code", value=text)
    return text


def _optional_code(value: Any) -> str | None:
    return None if value is None else _code(value)


def parse_date(value: Any) -> date:
    text = _text(value)
    if not DATE_PATTERN.fullmatch(text):
        fail("seed_date_format", value=text)
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail("seed_date_impossible", value=text)


def _optional_date(value: Any) -> date | None:
    return None if value is None else parse_date(value)


def _issued_on(value: Any) -> str:
    """Keep a full date, or a month when the source leaves the day blank ("ngày   tháng 4")."""
    text = _text(value)
    month = MONTH_PATTERN.fullmatch(text)
    if month:
        if not 1 <= int(month.group(2)) <= 12:
            fail("seed_date_impossible", value=text)
        return text
    if not DATE_PATTERN.fullmatch(text):
        fail("seed_month_format", value=text)
    return parse_date(text).isoformat()


def _number(value: Any) -> float:
    text = _text(value)
    if not NUMBER_PATTERN.fullmatch(text):
        fail("seed_number", value=text)
    return float(text)


def _whole_number(minimum: int, *, optional: bool = False):
    def check(value: Any) -> int | None:
        if value is None and optional:
            return None
        text = _text(value)
        if not text.isdigit() or int(text) < minimum:
            fail("seed_whole_number", value=text, minimum=minimum)
        return int(text)

    return check


def _choice(enum_cls: type[enum.StrEnum]):
    allowed = [member.value for member in enum_cls]

    def check(value: Any) -> enum.StrEnum:
        text = _text(value)
        if text not in allowed:
            fail("seed_choice", value=text, choices=", ".join(allowed))
        return enum_cls(text)

    return check


def _optional_choice(enum_cls: type[enum.StrEnum]):
    check = _choice(enum_cls)

    def optional(value: Any) -> enum.StrEnum | None:
        return None if value is None or value == "" else check(value)

    return optional


def _choice_or(enum_cls: type[enum.StrEnum], default: enum.StrEnum):
    """A choice that may be left out or blank, meaning ``default``."""
    check = _optional_choice(enum_cls)
    return lambda value: check(value) or default


def _optional_role(value: Any) -> Role | None:
    return None if value is None else _choice(Role)(value)


def _time(value: Any) -> str:
    text = _text(value)
    match = TIME_PATTERN.fullmatch(text)
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        fail("seed_time", value=text)
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def _weekday(value: Any) -> str:
    text = _text(value).lower()
    if text not in WEEKDAYS:
        fail("seed_weekday", value=text)
    return text


def _day(value: Any) -> int | str:
    text = _text(value).lower()
    if text == LAST:
        return LAST
    if not text.isdigit() or not 1 <= int(text) <= 28:
        fail("seed_day", value=text)
    return int(text)


def _days(value: Any) -> list[int | str]:
    items = _list(value)
    days = [_day(item) for item in items]
    if len(days) != 2 or days[0] == days[1]:
        fail("seed_days")
    # "last" sorts after every numbered day.
    return sorted(days, key=lambda day: 99 if day == LAST else day)


Code40 = Annotated[str, BeforeValidator(_code), Field(max_length=40)]
Code60 = Annotated[str, BeforeValidator(_code), Field(max_length=60)]
Reference = Annotated[str, BeforeValidator(_text), Field(min_length=1)]
OptionalReference = Annotated[str | None, BeforeValidator(_optional_ref)]
Name = Annotated[str, BeforeValidator(_text), Field(min_length=1, max_length=200)]
LongText = Annotated[str, BeforeValidator(_text), Field(min_length=1)]
OptionalLongText = Annotated[str, BeforeValidator(_optional_text)]
IsoDate = Annotated[date, BeforeValidator(parse_date)]
OptionalDate = Annotated[date | None, BeforeValidator(_optional_date)]
Time = Annotated[str, BeforeValidator(_time)]

