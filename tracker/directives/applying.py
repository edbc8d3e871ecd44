"""Apply a checked directive file: create or update units, people, the directive, its
indicators and tasks by their codes, writing an audit entry for each row created or changed.

Loading the same file again changes nothing and logs nothing; tasks the file no longer lists
are deactivated, never deleted. Only flushes: the caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from tracker.audit.services import changed, record, snapshot
from tracker.directives.models import Directive, Task
from tracker.directives.schema import DirectiveSpec
from tracker.extensions import db
from tracker.indicators.models import Indicator
from tracker.org.models import Role, Unit, UnitKind, User

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


@dataclass(frozen=True)
class Act:
    """Who loads the file, and why (an amendment of a published directive has a reason)."""

    actor: User | None
    reason: str = ""

    def log(self, action: str, obj: Any, *, before: dict | None = None, after: dict,
            summary: str) -> None:
        if self.reason:
            after = {**after, "reason": self.reason}
        record(self.actor, action, obj, before=before, after=after, summary=summary)


def apply_directive(spec: DirectiveSpec, actor: User | None, reason: str = "") -> SeedSummary:
    """Create or update everything the file describes, matched by codes; flush, never commit.

    Loading the same file again changes nothing and logs nothing. Tasks the file no longer
    lists are deactivated, never deleted: their occurrences are history.
    """
    counts = {kind: KindCounts() for kind in KINDS}
    act = Act(actor, reason)
    units = _apply_units(spec, act, counts)
    people = _apply_people(spec, units, act, counts)
    directive = _apply_directive_row(spec, act, counts)
    indicators = _apply_indicators(spec, directive, units, act, counts)
    _apply_tasks(spec, directive, units, people, indicators, act, counts)
    db.session.flush()
    listed = {item.code for item in spec.indicators}
    stale = sorted(code for code in indicators if code not in listed)
    return SeedSummary(directive, counts, stale)


def _create(
    obj: Any,
    kind: str,
    label: str,
    actor: Act,
    counts: dict[str, KindCounts],
    extra: dict[str, Any] | None = None,
) -> None:
    db.session.add(obj)
    db.session.flush()
    action = f"{ACTION_PREFIX.get(kind, kind)}.create"
    actor.log(action, obj, after={**snapshot(obj), **(extra or {})}, summary=label)
    counts[kind].created += 1


def _update(
    obj: Any,
    kind: str,
    label: str,
    values: dict[str, Any],
    actor: Act,
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
    actor.log(action, obj, before=old, after=new, summary=label)
    counts[kind].updated += 1


def _apply_units(
    spec: DirectiveSpec, actor: Act, counts: dict[str, KindCounts]
) -> dict[str, Unit]:
    # References may name any unit the app knows, not only those the file declares.
    units = {u.code: u for u in db.session.scalars(select(Unit))}
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
    spec: DirectiveSpec, units: dict[str, Unit], actor: Act, counts: dict[str, KindCounts]
) -> dict[str, User]:
    people = {
        u.person_code: u
        for u in db.session.scalars(select(User).where(User.person_code.is_not(None)))
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
    spec: DirectiveSpec, actor: Act, counts: dict[str, KindCounts]
) -> Directive:
    info = spec.directive
    values = {
        "number": info.number,
        "title": info.title,
        "issuer": info.issuer,
        "signer_name": info.signer.name,
        "signer_title": info.signer.title,
        "signer_authority": info.signer.authority,
        "doc_type": info.type,
        "summary": info.summary,
        "document_sha256": info.document.sha256 if info.document else None,
        "document_name": info.document.name if info.document else "",
        "place": info.place,
        "issued_on": info.issued_date,
        "issued_day_known": info.issued_day_known,
        "starts_on": info.period.start,
        "ends_on": info.period.end,
        "assumptions": list(info.assumptions),
    }
    label = f"{spec.code}: {info.title}"[:300]
    directive = db.session.scalar(select(Directive).where(Directive.code == spec.code))
    if directive is None:
        # The file it first came from; loading an export of it later does not rename it.
        directive = Directive(code=spec.code, status=info.status, source_file=spec.source[:300],
                              **values)
        _create(directive, "directive", label, actor, counts)
    else:
        _update(directive, "directive", label, values, actor, counts)
    return directive


def _apply_indicators(
    spec: DirectiveSpec,
    directive: Directive,
    units: dict[str, Unit],
    actor: Act,
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
            "aggregate": item.aggregate,
            "source": item.source,
            "doubt": item.doubt,
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
    actor: Act,
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
            "supervisor_id": people[item.supervisor].id if item.supervisor else None,
            "source": item.source,
            "doubt": item.doubt,
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
            actor.log(
                "task.deactivate",
                task,
                before={"is_active": True},
                after={"is_active": False},
                summary=f"{spec.code} / {code}: {task.title}",
            )
            counts["task"].deactivated += 1
