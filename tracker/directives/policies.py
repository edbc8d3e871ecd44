"""Who may see which directive work. Object checks live here, not in templates or forms."""

from sqlalchemy import exists, or_, select
from sqlalchemy.sql.elements import ColumnElement

from tracker.directives.models import Directive, Task, task_cooperating_units
from tracker.extensions import db
from tracker.org.models import Role, User
from tracker.org.policies import sees_everything
from tracker.workflow.models import Occurrence

# Officers read their unit's work (they change only what is handed to them).
UNIT_MEMBERS = frozenset({Role.UNIT_HEAD, Role.STAFF})


def visible_tasks_clause(user: User) -> ColumnElement[bool] | None:
    """SQL condition for the tasks ``user`` may see; None means every task.

    Members of a unit (its head and its officers) see the unit's tasks and those it co-operates
    on, and anyone sees what is delegated to them (the whole task, or single periods of it).
    """
    if sees_everything(user):
        return None
    conditions = [
        Task.assignee_id == user.id,
        Task.delegate_id == user.id,
        exists(select(Occurrence.id).where(Occurrence.task_id == Task.id,
                                           Occurrence.assignee_id == user.id)),
    ]
    if user.role in UNIT_MEMBERS and user.unit_id is not None:
        conditions.append(Task.owner_unit_id == user.unit_id)
        conditions.append(
            exists(
                select(task_cooperating_units.c.task_id).where(
                    task_cooperating_units.c.task_id == Task.id,
                    task_cooperating_units.c.unit_id == user.unit_id,
                )
            )
        )
    return or_(*conditions)


def can_view_task(user: User, task: Task) -> bool:
    if not can_view_directive(user, task.directive):
        return False
    if sees_everything(user) or user.id in (task.assignee_id, task.delegate_id):
        return True
    if user.role in UNIT_MEMBERS and user.unit_id is not None and (
        task.owner_unit_id == user.unit_id
        or any(unit.id == user.unit_id for unit in task.cooperating_units)
    ):
        return True
    return db.session.scalar(
        select(exists().where(Occurrence.task_id == task.id, Occurrence.assignee_id == user.id))
    )


def can_delegate_task(user: User, task: Task) -> bool:
    """Only the head of the unit that owns a task hands it to one of the unit's officers."""
    return user.role == Role.UNIT_HEAD and user.unit_id == task.owner_unit_id


def can_import_directives(user: User) -> bool:
    return can_edit_directives(user)


def can_edit_directives(user: User) -> bool:
    """Draft and change directives, load files: the Office keys them in, as administrators can."""
    return user.is_authenticated and user.role in (Role.ADMIN, Role.OFFICE)


def can_publish(user: User) -> bool:
    """A leader publishes; the Office (or an administrator) may do it on a leader's behalf."""
    return user.is_authenticated and user.role in (Role.LEADER, Role.OFFICE, Role.ADMIN)


def publishes_for_others(user: User) -> bool:
    return user.role != Role.LEADER


def can_view_directive(user: User, directive: Directive) -> bool:
    """A draft is work in progress of those who draft and publish; nobody else sees it."""
    return not directive.is_draft or can_edit_directives(user) or can_publish(user)


# What a role may hand out through a file: never more than the uploader holds.
ROLE_RANK = {Role.STAFF: 0, Role.UNIT_HEAD: 1, Role.OFFICE: 2, Role.LEADER: 3, Role.ADMIN: 4}


def can_grant(user: User | None, role: Role) -> bool:
    """None is the server's own command line, run by whoever administers the machine."""
    return user is None or ROLE_RANK[role] <= ROLE_RANK[user.role]
