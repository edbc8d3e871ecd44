"""Who may see indicators, enter figures, verify them and import them."""

from __future__ import annotations

from tracker.indicators.models import Indicator
from tracker.org.models import Role, User
from tracker.org.policies import sees_everything

# The Office checks figures, as it checks evidence (the administrator can stand in for it).
VERIFIERS = frozenset({Role.OFFICE, Role.ADMIN})


def can_view_indicators(user: User) -> bool:
    """The directive's targets and verified figures are for every member of the committee."""
    return user.is_authenticated


def can_enter_reading(user: User, indicator: Indicator) -> bool:
    """The head of the unit that owns the indicator, or the Office on anyone's behalf.

    The Office keys in figures for the leadership (which has no head of unit) and from the
    provincial systems; a leader reads figures, he does not type them.
    """
    if not user.is_authenticated:
        return False
    if user.role in VERIFIERS:
        return True
    return user.role == Role.UNIT_HEAD and user.unit_id == indicator.owner_unit_id


def can_verify_readings(user: User) -> bool:
    return user.is_authenticated and user.role in VERIFIERS


def can_import_readings(user: User) -> bool:
    """An import is the Office's own figures: it is verified as it is written."""
    return can_verify_readings(user)


def sees_pending(user: User, indicator: Indicator) -> bool:
    """Figures not yet verified are shown to those who check them and to the unit that sent them."""
    return sees_everything(user) or (
        user.role == Role.UNIT_HEAD and user.unit_id == indicator.owner_unit_id
    )
