"""Pure scoring of a unit's month: no database, no clock, only the counts and the rules.

The rules live in a TOML file (tracker/evaluation/scoring.toml by default); :func:`load_rules`
checks it. Everything here is deterministic, so an issued ranking can be recomputed from its
stored inputs and rules and give the same figures.
"""

from __future__ import annotations

import enum
import math
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_RULES = Path(__file__).with_name("scoring.toml")


class Level(enum.StrEnum):
    EXCELLENT = "excellent"  # Hoàn thành xuất sắc nhiệm vụ
    GOOD = "good"  # Hoàn thành tốt nhiệm vụ
    DONE = "done"  # Hoàn thành nhiệm vụ
    NOT_DONE = "not_done"  # Không hoàn thành nhiệm vụ


class RulesError(ValueError):
    """The scoring file is not usable; the message names the key."""


def load_rules(path: str | Path | None = None) -> dict[str, Any]:
    """Read and check the scoring rules: the point weights must add up to 100."""
    with open(path or DEFAULT_RULES, "rb") as handle:
        rules = tomllib.load(handle)
    try:
        tasks, general = rules["task_results"], rules["general"]
        total = (tasks["quantity"] + tasks["quality"] + tasks["progress"]
                 + general["inspection"] + general["discipline"] + general.get("indicators", 0))
        levels = rules["levels"]
        if not 0 <= tasks["late_keeps"] <= 1:
            raise RulesError("task_results.late_keeps must be between 0 and 1")
        if not 0 <= tasks.get("returned_loses", 1) <= 1:
            raise RulesError("task_results.returned_loses must be between 0 and 1")
        if levels.get("disciplined_at_most", "") not in ("", *Level):
            raise RulesError("levels.disciplined_at_most must be empty or one of "
                             + ", ".join(Level))
        if not levels["excellent"] > levels["good"] > levels["done"] >= 0:
            raise RulesError("levels must decrease: excellent > good > done")
        rules["cap"]["excellent_share_of_good"]
        for kind in ("no_action", "reminder", "review", "criticism", "discipline"):
            rules["discipline_penalty"][kind]
    except KeyError as missing:
        raise RulesError(f"missing key {missing}") from None
    if not math.isclose(total, 100):
        raise RulesError(f"the weights add up to {total}, not 100")
    return rules


@dataclass(frozen=True)
class UnitMonth:
    """What happened in a unit's month, counted by the database."""

    due: int = 0  # periods due in the month (not counting those the Office let skip)
    on_time: int = 0  # handed in by the (approved) deadline, then verified
    late: int = 0  # handed in after the deadline, then verified
    overdue_open: int = 0  # past the deadline (by the month's end) and still not done
    returned: int = 0  # periods the Office returned at least once
    returned_overdue: int = 0  # of those, still not done and past the deadline
    # Handed in, not yet verified when the month was computed: neither done nor missed, they
    # are left out of the month's count (and listed in the report) until the Office decides.
    awaiting: int = 0
    inspection_passed: int = 0
    inspection_failed: int = 0
    decisions: dict[str, int] = field(default_factory=dict)  # decision kind -> count
    indicators_met: int = 0
    indicators_total: int = 0


@dataclass(frozen=True)
class UnitScore:
    quantity: float
    quality: float
    progress: float
    inspection: float
    discipline: float
    indicators: float

    @property
    def task_results(self) -> float:
        return round(self.quantity + self.quality + self.progress, 2)

    @property
    def general(self) -> float:
        return round(self.inspection + self.discipline + self.indicators, 2)

    @property
    def total(self) -> float:
        return round(self.task_results + self.general, 2)

    def as_dict(self) -> dict[str, float]:
        return {**asdict(self), "task_results": self.task_results, "general": self.general,
                "total": self.total}


def score(month: UnitMonth, rules: dict[str, Any]) -> UnitScore:
    """Score one unit's month. With nothing due, nothing was missed: full task points.

    Periods awaiting verification are not counted (see :class:`UnitMonth`). Quality: a period
    left overdue loses its whole share, a returned one ``returned_loses`` of it (1 without
    the key: rules stored before it existed are recomputed as they were).
    """
    tasks, general = rules["task_results"], rules["general"]
    counted = month.due - month.awaiting
    if counted > 0:
        done = month.on_time + month.late
        quantity = tasks["quantity"] * done / counted
        returned_done = max(0, month.returned - month.returned_overdue)
        flawed = min(counted, month.overdue_open
                     + tasks.get("returned_loses", 1) * returned_done)
        quality = tasks["quality"] * (1 - flawed / counted)
        kept = month.on_time + tasks["late_keeps"] * month.late
        progress = tasks["progress"] * kept / counted
    else:
        quantity, quality, progress = tasks["quantity"], tasks["quality"], tasks["progress"]
    marked = month.inspection_passed + month.inspection_failed
    inspection = general["inspection"] * (month.inspection_passed / marked if marked else 1)
    penalty = sum(rules["discipline_penalty"].get(kind, 0) * count
                  for kind, count in month.decisions.items())
    discipline = max(0.0, general["discipline"] - penalty)
    weight = general.get("indicators", 0)
    indicators = (weight * month.indicators_met / month.indicators_total
                  if month.indicators_total else weight)
    return UnitScore(*(round(value, 2) for value in
                       (quantity, quality, progress, inspection, discipline, indicators)))


ORDER = (Level.EXCELLENT, Level.GOOD, Level.DONE, Level.NOT_DONE)


def level_of(total: float, rules: dict[str, Any], month: UnitMonth | None = None) -> Level:
    """The level of a total; with ``levels.disciplined_at_most``, a month in which a
    disciplinary measure (kỷ luật) was decided about the unit's work is rated no higher."""
    levels = rules["levels"]
    if total >= levels["excellent"]:
        level = Level.EXCELLENT
    elif total >= levels["good"]:
        level = Level.GOOD
    elif total >= levels["done"]:
        level = Level.DONE
    else:
        level = Level.NOT_DONE
    ceiling = levels.get("disciplined_at_most", "")
    if ceiling and month is not None and month.decisions.get("discipline", 0):
        level = max(level, Level(ceiling), key=ORDER.index)
    return level


@dataclass(frozen=True)
class Ranked:
    key: Any  # the caller's handle on the unit (its id)
    name: str
    month: UnitMonth
    score: UnitScore
    level: Level
    rank: int


def tie_break(item: tuple[Any, str, UnitMonth, UnitScore]) -> tuple:
    """Order: total, then task results, then periods done on time, then fewer returned;
    units still equal share a rank and are listed by name."""
    _key, name, month, unit_score = item
    return (-unit_score.total, -unit_score.task_results, -month.on_time, month.returned, name)


def rank(units: list[tuple[Any, str, UnitMonth]], rules: dict[str, Any]) -> list[Ranked]:
    """Score, order and rank units (competition ranking: 1, 2, 2, 4)."""
    scored = sorted(((key, name, month, score(month, rules)) for key, name, month in units),
                    key=tie_break)
    result: list[Ranked] = []
    previous = None
    for position, item in enumerate(scored, start=1):
        key, name, month, unit_score = item
        standing = tie_break(item)[:-1]
        place = result[-1].rank if result and standing == previous else position
        previous = standing
        result.append(Ranked(key, name, month, unit_score,
                             level_of(unit_score.total, rules, month), place))
    return result


def excellent_over_cap(levels: list[Level], rules: dict[str, Any]) -> int:
    """How many excellent ratings exceed the cap (0 when within it)."""
    good = sum(1 for level in levels if level == Level.GOOD)
    excellent = sum(1 for level in levels if level == Level.EXCELLENT)
    allowed = math.floor(rules["cap"]["excellent_share_of_good"] * good + 1e-9)
    return max(0, excellent - allowed)
