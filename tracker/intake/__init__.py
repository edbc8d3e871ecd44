"""Import a directive from its signed document (DOCX, PDF, Markdown or text): a draft to review.

A pure-Python reader, no network and no model: :mod:`extract` gets the text, :mod:`header`
the NĐ 30/2020 frame, :mod:`clauses` the clause hierarchy, :mod:`proposals` (with :mod:`rules`
and :mod:`targets`) a proposed task per duty and an indicator per target, :mod:`draft` the draft
file in the seed schema with ``status: draft``. The words it looks for are in vocabulary.yaml.
"""

from __future__ import annotations

from pathlib import Path

from tracker.intake.draft import Draft, build
from tracker.intake.extract import IntakeError, extract, from_text
from tracker.intake.vocabulary import load

__all__ = [
    "Draft",
    "IntakeError",
    "check_draft",
    "draft_from_bytes",
    "draft_from_path",
    "draft_from_text",
    "known_units",
]


def draft_from_bytes(data: bytes, filename: str, known=None, instance_path=None) -> Draft:
    """The draft for an uploaded or read document; ``known`` lists (code, name, kind)."""
    return build(extract(data, filename), load(instance_path), known)


def draft_from_text(text: str, known=None, instance_path=None) -> Draft:
    """The draft for text pasted into the box (Markdown marks are read as such)."""
    markdown = "**" in text or "\n#" in text
    return build(from_text(text, markdown=markdown), load(instance_path), known)


def draft_from_path(path: str | Path, known=None, instance_path=None) -> Draft:
    path = Path(path)
    return draft_from_bytes(path.read_bytes(), path.name, known, instance_path)


def known_units() -> list[tuple[str, str, str]] | None:
    """The commune's units from the database, when there is an application context."""
    from flask import has_app_context

    if not has_app_context():
        return None
    from sqlalchemy import inspect, select
    from sqlalchemy.exc import SQLAlchemyError

    from tracker.extensions import db
    from tracker.org.models import Unit

    url = db.engine.url
    if url.drivername.startswith("sqlite") and url.database not in (None, "", ":memory:") \
            and not Path(url.database).exists():
        return None  # reading must not create the database file
    try:
        if not inspect(db.session.connection()).has_table(Unit.__tablename__):
            return None
        units = db.session.scalars(select(Unit).order_by(Unit.code)).all()
    except SQLAlchemyError:
        db.session.rollback()
        return None
    return [(unit.code, unit.name, unit.kind.value) for unit in units]


def check_draft(draft: Draft, known=None) -> list:
    """Problems the seed schema finds in the draft (none expected): the contract with the editor.

    Known units are referred to by code and not declared in the draft; for the check, the ones
    it refers to are declared in a copy, as the database would resolve them.
    """
    import copy

    import yaml

    from tracker.directives.seeding import DirectiveFileError, parse_directive

    data = copy.deepcopy(draft.data)
    declared = {unit["code"] for unit in data.get("units", [])}
    for code, name, kind in known or []:
        if code not in declared:
            data.setdefault("units", []).append({"code": code, "name": name, "kind": kind})
    try:
        parse_directive(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "draft.yaml")
    except DirectiveFileError as error:
        return error.problems
    return []
