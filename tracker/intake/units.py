"""Which unit or person a phrase names: the commune's units, their short forms, new ones."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tracker.intake.text import ascii_key, fold
from tracker.intake.vocabulary import UnitEntry, Vocabulary

_SUFFIX = r"(?:\s+(?:xã|phường|thị trấn))?"
_NAME_WORD = r"[A-ZÀ-ỸĐ][a-zà-ỹđ]+"
PERSON = re.compile(
    rf"(?:[Đđ]ồng chí|[Đđ]/c|[Ôô]ng|[Bb]à)\s+((?:{_NAME_WORD}\s+){{1,4}}{_NAME_WORD})"
    rf"(?:\s*[–-]\s*([^;:.,]+?))?(?=\s*[;:.,]|\s+(?:trực tiếp|chủ trì|chỉ đạo|phụ trách)|$)"
)


def canonical(text: str) -> str:
    text = fold(text)
    text = re.sub(r"hđnd(?: và |-| - )ubnd", "hđnd-ubnd", text)
    text = text.replace("ủy ban nhân dân", "ubnd").replace("hội đồng nhân dân", "hđnd")
    return re.sub(r"văn hóa(?: và |-)xã hội", "văn hóa-xã hội", text)


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    kind: str
    known: bool  # in the database (or the list given): referred to, never declared


@dataclass(frozen=True)
class Person:
    code: str
    name: str
    title: str


class UnitMatcher:
    """Find units in text by full name, short form or abbreviation, with or without "xã"."""

    def __init__(self, vocabulary: Vocabulary, known: list[tuple[str, str, str]] | None):
        self.vocabulary = vocabulary
        self.units: dict[str, Unit] = {}
        forms: dict[str, str] = {}
        entries = list(vocabulary.units)
        taken: set[str] = set()
        for code, name, kind in known or []:
            self.units[code] = Unit(code, name, kind, known=True)
            forms[canonical(name)] = code
            entry = _entry_for(entries, code, name)
            if entry is not None:
                taken.add(entry.code)
                for alias in (entry.name, *entry.aliases):
                    forms.setdefault(canonical(alias), code)
        for entry in entries:
            if entry.code in taken:
                continue
            code = entry.code if entry.code not in self.units else f"{entry.code}-MOI"
            self.units[code] = Unit(code, entry.name, entry.kind, known=False)
            for alias in (entry.name, *entry.aliases):
                forms.setdefault(canonical(alias), code)
        self.forms = forms
        parts = sorted(forms, key=len, reverse=True)
        self.pattern = re.compile(
            r"(?<!\w)(" + "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in parts) + ")"
            + _SUFFIX + r"(?!\w)"
        )
        heads = sorted(vocabulary.phrases("unit_heads"), key=len, reverse=True)
        self.heads = re.compile(r"^(?:" + "|".join(re.escape(h) for h in heads) + r")\s")

    def find(self, text: str) -> list[tuple[int, int, Unit]]:
        """Every unit named in ``text`` (canonical positions), in order."""
        folded = canonical(text)
        return [(m.start(), m.end(), self.units[self.forms[m.group(1)]])
                for m in self.pattern.finditer(folded)]

    def exact(self, text: str) -> Unit | None:
        """The unit a whole phrase names (a heading such as "4. Phòng Kinh tế.")."""
        folded = canonical(text).strip(" .:;")
        folded = re.sub(r"^(?:giao|đối với|đề nghị|yêu cầu)\s+", "", folded)
        found = self.pattern.fullmatch(folded)
        return self.units[self.forms[found.group(1)]] if found else None

    def new_unit(self, phrase: str) -> Unit | None:
        """A unit the commune does not have, named at the head of a phrase ("Trường Mầm non…")."""
        text = phrase.strip(" .:;")
        if not self.heads.match(fold(text)) or len(text.split()) > 10:
            return None
        code = "".join(word[0] for word in ascii_key(text).upper().split() if word[0].isalnum())
        code = code[:12] or "DV"
        while code in self.units and canonical(self.units[code].name) != canonical(text):
            code += "X"
        unit = self.units.get(code) or Unit(code, text, "other", known=False)
        self.units[code] = unit
        return unit

    def leadership(self) -> Unit | None:
        return next((u for u in self.units.values() if u.kind == "leadership" and u.known),
                    next((u for u in self.units.values() if u.kind == "leadership"), None))

    def office(self) -> Unit | None:
        return next((u for u in self.units.values() if u.kind == "office" and u.known),
                    next((u for u in self.units.values() if u.kind == "office"), None))


def _entry_for(entries: list[UnitEntry], code: str, name: str) -> UnitEntry | None:
    target = canonical(name)
    for entry in entries:
        if target in {canonical(entry.name), *(canonical(a) for a in entry.aliases)}:
            return entry
    return next((entry for entry in entries if entry.code == code), None)


def person_code(name: str) -> str:
    return "-".join(ascii_key(name).upper().split())


def find_person(text: str) -> tuple[str, str] | None:
    """(name, title) of the first person named as "Đồng chí <name> – <title>"."""
    found = PERSON.search(text)
    if not found:
        return None
    return found.group(1).strip(), (found.group(2) or "").strip()
