"""Translatable labels and colours for comparators and indicator statuses, shown the same on every
page."""

from flask_babel import lazy_gettext as _l

from tracker.indicators.models import Aggregate, Comparator, ReadingSource, ReadingState
from tracker.indicators.targets import Status, Trend

COMPARATOR_LABELS = {
    Comparator.AT_LEAST: _l("at least"),
    Comparator.AT_MOST: _l("at most"),
    Comparator.EQUAL: _l("equal to"),
    Comparator.INCREASE_AT_LEAST: _l("increase of at least"),
    Comparator.RANK_AT_MOST: _l("rank no lower than"),
}

AGGREGATE_LABELS = {
    Aggregate.LAST: _l("the last verified reading"),
    Aggregate.AVERAGE: _l("the average of the readings"),
    Aggregate.SUM: _l("the sum of the readings"),
}

STATUS_LABELS = {
    Status.MET: _l("Target met"),
    Status.NOT_MET: _l("Target not met"),
    Status.NO_DATA: _l("No figures yet"),
}
# Classes of tracker/static/css/app.css, shared with the task statuses.
STATUS_COLOURS = {Status.MET: "success", Status.NOT_MET: "danger", Status.NO_DATA: "light"}

STATE_LABELS = {
    ReadingState.SUBMITTED: _l("Awaiting verification"),
    ReadingState.VERIFIED: _l("Verified"),
    ReadingState.RETURNED: _l("Returned"),
}
STATE_COLOURS = {ReadingState.SUBMITTED: "info", ReadingState.VERIFIED: "success",
                 ReadingState.RETURNED: "returned"}

SOURCE_LABELS = {
    ReadingSource.MANUAL: _l("Entered in the form"),
    ReadingSource.CSV: _l("Imported from a CSV file"),
    ReadingSource.OCCURRENCE: _l("Reported on a period of the task"),
}

TREND_LABELS = {
    Trend.BETTER: _l("Better than the month before"),
    Trend.STEADY: _l("Same as the month before"),
    Trend.WORSE: _l("Worse than the month before"),
}
TREND_SYMBOLS = {Trend.BETTER: "↗", Trend.STEADY: "→", Trend.WORSE: "↘"}
TREND_COLOURS = {Trend.BETTER: "text-success", Trend.STEADY: "text-body-secondary",
                 Trend.WORSE: "text-danger"}

ALL = {
    "comparator_labels": COMPARATOR_LABELS,
    "status_labels": STATUS_LABELS,
    "status_colours": STATUS_COLOURS,
    "state_labels": STATE_LABELS,
    "state_colours": STATE_COLOURS,
    "source_labels": SOURCE_LABELS,
    "trend_labels": TREND_LABELS,
    "trend_symbols": TREND_SYMBOLS,
    "trend_colours": TREND_COLOURS,
}
