"""Changes to units and users. Each takes the acting user and writes the audit log."""

from __future__ import annotations

import secrets
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, func, select
from werkzeug.security import check_password_hash, generate_password_hash

from tracker.audit import keys
from tracker.audit.services import changed, record, snapshot
from tracker.db import utcnow
from tracker.extensions import db
from tracker.org import policies
from tracker.org import queries as org_queries
from tracker.org.models import EndedLogin, Role, Unit, UnitKind, User
from tracker.org.passwords import PasswordRejectedError as PasswordRejectedError
from tracker.org.passwords import check_password_policy

_DUMMY_HASHES: dict[str, str] = {}
# What the log records of an account (never the password hash, nor the session nonce).
USER_FIELDS = ["id", "username", "full_name", "title", "email", "role", "unit_id", "person_code",
               "is_active", "is_demo", "created_at"]


class SelfLockoutError(ValueError):
    """An administrator tried to lock themselves out; the message says how."""


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


def _password_fingerprint(user: User) -> dict[str, str | None]:
    """What the log keeps of the password hash, so ``audit verify`` notices a change by SQL."""
    return {"password_fingerprint": keys.password_fingerprint(user.password_hash)}


def create_user(actor: User | None, password: str | None = None, **fields: Any) -> User:
    user = User(**fields)
    if password is not None:
        check_password_policy(password, user.username)
        user.set_password(password)
    db.session.add(user)
    db.session.flush()
    record(actor, "user.create", user, after={**snapshot(user, USER_FIELDS),
                                              **_password_fingerprint(user)},
           summary=user.username)
    return user


def update_user(actor: User | None, user: User, **fields: Any) -> User:
    """Change an account; a new role ends the person's sessions (they log in afresh)."""
    if "role" in fields and not policies.may_set_role(actor, user, fields["role"]):
        raise SelfLockoutError(_("You cannot take the administrator role away from yourself."))
    before = snapshot(user, USER_FIELDS)
    for name, value in fields.items():
        setattr(user, name, value)
    if user.role.value != before["role"]:
        _end_every_login(user)
    db.session.flush()
    old, new = changed(before, snapshot(user, USER_FIELDS))
    if new:
        record(actor, "user.update", user, before=old, after=new, summary=user.username)
    return user


def set_active(actor: User | None, user: User, active: bool) -> User:
    """Lock or unlock an account; locking ends every session it has."""
    if not policies.may_set_active(actor, user):
        raise SelfLockoutError(_("You cannot lock your own account."))
    if user.is_active != active:
        user.is_active = active
        if not active:
            _end_every_login(user)
        action = "user.activate" if active else "user.deactivate"
        record(actor, action, user, before={"is_active": not active},
               after={"is_active": active}, summary=user.username)
    return user


def set_password(actor: User | None, user: User, password: str) -> None:
    """Set a password (an administrator's reset, or the user's own change); every session
    of the account ends (the view logs the person changing their own back in)."""
    check_password_policy(password, user.username)
    user.set_password(password)
    _end_every_login(user)
    action = "user.change_password" if actor is user else "user.reset_password"
    record(actor, action, user, after=_password_fingerprint(user), summary=user.username)


def _end_every_login(user: User) -> None:
    """A new nonce ends every login of the account; the logins ended one by one are then moot,
    so their rows go (they would otherwise grow by one per logout, for ever)."""
    user.end_sessions()
    db.session.execute(delete(EndedLogin).where(EndedLogin.user_id == user.id))


def end_sessions(actor: User, user: User, action: str = "user.end_sessions") -> None:
    """Log the account out everywhere (its cookies and remember-me tokens stop working)."""
    _end_every_login(user)
    record(actor, action, user, summary=user.username)


def end_login(actor: User, user: User, session_user_id: str | None) -> None:
    """Log this one login out for good: the session cookie and remember-me token that carry
    its login id (the last part of Flask-Login's alternative id) stop working, even copied."""
    login_id = (session_user_id or "").rpartition(".")[2]
    if login_id and not org_queries.login_ended(user, login_id):
        db.session.add(EndedLogin(user_id=user.id, login_id=login_id[:16]))
        db.session.flush()
    record(actor, "user.logout", user, summary=user.username)


def note_login(user: User) -> None:
    user.last_login_at = utcnow()
    record(user, "user.login", user, summary=user.username)


def authenticate(username: str, password: str) -> User | None:
    """The account these credentials open, or None; as slow for an unknown name as a known one
    (a dummy hash is checked), so timing does not tell which usernames exist."""
    user = db.session.scalar(select(User).where(func.lower(User.username) == username.lower()))
    if user is None or user.password_hash is None:
        check_password_hash(dummy_password_hash(), password)
        return None
    if not user.check_password(password) or not user.can_log_in:
        return None
    return user


def dummy_password_hash() -> str:
    """A hash made with the configured method, to check a password against in vain."""
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _DUMMY_HASHES:
        _DUMMY_HASHES[method] = generate_password_hash(secrets.token_hex(16), method=method)
    return _DUMMY_HASHES[method]


def active_units() -> list[Unit]:
    return list(db.session.scalars(select(Unit).where(Unit.is_active).order_by(Unit.name)))


def supervisors() -> list[User]:
    """People who can supervise a unit: active leaders."""
    query = select(User).where(User.role == Role.LEADER, User.is_active).order_by(User.full_name)
    return list(db.session.scalars(query))
