"""Import every domain's models so metadata (and Alembic) sees all tables."""

from tracker.assignments.models import Contribution, DeadlineRequest, TaskChange
from tracker.audit.models import AuditEntry, AuditHead
from tracker.directives.models import Directive, Task, task_cooperating_units
from tracker.evaluation.models import Evaluation, EvaluationRow
from tracker.evidence.models import Evidence
from tracker.indicators.models import Indicator, IndicatorReading
from tracker.inspections.models import (
    ChecklistCriterion,
    InspectionItem,
    InspectionRound,
    round_units,
)
from tracker.notify.models import DigestLog, Escalation, Notification
from tracker.org.models import Unit, User
from tracker.schedule.models import CalendarDay
from tracker.workflow.models import AccountabilityDecision, Explanation, Occurrence

__all__ = [
    "AccountabilityDecision",
    "AuditEntry",
    "AuditHead",
    "CalendarDay",
    "ChecklistCriterion",
    "Contribution",
    "DeadlineRequest",
    "DigestLog",
    "Directive",
    "Escalation",
    "Evaluation",
    "EvaluationRow",
    "Evidence",
    "Explanation",
    "Indicator",
    "IndicatorReading",
    "InspectionItem",
    "InspectionRound",
    "Notification",
    "Occurrence",
    "Task",
    "TaskChange",
    "Unit",
    "User",
    "round_units",
    "task_cooperating_units",
]
