"""A month's figure follows the indicator's ``aggregate``: last verified, average or sum."""

from datetime import timedelta

import pytest

from tests import factories
from tracker.db import utcnow
from tracker.extensions import db
from tracker.indicators.models import (
    Aggregate,
    Comparator,
    Indicator,
    IndicatorReading,
    ReadingSource,
    ReadingState,
)
from tracker.indicators.queries import counted_figures


@pytest.mark.parametrize(("aggregate", "expected"), [
    (Aggregate.LAST, 30.0), (Aggregate.AVERAGE, 20.0), (Aggregate.SUM, 60.0),
])
def test_month_figure_follows_the_aggregate(ctx, aggregate, expected):
    task = factories.task("PKT")
    indicator = Indicator(directive_id=task.directive_id, code="CT", name="Hồ sơ",
                          comparator=Comparator.AT_LEAST, target=10,
                          owner_unit_id=task.owner_unit_id, aggregate=aggregate)
    db.session.add(indicator)
    db.session.flush()
    now = utcnow()
    for minutes, value in ((3, 10), (1, 20), (5, 30)):
        db.session.add(IndicatorReading(indicator_id=indicator.id, period="2026-11", value=value,
                                        source=ReadingSource.MANUAL, state=ReadingState.VERIFIED,
                                        verified_at=now + timedelta(minutes=minutes)))
    # Submitted and returned figures never count.
    db.session.add(IndicatorReading(indicator_id=indicator.id, period="2026-11", value=999,
                                    source=ReadingSource.MANUAL))
    db.session.flush()
    assert counted_figures([indicator.id]) == {indicator.id: {"2026-11": expected}}
