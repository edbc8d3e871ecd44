"""Findings turned into work: the follow-up directive of a round, and telling the owner unit."""

from __future__ import annotations

from dateutil.relativedelta import relativedelta
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from tracker.audit.services import record, snapshot
from tracker.db import LOCAL_TZ, utcnow
from tracker.directives.models import Directive, Task
from tracker.extensions import db
from tracker.inspections.models import InspectionRound
from tracker.notify.services import notify
from tracker.org.models import Role, Unit, UnitKind, User


def issuer_name() -> str:
    """The Office's own name as it writes it (never re-cased: "HĐND", "UBND" stay capitals)."""
    office = db.session.scalar(select(Unit.name).where(Unit.kind == UnitKind.OFFICE,
                                                       Unit.is_active).order_by(Unit.id).limit(1))
    return office or current_app.config["AGENCY_NAME"]


def directive_for(actor: User, inspection: InspectionRound) -> Directive:
    """The round's follow-up directive, made at its first finding turned into a task."""
    if inspection.follow_up_directive is not None:
        return inspection.follow_up_directive
    start, end = inspection.window_start, inspection.window_end
    directive = Directive(
        code=f"KT-{start:%Y%m%d}-{inspection.id}",
        number="",
        title=_("Follow-up of the inspection of %(start)s – %(end)s",
                start=start.strftime("%d/%m/%Y"), end=end.strftime("%d/%m/%Y")),
        issuer=issuer_name(),
        starts_on=start, ends_on=end + relativedelta(years=1),
        place=current_app.config["AGENCY_PLACE"],
        issued_on=utcnow().astimezone(LOCAL_TZ).date(),
    )
    db.session.add(directive)
    db.session.flush()
    inspection.follow_up_directive = directive
    record(actor, "directive.create", directive, after=snapshot(directive),
           summary=directive.title[:80])
    return directive


def tell_owner(task: Task) -> None:
    """A follow-up task reaches the heads of its owner unit, linked to the task."""
    heads = db.session.scalars(select(User).where(User.unit_id == task.owner_unit_id,
                                                  User.role == Role.UNIT_HEAD, User.is_active))
    for head in heads:
        notify(head, "follow_up", _("New follow-up task from an inspection: %(code)s – %(title)s",
                                    code=task.code, title=task.title), task.description, task=task)
