"""Cooperating units (đơn vị phối hợp) add their part to the owner unit's period; the owner
hands the period in. A contribution's file goes through the one upload guard."""

from __future__ import annotations

from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from tracker.assignments import policies
from tracker.assignments.models import Contribution
from tracker.assignments.telling import tell, unit_heads
from tracker.audit.services import record
from tracker.evidence import storage
from tracker.extensions import db
from tracker.org.models import User
from tracker.workflow.models import Occurrence


class ContributionError(ValueError):
    """The contribution cannot be added as given; the message says what is missing."""


def add_contribution(actor: User, occurrence: Occurrence, text: str,
                     upload: FileStorage | None = None, url: str = "") -> Contribution:
    if not policies.can_contribute(actor, occurrence):
        raise PermissionError
    if not text.strip():
        raise ContributionError(_("Write what your unit did for this period."))
    contribution = Contribution(occurrence_id=occurrence.id, unit_id=actor.unit_id,
                                author_id=actor.id, text=text.strip(), url=url.strip())
    if upload is not None and upload.filename:
        name = upload.filename.replace("\\", "/").rsplit("/", 1)[-1][:255]
        stored = storage.store(upload.stream, name)
        contribution.sha256, contribution.original_name = stored.sha256, name
        contribution.media_type, contribution.size = stored.media_type, stored.size
    db.session.add(contribution)
    db.session.flush()
    record(actor, "occurrence.contribution_add", occurrence,
           after={"contribution_id": contribution.id, "unit_id": contribution.unit_id,
                  "text": contribution.text, "file": contribution.original_name,
                  "sha256": contribution.sha256, "url": contribution.url},
           summary=occurrence.task.code)
    tell(unit_heads(occurrence.unit_id), "contribution",
         _("%(unit)s added its part: %(code)s – %(title)s", unit=actor.unit.name,
           code=occurrence.task.code, title=occurrence.task.title), contribution.text,
         occurrence)
    return contribution
