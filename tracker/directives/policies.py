"""Who may see which directive work. Object checks live here, not in templates or forms."""

from sqlalchemy import exists, or_, select
from sqlalchemy.sql.elements import ColumnElement

from tracker.directives.models import Task, task_cooperating_units
from tracker.org.models import Role, User
from tracker.org.policies import sees_everything


def visible_tasks_clause(user: User) -> ColumnElement[bool] | None:
    """SQL condition for the tasks ``user`` may see; None means every task."""
    if sees_everything(user):
        return None
    conditions = [Task.assignee_id == user.id]
    if user.unit_id is not None:
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
    if sees_everything(user) or task.assignee_id == user.id:
        return True
    if user.unit_id is None:
        return False
    return task.owner_unit_id == user.unit_id or any(
        unit.id == user.unit_id for unit in task.cooperating_units
    )


def can_import_directives(user: User) -> bool:
    return user.is_authenticated and user.role == Role.ADMIN
