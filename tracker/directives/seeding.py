"""Load a directive file (seeds/directive_tasks.yaml) into units, people, indicators and tasks.

Two steps, so a broken file changes nothing: :func:`parse_directive` checks the whole file and
lists every problem with its line; :func:`apply_directive` then upserts by codes, writing an
audit entry for each row it creates or changes, and only flushes (the caller commits).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from pydantic import BaseModel, ValidationError
from sqlalchemy import select

from tracker.audit.services import changed, record, snapshot
from tracker.directives.models import Comparator, Directive, Frequency, Indicator, Task
from tracker.directives.schema import (
    DEFAULT_TIME,
    RULE_EXAMPLES,
    RULE_MODELS,
    Checker,
    DirectiveFileError,
    DirectiveInfo,
    DirectiveSpec,
    IndicatorSpec,
    Location,
    Period,
    PersonSpec,
    Problem,
    TaskSpec,
    UnitSpec,
    message_for,
    parse_date,
    read_yaml,
)
from tracker.extensions import db
from tracker.org.models import Role, Unit, UnitKind, User

__all__ = [
    "DirectiveFileError",
    "DirectiveSpec",
    "KindCounts",
    "Problem",
    "SeedSummary",
    "apply_directive",
    "load_file",
    "parse_directive",
    "parse_directive_bytes",
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
    return parse_directive_bytes(data, path.name)


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
    _check_references(checker, raw, known)
    for index, indicator in indicators:
        _check_indicator(checker, indicator, ("indicators", index))
    rules = {
        index: _due_rule(checker, item, ("tasks", index))
        for index, item in _raw_items(raw, "tasks")
    }
    period = info.period if info else _period_alone(root.get("directive"))
    # An inverted period is reported once, not again for every task that inherits it.
    if period is not None and _check_period(checker, period):
        tasks = [
            (index, _dated(checker, period, task, rules.get(index), ("tasks", index)))
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


def _check_references(checker: Checker, raw: dict, known: dict[str, set[str] | None]) -> None:
    unknown = {
        "units": _l("No unit with the code “%(code)s” is defined under “units” in this file."),
        "people": _l("No person with the code “%(code)s” is defined under “people” in this file."),
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


def _check_indicator(checker: Checker, indicator: IndicatorSpec, location: Location) -> None:
    comparator = indicator.comparator
    only_for = {"of": Comparator.RANK_AT_MOST, "baseline": Comparator.INCREASE_AT_LEAST}
    for key, allowed in only_for.items():
        if getattr(indicator, key) is not None and comparator != allowed:
            checker.add(
                (*location, key),
                _(
                    "“%(key)s” applies only to the comparator %(comparator)s.",
                    key=key,
                    comparator=allowed.value,
                ),
            )
    target = indicator.target
    if comparator == Comparator.INCREASE_AT_LEAST and indicator.baseline is None:
        checker.add(
            (*location, "baseline"),
            _("An increase is measured against a baseline: give the period, for example 2026-Q1."),
        )
    if comparator == Comparator.RANK_AT_MOST:
        if target < 1 or not target.is_integer():
            checker.add((*location, "target"), _("A rank must be a whole number of at least 1."))
        elif indicator.of is not None and target > indicator.of:
            checker.add(
                (*location, "target"),
                _(
                    "The rank %(target)s is beyond the number ranked (%(of)s).",
                    target=int(target),
                    of=indicator.of,
                ),
            )
    elif (
        indicator.unit == "%"
        and not 0 <= target <= 100
        and comparator != Comparator.INCREASE_AT_LEAST
    ):
        checker.add((*location, "target"), _("A percentage must be between 0 and 100."))
    if indicator.milestone and indicator.due and indicator.milestone > indicator.due:
        checker.add(
            (*location, "milestone"),
            _(
                "The milestone %(milestone)s is after the deadline %(due)s.",
                milestone=indicator.milestone.isoformat(),
                due=indicator.due.isoformat(),
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


def _dated(
    checker: Checker, period: Period, task: TaskSpec, rule: dict | None, location: Location
) -> TaskSpec:
    """Fill in the task's dates from the directive's period and check they hold together."""
    start, end = task.start or period.start, task.end or period.end
    for key, value in (("start", task.start), ("end", task.end)):
        if value is not None and not period.start <= value <= period.end:
            checker.add(
                (*location, key),
                _(
                    "The date %(value)s is outside the directive's period (%(start)s to %(end)s).",
                    value=value.isoformat(),
                    start=period.start.isoformat(),
                    end=period.end.isoformat(),
                ),
            )
    if end < start:
        checker.add(
            (*location, "end" if task.end else "start"),
            _(
                "The end date %(end)s is before the start date %(start)s.",
                end=end.isoformat(),
                start=start.isoformat(),
            ),
        )
    if rule and "date" in rule and not start <= date.fromisoformat(rule["date"]) <= end:
        checker.add(
            (*location, "due"),
            _(
                "The deadline %(value)s is outside the task's dates (%(start)s to %(end)s).",
                value=rule["date"],
                start=start.isoformat(),
                end=end.isoformat(),
            ),
        )
    return task.model_copy(update={"start": start, "end": end, "due": rule})


# Applying a checked file ------------------------------------------------------------------------

KINDS = ("unit", "person", "directive", "indicator", "task")
# The audit log names people by their table: they are user accounts.
ACTION_PREFIX = {"person": "user"}


@dataclass
class KindCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0


@dataclass
class SeedSummary:
    """What loading a file did, per kind of row, for the command line and the import page."""

    directive: Directive
    counts: dict[str, KindCounts]
    # Indicators the file no longer lists. They are kept (readings may refer to them).
    stale_indicators: list[str]

    @property
    def total_created(self) -> int:
        return sum(counts.created for counts in self.counts.values())

    @property
    def total_updated(self) -> int:
        return sum(counts.updated for counts in self.counts.values())

    @property
    def total_unchanged(self) -> int:
        return sum(counts.unchanged for counts in self.counts.values())

    @property
    def total_deactivated(self) -> int:
        return sum(counts.deactivated for counts in self.counts.values())


def apply_directive(spec: DirectiveSpec, actor: User | None) -> SeedSummary:
    """Create or update everything the file describes, matched by codes; flush, never commit.

    Loading the same file again changes nothing and logs nothing. Tasks the file no longer
    lists are deactivated, never deleted: their occurrences are history.
    """
    counts = {kind: KindCounts() for kind in KINDS}
    units = _apply_units(spec, actor, counts)
    people = _apply_people(spec, units, actor, counts)
    directive = _apply_directive_row(spec, actor, counts)
    indicators = _apply_indicators(spec, directive, units, actor, counts)
    _apply_tasks(spec, directive, units, people, indicators, actor, counts)
    db.session.flush()
    listed = {item.code for item in spec.indicators}
    stale = sorted(code for code in indicators if code not in listed)
    return SeedSummary(directive, counts, stale)


def _create(
    obj: Any,
    kind: str,
    label: str,
    actor: User | None,
    counts: dict[str, KindCounts],
    extra: dict[str, Any] | None = None,
) -> None:
    db.session.add(obj)
    db.session.flush()
    action = f"{ACTION_PREFIX.get(kind, kind)}.create"
    record(actor, action, obj, after={**snapshot(obj), **(extra or {})}, summary=label)
    counts[kind].created += 1


def _update(
    obj: Any,
    kind: str,
    label: str,
    values: dict[str, Any],
    actor: User | None,
    counts: dict[str, KindCounts],
    extra: tuple[dict, dict] = ({}, {}),
) -> None:
    """Set the values that differ; log the difference, or count the row as unchanged."""
    before = snapshot(obj, values)
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
    old, new = changed(before, snapshot(obj, values))
    old, new = {**old, **extra[0]}, {**new, **extra[1]}
    if not new:
        counts[kind].unchanged += 1
        return
    action = f"{ACTION_PREFIX.get(kind, kind)}.update"
    record(actor, action, obj, before=old, after=new, summary=label)
    counts[kind].updated += 1


def _apply_units(
    spec: DirectiveSpec, actor: User | None, counts: dict[str, KindCounts]
) -> dict[str, Unit]:
    codes = [item.code for item in spec.units]
    units = {u.code: u for u in db.session.scalars(select(Unit).where(Unit.code.in_(codes)))}
    for item in spec.units:
        values = {"name": item.name, "kind": item.kind}
        label = f"{item.code}: {item.name} ({spec.source})"
        unit = units.get(item.code)
        if unit is None:
            # The leadership directs the work; it is not itself ranked each month.
            ranked = item.kind != UnitKind.LEADERSHIP
            unit = units[item.code] = Unit(code=item.code, is_ranked=ranked, **values)
            _create(unit, "unit", label, actor, counts)
        else:
            _update(unit, "unit", label, values, actor, counts)
    return units


def _apply_people(
    spec: DirectiveSpec, units: dict[str, Unit], actor: User | None, counts: dict[str, KindCounts]
) -> dict[str, User]:
    codes = [item.code for item in spec.people]
    people = {
        u.person_code: u
        for u in db.session.scalars(select(User).where(User.person_code.in_(codes)))
    }
    for item in spec.people:
        unit = units[item.unit]
        values: dict[str, Any] = {"full_name": item.name, "title": item.title, "unit_id": unit.id}
        # An administrator may change a role later: reloading the file keeps it unless the
        # file states one.
        if item.role is not None:
            values["role"] = item.role
        label = f"{item.code}: {item.name} ({spec.source})"
        person = people.get(item.code)
        if person is None:
            default = Role.LEADER if unit.kind == UnitKind.LEADERSHIP else Role.STAFF
            values.setdefault("role", default)
            person = people[item.code] = User(
                username=_free_username(item.code),
                person_code=item.code,
                password_hash=None,
                **values,
            )
            _create(person, "person", label, actor, counts)
        else:
            _update(person, "person", label, values, actor, counts)
    return people


def _free_username(code: str) -> str:
    """The code in lower case, numbered if someone already has it."""
    base = code.lower()
    candidate, number = base, 1
    while db.session.scalar(select(User.id).where(User.username == candidate)) is not None:
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def _apply_directive_row(
    spec: DirectiveSpec, actor: User | None, counts: dict[str, KindCounts]
) -> Directive:
    info = spec.directive
    values = {
        "number": info.number,
        "title": info.title,
        "issuer": info.issuer,
        "signer_name": info.signer.name,
        "signer_title": info.signer.title,
        "place": info.place,
        "issued_on": info.issued_date,
        "issued_day_known": info.issued_day_known,
        "starts_on": info.period.start,
        "ends_on": info.period.end,
        "assumptions": list(info.assumptions),
        "source_file": spec.source[:300],
    }
    label = f"{spec.code}: {info.title}"[:300]
    directive = db.session.scalar(select(Directive).where(Directive.code == spec.code))
    if directive is None:
        directive = Directive(code=spec.code, **values)
        _create(directive, "directive", label, actor, counts)
    else:
        _update(directive, "directive", label, values, actor, counts)
    return directive


def _apply_indicators(
    spec: DirectiveSpec,
    directive: Directive,
    units: dict[str, Unit],
    actor: User | None,
    counts: dict[str, KindCounts],
) -> dict[str, Indicator]:
    indicators = {
        i.code: i
        for i in db.session.scalars(select(Indicator).where(Indicator.directive_id == directive.id))
    }
    for position, item in enumerate(spec.indicators):
        values = {
            "name": item.name,
            "comparator": item.comparator,
            "target": item.target,
            "unit_of_measure": item.unit,
            "owner_unit_id": units[item.owner].id,
            "due_on": item.due,
            "params": item.params,
            "position": position,
        }
        label = f"{spec.code} / {item.code}: {item.name}"
        indicator = indicators.get(item.code)
        if indicator is None:
            indicator = Indicator(directive=directive, code=item.code, **values)
            indicators[item.code] = indicator
            _create(indicator, "indicator", label, actor, counts)
        else:
            _update(indicator, "indicator", label, values, actor, counts)
    return indicators


def _apply_tasks(
    spec: DirectiveSpec,
    directive: Directive,
    units: dict[str, Unit],
    people: dict[str, User],
    indicators: dict[str, Indicator],
    actor: User | None,
    counts: dict[str, KindCounts],
) -> None:
    tasks = {
        t.code: t for t in db.session.scalars(select(Task).where(Task.directive_id == directive.id))
    }
    for position, item in enumerate(spec.tasks):
        values = {
            "clause": item.clause,
            "title": item.title,
            "description": item.description,
            "owner_unit_id": units[item.owner].id,
            "assignee_id": people[item.assignee].id if item.assignee else None,
            "frequency": item.frequency,
            "due_rule": item.due,
            "starts_on": item.start,
            "ends_on": item.end,
            "outcome": item.outcome,
            "indicator_id": indicators[item.indicator].id if item.indicator else None,
            "position": position,
            "is_active": True,
        }
        cooperating = [units[code] for code in sorted(set(item.cooperating))]
        label = f"{spec.code} / {item.code}: {item.title}"
        task = tasks.get(item.code)
        if task is None:
            task = Task(
                directive=directive, code=item.code, cooperating_units=cooperating, **values
            )
            new = [unit.code for unit in cooperating]
            _create(task, "task", label, actor, counts, {"cooperating_units": new})
            continue
        old = sorted(unit.code for unit in task.cooperating_units)
        new = [unit.code for unit in cooperating]
        extra: tuple[dict, dict] = ({}, {})
        if old != new:
            task.cooperating_units = cooperating
            extra = ({"cooperating_units": old}, {"cooperating_units": new})
        _update(task, "task", label, values, actor, counts, extra)
    listed = {item.code for item in spec.tasks}
    for code, task in sorted(tasks.items()):
        if code not in listed and task.is_active:
            task.is_active = False
            record(
                actor,
                "task.deactivate",
                task,
                before={"is_active": True},
                after={"is_active": False},
                summary=f"{spec.code} / {code}: {task.title}",
            )
            counts["task"].deactivated += 1
