"""Import every domain's models so metadata (and Alembic) sees all tables."""

from tracker.audit.models import AuditEntry, AuditHead
from tracker.directives.models import Directive, Indicator, Task, task_cooperating_units
from tracker.evidence.models import Evidence
from tracker.notify.models import DigestLog, Escalation, Notification
from tracker.org.models import Unit, User
from tracker.schedule.models import CalendarDay, Occurrence
from tracker.workflow.models import AccountabilityDecision, Explanation

__all__ = [
    "AccountabilityDecision",
    "AuditEntry",
    "AuditHead",
    "CalendarDay",
    "DigestLog",
    "Directive",
    "Escalation",
    "Evidence",
    "Explanation",
    "Indicator",
    "Notification",
    "Occurrence",
    "Task",
    "Unit",
    "User",
    "task_cooperating_units",
]
