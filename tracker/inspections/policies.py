"""Who may run and read inspection rounds."""

from tracker.org.models import Role, User


def can_run(user: User) -> bool:
    """The Office runs the rounds (administrators too, to help)."""
    return user.is_authenticated and user.role in (Role.OFFICE, Role.ADMIN)


def can_read(user: User) -> bool:
    return user.is_authenticated and user.role in (Role.OFFICE, Role.ADMIN, Role.LEADER)
