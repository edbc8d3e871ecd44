"""Pure scoring on hand-computed cases and edges (no database)."""

import math
from pathlib import Path

import pytest

from tracker.evaluation.scoring import (
    Level,
    RulesError,
    UnitMonth,
    excellent_over_cap,
    level_of,
    load_rules,
    rank,
    score,
)

RULES = load_rules()


def test_nothing_due_misses_nothing():
    result = score(UnitMonth(), RULES)
    assert (result.task_results, result.general, result.total) == (70, 30, 100)


def test_all_returned_loses_a_quarter_of_the_quality_share():
    # NĐ 335 option returned_loses = 0.25 (issue 17): each returned item loses 25 % of its share.
    result = score(UnitMonth(due=4, on_time=4, returned=4), RULES)
    assert (result.quantity, result.quality, result.progress) == (30, 15, 20)
    assert result.total == 95


def test_all_late_keeps_three_quarters_of_progress():
    result = score(UnitMonth(due=4, late=4), RULES)
    assert (result.quantity, result.quality, result.progress) == (30, 20, 15)


def test_nothing_done_at_all():
    result = score(UnitMonth(due=5, overdue_open=5), RULES)
    assert (result.quantity, result.quality, result.progress) == (0, 0, 0)
    assert result.total == 30


def test_a_mixed_month_by_hand():
    month = UnitMonth(due=10, on_time=6, late=2, overdue_open=2, returned=1,
                      inspection_passed=8, inspection_failed=2, decisions={"review": 1})
    result = score(month, RULES)
    # quantity 30 * 8/10 = 24; quality 20 * (1 - (2 + 0.25)/10) = 15.5;
    # progress 20 * (6 + 1.5)/10 = 15; inspection 20 * 8/10 = 16; discipline 10 - 2.5 = 7.5
    assert (result.quantity, result.quality, result.progress) == (24, 15.5, 15)
    assert (result.inspection, result.discipline) == (16, 7.5)
    assert result.total == 78
    assert level_of(result.total, RULES) == Level.GOOD


def test_discipline_never_goes_below_zero():
    assert score(UnitMonth(decisions={"discipline": 3}), RULES).discipline == 0


@pytest.mark.parametrize(("total", "level"), [
    (100, Level.EXCELLENT), (90, Level.EXCELLENT), (89.99, Level.GOOD), (70, Level.GOOD),
    (69.99, Level.DONE), (50, Level.DONE), (49.99, Level.NOT_DONE), (0, Level.NOT_DONE)])
def test_level_thresholds(total, level):
    assert level_of(total, RULES) == level


def test_ties_share_a_rank_and_are_listed_by_name():
    same = UnitMonth(due=4, on_time=3, late=1)
    ranking = rank([(1, "Phòng Kinh tế", same), (2, "Phòng Văn hóa – Xã hội", UnitMonth()),
                    (3, "Phòng A", same), (4, "Trung tâm", UnitMonth(due=4, on_time=2,
                                                                   overdue_open=2))], RULES)
    assert [(r.name, r.rank) for r in ranking] == [
        ("Phòng Văn hóa – Xã hội", 1), ("Phòng A", 2), ("Phòng Kinh tế", 2), ("Trung tâm", 4)]


def test_tie_break_prefers_task_results_then_on_time():
    # Same total (95): one lost points on inspection, the other on progress.
    by_inspection = UnitMonth(due=4, on_time=4, inspection_passed=3, inspection_failed=1)
    by_lateness = UnitMonth(due=4, on_time=0, late=4)
    ranking = rank([(1, "B", by_lateness), (2, "A", by_inspection)], RULES)
    assert ranking[0].score.total == ranking[1].score.total == 95
    assert [r.name for r in ranking] == ["A", "B"]
    assert [r.rank for r in ranking] == [1, 2]


def test_excellent_cap_is_a_fifth_of_good():
    assert excellent_over_cap([Level.EXCELLENT] * 2 + [Level.GOOD] * 5, RULES) == 1
    assert excellent_over_cap([Level.EXCELLENT] + [Level.GOOD] * 5, RULES) == 0
    assert excellent_over_cap([Level.EXCELLENT] + [Level.GOOD] * 4, RULES) == 1
    assert excellent_over_cap([Level.DONE] * 3, RULES) == 0


def test_rules_must_add_up_to_100(tmp_path: Path):
    text = Path("tracker/evaluation/scoring.toml").read_text().replace("quantity = 30",
                                                                      "quantity = 35")
    broken = tmp_path / "scoring.toml"
    broken.write_text(text)
    with pytest.raises(RulesError, match="105"):
        load_rules(broken)


def test_indicators_can_count_when_the_rules_say_so(tmp_path: Path):
    text = (Path("tracker/evaluation/scoring.toml").read_text()
            .replace("inspection = 20", "inspection = 15").replace("indicators = 0",
                                                                   "indicators = 5"))
    rules_file = tmp_path / "scoring.toml"
    rules_file.write_text(text)
    rules = load_rules(rules_file)
    result = score(UnitMonth(indicators_met=1, indicators_total=2), rules)
    assert math.isclose(result.indicators, 2.5)
    assert result.total == 97.5
