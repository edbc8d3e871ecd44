"""Who may turn a signed document into a draft directive."""

from tracker.org.models import Role, User


def can_draft_from_document(user: User) -> bool:
    """The Office drafts directives as the administrator can (DESIGN §1)."""
    return user.is_authenticated and user.role in (Role.ADMIN, Role.OFFICE)


def can_create_people(user: User) -> bool:
    """Only an administrator creates accounts: a draft from the Office names existing people."""
    return user.is_authenticated and user.role == Role.ADMIN
