"""Read indicators with their counted figures, in a fixed number of queries whatever the data.

The figure of a month is formed from that month's verified readings as the indicator says
(``aggregate``): the latest (by verification time, then by entry; older ones stay on record as
history), their average, or their sum.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from tracker.directives.models import Directive, DirectiveStatus
from tracker.extensions import db
from tracker.indicators.charts import LineChart, line_chart
from tracker.indicators.models import Aggregate, Indicator, IndicatorReading, ReadingState
from tracker.indicators.targets import Check, Evaluation, Status, Target, check, evaluate
from tracker.months import Month

Figures = dict[str, float]  # month -> counted figure


def counted_figures(indicator_ids: Iterable[int] | Select, up_to: str | None = None
                    ) -> dict[int, Figures]:
    """Indicator id -> {month: counted figure}, for many indicators in one query.

    The month's figure follows the indicator's ``aggregate``: the last verified reading (by
    verification time, then by entry), or the average or the sum of the month's verified
    readings.
    """
    ids = indicator_ids if isinstance(indicator_ids, Select) else list(indicator_ids)
    conditions = [IndicatorReading.state == ReadingState.VERIFIED,
                  IndicatorReading.indicator_id.in_(ids)]
    if up_to is not None:
        conditions.append(IndicatorReading.period <= up_to)
    rows = db.session.execute(
        select(IndicatorReading.indicator_id, IndicatorReading.period, IndicatorReading.value,
               Indicator.aggregate)
        .join(Indicator, Indicator.id == IndicatorReading.indicator_id)
        .where(*conditions)
        .order_by(IndicatorReading.indicator_id, IndicatorReading.period,
                  IndicatorReading.verified_at, IndicatorReading.id)
    )
    readings: dict[tuple[int, str], list[float]] = {}
    how: dict[int, Aggregate] = {}
    for indicator_id, period, value, aggregate in rows:
        readings.setdefault((indicator_id, period), []).append(value)
        how[indicator_id] = aggregate
    figures: dict[int, Figures] = {}
    for (indicator_id, period), values in readings.items():
        figures.setdefault(indicator_id, {})[period] = month_figure(values, how[indicator_id])
    return figures


def partial_months(indicator_id: int) -> dict[str, tuple]:
    """Month -> (first day, last day) covered, for months whose counted figure was reported on
    a period shorter than the month (a day's or a week's figure standing for the month)."""
    from tracker.indicators import periods
    from tracker.workflow.models import Occurrence

    rows = db.session.execute(
        select(IndicatorReading.period, Occurrence.period_start, Occurrence.period_end)
        .join(Occurrence, Occurrence.id == IndicatorReading.occurrence_id, isouter=True)
        .where(IndicatorReading.indicator_id == indicator_id,
               IndicatorReading.state == ReadingState.VERIFIED)
        .order_by(IndicatorReading.period, IndicatorReading.verified_at.desc(),
                  IndicatorReading.id.desc()))
    partial: dict[str, tuple] = {}
    seen: set[str] = set()
    for period, start, end in rows:
        if period in seen:
            continue
        seen.add(period)
        if start is not None and (end - start).days + 1 < periods.days_in_month(period):
            partial[period] = (start, end)
    return partial


def month_figure(values: list[float], aggregate: Aggregate) -> float:
    """One month's figure from its verified readings, oldest verification first."""
    if aggregate == Aggregate.SUM:
        return sum(values)
    if aggregate == Aggregate.AVERAGE:
        return sum(values) / len(values)
    return values[-1]


def indicators_query() -> Select:
    """Every indicator of a published directive, newest directive first, in its order."""
    return (
        select(Indicator)
        .join(Indicator.directive)
        .where(Directive.status == DirectiveStatus.PUBLISHED)
        .options(joinedload(Indicator.owner_unit), joinedload(Indicator.directive))
        .order_by(Directive.starts_on.desc(), Directive.id.desc(), Indicator.position,
                  Indicator.id)
    )


@dataclass(frozen=True)
class Summary:
    """An indicator, its target and its standing: one row of a list, one dashboard tile."""

    indicator: Indicator
    target: Target
    figures: Figures
    evaluation: Evaluation
    sparkline: LineChart


def summarise(indicators: list[Indicator], figures: dict[int, Figures], as_of: str
              ) -> list[Summary]:
    summaries = []
    for indicator in indicators:
        target = Target.of_indicator(indicator)
        mine = figures.get(indicator.id, {})
        evaluation = evaluate(target, mine, as_of)
        recent = [month for month in sorted(mine) if month <= as_of
                  and month not in target.baseline_months][-12:]
        sparkline = line_chart(indicator.name, recent, [mine[m] for m in recent], target,
                               baseline=evaluation.baseline, small=True)
        summaries.append(Summary(indicator, target, mine, evaluation, sparkline))
    return summaries


def all_summaries(as_of: str, limit: int | None = None) -> list[Summary]:
    """Every indicator (or the first ``limit``) with its standing: two queries."""
    query = indicators_query()
    if limit is not None:
        query = query.limit(limit)
    indicators = list(db.session.scalars(query).unique())
    ids = select(Indicator.id).where(Indicator.id.in_([i.id for i in indicators]))
    return summarise(indicators, counted_figures(ids, up_to=as_of), as_of)


def pending_count() -> int:
    return db.session.scalar(
        select(func.count(IndicatorReading.id))
        .where(IndicatorReading.state == ReadingState.SUBMITTED)
    )


@dataclass(frozen=True)
class IndicatorResult:
    """One indicator of a unit for one month, as the monthly evaluation reads it.

    ``month`` holds that month's own figure against the target (None when no verified
    figure): this is what a monthly score should count. ``standing`` is the indicator's
    standing at the end of the month, deadline and milestone included.
    """

    indicator_id: int
    code: str
    name: str
    period: str
    value: float | None
    month: Check
    standing: Evaluation

    @property
    def status(self) -> Status:
        return self.month.status

    @property
    def achievement(self) -> float | None:
        """0..1 of the target reached by the month's figure; None without a figure."""
        return self.month.achievement


def unit_indicator_results(unit_id: int, of: Month) -> list[IndicatorResult]:
    """The indicators a unit owns, each against its target for the month ``of``.

    For the monthly evaluation: only verified figures count; two queries however many
    indicators and readings there are.
    """
    month = of.stored
    indicators = list(db.session.scalars(
        select(Indicator).where(Indicator.owner_unit_id == unit_id)
        .order_by(Indicator.directive_id, Indicator.position, Indicator.id)
    ))
    figures = counted_figures(
        select(Indicator.id).where(Indicator.owner_unit_id == unit_id), up_to=month
    )
    results = []
    for indicator in indicators:
        target = Target.of_indicator(indicator)
        mine = figures.get(indicator.id, {})
        standing = evaluate(target, mine, month)
        own = check(target, mine.get(month), standing.baseline)
        results.append(IndicatorResult(indicator.id, indicator.code, indicator.name, month,
                                       mine.get(month), own, standing))
    return results


DASHBOARD_TILES = 24


def dashboard_tiles(now: datetime) -> list[Summary]:
    """The leaders' tiles: the newest directives' indicators first, two queries."""
    return all_summaries(Month.of(now).stored, limit=DASHBOARD_TILES)
