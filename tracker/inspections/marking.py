"""Rules of marking a checklist that are not one item at a time: items not yet due, the rest
marked met in one go, and the one open round per half-month and unit."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from tracker.audit.services import record
from tracker.db import utcnow
from tracker.extensions import db
from tracker.inspections.models import InspectionItem, InspectionRound, ItemResult, RoundState
from tracker.org.models import Unit, User
from tracker.workflow.models import OccurrenceState

# A period handed in or settled counts as due: there is something to inspect.
SETTLED_STATES = (OccurrenceState.SUBMITTED, OccurrenceState.VERIFIED,
                  OccurrenceState.NOT_APPLICABLE)


class DuplicateRoundError(ValueError):
    """A round for the same half-month and unit is already open."""

    def __init__(self, existing: InspectionRound):
        self.existing = existing
        super().__init__(_("A round for %(start)s – %(end)s covering these units is already "
                           "open: mark that one instead.",
                           start=existing.window_start.strftime("%d/%m/%Y"),
                           end=existing.window_end.strftime("%d/%m/%Y")))


def not_yet_due(item: InspectionItem, now: datetime | None = None) -> bool:
    """A period whose deadline has not come and that was not handed in: nothing to judge yet."""
    occurrence = item.occurrence
    if occurrence is None or occurrence.state in SETTLED_STATES:
        return False
    return occurrence.due_at > (now or utcnow())


def refuse_duplicate(window_start, unit_ids: list[int], scope: list[Unit]) -> None:
    """Refuse a round when an open round of the same half-month covers one of the same units."""
    wanted = {unit.id for unit in scope}
    rounds = db.session.scalars(
        select(InspectionRound).where(InspectionRound.window_start == window_start,
                                      InspectionRound.state == RoundState.OPEN)
        .options(selectinload(InspectionRound.units)).order_by(InspectionRound.id)
    ).all()
    for existing in rounds:
        if not existing.units or not unit_ids or wanted & {unit.id for unit in existing.units}:
            raise DuplicateRoundError(existing)


def settle_not_yet_due(inspection: InspectionRound, now: datetime | None = None) -> int:
    """Mark every unmarked item whose period is not yet due as such (not met, not failed)."""
    now = now or utcnow()
    count = 0
    for item in _unmarked(inspection):
        if not_yet_due(item, now):
            item.result = ItemResult.NOT_YET_DUE
            count += 1
    return count


def mark_rest_met(actor: User, inspection: InspectionRound, unit_id: int | None = None) -> int:
    """Every item still unmarked (of one unit, or the whole round) becomes met, except those
    not yet due, which are marked so. Returns how many items were marked met."""
    now = utcnow()
    met = not_due = 0
    for item in _unmarked(inspection, unit_id):
        if not_yet_due(item, now):
            item.result = ItemResult.NOT_YET_DUE
            not_due += 1
        else:
            item.result = ItemResult.PASS
            met += 1
        item.marked_by_id, item.marked_at = actor.id, now
    db.session.flush()
    record(actor, "inspection.mark_rest", inspection,
           after={"unit_id": unit_id, "met": met, "not_yet_due": not_due},
           summary=_("%(met)d item(s) marked met, %(later)d not yet due", met=met, later=not_due))
    return met


def _unmarked(inspection: InspectionRound, unit_id: int | None = None) -> list[InspectionItem]:
    query = (select(InspectionItem)
             .where(InspectionItem.round_id == inspection.id,
                    InspectionItem.result == ItemResult.PENDING)
             .options(joinedload(InspectionItem.occurrence)))
    if unit_id is not None:
        query = query.where(InspectionItem.unit_id == unit_id)
    return list(db.session.scalars(query))
