"""A draft directive file (the seed schema, status: draft) from a signed document."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import yaml

from tracker.intake.clauses import read_outline
from tracker.intake.extract import Block
from tracker.intake.header import read_header, read_signature
from tracker.intake.proposals import Proposal, Proposer
from tracker.intake.rules import find_dates, quarter_end
from tracker.intake.tables import table_proposals
from tracker.intake.targets import Target
from tracker.intake.text import fold
from tracker.intake.units import Unit, UnitMatcher
from tracker.intake.vocabulary import Vocabulary


@dataclass
class Draft:
    data: dict[str, Any]
    doubts: int = 0
    notes: list[str] = field(default_factory=list)

    def to_yaml(self) -> str:
        return yaml.dump(self.data, Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                         width=100)


class _Dumper(yaml.SafeDumper):
    pass


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = ">" if len(value) > 90 else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def _issued(value: str) -> tuple[date | None, bool]:
    if not value:
        return None, False
    if len(value) == 7:
        return date.fromisoformat(f"{value}-01"), False
    return date.fromisoformat(value), True


def build(blocks: list[Block], vocabulary: Vocabulary,
          known: list[tuple[str, str, str]] | None) -> Draft:
    lines = [block.text for block in blocks if not block.cells]
    rows = [block for block in blocks if block.cells]
    matcher = UnitMatcher(vocabulary, known)
    header, body_start = read_header(lines, vocabulary)
    closing = read_signature(lines, vocabulary, header)
    issued, _day_known = _issued(header.issued_on)
    doubts = list(header.doubts)
    if issued is None:
        dates = [value for _p, value in find_dates(" ".join(lines), date(2000, 1, 1))]
        issued = date(min(dates).year, 1, 1) if dates else date(2000, 1, 1)
        doubts.append("issued_on")
    default_once = quarter_end(issued.year, ((issued + timedelta(days=30)).month - 1) // 3 + 1)
    if (issued + timedelta(days=30)).year > issued.year:
        default_once = quarter_end(issued.year, 4)
    outline = read_outline(lines[body_start:closing], matcher, vocabulary)
    proposer = Proposer(vocabulary, matcher, issued, default_once, outline.people)
    tasks, loose = proposer.read(outline.paragraphs)
    tasks += table_proposals(rows, proposer)
    notes = vocabulary["doubts"]
    end = _period_end(lines[body_start:closing], issued, tasks, loose)
    data: dict[str, Any] = {"directive": _directive(header, issued, end, doubts, notes)}
    builder = _Builder(matcher, notes, issued, end)
    indicators = [builder.indicator(t, None, None) for t in loose]
    task_items = [builder.task(p) for p in tasks]
    data["units"] = builder.units()
    data["people"] = builder.people()
    data["indicators"] = [*indicators, *builder.linked]
    data["tasks"] = task_items
    count = sum(1 for item in [*data["indicators"], *task_items] if item.get("doubt"))
    return Draft(data, count)


def _period_end(lines: list[str], issued: date, tasks: list[Proposal],
                loose: list[Target]) -> date:
    end = date(issued.year, 12, 31)
    text = fold(" ".join(lines))
    import re

    for found in re.finditer(r"(?:đến|tới)\s+hết\s+năm\s+(\d{4})", text):
        end = max(end, date(int(found.group(1)), 12, 31))
    for proposal in tasks:
        timing = proposal.timing
        if timing.frequency == "once":
            end = max(end, date.fromisoformat(timing.due))
        if timing.end:
            end = max(end, timing.end)
        for target in proposal.targets:
            end = max(end, target.due or end)
    for target in loose:
        end = max(end, target.due or end)
    return end


def _directive(header, issued: date, end: date, doubts: list[str], notes: dict) -> dict:
    title = header.summary or header.number or "Văn bản"
    title = title[:1].upper() + title[1:]
    info: dict[str, Any] = {
        "status": "draft",
        "type": header.type or "other",
        "number": header.number,
        "title": title,
        "summary": header.summary,
        "issuer": header.issuer,
        "signer": {"name": header.signer_name or "(chưa rõ)",
                   "title": header.signer_title or "(chưa rõ)",
                   "authority": header.authority},
        "place": header.place,
        "issued_on": header.issued_on or issued.isoformat(),
        "period": {"start": issued.isoformat(), "end": end.isoformat()},
    }
    if not header.summary:
        del info["summary"]
    if doubts:
        info["assumptions"] = [notes[d] for d in dict.fromkeys(doubts)]
    return info


class _Builder:
    def __init__(self, matcher: UnitMatcher, notes: dict, issued: date, end: date):
        self.matcher = matcher
        self.notes = notes
        self.issued = issued
        self.end = end
        self.used: dict[str, Unit] = {}
        self.persons: dict[str, tuple[Any, str]] = {}
        self.codes: set[str] = set()
        self.linked: list[dict] = []
        self.count = 0

    def _unit(self, unit: Unit | None) -> str:
        unit = unit or self.matcher.office() or self.matcher.leadership()
        self.used[unit.code] = unit
        return unit.code

    def _note(self, doubts: list[str]) -> str:
        return " ".join(self.notes[d] for d in dict.fromkeys(doubts))

    def indicator(self, target: Target, owner: Unit | None, due: date | None) -> dict:
        self.count += 1
        doubts = list(target.doubts)
        if owner is None:
            doubts.append("target_owner")
        item: dict[str, Any] = {
            "code": f"CT-{self.count:02d}",
            "name": target.name or f"Chỉ tiêu {self.count}",
            "comparator": target.comparator,
            "target": int(target.target) if target.target.is_integer() else target.target,
            "unit": target.unit,
            "owner": self._unit(owner),
            "due": min(target.due or due or self.end, self.end).isoformat(),
        }
        if target.of:
            item["of"] = target.of
        if target.baseline:
            item["baseline"] = target.baseline
        if target.milestone and target.milestone <= self.end:
            item["milestone"] = target.milestone.isoformat()
        item["source"] = target.source if hasattr(target, "source") else ""
        if doubts:
            item["doubt"] = self._note(doubts)
        return item

    def task(self, proposal: Proposal) -> dict:
        timing = proposal.timing
        owner = self._unit(proposal.owner)
        base = f"{proposal.clause or '0'}-{owner}"
        number = 1
        while f"{base}-{number:02d}" in self.codes:
            number += 1
        code = f"{base}-{number:02d}"
        self.codes.add(code)
        title = proposal.text if len(proposal.text) <= 300 else proposal.text[:297] + "…"
        item: dict[str, Any] = {"code": code, "clause": proposal.clause or "0", "title": title}
        if title != proposal.text:
            item["description"] = proposal.text
        item["owner"] = owner
        if proposal.person is not None:
            self.persons[proposal.person.code] = (proposal.person, owner)
            item["assignee"] = proposal.person.code
        if proposal.supervisor is not None:
            leaders = self._unit(self.matcher.leadership())
            self.persons.setdefault(proposal.supervisor.code, (proposal.supervisor, leaders))
            item["supervisor"] = proposal.supervisor.code
        item["frequency"] = timing.frequency
        doubts = [*proposal.doubts, *timing.doubts]
        if timing.frequency == "once":
            due = date.fromisoformat(timing.due)
            if not self.issued <= due <= self.end:
                doubts.append("due_outside")
                due = min(max(due, self.issued), self.end)
            item["due"] = due.isoformat()
        elif timing.due:
            item["due"] = timing.due
        if timing.start and self.issued <= timing.start <= self.end:
            item["start"] = timing.start.isoformat()
        if timing.end and self.issued <= timing.end <= self.end and timing.frequency != "once":
            item["end"] = timing.end.isoformat()
        if proposal.cooperating:
            item["cooperating"] = [self._unit(unit) for unit in proposal.cooperating]
        once_due = date.fromisoformat(item["due"]) if timing.frequency == "once" else None
        for number, target in enumerate(proposal.targets):
            target.source = proposal.source
            indicator = self.indicator(target, proposal.owner, once_due)
            self.linked.append(indicator)
            if number == 0:
                item["indicator"] = indicator["code"]
        item["source"] = proposal.source
        if doubts:
            item["doubt"] = self._note(doubts)
        return item

    def units(self) -> list[dict]:
        for _person, owner in self.persons.values():
            self.used.setdefault(owner, self.matcher.units[owner])
        return [{"code": u.code, "name": u.name, "kind": u.kind}
                for u in self.used.values() if not u.known]

    def people(self) -> list[dict]:
        return [{"code": person.code, "name": person.name, "title": person.title, "unit": owner}
                for person, owner in self.persons.values()]
