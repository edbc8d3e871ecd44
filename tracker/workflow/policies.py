"""Who may see and change an occurrence. Checked on every route and every object."""

from __future__ import annotations

from sqlalchemy import and_, or_
from sqlalchemy.sql.elements import ColumnElement

from tracker.directives.models import Task
from tracker.org.models import Role, User
from tracker.org.policies import sees_everything
from tracker.schedule.status import UNFINISHED_STATES
from tracker.workflow.models import Occurrence

# Work can be reported on while the unit holds it.
EDITABLE_STATES = UNFINISHED_STATES


def responsible_user_id(occurrence: Occurrence) -> int | None:
    """The person who answers for this period: its delegate, else the task's named person."""
    task = occurrence.task
    return occurrence.assignee_id or task.delegate_id or task.assignee_id


def heads_unit(user: User, occurrence: Occurrence) -> bool:
    return user.role == Role.UNIT_HEAD and user.unit_id == occurrence.unit_id


def is_cooperating_head(user: User, occurrence: Occurrence) -> bool:
    """The head of a unit that cooperates on the task (đơn vị phối hợp), not its owner."""
    return (user.is_authenticated and user.role == Role.UNIT_HEAD and user.unit_id is not None
            and user.unit_id != occurrence.unit_id
            and any(unit.id == user.unit_id for unit in occurrence.task.cooperating_units))


def can_view_occurrence(user: User, occurrence: Occurrence) -> bool:
    """Overseers see all; a unit's head and officers read the unit's work."""
    if sees_everything(user) or heads_unit(user, occurrence):
        return True
    if user.role == Role.STAFF and user.unit_id is not None and user.unit_id == occurrence.unit_id:
        return True
    if is_cooperating_head(user, occurrence):  # to add its part to the owner's period
        return True
    return responsible_user_id(occurrence) == user.id


def can_report(user: User, occurrence: Occurrence) -> bool:
    """The unit's head, or the person it is delegated to, while the work is not yet handed in."""
    if occurrence.state not in EDITABLE_STATES or not occurrence.task.is_active:
        return False
    return heads_unit(user, occurrence) or responsible_user_id(occurrence) == user.id


def can_delegate(user: User, occurrence: Occurrence) -> bool:
    return heads_unit(user, occurrence) and occurrence.state in EDITABLE_STATES


def can_verify(user: User) -> bool:
    return user.is_authenticated and user.role in (Role.OFFICE, Role.ADMIN)


def can_approve(user: User, occurrence: Occurrence) -> bool:
    """The Office (or an administrator) approves handed-in work, and so may a leader; never
    the person who handed it in."""
    return (user.is_authenticated and user.role in (Role.OFFICE, Role.ADMIN, Role.LEADER)
            and occurrence.submitted_by_id != user.id)


def can_decide_accountability(user: User) -> bool:
    return user.is_authenticated and user.role == Role.LEADER


def visible_occurrences_clause(user: User) -> ColumnElement[bool] | None:
    """SQL condition matching :func:`can_view_occurrence` (Task joined); None means all."""
    if sees_everything(user):
        return None
    if user.role == Role.STAFF and user.unit_id is not None:
        return or_(personal_scope(user), Occurrence.unit_id == user.unit_id)
    return personal_scope(user)


def personal_scope(user: User) -> ColumnElement[bool]:
    """The work a person answers for: delegated to them, named on the task, or their unit's."""
    mine = or_(
        Occurrence.assignee_id == user.id,
        and_(Occurrence.assignee_id.is_(None), Task.delegate_id == user.id),
        and_(Occurrence.assignee_id.is_(None), Task.delegate_id.is_(None),
             Task.assignee_id == user.id),
    )
    if user.unit_id is not None and user.role == Role.UNIT_HEAD:
        return or_(Occurrence.unit_id == user.unit_id, mine)
    return mine
