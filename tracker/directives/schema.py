"""The directive file's schema: what each key may hold and what it means.

:func:`tracker.directives.problems.read_yaml` hands every scalar to these models as the text
written in the file, so YAML 1.1's guesses (``17:00`` as a number of minutes, ``2027-02-30`` as
a timestamp that crashes the loader) never happen: the schema alone decides what a value means.
Each check raises a ``PydanticCustomError`` whose type names a message in :data:`MESSAGES`, and
:class:`~tracker.directives.problems.Checker` turns it into a problem on the right line, so the
person who keyed the file in reads plain words, not a traceback.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from tracker.directives.messages import MESSAGES as MESSAGES  # re-exported
from tracker.directives.messages import fail
from tracker.directives.messages import message_for as message_for  # re-exported
from tracker.directives.models import DirectiveStatus, DirectiveType, Frequency
from tracker.indicators.models import Comparator
from tracker.org.models import Role, UnitKind

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
    def check(value: Any) -> enum.StrEnum | None:
        return None if value is None else _choice(enum_cls)(value)

    return check


_optional_role = _optional_choice(Role)


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


class StrictModel(BaseModel):
    """Refuse unknown keys: a typo in a key must not silently drop a value."""

    model_config = ConfigDict(extra="forbid", frozen=True)


AUTHORITIES = ("TM.", "KT.", "TL.", "")


def _authority(value: Any) -> str:
    text = _optional_text(value).upper()
    if text and not text.endswith("."):
        text += "."
    if text not in AUTHORITIES:
        fail("seed_choice", value=text, choices=", ".join(a for a in AUTHORITIES if a))
    return text


class Signer(StrictModel):
    name: Name
    title: Name
    # How the signer signs: on behalf of the collective (TM.), as deputy (KT.), by order (TL.).
    authority: Annotated[str, BeforeValidator(_authority)] = ""


class Period(StrictModel):
    start: IsoDate
    end: IsoDate


class DirectiveInfo(StrictModel):
    code: Annotated[str | None, BeforeValidator(_optional_code), Field(max_length=60)] = None
    # As printed, blanks included ("/TB-VP"): only its length is checked.
    number: Annotated[str, BeforeValidator(_text), Field(max_length=60)]
    title: LongText
    issuer: Name
    signer: Signer
    issued_on: Annotated[str, BeforeValidator(_issued_on)]
    period: Period
    place: Annotated[str, BeforeValidator(_optional_text), Field(max_length=100)] = ""
    assumptions: Annotated[list[LongText], BeforeValidator(_list)] = []
    type: Annotated[DirectiveType | None, BeforeValidator(_optional_choice(DirectiveType))] = None
    # The trích yếu as printed under the document's type.
    summary: OptionalLongText = ""
    # A file without a status is published.
    status: Annotated[
        DirectiveStatus | None, BeforeValidator(_optional_choice(DirectiveStatus))
    ] = None

    @property
    def issued_date(self) -> date:
        """The issue date; the first of the month when the day is blank in the source."""
        text = self.issued_on if len(self.issued_on) > 7 else f"{self.issued_on}-01"
        return date.fromisoformat(text)

    @property
    def issued_day_known(self) -> bool:
        return len(self.issued_on) > 7


class UnitSpec(StrictModel):
    code: Code40
    name: Name
    kind: Annotated[UnitKind, BeforeValidator(_choice(UnitKind))]


class PersonSpec(StrictModel):
    code: Code40
    name: Name
    title: Annotated[str, BeforeValidator(_optional_text), Field(max_length=200)] = ""
    unit: Reference
    # None: leader for a member of the leadership unit, staff otherwise (decided on creation).
    role: Annotated[Role | None, BeforeValidator(_optional_role)] = None


class IndicatorSpec(StrictModel):
    code: Code60
    name: LongText
    comparator: Annotated[Comparator, BeforeValidator(_choice(Comparator))]
    target: Annotated[float, BeforeValidator(_number)]
    unit: Annotated[str, BeforeValidator(_optional_text), Field(max_length=40)] = ""
    owner: Reference
    due: OptionalDate = None
    # Out of how many a rank is counted (rank_at_most: 30th of 114).
    of: Annotated[int | None, BeforeValidator(_whole_number(1, optional=True))] = None
    # The period an increase is measured against (increase_at_least: "2026-Q1").
    baseline: Annotated[str | None, BeforeValidator(_optional_ref), Field(max_length=40)] = None
    # The date by which the target must first be met, to be kept until ``due``.
    milestone: OptionalDate = None
    # An import draft's trace: the sentence it came from and the reader's note where unsure.
    source: OptionalLongText = ""
    doubt: OptionalLongText = ""

    @property
    def params(self) -> dict[str, Any]:
        params: dict[str, Any] = {"of": self.of, "baseline": self.baseline}
        params["milestone"] = self.milestone.isoformat() if self.milestone else None
        return {key: value for key, value in params.items() if value is not None}


class TaskSpec(StrictModel):
    code: Code60
    # Clause numbers repeat in the source ("2." twice), so they are kept as printed.
    clause: Annotated[str, BeforeValidator(_text), Field(min_length=1, max_length=40)]
    title: LongText
    description: OptionalLongText = ""
    owner: Reference
    assignee: OptionalReference = None
    frequency: Annotated[Frequency, BeforeValidator(_choice(Frequency))]
    # Written as the frequency needs; parse_directive replaces it with the normalised rule.
    due: Any = None
    outcome: OptionalLongText = ""
    indicator: OptionalReference = None
    # Default to the directive's period; parse_directive fills them in.
    start: OptionalDate = None
    end: OptionalDate = None
    cooperating: Annotated[list[Reference], BeforeValidator(_list)] = []
    # An import draft's trace: the sentence it came from and the reader's note where unsure.
    source: OptionalLongText = ""
    doubt: OptionalLongText = ""


class DailyRule(StrictModel):
    time: Time = DEFAULT_TIME


class WeeklyRule(StrictModel):
    weekday: Annotated[str, BeforeValidator(_weekday)] = "fri"
    time: Time = DEFAULT_TIME


class TwiceMonthlyRule(StrictModel):
    days: Annotated[list[int | str], BeforeValidator(_days)] = [15, LAST]
    time: Time = DEFAULT_TIME


class DayOfMonthRule(StrictModel):
    """Monthly: that day of every month. Quarterly: that day of each quarter's last month."""

    day: Annotated[int | str, BeforeValidator(_day)] = LAST
    time: Time = DEFAULT_TIME


class OnEventRule(StrictModel):
    within_working_days: Annotated[int, BeforeValidator(_whole_number(1))] = 1
    time: Time = DEFAULT_TIME


RULE_MODELS: dict[Frequency, type[StrictModel]] = {
    Frequency.DAILY: DailyRule,
    Frequency.WEEKLY: WeeklyRule,
    Frequency.TWICE_MONTHLY: TwiceMonthlyRule,
    Frequency.MONTHLY: DayOfMonthRule,
    Frequency.QUARTERLY: DayOfMonthRule,
    Frequency.ON_EVENT: OnEventRule,
}

RULE_EXAMPLES = {
    Frequency.ONCE: "2026-06-30",
    Frequency.DAILY: '{time: "17:00"}',
    Frequency.WEEKLY: '{weekday: fri, time: "17:00"}',
    Frequency.TWICE_MONTHLY: '{days: [15, last], time: "17:00"}',
    Frequency.MONTHLY: '{day: last, time: "17:00"}',
    Frequency.QUARTERLY: '{day: last, time: "17:00"}',
    Frequency.ON_EVENT: "{within_working_days: 2}",
}


class DirectiveSpec(BaseModel):
    """A whole directive file, checked: every reference in it resolves inside it."""

    model_config = ConfigDict(frozen=True)

    source: str
    directive: DirectiveInfo
    units: list[UnitSpec]
    people: list[PersonSpec]
    indicators: list[IndicatorSpec]
    tasks: list[TaskSpec]

    @property
    def code(self) -> str:
        """The key the directive is matched on when the file is loaded again."""
        info = self.directive
        if info.code:
            return info.code
        if any(char.isdigit() for char in info.number):
            return info.number.strip()
        return slug(info.title)


def slug(text: str, limit: int = 60) -> str:
    """Turn a Vietnamese title into a short ASCII key, the same every time."""
    plain = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    ascii_text = "".join(char for char in plain if not unicodedata.combining(char))
    words = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return words[:limit].rstrip("-") or "directive"
