"""The directive file's schema: what each key may hold and what it means.

:func:`tracker.directives.problems.read_yaml` hands every scalar to these models as the text
written in the file, so YAML 1.1's guesses (``17:00`` as a number of minutes, ``2027-02-30`` as
a timestamp that crashes the loader) never happen: the schema alone decides what a value means.
Each check raises a ``PydanticCustomError`` whose type names a message in :data:`MESSAGES`, and
:class:`~tracker.directives.problems.Checker` turns it into a problem on the right line, so the
person who keyed the file in reads plain words, not a traceback.
"""


from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from tracker.directives.models import DirectiveStatus, DirectiveType, Frequency
from tracker.directives.values import (
    DEFAULT_TIME,
    LAST,
    MESSAGES,
    Code40,
    Code60,
    IsoDate,
    LongText,
    Name,
    OptionalDate,
    OptionalLongText,
    OptionalReference,
    Reference,
    Time,
    _choice,
    _choice_or,
    _day,
    _days,
    _issued_on,
    _list,
    _number,
    _optional_choice,
    _optional_code,
    _optional_ref,
    _optional_role,
    _optional_text,
    _text,
    _weekday,
    _whole_number,
    fail,
    message_for,
    parse_date,
)
from tracker.indicators.models import Aggregate, Comparator
from tracker.org.models import Role, UnitKind

__all__ = ["DEFAULT_TIME", "MESSAGES", "fail", "message_for", "parse_date"]

AUTHORITIES = ("TM.", "KT.", "TL.")
SHA256_PATTERN = re.compile(r"[0-9a-f]{64}")


def _authority(value: Any) -> str:
    text = _optional_text(value).upper()
    if text and not text.endswith("."):
        text += "."
    if text and text not in AUTHORITIES:
        fail("seed_choice", value=text, choices=", ".join(AUTHORITIES))
    return text


def _sha256(value: Any) -> str:
    text = _text(value).lower()
    if not SHA256_PATTERN.fullmatch(text):
        fail("seed_sha256", value=text)
    return text


def _document(value: Any) -> Any:
    """A path written alone stands for ``{path: …}``; the name defaults to the file's."""
    if isinstance(value, str):
        text = value.strip()
        return {"path": text, "name": text.replace("\\", "/").rsplit("/", 1)[-1]}
    return value

class StrictModel(BaseModel):
    """Refuse unknown keys: a typo in a key must not silently drop a value."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Signer(StrictModel):
    name: Name
    title: Name
    # TM. (on behalf of the body), KT. (deputy for the head), TL. (by delegation), or none.
    authority: Annotated[str, BeforeValidator(_authority)] = ""


class DocumentRef(StrictModel):
    """The signed document: a file beside the YAML (``path``) or one in the store (``sha256``)."""

    name: Name
    path: Annotated[str | None, BeforeValidator(_optional_ref)] = None
    sha256: Annotated[str | None, BeforeValidator(lambda v: None if v is None else _sha256(v))] = (
        None
    )


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
    # The trích yếu; ``title`` stays the name the app shows.
    summary: OptionalLongText = ""
    status: Annotated[
        DirectiveStatus, BeforeValidator(_choice_or(DirectiveStatus, DirectiveStatus.PUBLISHED))
    ] = DirectiveStatus.PUBLISHED
    document: Annotated[DocumentRef | None, BeforeValidator(_document)] = None

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
    aggregate: Annotated[Aggregate, BeforeValidator(_choice_or(Aggregate, Aggregate.LAST))] = (
        Aggregate.LAST
    )
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
    # A person code; None: the owner unit's supervisor.
    supervisor: OptionalReference = None
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

