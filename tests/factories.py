"""Small builders for test data, inside an app context. They add and flush, never commit."""

from __future__ import annotations

import io
import itertools
import re
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from tracker.db import utcnow
from tracker.directives.models import Directive, Frequency, Task
from tracker.evidence import storage
from tracker.evidence.models import Evidence, EvidenceKind
from tracker.extensions import db
from tracker.inspections import services as inspections
from tracker.inspections.models import InspectionRound
from tracker.org import services as org
from tracker.org.models import Role, Unit, UnitKind, User
from tracker.workflow.models import Occurrence, OccurrenceState

_counter = itertools.count(1)
PASSWORD = "mat-khau-thu-nghiem"
# The smallest valid PNG: one transparent pixel.
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06"
       b"\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01"
       b"\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


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
    """An account made as the administrator's form makes it (through the service, with its
    audit entry), the test password set without the password policy."""
    role = Role(role)
    username = username or f"{role.value}{next(_counter)}"
    owner = unit(unit_code) if unit_code else None
    hashed = generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])
    return org.create_user(
        None,
        username=username,
        full_name=fields.pop("full_name", f"Nguyễn Văn {username}"),
        title=fields.pop("title", ""),
        role=role,
        unit=owner,
        password_hash=hashed,
        **fields,
    )


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


def occurrence(
    task: Task,
    due_at: datetime | None = None,
    state: OccurrenceState = OccurrenceState.OPEN,
    period_start: date | None = None,
    **fields,
) -> Occurrence:
    """A period of ``task`` for its owner unit, due in three days unless told; handed in (now,
    or at its deadline if that is past) when its state says it was."""
    due_at = due_at or utcnow() + timedelta(days=3)
    period_start = period_start or due_at.date()
    if state in (OccurrenceState.SUBMITTED, OccurrenceState.VERIFIED):
        fields.setdefault("submitted_at", min(due_at, utcnow()))
    obj = Occurrence(task_id=task.id, unit_id=fields.pop("unit_id", task.owner_unit_id),
                     period_start=period_start, period_end=fields.pop("period_end", period_start),
                     due_at=due_at, state=state, **fields)
    db.session.add(obj)
    db.session.flush()
    return obj


def evidence(occurrence: Occurrence, uploaded_by: User, data: bytes = PNG,
             name: str = "ảnh hiện trường.png") -> Evidence:
    """A file attached to ``occurrence``, kept in the store the way an upload is."""
    stored = storage.store(io.BytesIO(data), name)
    obj = Evidence(occurrence_id=occurrence.id, kind=EvidenceKind.FILE, sha256=stored.sha256,
                   original_name=name, media_type=stored.media_type, size=stored.size,
                   uploaded_by_id=uploaded_by.id)
    db.session.add(obj)
    db.session.flush()
    return obj


def inspection_round(opened_by: User, window_start: date = date(2026, 11, 1),
                     units: list[Unit] | None = None) -> InspectionRound:
    """A round opened through the service, its checklist built from what was due."""
    return inspections.open_round(opened_by, window_start,
                                  [unit.id for unit in units] if units else None)


def first_row_id(argument: str) -> str:
    """A route's ``<..._id>`` argument naming a real row: the first of the table whose model
    name ends with the argument's (round_id -> InspectionRound), else 1."""
    base = argument.removesuffix("_id")
    for mapper in sorted(db.Model.registry.mappers, key=lambda m: m.class_.__name__):
        model = re.sub(r"(?<!^)(?=[A-Z])", "_", mapper.class_.__name__).lower()
        if (model == base or model.endswith(f"_{base}")) and "id" in mapper.columns:
            first = db.session.scalar(select(func.min(mapper.columns["id"])))
            if first is not None:
                return str(first)
    return "1"
