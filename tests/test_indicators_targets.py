"""Targets against figures, worked by hand: comparators, gaps, deadlines, milestones, trends."""

import re
from datetime import date
from types import SimpleNamespace

import pytest

from tracker.indicators import periods
from tracker.indicators.csv_import import parse_number
from tracker.indicators.models import Comparator
from tracker.indicators.targets import (
    Status,
    Target,
    Trend,
    baseline_of,
    check,
    evaluate,
    month_by_month,
    trend_of,
    value_problem,
)
from tracker.months import Month

AT_LEAST_80 = Target(Comparator.AT_LEAST, 80, unit="%")
AT_MOST_30 = Target(Comparator.AT_MOST, 30, unit="giờ")
ZERO = Target(Comparator.EQUAL, 0, unit="hồ sơ")
RANK_30_OF_114 = Target(Comparator.RANK_AT_MOST, 30, unit="hạng", of=114,
                        milestone="2026-06", due="2026-12")
PLUS_20_ON_Q1 = Target(Comparator.INCREASE_AT_LEAST, 20, unit="%", baseline="2026-Q1",
                       baseline_months=("2026-01", "2026-02", "2026-03"), due="2026-12")
Q1 = {"2026-01": 100.0, "2026-02": 110.0, "2026-03": 90.0}  # mean 100


def indicator(**fields):
    defaults = {"comparator": Comparator.AT_LEAST, "target": 80.0, "unit_of_measure": "%",
                "params": {}, "due_on": None}
    return SimpleNamespace(**{**defaults, **fields})


# One figure against the target ------------------------------------------------------------

@pytest.mark.parametrize(("target", "value", "status", "gap", "achievement"), [
    (AT_LEAST_80, 72.5, Status.NOT_MET, 7.5, 72.5 / 80),
    (AT_LEAST_80, 80, Status.MET, 0, 1),
    (AT_LEAST_80, 93, Status.MET, 0, 1),
    (AT_LEAST_80, 0, Status.NOT_MET, 80, 0),
    (AT_MOST_30, 35, Status.NOT_MET, 5, 30 / 35),
    (AT_MOST_30, 30, Status.MET, 0, 1),
    (ZERO, 0, Status.MET, 0, 1),
    (ZERO, 2, Status.NOT_MET, 2, 0),
    (RANK_30_OF_114, 42, Status.NOT_MET, 12, 30 / 42),
    (RANK_30_OF_114, 30, Status.MET, 0, 1),
    (RANK_30_OF_114, 1, Status.MET, 0, 1),
])
def test_check_by_comparator(target, value, status, gap, achievement):
    result = check(target, value)
    assert result.status == status
    assert result.gap == pytest.approx(gap)
    assert result.achievement == pytest.approx(achievement)


def test_rounding_does_not_miss_the_target():
    assert check(AT_LEAST_80, 80.1 + 0.2 - 0.3).status == Status.MET  # 79.99999999999999


def test_no_figure_is_no_data():
    result = check(AT_LEAST_80, None)
    assert result.status == Status.NO_DATA
    assert result.gap is None
    assert result.achievement is None


def test_increase_over_the_quarter_mean():
    assert baseline_of(PLUS_20_ON_Q1, Q1) == pytest.approx(100)
    short = check(PLUS_20_ON_Q1, 118, 100)
    assert (short.status, short.measure, short.gap) == (Status.NOT_MET, pytest.approx(18),
                                                        pytest.approx(2))
    assert short.achievement == pytest.approx(0.9)
    assert check(PLUS_20_ON_Q1, 120, 100).status == Status.MET
    fall = check(PLUS_20_ON_Q1, 80, 100)
    assert (fall.measure, fall.gap, fall.achievement) == (pytest.approx(-20), pytest.approx(40),
                                                          0)


def test_increase_baseline_given_outright_wins_over_readings():
    target = Target(Comparator.INCREASE_AT_LEAST, 20, baseline="2026-Q1", baseline_value=50,
                    baseline_months=("2026-01", "2026-02", "2026-03"))
    assert baseline_of(target, Q1) == 50
    assert check(target, 60, 50).status == Status.MET


def test_increase_uses_only_baseline_months_present():
    assert baseline_of(PLUS_20_ON_Q1, {"2026-02": 80.0, "2026-04": 500.0}) == 80


@pytest.mark.parametrize("baseline", [None, 0.0])
def test_increase_without_a_usable_baseline_has_no_data(baseline):
    assert check(PLUS_20_ON_Q1, 130, baseline).status == Status.NO_DATA


def test_baseline_only_for_increases():
    assert baseline_of(AT_LEAST_80, Q1) is None


# Standing over time: deadline and milestone ---------------------------------------------------

def test_latest_month_counts():
    result = evaluate(AT_LEAST_80, {"2026-04": 70.0, "2026-05": 81.0}, "2026-06")
    assert (result.status, result.period, result.value) == (Status.MET, "2026-05", 81)
    assert result.trend == Trend.BETTER


def test_nothing_yet_is_no_data():
    result = evaluate(AT_LEAST_80, {}, "2026-06")
    assert result.status == Status.NO_DATA
    assert result.period is None


def test_readings_after_as_of_are_not_seen():
    result = evaluate(AT_LEAST_80, {"2026-04": 70.0, "2026-07": 90.0}, "2026-05")
    assert (result.status, result.period) == (Status.NOT_MET, "2026-04")


def test_deadline_freezes_the_result():
    cut = Target(Comparator.AT_LEAST, 50, unit="%", due="2026-06")
    figures = {"2026-05": 40.0, "2026-06": 45.0, "2026-07": 55.0}
    before = evaluate(cut, figures, "2026-05")
    assert (before.status, before.deadline_passed) == (Status.NOT_MET, False)
    after = evaluate(cut, figures, "2026-08")
    assert (after.status, after.period, after.deadline_passed) == (Status.NOT_MET, "2026-06",
                                                                   True)
    assert after.gap == pytest.approx(5)


def test_deadline_month_itself_counts():
    cut = Target(Comparator.AT_LEAST, 50, due="2026-06")
    assert evaluate(cut, {"2026-06": 50.0}, "2026-06").status == Status.MET


def test_milestone_missed_before_it_is_only_not_yet():
    figures = {"2026-04": 45.0, "2026-05": 35.0}
    result = evaluate(RANK_30_OF_114, figures, "2026-05")
    assert (result.status, result.broken_in) == (Status.NOT_MET, None)
    assert result.trend == Trend.BETTER  # 45th, then 35th
    figures["2026-06"] = 28.0
    assert evaluate(RANK_30_OF_114, figures, "2026-06").status == Status.MET


def test_milestone_then_keep_it():
    figures = {"2026-04": 45.0, "2026-06": 28.0, "2026-07": 33.0, "2026-08": 25.0}
    result = evaluate(RANK_30_OF_114, figures, "2026-08")
    assert result.current.status == Status.MET  # 25th in August...
    assert result.status == Status.NOT_MET  # ...but July slipped to 33rd after the milestone
    assert result.broken_in == "2026-07"
    assert result.achievement == 0


def test_increase_ignores_baseline_months_as_results():
    only_baseline = evaluate(PLUS_20_ON_Q1, Q1, "2026-04")
    assert only_baseline.status == Status.NO_DATA
    assert only_baseline.baseline == pytest.approx(100)
    result = evaluate(PLUS_20_ON_Q1, {**Q1, "2026-04": 112.0, "2026-05": 125.0}, "2026-05")
    assert (result.status, result.measure, result.gap) == (Status.MET, pytest.approx(25), 0)
    assert result.trend == Trend.BETTER


def test_month_by_month_marks_baseline_months():
    rows = month_by_month(PLUS_20_ON_Q1, {**Q1, "2026-04": 110.0},
                          periods.months_between("2026-03", "2026-05"))
    assert [(r.period, r.is_baseline, r.check.status) for r in rows] == [
        ("2026-03", True, Status.NO_DATA),
        ("2026-04", False, Status.NOT_MET),
        ("2026-05", False, Status.NO_DATA),
    ]
    assert rows[1].check.measure == pytest.approx(10)


@pytest.mark.parametrize(("target", "values", "trend"), [
    (AT_LEAST_80, [70, 75], Trend.BETTER),
    (AT_LEAST_80, [75, 70], Trend.WORSE),
    (AT_LEAST_80, [75, 75], Trend.STEADY),
    (RANK_30_OF_114, [42, 35], Trend.BETTER),
    (RANK_30_OF_114, [35, 40], Trend.WORSE),
    (AT_MOST_30, [40, 31], Trend.BETTER),
    (ZERO, [3, 1], Trend.BETTER),
    (ZERO, [0, 2], Trend.WORSE),
    (AT_LEAST_80, [75], None),
])
def test_trend(target, values, trend):
    assert trend_of(target, values, None) == trend


# What a reading may be ------------------------------------------------------------------------

@pytest.mark.parametrize(("target", "value", "refused"), [
    (RANK_30_OF_114, 0, True),
    (RANK_30_OF_114, 1.5, True),
    (RANK_30_OF_114, 115, True),
    (RANK_30_OF_114, 114, False),
    (AT_LEAST_80, 101, True),
    (AT_LEAST_80, 100, False),
    (AT_LEAST_80, -1, True),
    (AT_LEAST_80, float("nan"), True),
    (PLUS_20_ON_Q1, 350, False),  # an increase is read as a count, not a percentage
    (AT_MOST_30, 500, False),
])
def test_value_problem(target, value, refused):
    assert (value_problem(target, value) is not None) == refused


def test_target_from_indicator_params():
    rank = Target.of_indicator(indicator(
        comparator=Comparator.RANK_AT_MOST, target=30.0, unit_of_measure="hạng",
        params={"of": 114, "milestone": "2026-06-30"}, due_on=date(2026, 12, 31)))
    assert (rank.of, rank.milestone, rank.due) == (114, "2026-06", "2026-12")
    assert rank.lower_is_better
    increase = Target.of_indicator(indicator(
        comparator=Comparator.INCREASE_AT_LEAST, target=20.0,
        params={"baseline": "2026-Q1", "baseline_value": 40}))
    assert increase.baseline_months == ("2026-01", "2026-02", "2026-03")
    assert increase.baseline_value == 40
    assert Target.of_indicator(indicator(params={"milestone": "2026-Q2"})).milestone == "2026-06"


def test_target_tolerates_a_broken_baseline():
    target = Target.of_indicator(indicator(comparator=Comparator.INCREASE_AT_LEAST,
                                           params={"baseline": "last spring"}))
    assert target.baseline_months == ()
    assert evaluate(target, {"2026-05": 10.0}, "2026-05").status == Status.NO_DATA


# Months and numbers as people write them ----------------------------------------------------------

@pytest.mark.parametrize(("text", "month"), [
    ("2026-04", "2026-04"), ("04/2026", "2026-04"), ("4/2026", "2026-04"), (" 2026-12 ", "2026-12"),
])
def test_parse_month(text, month):
    assert Month.parse(text).stored == month


@pytest.mark.parametrize("text", ["2026-13", "2026-4", "2026-04-01", "April", "", "1999-01"])
def test_parse_month_refuses(text):
    with pytest.raises(ValueError, match=f"^{re.escape(text.strip())}$"):
        Month.parse(text)


def test_month_arithmetic():
    assert Month.parse("2026-12").shift(1).stored == "2027-01"
    assert Month.parse("2026-01").shift(-1).stored == "2025-12"
    assert periods.months_between("2026-11", "2027-02") == ["2026-11", "2026-12", "2027-01",
                                                            "2027-02"]
    assert periods.months_between("2026-05", "2026-04") == []
    assert periods.months_of("2026-Q4") == ["2026-10", "2026-11", "2026-12"]
    assert len(periods.months_of("2026")) == 12
    assert periods.months_of("2026-06-30") == ["2026-06"]
    assert Month.parse("2026-04").label == "04/2026"


@pytest.mark.parametrize(("text", "number"), [
    ("85", 85), ("85,5", 85.5), ("85.5", 85.5), ("1.234,5", 1234.5), ("1,234.5", 1234.5),
    ("85%", 85), (" 72,25 ", 72.25), ("0", 0),
])
def test_parse_number(text, number):
    assert parse_number(text) == pytest.approx(number)


@pytest.mark.parametrize("text", ["abc", "1e3", "nan", "inf", "8 5,5,1", "", "85,5,1"])
def test_parse_number_refuses(text):
    with pytest.raises(ValueError, match=f"^{re.escape(text)}$"):  # the refusal quotes the text
        parse_number(text)
