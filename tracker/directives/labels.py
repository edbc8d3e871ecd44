"""Translatable names of frequencies, weekdays, directive types and signing authorities, so
every page and form agrees."""

from flask_babel import lazy_gettext as _l

from tracker.directives.models import DirectiveType, Frequency

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

DIRECTIVE_TYPE_LABELS = {
    DirectiveType.CONCLUSION_NOTICE: _l("Conclusion notice"),
    DirectiveType.PLAN: _l("Plan"),
    DirectiveType.DIRECTIVE: _l("Directive (chỉ thị)"),
    DirectiveType.OFFICIAL_LETTER: _l("Official letter"),
    DirectiveType.DECISION: _l("Decision"),
    DirectiveType.REPORT: _l("Report"),
    DirectiveType.OTHER: _l("Other"),
}

AUTHORITY_LABELS = {
    "TM.": _l("TM. (on behalf of the body)"),
    "KT.": _l("KT. (signing for the head)"),
    "TL.": _l("TL. (by delegation)"),
}
