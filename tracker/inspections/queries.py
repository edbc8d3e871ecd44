"""What the inspection pages read: rounds, their checklists, the units and criteria to pick."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from tracker.extensions import db
from tracker.inspections.models import ChecklistCriterion, InspectionItem, InspectionRound
from tracker.org.models import Unit, UnitKind
from tracker.workflow.models import Occurrence


def inspectable_units() -> list[Unit]:
    """Units a round can cover (every active unit but the leadership), by name."""
    return list(db.session.scalars(
        select(Unit).where(Unit.is_active, Unit.kind != UnitKind.LEADERSHIP).order_by(Unit.name)))


def recent_rounds(limit: int = 48) -> list[InspectionRound]:
    return list(db.session.scalars(
        select(InspectionRound).options(selectinload(InspectionRound.units))
        .order_by(InspectionRound.window_start.desc(), InspectionRound.id.desc()).limit(limit)
    ))


def items_by_unit(inspection: InspectionRound) -> dict[Unit, list[InspectionItem]]:
    """The round's checklist, unit by unit, in checklist order."""
    items = db.session.scalars(
        select(InspectionItem).where(InspectionItem.round_id == inspection.id)
        .options(joinedload(InspectionItem.unit),
                 joinedload(InspectionItem.occurrence).joinedload(Occurrence.task),
                 joinedload(InspectionItem.follow_up_task))
        .order_by(InspectionItem.unit_id, InspectionItem.position)
    ).unique().all()
    by_unit: dict[Unit, list[InspectionItem]] = {}
    for item in items:
        by_unit.setdefault(item.unit, []).append(item)
    return by_unit


def all_criteria() -> list[ChecklistCriterion]:
    """Every standing criterion, in use or not, in list order."""
    return list(db.session.scalars(
        select(ChecklistCriterion).order_by(ChecklistCriterion.position, ChecklistCriterion.id)))
