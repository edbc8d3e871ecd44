"""Who may assign, ask for time, decide, transfer, withdraw and contribute."""

from __future__ import annotations

from tracker.assignments.models import DeadlineRequest, RequestState
from tracker.db import utcnow
from tracker.directives.models import Task
from tracker.org.models import Role, User
from tracker.schedule.status import UNFINISHED_STATES
from tracker.workflow.models import Occurrence, OccurrenceState
from tracker.workflow.policies import is_cooperating_head

# Those who give work: the leaders, and the Office on a leader's behalf.
ASSIGNERS = (Role.LEADER, Role.OFFICE)


def can_assign(user: User) -> bool:
    return user.is_authenticated and user.role in ASSIGNERS


def deciding_leader(task: Task) -> User | None:
    """Who decides on the task's deadlines: the task's supervising leader, else the leader who
    assigned it, else the owner unit's supervising leader; None means the Office decides
    (QĐ 42/2014: the one who assigned)."""
    for person in (task.supervisor, task.assigned_by, task.owner_unit.supervisor):
        if person is not None and person.is_active and person.role == Role.LEADER:
            return person
    return None


def heads_period_unit(user: User, occurrence: Occurrence) -> bool:
    return user.role == Role.UNIT_HEAD and user.unit_id == occurrence.unit_id


def can_request_deadline(user: User, occurrence: Occurrence) -> bool:
    """The period's unit head, while the unit still holds the work. Lateness is checked by the
    service, which explains the refusal."""
    return (user.is_authenticated and heads_period_unit(user, occurrence)
            and occurrence.task.is_active and occurrence.state in UNFINISHED_STATES)


def request_in_time(occurrence: Occurrence) -> bool:
    return utcnow() < occurrence.due_at


def can_decide_deadline(user: User, request: DeadlineRequest) -> bool:
    if not user.is_authenticated or request.state != RequestState.PENDING:
        return False
    leader = deciding_leader(request.occurrence.task)
    if leader is not None:
        return user.id == leader.id
    return user.role == Role.OFFICE


def may_decide_some_deadline(user: User) -> bool:
    """Whether the list of pending requests can concern ``user`` at all."""
    return user.is_authenticated and user.role in ASSIGNERS


def can_change_owner(user: User, task: Task) -> bool:
    """Transfer or withdraw: a leader, or the Office recording a leader's decision."""
    return user.is_authenticated and user.role in ASSIGNERS and task.is_active


def needs_on_behalf_of(user: User) -> bool:
    return user.role == Role.OFFICE


def can_contribute(user: User, occurrence: Occurrence) -> bool:
    """A cooperating unit's head adds to the owner's period until the owner hands it in."""
    return (is_cooperating_head(user, occurrence) and occurrence.task.is_active
            and occurrence.state in UNFINISHED_STATES
            and occurrence.state != OccurrenceState.NOT_APPLICABLE)
