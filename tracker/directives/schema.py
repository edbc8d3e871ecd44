"""The directive file's schema, and the reader that knows the line of every value in it.

:func:`read_yaml` hands every scalar to these models as the text written in the file, so
YAML 1.1's guesses (``17:00`` as a number of minutes, ``2027-02-30`` as a timestamp that crashes
the loader) never happen: the schema alone decides what a value means. Each check raises a
``PydanticCustomError`` whose type names a message in :data:`MESSAGES`, and :class:`Checker`
turns it into a :class:`Problem` on the right line, so the person who keyed the file in reads
plain words, not a traceback.
"""

from __future__ import annotations

import difflib
import enum
import re
import typing
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, NoReturn

import yaml
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError
from pydantic_core import PydanticCustomError

from tracker.directives.models import Comparator, Frequency
from tracker.org.models import Role, UnitKind

DEFAULT_TIME = "17:00"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
LAST = "last"

CODE_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")
MONTH_PATTERN = re.compile(r"(\d{4})-(\d{2})")
NUMBER_PATTERN = re.compile(r"[+-]?\d+(\.\d+)?")
TIME_PATTERN = re.compile(r"(\d{1,2}):(\d{2})")

# One message per kind of problem, keyed by the pydantic error type that reports it.
MESSAGES = {
    "missing": _l("This key is required."),
    "seed_required": _l("A value is required."),
    "extra_forbidden": _l("Unknown key “%(key)s”; the keys allowed here are: %(allowed)s."),
    "extra_forbidden_suggestion": _l("Unknown key “%(key)s”; did you mean “%(suggestion)s”?"),
    "model_type": _l("This must be a mapping of keys and values (key: value)."),
    "seed_not_list": _l("This must be a list (one item per line, each starting with “- ”)."),
    "seed_not_text": _l("This must be a single value, not a list or a mapping."),
    "string_too_short": _l("This must not be empty."),
    "string_too_long": _l("This is too long: at most %(max_length)s characters."),
    "seed_code": _l(
        "“%(value)s” is not a valid code: use letters without accents, digits, “.”, “_” "
        "and “-”, without spaces, starting with a letter or a digit."
    ),
    "seed_choice": _l("“%(value)s” is not one of the allowed values: %(choices)s."),
    "seed_date_format": _l(
        "“%(value)s” is not a date: write it as YYYY-MM-DD, for example 2026-06-30."
    ),
    "seed_date_impossible": _l("The date %(value)s does not exist in the calendar."),
    "seed_month_format": _l(
        "“%(value)s” is not a date: write YYYY-MM-DD, or YYYY-MM when the source leaves the "
        "day blank."
    ),
    "seed_number": _l(
        "“%(value)s” is not a number: write digits only, with “.” before decimals (for "
        "example 80 or 2.5), and put the unit of measure under “unit”."
    ),
    "seed_whole_number": _l("“%(value)s” is not a whole number of at least %(minimum)s."),
    "seed_time": _l("“%(value)s” is not a time of day: write HH:MM, from 00:00 to 23:59."),
    "seed_weekday": _l(
        "“%(value)s” is not a day of the week: use mon, tue, wed, thu, fri, sat or sun."
    ),
    "seed_day": _l(
        "“%(value)s” is not a usable day of the month: use a number from 1 to 28, or “last” "
        "(days 29 to 31 do not exist in every month)."
    ),
    "seed_days": _l("Give exactly two different days of the month, for example [15, last]."),
}


def fail(kind: str, **context: Any) -> NoReturn:
    """Stop validation of one value with the message registered under ``kind``."""
    raise PydanticCustomError(kind, kind, context)


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


class StrictModel(BaseModel):
    """Refuse unknown keys: a typo in a key must not silently drop a value."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Signer(StrictModel):
    name: Name
    title: Name


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


# Problems and where they are --------------------------------------------------------------

Location = tuple[str | int, ...]
# Aliases can make a few lines expand into millions of nodes; no real directive comes close.
MAX_NODES = 100_000


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a directive file, where it is, in words a person can act on."""

    source: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


class DirectiveFileError(Exception):
    """The file was refused; ``problems`` lists every reason, in the order of the file."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda problem: problem.line or 0)
        super().__init__("\n".join(str(problem) for problem in self.problems))


def field_name(location: Location) -> str:
    """Write a location the way the file reads: ``tasks[3].due.weekday``."""
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


class Checker:
    """Collect problems, each placed on the line of the key or item it is about."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.lines: dict[Location, int] = {}
        self.problems: list[Problem] = []

    def add(self, location: Location, message: str) -> None:
        self.problems.append(
            Problem(self.source, self.line_of(location), field_name(location), message)
        )

    def line_of(self, location: Location) -> int | None:
        # A missing key has no line of its own: use the mapping that should hold it.
        for end in range(len(location), -1, -1):
            line = self.lines.get(location[:end])
            if line is not None:
                return line
        return None

    def refuse_if_any(self) -> None:
        if self.problems:
            raise DirectiveFileError(self.problems)

    def validate(self, model: type[BaseModel], data: Any, location: Location) -> Any:
        """Validate one item; on failure record its problems and return None."""
        try:
            return model.model_validate(data)
        except ValidationError as error:
            details = error.errors(include_url=False)
        # A misspelt key is one mistake: say "did you mean", not also that the key is missing.
        meant = {
            (*detail["loc"][:-1], suggestion)
            for detail in details
            if detail["type"] == "extra_forbidden"
            and (suggestion := _suggestion(model, detail["loc"])) is not None
        }
        for detail in details:
            if detail["type"] == "missing" and tuple(detail["loc"]) in meant:
                continue
            self.add(location + tuple(detail["loc"]), _pydantic_message(model, detail))
        return None

    def check(self, location: Location, parse: Callable[[Any], Any], value: Any) -> Any:
        """Run one schema check outside a model, recording its problem."""
        try:
            return parse(value)
        except PydanticCustomError as error:
            self.add(location, message_for(error.type, error.context or {}))
            return None


def message_for(kind: str, context: dict[str, Any]) -> str:
    return str(MESSAGES[kind]) % context


def _suggestion(model: type[BaseModel], location: Location) -> str | None:
    """The allowed key closest to an unknown one, if one is close enough to be the one meant."""
    close = difflib.get_close_matches(str(location[-1]), _keys_at(model, location[:-1]), n=1)
    return close[0] if close else None


def _pydantic_message(model: type[BaseModel], detail: Any) -> str:
    kind = detail["type"]
    context = dict(detail.get("ctx") or {})
    if kind == "extra_forbidden":
        key = str(detail["loc"][-1])
        suggestion = _suggestion(model, detail["loc"])
        if suggestion:
            return message_for("extra_forbidden_suggestion", {"key": key, "suggestion": suggestion})
        allowed = ", ".join(_keys_at(model, detail["loc"][:-1]))
        return message_for("extra_forbidden", {"key": key, "allowed": allowed})
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return message_for("model_type", {})
    if kind in MESSAGES:
        return message_for(kind, context)
    return _("Invalid value (%(detail)s).", detail=detail["msg"])


def _keys_at(model: type[BaseModel], location: Location) -> list[str]:
    """The keys a model accepts at ``location``, to suggest the one a typo meant."""
    current: Any = model
    for part in location:
        if isinstance(part, int):
            continue
        annotation = current.model_fields[part].annotation
        current = next(_models_in(annotation), None)
        if current is None:
            return []
    return list(current.model_fields)


def _models_in(annotation: Any) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for argument in typing.get_args(annotation):
        yield from _models_in(argument)


# Reading YAML ----------------------------------------------------------------------------------

YAML_HINTS = {
    "mapping values are not allowed here": "yaml_colon",
    "could not find expected ':'": "yaml_colon_missing",
    "found character '\\t' that cannot start any token": "yaml_tab",
    "found a tab character": "yaml_tab",
    "found unexpected end of stream": "yaml_unclosed",
    "expected <block end>": "yaml_indent",
    "expected a single document in the stream": "yaml_documents",
    "found undefined alias": "yaml_alias",
}


def _yaml_message(error: yaml.YAMLError) -> str:
    problem = str(getattr(error, "problem", "") or error)
    hint = next((key for text, key in YAML_HINTS.items() if text in problem), None)
    messages = {
        "yaml_colon": _(
            "A colon is out of place: a value containing “: ” must be in quotes, or the "
            "indentation of this line is wrong."
        ),
        "yaml_colon_missing": _("A “key: value” line is missing its colon."),
        "yaml_tab": _("Indent with spaces, not tabs."),
        "yaml_unclosed": _("A quotation mark or bracket is opened but never closed."),
        "yaml_indent": _("The indentation is wrong: align this line with the keys beside it."),
        "yaml_documents": _("The file must hold a single document: remove the “---” lines."),
        "yaml_alias": _("A reference (*name) points to an anchor (&name) that does not exist."),
    }
    if hint:
        return messages[hint]
    return _("The file is not valid YAML (%(detail)s).", detail=problem)


def read_yaml(text: str, checker: Checker) -> Any:
    """Read the YAML into plain data, remembering the line of every key and item.

    Scalars stay as the text written (None for an empty value or null): the schema decides
    what they mean, so no value is guessed and a bad one cannot crash the loader.
    """
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        checker.problems.append(Problem(checker.source, line, "", _yaml_message(error)))
        return None
    except yaml.YAMLError as error:  # a ReaderError: a control character in the text
        position = getattr(error, "position", 0)
        line = text.count("\n", 0, position) + 1
        checker.problems.append(Problem(checker.source, line, "", _yaml_message(error)))
        return None
    if node is None:
        checker.problems.append(Problem(checker.source, None, "", _("The file is empty.")))
        return None
    budget = [MAX_NODES]
    return _plain(node, (), checker, budget)


def _plain(node: yaml.Node, location: Location, checker: Checker, budget: list[int]) -> Any:
    budget[0] -= 1
    if budget[0] < 0:
        # Blame the top-level key being read: the node itself may be an alias defined far away.
        checker.add(
            location[:1], _("The file is too large, or repeats references (*name) too deeply.")
        )
        raise DirectiveFileError(checker.problems)
    checker.lines.setdefault(location, node.start_mark.line + 1)
    if isinstance(node, yaml.SequenceNode):
        return [
            _plain(item, (*location, index), checker, budget)
            for index, item in enumerate(node.value)
        ]
    if isinstance(node, yaml.MappingNode):
        mapping: dict[str, Any] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                checker.problems.append(
                    Problem(
                        checker.source,
                        line,
                        field_name(location),
                        _("A key must be a plain word, not a list or a mapping."),
                    )
                )
                continue
            key = key_node.value
            if key in mapping:
                first = checker.lines[(*location, key)]
                checker.problems.append(
                    Problem(
                        checker.source,
                        line,
                        field_name((*location, key)),
                        _("This key appears twice; the first is on line %(line)s.", line=first),
                    )
                )
                continue
            checker.lines[(*location, key)] = line
            mapping[key] = _plain(value_node, (*location, key), checker, budget)
        return mapping
    if node.style is None and node.tag == "tag:yaml.org,2002:null":
        return None
    return node.value
