"""Units of the commune and the people who work in them."""

from __future__ import annotations

import enum
import hmac
import secrets
from datetime import datetime

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from tracker.db import enum_column, utcnow
from tracker.extensions import db


class UnitKind(enum.StrEnum):
    LEADERSHIP = "leadership"
    OFFICE = "office"
    DEPARTMENT = "department"
    CENTER = "center"
    OTHER = "other"


class Role(enum.StrEnum):
    ADMIN = "admin"
    LEADER = "leader"
    OFFICE = "office"
    UNIT_HEAD = "unit_head"
    STAFF = "staff"


def new_session_nonce() -> str:
    return secrets.token_hex(16)


class Unit(db.Model):
    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[UnitKind] = mapped_column(enum_column(UnitKind), default=UnitKind.OTHER)
    # The leadership group directs the work but is not itself ranked each month.
    is_ranked: Mapped[bool] = mapped_column(default=True)
    is_active: Mapped[bool] = mapped_column(default=True)
    # The Vice Chairman who supervises the unit: the last step of escalation.
    supervisor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", use_alter=True))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    supervisor: Mapped[User | None] = relationship(foreign_keys=[supervisor_id])
    members: Mapped[list[User]] = relationship(
        back_populates="unit", foreign_keys="User.unit_id", order_by="User.full_name"
    )

    def __repr__(self) -> str:
        return f"<Unit {self.code}>"


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str | None] = mapped_column(String(254))
    role: Mapped[Role] = mapped_column(enum_column(Role), default=Role.STAFF)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    # The code a directive file uses for this person ("people" in the seed schema).
    person_code: Mapped[str | None] = mapped_column(String(40), unique=True)
    # None: the account cannot log in until an administrator sets a password.
    password_hash: Mapped[str | None] = mapped_column(String(256))
    is_active: Mapped[bool] = mapped_column(default=True)
    is_demo: Mapped[bool] = mapped_column(default=False)
    # Secret part of the personal calendar feed's address; None when no feed is enabled.
    ical_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    # Part of every session's and remember-me cookie's user id: a new value ends them all.
    session_nonce: Mapped[str] = mapped_column(String(32), default=new_session_nonce)

    unit: Mapped[Unit | None] = relationship(back_populates="members", foreign_keys=[unit_id])

    def get_id(self) -> str:
        """Flask-Login's alternative id: the row, this user's session nonce, and a per-login
        id (so each login's remember-me token differs, and one login can be ended alone)."""
        return f"{self.id}.{self.session_nonce}.{secrets.token_hex(8)}"

    def session_matches(self, nonce: str) -> bool:
        return hmac.compare_digest(self.session_nonce.encode(), nonce.encode())

    def end_sessions(self) -> None:
        """Every cookie naming the old nonce (sessions, remember-me tokens) stops working."""
        self.session_nonce = new_session_nonce()

    def set_password(self, password: str) -> None:
        method = current_app.config["PASSWORD_HASH_METHOD"]
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return self.password_hash is not None and check_password_hash(self.password_hash, password)

    @property
    def can_log_in(self) -> bool:
        return self.is_active and self.password_hash is not None

    @property
    def display_name(self) -> str:
        return f"{self.full_name} – {self.title}" if self.title else self.full_name

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class EndedLogin(db.Model):
    """One login ended by its logout: the session cookie and remember-me token that carry its
    login id stop working, while the account's other logins go on (ending all of them is the
    nonce's job)."""

    __tablename__ = "ended_logins"
    __table_args__ = (UniqueConstraint("user_id", "login_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    login_id: Mapped[str] = mapped_column(String(16))
    ended_at: Mapped[datetime] = mapped_column(default=utcnow)
