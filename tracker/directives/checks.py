"""Checks of a directive's items that span several keys: an indicator's comparator and its
details, a task's dates against the directive's period."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from tracker.directives.problems import Checker, Location
from tracker.directives.schema import IndicatorSpec, Period, TaskSpec
from tracker.indicators.models import Comparator


def check_indicator(checker: Checker, indicator: IndicatorSpec, location: Location) -> None:
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


def dated(
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

