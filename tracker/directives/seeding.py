"""Load a directive file (seeds/directive_tasks.yaml) into units, people, indicators and tasks.

Two steps, so a broken file changes nothing: :func:`parse_directive` (here) checks the whole
file and lists every problem with its line; :func:`tracker.directives.applying.apply_directive`
then upserts by codes.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from flask import has_app_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from pydantic import BaseModel, ValidationError
from sqlalchemy import select

from tracker.directives.checks import check_indicator, dated
from tracker.directives.documents import resolve_document
from tracker.directives.models import Frequency
from tracker.directives.problems import (
    Checker,
    DirectiveFileError,
    Location,
    Problem,
    read_yaml,
)
from tracker.directives.schema import (
    DEFAULT_TIME,
    RULE_EXAMPLES,
    RULE_MODELS,
    DirectiveInfo,
    DirectiveSpec,
    IndicatorSpec,
    Period,
    PersonSpec,
    TaskSpec,
    UnitSpec,
    message_for,
    parse_date,
)
from tracker.extensions import db
from tracker.org.models import Unit, User

__all__ = [
    "DirectiveFileError",
    "DirectiveSpec",
    "Problem",
    "load_file",
    "parse_directive",
    "parse_directive_bytes",
    "parse_mapping",
]

SECTIONS = ("directive", "units", "people", "indicators", "tasks")
OPTIONAL_SECTIONS = frozenset({"people", "indicators"})


# Checking the whole file ------------------------------------------------------------------------


def load_file(path: str | Path) -> DirectiveSpec:
    """Read and check a directive file; anything wrong with it is a Problem, never a crash."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        problem = _("The file cannot be read (%(detail)s).", detail=error.strerror or str(error))
        raise DirectiveFileError([Problem(path.name, None, "", problem)]) from error
    spec = parse_directive_bytes(data, path.name)
    return resolve_document(spec, path.parent)


def parse_directive_bytes(data: bytes, source: str) -> DirectiveSpec:
    """Check an uploaded or read file: it must be UTF-8 text before it can be YAML."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        problem = _(
            "The file is not UTF-8 text: it may be another kind of file, or saved in another "
            "encoding. Save it as UTF-8 and load it again."
        )
        raise DirectiveFileError([Problem(source, line, "", problem)]) from error
    return parse_directive(text, source)


def parse_directive(text: str, source: str) -> DirectiveSpec:
    """Check the whole file and return it as a spec, or raise listing every problem found."""
    checker = Checker(source)
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        problem = _("The file contains binary data: it is not a directive file.")
        raise DirectiveFileError([Problem(source, line, "", problem)])
    root = read_yaml(text, checker)
    checker.refuse_if_any()
    return check_mapping(checker, root, source)


def parse_mapping(root: Any, source: str) -> DirectiveSpec:
    """Check a directive already read into plain data (the editor's form): same schema, same
    problems, without lines."""
    return check_mapping(Checker(source), root, source)


def check_mapping(checker: Checker, root: Any, source: str) -> DirectiveSpec:
    """Check the whole directive and return it as a spec, or raise listing every problem."""
    if not isinstance(root, dict):
        checker.add(
            (),
            _(
                "The file must be a mapping with the keys directive, units, people, indicators "
                "and tasks."
            ),
        )
        checker.refuse_if_any()

    _check_sections(checker, root)
    info = None
    if "directive" in root:
        info = checker.validate(DirectiveInfo, root["directive"], ("directive",))
    raw = {name: _section(checker, root, name) for name in SECTIONS[1:]}
    units = _items(checker, UnitSpec, raw, "units")
    people = _items(checker, PersonSpec, raw, "people")
    indicators = _items(checker, IndicatorSpec, raw, "indicators")
    tasks = _items(checker, TaskSpec, raw, "tasks")

    known = {name: _codes(checker, raw, name) for name in SECTIONS[1:]}
    _add_known_codes(known)
    _check_references(checker, raw, known)
    for index, indicator in indicators:
        check_indicator(checker, indicator, ("indicators", index))
    rules = {
        index: _due_rule(checker, item, ("tasks", index))
        for index, item in _raw_items(raw, "tasks")
    }
    period = info.period if info else _period_alone(root.get("directive"))
    # An inverted period is reported once, not again for every task that inherits it.
    if period is not None and _check_period(checker, period):
        tasks = [
            (index, dated(checker, period, task, rules.get(index), ("tasks", index)))
            for index, task in tasks
        ]
    checker.refuse_if_any()
    return DirectiveSpec(
        source=source,
        directive=info,
        units=[unit for _index, unit in units],
        people=[person for _index, person in people],
        indicators=[indicator for _index, indicator in indicators],
        tasks=[task for _index, task in tasks],
    )


def _check_sections(checker: Checker, root: dict[str, Any]) -> None:
    for key in root:
        if key not in SECTIONS:
            close = difflib.get_close_matches(key, SECTIONS, n=1)
            context = {
                "key": key,
                "suggestion": close[0] if close else "",
                "allowed": ", ".join(SECTIONS),
            }
            kind = "extra_forbidden_suggestion" if close else "extra_forbidden"
            checker.add((key,), message_for(kind, context))
    for key in SECTIONS:
        if key not in root and key not in OPTIONAL_SECTIONS:
            checker.add((key,), message_for("missing", {}))


def _section(checker: Checker, root: dict[str, Any], name: str) -> list[Any] | None:
    """The section's items, or None when the section itself is unusable (reported once)."""
    value = root.get(name)
    if value is None:
        if name in OPTIONAL_SECTIONS:
            return []
        if name in root:  # an absent section is reported with the other missing keys
            checker.add((name,), message_for("seed_required", {}))
        return None
    if not isinstance(value, list):
        checker.add((name,), message_for("seed_not_list", {}))
        return None
    return value


def _raw_items(raw: dict[str, list[Any] | None], name: str) -> Iterator[tuple[int, dict]]:
    for index, item in enumerate(raw[name] or []):
        if isinstance(item, dict):
            yield index, item


def _items(checker: Checker, model: type[BaseModel], raw: dict, name: str) -> list[tuple[int, Any]]:
    """Validate each item on its own, so one broken item hides nothing about the others."""
    valid = []
    for index, item in enumerate(raw[name] or []):
        spec = checker.validate(model, item, (name, index))
        if spec is not None:
            valid.append((index, spec))
    return valid


def _codes(checker: Checker, raw: dict, name: str) -> set[str] | None:
    """Every code the section defines, reporting duplicates; None if the section is unusable.

    Broken items count too, so their problem is not repeated as an unknown code wherever
    they are used; an item written as a bare word ("- LD") is taken as meaning that code.
    """
    if raw[name] is None:
        return None
    seen: dict[str, int] = {}
    for index, item in enumerate(raw[name]):
        code = item.get("code") if isinstance(item, dict) else item
        if not isinstance(code, str) or not code.strip():
            continue
        code = code.strip()
        if code in seen:
            first = checker.line_of((name, seen[code], "code"))
            checker.add(
                (name, index, "code"),
                _("The code “%(code)s” is already used on line %(line)s.", code=code, line=first),
            )
        else:
            seen[code] = index
    return set(seen)


def _add_known_codes(known: dict[str, set[str] | None]) -> None:
    """A file may name units and people the app already knows, not only its own.

    Without an application (a file checked on its own) only the file's codes are known.
    """
    if not has_app_context():
        return
    if known["units"] is not None:
        known["units"] |= set(db.session.scalars(select(Unit.code)))
    if known["people"] is not None:
        known["people"] |= set(
            db.session.scalars(select(User.person_code).where(User.person_code.is_not(None)))
        )


def _check_references(checker: Checker, raw: dict, known: dict[str, set[str] | None]) -> None:
    unknown = {
        "units": _l(
            "No unit with the code “%(code)s” is defined under “units” in this file or known "
            "to the app."
        ),
        "people": _l(
            "No person with the code “%(code)s” is defined under “people” in this file or known "
            "to the app."
        ),
        "indicators": _l(
            "No indicator with the code “%(code)s” is defined under “indicators” in this file."
        ),
    }

    def check(location: Location, value: Any, section: str) -> None:
        codes = known[section]
        code = value.strip() if isinstance(value, str) else ""
        if codes is not None and code and code not in codes:
            checker.add(location, unknown[section] % {"code": code})

    for index, person in _raw_items(raw, "people"):
        check(("people", index, "unit"), person.get("unit"), "units")
    for index, indicator in _raw_items(raw, "indicators"):
        check(("indicators", index, "owner"), indicator.get("owner"), "units")
    for index, task in _raw_items(raw, "tasks"):
        location = ("tasks", index)
        check((*location, "owner"), task.get("owner"), "units")
        check((*location, "assignee"), task.get("assignee"), "people")
        check((*location, "supervisor"), task.get("supervisor"), "people")
        check((*location, "indicator"), task.get("indicator"), "indicators")
        cooperating = task.get("cooperating")
        for position, unit in enumerate(cooperating if isinstance(cooperating, list) else []):
            check((*location, "cooperating", position), unit, "units")
            if isinstance(unit, str) and unit.strip() == str(task.get("owner", "")).strip():
                checker.add(
                    (*location, "cooperating", position),
                    _(
                        "“%(code)s” owns this task; it cannot also be a cooperating unit.",
                        code=unit.strip(),
                    ),
                )




def _due_rule(checker: Checker, task: dict[str, Any], location: Location) -> dict | None:
    """Check ``due`` against the task's frequency and fill in the defaults."""
    written = task.get("frequency")
    if not isinstance(written, str) or written.strip() not in set(Frequency):
        return None  # the frequency itself is reported; its rule cannot be judged
    frequency = Frequency(written.strip())
    due, where = task.get("due"), (*location, "due")
    shape = _l(
        "A task done “%(frequency)s” takes this form here: %(example)s.",
        frequency=frequency.value,
        example=RULE_EXAMPLES[frequency],
    )
    if frequency == Frequency.ONCE:
        if due is None:
            checker.add(where, _("A one-off task needs its deadline under “due” (YYYY-MM-DD)."))
            return None
        if not isinstance(due, str):
            checker.add(where, str(shape))
            return None
        deadline = checker.check(where, parse_date, due)
        return {"date": deadline.isoformat(), "time": DEFAULT_TIME} if deadline else None
    if due is not None and not isinstance(due, dict):
        checker.add(where, str(shape))
        return None
    rule = checker.validate(RULE_MODELS[frequency], due or {}, where)
    return rule.model_dump(mode="json") if rule is not None else None


def _period_alone(directive: Any) -> Period | None:
    """The period, when it is sound though something else in the header is not.

    Its own problems were reported with the header; tasks are still checked against it.
    """
    try:
        return Period.model_validate(
            directive.get("period") if isinstance(directive, dict) else None
        )
    except ValidationError:
        return None


def _check_period(checker: Checker, period: Period) -> bool:
    if period.end >= period.start:
        return True
    checker.add(
        ("directive", "period", "end"),
        _(
            "The end date %(end)s is before the start date %(start)s.",
            end=period.end.isoformat(),
            start=period.start.isoformat(),
        ),
    )
    return False

