"""Changes to units and users. Each takes the acting user and writes the audit log."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from tracker.audit.services import changed, record, snapshot
from tracker.db import utcnow
from tracker.extensions import db
from tracker.org import policies
from tracker.org.models import Role, Unit, UnitKind, User
from tracker.security import is_common_password


class PasswordRejectedError(ValueError):
    """The new password breaks the policy; the message says how, in the user's language."""


class SelfLockoutError(ValueError):
    """An administrator tried to lock themselves out; the message says how."""


def check_password_policy(password: str, username: str) -> None:
    minimum = current_app.config["MIN_PASSWORD_LENGTH"]
    if len(password) < minimum:
        raise PasswordRejectedError(
            _("The password must have at least %(n)d characters.", n=minimum)
        )
    if password.isdigit():
        raise PasswordRejectedError(_("The password must not be only digits."))
    if password.lower() == username.lower():
        raise PasswordRejectedError(_("The password must not be the same as the username."))
    if is_common_password(password):
        raise PasswordRejectedError(
            _("This password is among the first that attackers try; choose another.")
        )


def username_taken(username: str, exclude_id: int | None = None) -> bool:
    query = select(User.id).where(func.lower(User.username) == username.lower())
    if exclude_id is not None:
        query = query.where(User.id != exclude_id)
    return db.session.scalar(query) is not None


def unit_code_taken(code: str, exclude_id: int | None = None) -> bool:
    query = select(Unit.id).where(func.lower(Unit.code) == code.lower())
    if exclude_id is not None:
        query = query.where(Unit.id != exclude_id)
    return db.session.scalar(query) is not None


def create_unit(actor: User | None, **fields: Any) -> Unit:
    unit = Unit(**fields)
    if "is_ranked" not in fields:
        unit.is_ranked = unit.kind != UnitKind.LEADERSHIP
    db.session.add(unit)
    db.session.flush()
    record(actor, "unit.create", unit, after=snapshot(unit), summary=unit.name)
    return unit


def update_unit(actor: User | None, unit: Unit, **fields: Any) -> Unit:
    before = snapshot(unit)
    for name, value in fields.items():
        setattr(unit, name, value)
    db.session.flush()
    old, new = changed(before, snapshot(unit))
    if new:
        record(actor, "unit.update", unit, before=old, after=new, summary=unit.name)
    return unit


def create_user(actor: User | None, password: str | None = None, **fields: Any) -> User:
    user = User(**fields)
    if password is not None:
        check_password_policy(password, user.username)
        user.set_password(password)
    db.session.add(user)
    db.session.flush()
    record(actor, "user.create", user, after=snapshot(user), summary=user.username)
    return user


def update_user(actor: User | None, user: User, **fields: Any) -> User:
    if "role" in fields and not policies.may_set_role(actor, user, fields["role"]):
        raise SelfLockoutError(_("You cannot take the administrator role away from yourself."))
    before = snapshot(user)
    for name, value in fields.items():
        setattr(user, name, value)
    db.session.flush()
    old, new = changed(before, snapshot(user))
    if new:
        record(actor, "user.update", user, before=old, after=new, summary=user.username)
    return user


def set_active(actor: User | None, user: User, active: bool) -> User:
    if not policies.may_set_active(actor, user):
        raise SelfLockoutError(_("You cannot lock your own account."))
    if user.is_active != active:
        user.is_active = active
        action = "user.activate" if active else "user.deactivate"
        record(actor, action, user, before={"is_active": not active},
               after={"is_active": active}, summary=user.username)
    return user


def set_password(actor: User | None, user: User, password: str) -> None:
    """Set a password (an administrator's reset, or the user's own change)."""
    check_password_policy(password, user.username)
    user.set_password(password)
    action = "user.change_password" if actor is user else "user.reset_password"
    record(actor, action, user, summary=user.username)


def note_login(user: User) -> None:
    user.last_login_at = utcnow()
    record(user, "user.login", user, summary=user.username)


def authenticate(username: str, password: str) -> User | None:
    user = db.session.scalar(select(User).where(func.lower(User.username) == username.lower()))
    if user is None or not user.can_log_in or not user.check_password(password):
        return None
    return user


def active_units() -> list[Unit]:
    return list(db.session.scalars(select(Unit).where(Unit.is_active).order_by(Unit.name)))


def supervisors() -> list[User]:
    """People who can supervise a unit: active leaders."""
    query = select(User).where(User.role == Role.LEADER, User.is_active).order_by(User.full_name)
    return list(db.session.scalars(query))
