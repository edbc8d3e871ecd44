"""Small builders for test data, inside an app context. They add and flush, never commit."""

from __future__ import annotations

import itertools
from datetime import date

from tracker.directives.models import Directive, Frequency, Task
from tracker.extensions import db
from tracker.org.models import Role, Unit, UnitKind, User

_counter = itertools.count(1)
PASSWORD = "mat-khau-thu-nghiem"


def unit(code: str | None = None, kind: UnitKind = UnitKind.DEPARTMENT, **fields) -> Unit:
    code = code or f"U{next(_counter)}"
    existing = db.session.query(Unit).filter_by(code=code).one_or_none()
    if existing is not None:
        return existing
    obj = Unit(code=code, name=fields.pop("name", f"Đơn vị {code}"), kind=kind, **fields)
    db.session.add(obj)
    db.session.flush()
    return obj


def user(
    role: str | Role = Role.STAFF,
    unit_code: str | None = None,
    username: str | None = None,
    password: str = PASSWORD,
    **fields,
) -> User:
    role = Role(role)
    username = username or f"{role.value}{next(_counter)}"
    owner = unit(unit_code) if unit_code else None
    obj = User(
        username=username,
        full_name=fields.pop("full_name", f"Nguyễn Văn {username}"),
        title=fields.pop("title", ""),
        role=role,
        unit=owner,
        **fields,
    )
    obj.set_password(password)
    db.session.add(obj)
    db.session.flush()
    return obj


def directive(code: str | None = None, **fields) -> Directive:
    code = code or f"D{next(_counter)}"
    obj = Directive(
        code=code,
        number=fields.pop("number", "/TB-VP"),
        title=fields.pop("title", f"Thông báo {code}"),
        issuer=fields.pop("issuer", "Văn phòng HĐND và UBND xã"),
        starts_on=fields.pop("starts_on", date(2026, 4, 1)),
        ends_on=fields.pop("ends_on", date(2026, 12, 31)),
        **fields,
    )
    db.session.add(obj)
    db.session.flush()
    return obj


def task(
    owner_code: str,
    code: str | None = None,
    parent: Directive | None = None,
    frequency: Frequency = Frequency.DAILY,
    **fields,
) -> Task:
    parent = parent or directive()
    code = code or f"T{next(_counter)}"
    obj = Task(
        directive=parent,
        code=code,
        clause=fields.pop("clause", "1"),
        title=fields.pop("title", f"Nhiệm vụ {code}"),
        owner_unit=unit(owner_code),
        frequency=frequency,
        due_rule=fields.pop("due_rule", {"time": "17:00"}),
        starts_on=fields.pop("starts_on", parent.starts_on),
        ends_on=fields.pop("ends_on", parent.ends_on),
        **fields,
    )
    db.session.add(obj)
    db.session.flush()
    return obj
