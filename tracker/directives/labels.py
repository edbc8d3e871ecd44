"""Translatable names of frequencies and weekdays, so every page and form agrees."""

from flask_babel import lazy_gettext as _l

from tracker.directives.models import Frequency

FREQUENCY_LABELS = {
    Frequency.ONCE: _l("Once"),
    Frequency.DAILY: _l("Every working day"),
    Frequency.WEEKLY: _l("Weekly"),
    Frequency.TWICE_MONTHLY: _l("Twice a month"),
    Frequency.MONTHLY: _l("Monthly"),
    Frequency.QUARTERLY: _l("Quarterly"),
    Frequency.ON_EVENT: _l("When it occurs"),
}

WEEKDAY_LABELS = {
    "mon": _l("Monday"),
    "tue": _l("Tuesday"),
    "wed": _l("Wednesday"),
    "thu": _l("Thursday"),
    "fri": _l("Friday"),
    "sat": _l("Saturday"),
    "sun": _l("Sunday"),
}
