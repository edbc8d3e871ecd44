"""From an uploaded document to a loaded draft directive: one path for the upload page."""

from __future__ import annotations

import copy
import json
from datetime import timedelta
from pathlib import Path
from typing import Any, BinaryIO

import yaml
from flask import current_app
from sqlalchemy import select

from tracker.directives import seeding
from tracker.directives import services as directive_services
from tracker.directives.applying import SeedSummary
from tracker.evidence import storage
from tracker.extensions import db
from tracker.intake import Draft, draft_from_bytes, draft_from_text, known_units
from tracker.intake.policies import can_create_people
from tracker.org.models import Unit, User

# A draft waits for the clerk's review for a week; the checked files of other imports, a day.
DRAFT_KEPT = timedelta(days=7)


def pending_draft(digest: str) -> Path | None:
    return storage.pending_file("drafts", digest, ".json", keep=DRAFT_KEPT)


def read_upload(stream: BinaryIO | None, filename: str, text: str) -> tuple[Draft, dict]:
    """The draft of an uploaded document (kept through the upload guard) or of pasted text."""
    known = known_units()
    if stream is not None and filename:
        stored = storage.store(stream, filename, accepted=("docx", "pdf"))
        data = storage.path_for(stored.sha256).read_bytes()
        draft = draft_from_bytes(data, filename, known, current_app.instance_path)
        document = {"name": filename, "sha256": stored.sha256}
    else:
        draft = draft_from_text(text, known, current_app.instance_path)
        document = {}
    return draft, document


def keep_pending(draft: Draft, document: dict) -> str:
    """Keep the draft until the person confirms it; the key is its digest."""
    payload = json.dumps({"data": draft.data, "document": document}, ensure_ascii=False,
                         sort_keys=True, default=str)
    return storage.keep_pending("drafts", payload.encode("utf-8"), ".json", keep=DRAFT_KEPT)


def load_pending(digest: str) -> dict | None:
    path = pending_draft(digest)
    if path is None:
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def confirm_draft(digest: str, owners: dict[int, str], actor: User) -> SeedSummary | None:
    """Apply the person's corrections and load the draft through the seed schema."""
    pending = load_pending(digest)
    if pending is None:
        return None
    data = copy.deepcopy(pending["data"])
    units = {unit.code: unit for unit in db.session.scalars(select(Unit))}
    declared = {unit["code"] for unit in data["units"]}
    for index, code in owners.items():
        if 0 <= index < len(data["tasks"]) and (code in units or code in declared):
            data["tasks"][index]["owner"] = code
    _declare_known(data, units, declared)
    if not can_create_people(actor):
        _drop_new_people(data)
    document = pending.get("document") or {}
    if document:  # the uploaded file, kept by the upload guard: the directive's signed document
        data["directive"]["document"] = {"name": document["name"][:200] or "document",
                                         "sha256": document["sha256"]}
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    spec = seeding.parse_directive(text, document.get("name") or "draft.yaml")
    summary = directive_services.load_directive(spec, actor)
    path = pending_draft(digest)
    if path is not None:
        path.unlink(missing_ok=True)
    return summary


def _declare_known(data: dict[str, Any], units: dict[str, Unit], declared: set[str]) -> None:
    """The schema on this branch needs every unit in the file: declare known ones unchanged."""
    used = {task["owner"] for task in data["tasks"]}
    used |= {code for task in data["tasks"] for code in task.get("cooperating", [])}
    used |= {item["owner"] for item in data["indicators"]} | {p["unit"] for p in data["people"]}
    for code in sorted(used - declared):
        unit = units[code]
        data["units"].append({"code": code, "name": unit.name, "kind": unit.kind.value})


def _drop_new_people(data: dict[str, Any]) -> None:
    codes = [person["code"] for person in data["people"]]
    existing = set(db.session.scalars(select(User.person_code).where(User.person_code.in_(codes))))
    for person in data["people"]:
        if person["code"] not in existing:
            for task in data["tasks"]:
                for key, label in (("assignee", "Người phụ trách"),
                                   ("supervisor", "Người chỉ đạo")):
                    if task.get(key) == person["code"]:
                        del task[key]
                        task["description"] = (task.get("description", "") + f" {label}: "
                                               f"{person['name']}.").strip()
    data["people"] = [person for person in data["people"] if person["code"] in existing]


def owner_choices() -> list[tuple[str, str]]:
    return [(unit.code, unit.name) for unit in db.session.scalars(select(Unit).order_by(Unit.code))]
