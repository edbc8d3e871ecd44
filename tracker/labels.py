"""Translatable labels for the enums shown to people, in one place so every page agrees."""

from flask_babel import lazy_gettext as _l

from tracker.directives.models import Comparator, Frequency
from tracker.org.models import Role, UnitKind

ROLE_LABELS = {
    Role.ADMIN: _l("Administrator"),
    Role.LEADER: _l("Leader"),
    Role.OFFICE: _l("Office staff"),
    Role.UNIT_HEAD: _l("Head of unit"),
    Role.STAFF: _l("Officer"),
}

UNIT_KIND_LABELS = {
    UnitKind.LEADERSHIP: _l("Leadership"),
    UnitKind.OFFICE: _l("Office"),
    UnitKind.DEPARTMENT: _l("Department"),
    UnitKind.CENTER: _l("Centre"),
    UnitKind.OTHER: _l("Other"),
}

FREQUENCY_LABELS = {
    Frequency.ONCE: _l("Once"),
    Frequency.DAILY: _l("Every working day"),
    Frequency.WEEKLY: _l("Weekly"),
    Frequency.TWICE_MONTHLY: _l("Twice a month"),
    Frequency.MONTHLY: _l("Monthly"),
    Frequency.QUARTERLY: _l("Quarterly"),
    Frequency.ON_EVENT: _l("When it occurs"),
}

COMPARATOR_LABELS = {
    Comparator.AT_LEAST: _l("at least"),
    Comparator.AT_MOST: _l("at most"),
    Comparator.EQUAL: _l("equal to"),
    Comparator.INCREASE_AT_LEAST: _l("increase of at least"),
    Comparator.RANK_AT_MOST: _l("rank no lower than"),
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

AUDIT_ACTION_LABELS = {
    "occurrence.save": _l("saved the report"),
    "occurrence.submit": _l("handed in for verification"),
    "occurrence.verify": _l("approved"),
    "occurrence.return": _l("returned the work"),
    "occurrence.skip": _l("marked as not required"),
    "occurrence.delegate": _l("assigned the period"),
    "occurrence.evidence_add": _l("added evidence"),
    "occurrence.evidence_remove": _l("removed evidence"),
    "occurrence.accountability": _l("recorded an accountability decision"),
    "occurrence.open_event": _l("recorded an event"),
    "task.create": _l("created the task"),
    "task.update": _l("updated the task"),
    "task.deactivate": _l("deactivated the task"),
    "task.delegate": _l("assigned the task"),
    "schedule.sync": _l("planned the periods"),
    "indicator.reading_enter": _l("entered a figure"),
    "indicator.reading_verify": _l("verified a figure"),
    "indicator.reading_return": _l("returned a figure"),
    "indicator.reading_from_period": _l("recorded the figure of a period"),
    "indicator.import": _l("imported figures"),
    "inspection.open": _l("opened the round"),
    "inspection.mark": _l("marked an item"),
    "inspection.mark_rest": _l("marked the remaining items met"),
    "inspection.follow_up": _l("created a follow-up task"),
    "inspection.complete": _l("signed off the round"),
    "inspection.reopen": _l("reopened the round"),
    "inspection.publish": _l("published the round"),
    "demo.simulate": _l("simulated (demo data)"),
}


def audit_label(action: str) -> str:
    return str(AUDIT_ACTION_LABELS.get(action, action))
