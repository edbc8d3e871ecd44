"""Import every domain's models so metadata (and Alembic) sees all tables."""

from tracker.audit.models import AuditEntry
from tracker.directives.models import Directive, Indicator, Task, task_cooperating_units
from tracker.notify.models import DigestLog, Escalation, Notification
from tracker.org.models import Unit, User
from tracker.schedule.models import CalendarDay, Occurrence

__all__ = [
    "AuditEntry",
    "CalendarDay",
    "DigestLog",
    "Directive",
    "Escalation",
    "Indicator",
    "Notification",
    "Occurrence",
    "Task",
    "Unit",
    "User",
    "task_cooperating_units",
]
