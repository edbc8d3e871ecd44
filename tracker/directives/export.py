"""Write a directive back as a file in the seed schema: loading it again changes nothing.

The same mapping fills the editor's form, so what the editor shows, what a file says and
what is stored are one thing.
"""

from __future__ import annotations

from typing import Any

import yaml
from sqlalchemy import select

from tracker.directives.models import Directive, Frequency, Task
from tracker.directives.values import CODE_PATTERN
from tracker.extensions import db
from tracker.indicators.models import Aggregate, Indicator
from tracker.org.models import Unit, User

HEADER = "# Exported from Rõ việc; load it with: flask --app tracker seed FILE\n"


def _number(value: float) -> str:
    return f"{value:g}"


def _put(mapping: dict[str, Any], key: str, value: Any) -> None:
    """Write optional keys only when they hold something, so the file stays short."""
    if value not in (None, "", [], {}):
        mapping[key] = value


def directive_mapping(directive: Directive) -> dict[str, Any]:
    tasks = [task for task in directive.tasks if task.is_active]
    indicators = list(directive.indicators)
    people = _people(tasks)
    unit_ids = {task.owner_unit_id for task in tasks} | {i.owner_unit_id for i in indicators}
    unit_ids |= {unit.id for task in tasks for unit in task.cooperating_units}
    unit_ids |= {person.unit_id for person in people if person.unit_id}
    units = db.session.scalars(select(Unit).where(Unit.id.in_(unit_ids)).order_by(Unit.code))
    return {
        "directive": _header(directive),
        "units": [{"code": u.code, "name": u.name, "kind": u.kind.value} for u in units],
        "people": [_person(person) for person in people],
        "indicators": [_indicator(indicator) for indicator in indicators],
        "tasks": [_task(task, directive) for task in tasks],
    }


def export_yaml(directive: Directive) -> str:
    body = yaml.safe_dump(directive_mapping(directive), allow_unicode=True, sort_keys=False,
                          width=100, default_flow_style=False)
    return HEADER + body


def _header(directive: Directive) -> dict[str, Any]:
    issued = directive.issued_on
    info: dict[str, Any] = {}
    # A key taken from a number such as "12/TB-UBND" is not a valid code: the number, written
    # below, yields it again.
    _put(info, "code", directive.code if CODE_PATTERN.fullmatch(directive.code) else None)
    info.update(number=directive.number, title=directive.title)
    _put(info, "type", directive.doc_type.value if directive.doc_type else None)
    _put(info, "summary", directive.summary)
    info["status"] = directive.status.value
    info["issuer"] = directive.issuer
    signer = {"name": directive.signer_name, "title": directive.signer_title}
    _put(signer, "authority", directive.signer_authority)
    info["signer"] = signer
    _put(info, "place", directive.place)
    if issued is not None:
        info["issued_on"] = issued.isoformat() if directive.issued_day_known else issued.strftime(
            "%Y-%m")
    info["period"] = {"start": directive.starts_on.isoformat(),
                      "end": directive.ends_on.isoformat()}
    _put(info, "assumptions", list(directive.assumptions or []))
    if directive.document_sha256:
        info["document"] = {"name": directive.document_name or "document",
                            "sha256": directive.document_sha256}
    return info


def _people(tasks: list[Task]) -> list[User]:
    found: dict[int, User] = {}
    for task in tasks:
        for person in (task.assignee, task.supervisor):
            if person is not None and person.person_code:
                found[person.id] = person
    return sorted(found.values(), key=lambda person: person.person_code or "")


def _person(person: User) -> dict[str, Any]:
    item: dict[str, Any] = {"code": person.person_code, "name": person.full_name}
    _put(item, "title", person.title)
    item["unit"] = person.unit.code if person.unit else ""
    item["role"] = person.role.value
    return item


def _indicator(indicator: Indicator) -> dict[str, Any]:
    item: dict[str, Any] = {"code": indicator.code, "name": indicator.name,
                            "comparator": indicator.comparator.value,
                            "target": _number(indicator.target)}
    _put(item, "unit", indicator.unit_of_measure)
    item["owner"] = indicator.owner_unit.code
    _put(item, "due", indicator.due_on.isoformat() if indicator.due_on else None)
    params = indicator.params or {}
    _put(item, "of", str(params["of"]) if "of" in params else None)
    _put(item, "baseline", params.get("baseline"))
    _put(item, "milestone", params.get("milestone"))
    if indicator.aggregate != Aggregate.LAST:
        item["aggregate"] = indicator.aggregate.value
    _put(item, "source", indicator.source)
    _put(item, "doubt", indicator.doubt)
    return item


def _task(task: Task, directive: Directive) -> dict[str, Any]:
    item: dict[str, Any] = {"code": task.code, "clause": task.clause, "title": task.title}
    _put(item, "description", task.description)
    item["owner"] = task.owner_unit.code
    _put(item, "assignee", task.assignee.person_code if task.assignee else None)
    _put(item, "supervisor", task.supervisor.person_code if task.supervisor else None)
    item["frequency"] = task.frequency.value
    item["due"] = due_for_file(task.frequency, task.due_rule or {})
    _put(item, "outcome", task.outcome)
    _put(item, "indicator", task.indicator.code if task.indicator else None)
    if task.starts_on != directive.starts_on:
        item["start"] = task.starts_on.isoformat()
    if task.ends_on != directive.ends_on:
        item["end"] = task.ends_on.isoformat()
    _put(item, "cooperating", [unit.code for unit in task.cooperating_units])
    _put(item, "source", task.source)
    _put(item, "doubt", task.doubt)
    return item


def due_for_file(frequency: Frequency, rule: dict[str, Any]) -> Any:
    """A one-off task's deadline is a date; every other rule a mapping of its keys."""
    if frequency == Frequency.ONCE:
        return rule.get("date")
    return {key: [str(day) for day in value] if key == "days" else str(value)
            for key, value in rule.items()}
