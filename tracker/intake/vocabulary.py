"""The reader's vocabulary: vocabulary.yaml, extended by instance/intake_vocabulary.yaml."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from tracker.intake.text import fold

SHIPPED = Path(__file__).with_name("vocabulary.yaml")
INSTANCE_FILE = "intake_vocabulary.yaml"


@dataclass(frozen=True)
class UnitEntry:
    code: str
    name: str
    kind: str
    aliases: tuple[str, ...] = ()


@dataclass
class Vocabulary:
    data: dict[str, Any]
    units: list[UnitEntry] = field(default_factory=list)
    _cache: dict[tuple, Any] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    def phrases(self, key: str) -> list[str]:
        if ("phrases", key) not in self._cache:
            self._cache["phrases", key] = [fold(p) for p in self.data.get(key, [])]
        return self._cache["phrases", key]

    def pattern(self, key: str, *, prefix: bool = False) -> re.Pattern:
        """One pattern for a list of phrases, longest first, on whole words."""
        if ("pattern", key, prefix) not in self._cache:
            self._cache["pattern", key, prefix] = self.compile(self.phrases(key), prefix)
        return self._cache["pattern", key, prefix]

    def frequency_pattern(self, name: str) -> re.Pattern:
        if ("frequency", name) not in self._cache:
            words = [fold(word) for word in self.data["frequency"][name]]
            self._cache["frequency", name] = self.compile(words, False)
        return self._cache["frequency", name]

    @staticmethod
    def compile(phrases: list[str], prefix: bool) -> re.Pattern:
        parts = sorted({re.escape(p).replace(r"\ ", r"\s+") for p in phrases},
                       key=len, reverse=True)
        start = "^" if prefix else r"(?<!\w)"
        return re.compile(start + "(?:" + "|".join(parts) + r")(?!\w)")


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in extra.items():
        if key == "units":
            known = {unit["code"]: dict(unit) for unit in merged.get("units", [])}
            for unit in value or []:
                if unit.get("code") in known:
                    entry = known[unit["code"]]
                    entry["aliases"] = [*entry.get("aliases", []), *unit.get("aliases", [])]
                else:
                    known[unit["code"]] = dict(unit)
            merged["units"] = list(known.values())
        elif isinstance(value, list):
            merged[key] = [*merged.get(key, []), *value]
        elif isinstance(value, dict):
            merged[key] = {**merged.get(key, {}), **value}
        else:
            merged[key] = value
    return merged


@lru_cache(maxsize=8)
def _load(extra_path: str | None, stamp: float) -> Vocabulary:
    data = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    if extra_path:
        data = _merge(data, yaml.safe_load(Path(extra_path).read_text(encoding="utf-8")) or {})
    units = [
        UnitEntry(str(u["code"]), str(u["name"]), str(u.get("kind", "other")),
                  tuple(str(a) for a in u.get("aliases", [])))
        for u in data.get("units", [])
    ]
    return Vocabulary(data, units)


def load(instance_path: str | Path | None = None) -> Vocabulary:
    """The vocabulary, with the instance's additions when that file exists."""
    extra = Path(instance_path) / INSTANCE_FILE if instance_path else None
    if extra is not None and extra.is_file():
        return _load(str(extra), extra.stat().st_mtime)
    return _load(None, 0.0)
