"""Who may change the calendar and record events."""

from tracker.directives.models import Task
from tracker.org.models import Role, User


def can_edit_calendar(user: User) -> bool:
    return user.is_authenticated and user.role in (Role.ADMIN, Role.OFFICE)


def can_record_event(user: User, task: Task) -> bool:
    if not user.is_authenticated:
        return False
    if user.role in (Role.ADMIN, Role.LEADER, Role.OFFICE):
        return True
    return user.role == Role.UNIT_HEAD and user.unit_id == task.owner_unit_id
