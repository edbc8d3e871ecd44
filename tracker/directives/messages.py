"""What each problem found in a directive file says, keyed by the pydantic error type."""

from __future__ import annotations

from typing import Any, NoReturn

from flask_babel import lazy_gettext as _l
from pydantic_core import PydanticCustomError

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
    "seed_sha256": _l("“%(value)s” is not a SHA-256 checksum (64 hexadecimal digits)."),
    "seed_days": _l("Give exactly two different days of the month, for example [15, last]."),
}


def fail(kind: str, **context: Any) -> NoReturn:
    """Stop validation of one value with the message registered under ``kind``."""
    raise PydanticCustomError(kind, kind, context)


def message_for(kind: str, context: dict[str, Any]) -> str:
    return str(MESSAGES[kind]) % context
