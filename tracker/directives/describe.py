"""Say a task's deadline rule in words people use."""

from datetime import date

from flask_babel import format_date
from flask_babel import gettext as _

from tracker.directives.labels import WEEKDAY_LABELS
from tracker.directives.models import Directive, Frequency, Task


def _day_name(day: int | str) -> str:
    return _("the last day") if day == "last" else _("day %(day)s", day=day)


def describe_due(task: Task) -> str:
    rule = task.due_rule or {}
    time = rule.get("time", "17:00")
    match task.frequency:
        case Frequency.ONCE:
            when = "—"
            if "date" in rule:
                when = format_date(date.fromisoformat(rule["date"]), "dd/MM/yyyy")
            return _("by %(time)s on %(date)s", time=time, date=when)
        case Frequency.DAILY:
            return _("every working day, by %(time)s", time=time)
        case Frequency.WEEKLY:
            weekday = WEEKDAY_LABELS.get(rule.get("weekday", "fri"), rule.get("weekday"))
            return _("every %(weekday)s, by %(time)s", weekday=weekday, time=time)
        case Frequency.TWICE_MONTHLY:
            days = _(" and ").join(_day_name(d) for d in rule.get("days", [15, "last"]))
            return _("%(days)s of each month, by %(time)s", days=days, time=time)
        case Frequency.MONTHLY:
            day = _day_name(rule.get("day", "last"))
            return _("%(day)s of each month, by %(time)s", day=day, time=time)
        case Frequency.QUARTERLY:
            day = _day_name(rule.get("day", "last"))
            return _("%(day)s of the last month of each quarter, by %(time)s", day=day, time=time)
        case Frequency.ON_EVENT:
            return _("within %(n)s working day(s) of each event",
                     n=rule.get("within_working_days", 1))
    return ""


def describe_issued_on(directive: Directive) -> str:
    """Print the issue date as the source does, a blank day kept blank ("ngày … tháng 4")."""
    issued = directive.issued_on
    if issued is None:
        return _("date not given")
    if directive.issued_day_known:
        return format_date(issued, "dd/MM/yyyy")
    return _("day not given, %(month)02d/%(year)d", month=issued.month, year=issued.year)
