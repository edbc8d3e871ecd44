"""The body's clause hierarchy (I., 1., 1.1., a), -, +) and the context each paragraph sits in."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tracker.intake.text import fold
from tracker.intake.units import Person, Unit, UnitMatcher, find_person, person_code
from tracker.intake.vocabulary import Vocabulary

ROMAN = re.compile(r"^([IVX]{1,4})[.)]\s*(.*)$")
NUMBERED = re.compile(
    r"^(\d{1,2}(?:\.\d{1,2}){0,3})(?:\.|\))\s*(.*)$|^(\d{1,2}(?:\.\d{1,2}){1,3})\s+(.*)$"
)
LETTER = re.compile(r"^([a-zđ])\)\s*(.*)$|^([a-zđ])\.\s+([A-ZÀ-ỸĐ].*)$")
BULLET = re.compile(r"^[-–•+*]\s*(.*)$")
LABEL = re.compile(r"^[^.;]{2,40}:$")
# A plan's task written as fields: "- Đơn vị chủ trì: …", "- Thời gian hoàn thành: …".
FIELD = re.compile(
    r"^(?P<key>(?:đơn vị|cơ quan|bộ phận)\s+(?:chủ trì|thực hiện|phụ trách|phối hợp)|chủ trì"
    r"|phối hợp|thời gian(?:\s+(?:thực hiện|hoàn thành))?|thời hạn(?:\s+hoàn thành)?|tiến độ"
    r"|sản phẩm|kết quả)\s*:\s*(?P<value>.+)$"
)


@dataclass
class Context:
    owner: Unit | None = None
    person: Person | None = None
    all_units: bool = False
    kind: str = "tasks"  # tasks | skip | targets | closing
    also: tuple = ()  # other units a heading lists as owners ("3. Phòng A, Phòng B:")


@dataclass
class Paragraph:
    clause: str
    text: str
    context: Context
    numbered: bool  # the clause's own text (after its number), or a bullet under it
    before_clauses: bool = False
    label: str = ""
    cooperating: list = field(default_factory=list)  # from a "Đơn vị phối hợp:" line


@dataclass
class Level:
    rank: int
    label: str
    context: Context


@dataclass
class Outline:
    paragraphs: list[Paragraph] = field(default_factory=list)
    people: dict[str, Person] = field(default_factory=dict)


def _rank(kind: str, label: str) -> int:
    if kind == "roman":
        return 0
    if kind == "number":
        return 1 + label.count(".")
    return 10


def _clause(stack: list[Level]) -> str:
    parts = [level.label for level in stack if level.rank == 0]
    numbers = [level.label for level in stack if 1 <= level.rank < 10]
    if numbers:
        parts.append(numbers[-1])
    parts += [level.label for level in stack if level.rank == 10]
    return ".".join(parts)


def read_outline(lines: list[str], matcher: UnitMatcher, vocabulary: Vocabulary) -> Outline:
    outline = Outline()
    stack: list[Level] = []
    root = Context()
    label = ""
    recipients = _recipients(lines, matcher)
    if len(recipients) == 1:  # a letter to one unit: its requests are that unit's work
        root.owner = recipients[0]
    heading_text = ""
    task: Paragraph | None = None
    for line in lines:
        heading = _heading(line)
        if heading is None:
            bullet = BULLET.match(line)
            text = bullet.group(1) if bullet else line
            field_line = FIELD.match(fold(text).rstrip("."))
            if field_line and stack:
                task = _field(field_line, text, stack, heading_text, task, matcher, outline)
                continue
            if LABEL.match(text) and not bullet:
                label = text.rstrip(":").strip()
                continue
            context = stack[-1].context if stack else root
            outline.paragraphs.append(Paragraph(_clause(stack), text, context, bool(bullet),
                                                before_clauses=not stack, label=label))
            continue
        kind, number, text = heading
        rank = _rank(kind, number)
        while stack and stack[-1].rank >= rank:
            stack.pop()
        parent = stack[-1].context if stack else root
        context, is_heading = _context(text, parent, matcher, vocabulary, outline)
        stack.append(Level(rank, number, context))
        label = ""
        heading_text, task = (text if is_heading else ""), None
        if not is_heading and text:
            task = Paragraph(_clause(stack), text, context, True)
            outline.paragraphs.append(task)
    return outline


def _field(found: re.Match, text: str, stack: list[Level], heading_text: str,
           task: Paragraph | None, matcher: UnitMatcher, outline: Outline) -> Paragraph | None:
    """Fold a "Đơn vị chủ trì: …" or "Thời gian: …" line into the clause's task."""
    key = found.group("key")
    value = text.split(":", 1)[1].strip().rstrip(".")
    level = stack[-1]
    if task is None and heading_text:
        level.context = Context(level.context.owner, level.context.person,
                                level.context.all_units, "tasks")
        task = Paragraph(_clause(stack), heading_text, level.context, True)
        outline.paragraphs.append(task)
    if task is None:
        return None
    units = [unit for _s, _e, unit in matcher.find(value)]
    if "phối hợp" in key:
        task.cooperating += [unit for unit in units if unit not in task.cooperating]
    elif key.startswith(("đơn vị", "cơ quan", "bộ phận", "chủ trì")):
        owner = units[0] if units else matcher.new_unit(value)
        task.context = Context(owner, None, False, task.context.kind)
        task.cooperating += [unit for unit in units[1:] if unit not in task.cooperating]
    elif key.startswith(("thời", "tiến")):
        when = fold(value)
        if re.match(r"^(quý|tháng|năm)\s", when):
            value = f"trong {value}"
        elif re.match(r"^\d{1,2}\s*/\s*\d{1,2}", when):
            value = f"trước ngày {value}"
        task.text = f"{task.text.rstrip('.; ')}; {value}."
    return task


def _recipients(lines: list[str], matcher: UnitMatcher) -> list[Unit]:
    """The units a letter is addressed to ("Kính gửi: …" and the lines under it)."""
    for index, line in enumerate(lines[:12]):
        found = re.match(r"^kính gửi\s*:?\s*(.*)$", fold(line))
        if not found:
            continue
        names = [line[found.start(1):]] if found.group(1) else []
        for follow in lines[index + 1:index + 8]:
            if not BULLET.match(follow):
                break
            names.append(follow)
        units = []
        for name in names:
            units += [unit for _s, _e, unit in matcher.find(name) if unit not in units]
        return units
    return []


def _heading(line: str) -> tuple[str, str, str] | None:
    for kind, pattern in (("roman", ROMAN), ("number", NUMBERED), ("letter", LETTER)):
        found = pattern.match(line)
        if found:
            groups = [g for g in found.groups() if g is not None]
            return kind, groups[0], groups[1].strip() if len(groups) > 1 else ""
    return None


def _context(text: str, parent: Context, matcher: UnitMatcher, vocabulary: Vocabulary,
             outline: Outline) -> tuple[Context, bool]:
    """The context a heading opens, and whether the heading is only a heading."""
    context = Context(parent.owner, parent.person, parent.all_units, parent.kind, parent.also)
    folded = fold(text).strip(" .:")
    person = find_person(text)
    if person and fold(text).startswith(("đồng chí", "đ/c", "ông", "bà")):
        context.person = _person(person, outline)
        context.owner = _person_unit(context.person, matcher, vocabulary)
        context.also = ()
        return context, len(text.split()) <= 16
    unit = matcher.exact(text)
    if unit is not None:
        context.owner, context.person, context.all_units = unit, None, False
        context.also = ()
        return context, True
    listed = _listed_units(text, matcher)
    if len(listed) >= 2:  # "3. Phòng Văn hóa – Xã hội, Phòng Kinh tế:": each does the work
        context.owner, context.person, context.all_units = listed[0], None, False
        context.also = tuple(listed[1:])
        return context, True
    every = r"^(đối với\s+)?(thủ trưởng\s+)?các (cơ quan|đơn vị|phòng|ban|ngành|thôn)"
    if re.match(every, folded) and len(folded.split()) <= 8:
        context.owner, context.person, context.all_units = None, None, True
        return context, True
    if len(folded.split()) > 12 or text.rstrip().endswith(";"):
        return context, False
    sections = [*vocabulary.phrases("no_task_sections"), *vocabulary.phrases("target_sections"),
                "tổ chức thực hiện", "nhiệm vụ", "giải pháp"]
    if not any(word in folded for word in sections) and not re.search(r"\d", folded):
        unit = matcher.new_unit(text) if len(folded.split()) <= 8 else None
        if unit is not None:
            context.owner, context.person = unit, None
            return context, True
    if text.rstrip().endswith("."):
        return context, False
    if any(folded.startswith(word) or f" {word}" in f" {folded}"
           for word in vocabulary.phrases("no_task_sections")) and "nhiệm vụ" not in folded:
        context.kind = "skip"
    elif any(word in folded for word in vocabulary.phrases("target_sections")):
        context.kind = "targets"
    elif "tổ chức thực hiện" in folded:
        context.kind = "closing"
        context.owner, context.person = None, None
    elif "nhiệm vụ" in folded or "giải pháp" in folded:
        context.kind = "tasks"
    return context, True


def _person(found: tuple[str, str], outline: Outline) -> Person:
    name, title = found
    code = person_code(name)
    person = outline.people.get(code) or Person(code, name, title)
    outline.people[code] = person
    return person


def _person_unit(person: Person, matcher: UnitMatcher, vocabulary: Vocabulary) -> Unit | None:
    title = fold(person.title)
    if any(fold(word) in title for word in vocabulary["leader_titles"]) or not title:
        return matcher.leadership()
    found = matcher.find(person.title)
    return found[0][2] if found else matcher.leadership()


def _listed_units(text: str, matcher: UnitMatcher) -> list[Unit]:
    """The units of a heading that is only a list of units ("A, B và C:")."""
    from tracker.intake.units import canonical

    found = matcher.find(text)
    folded = canonical(text)
    rest, last = "", 0
    for start, end, _unit in found:
        rest += folded[last:start]
        last = end
    rest += folded[last:]
    rest = re.sub(r"^(?:giao|đối với|đề nghị|yêu cầu)\s+", "", rest.strip())
    if re.sub(r"[\s,;:.]|\bvà\b", "", rest):
        return []
    units: list[Unit] = []
    for _s, _e, unit in found:
        if unit not in units:
            units.append(unit)
    return units
