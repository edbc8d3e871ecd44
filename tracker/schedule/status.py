"""The official status categories, derived from an occurrence's state and its times.

Lateness is never stored: it follows from the due time, the submission time and "now", so a
page, a report and the database agree. :func:`category_of` decides for one occurrence in Python;
:func:`category_expression` says the same in SQL for counting and filtering in the database.
"""

from __future__ import annotations

import enum
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, literal
from sqlalchemy.sql.elements import ColumnElement

from tracker.db import utcnow
from tracker.workflow.models import Occurrence, OccurrenceState


class Category(enum.StrEnum):
    DUE_SOON = "due_soon"
    PENDING = "pending"
    OVERDUE = "overdue"
    AWAITING = "awaiting"
    RETURNED = "returned"
    DONE_ON_TIME = "done_on_time"
    DONE_LATE = "done_late"
    NOT_REQUIRED = "not_required"


CATEGORY_LABELS = {
    Category.PENDING: _l("Not done – within deadline"),
    Category.OVERDUE: _l("Not done – overdue"),
    Category.DONE_ON_TIME: _l("Done – on time"),
    Category.DONE_LATE: _l("Done – late"),
    Category.DUE_SOON: _l("Due soon"),
    Category.AWAITING: _l("Awaiting verification"),
    Category.RETURNED: _l("Returned"),
    Category.NOT_REQUIRED: _l("Not required"),
}

# Bootstrap colour names, the same on every page and in the charts.
CATEGORY_COLOURS = {
    Category.PENDING: "secondary",
    Category.OVERDUE: "danger",
    Category.DONE_ON_TIME: "success",
    Category.DONE_LATE: "warning",
    Category.DUE_SOON: "orange",
    Category.AWAITING: "info",
    Category.RETURNED: "returned",
    Category.NOT_REQUIRED: "light",
}

# Work the unit still holds: not handed in, or handed back by the Office.
UNFINISHED_STATES = (OccurrenceState.OPEN, OccurrenceState.IN_PROGRESS, OccurrenceState.RETURNED)
# Work never handed in: what can be due soon or overdue (returned work has its own category).
NOT_DONE_STATES = (OccurrenceState.OPEN, OccurrenceState.IN_PROGRESS)


def warning_window() -> timedelta:
    return timedelta(hours=current_app.config["WARNING_WINDOW_HOURS"])


def category_of(occurrence: Occurrence, now: datetime | None = None) -> Category:
    now = now or utcnow()
    state = occurrence.state
    if state == OccurrenceState.NOT_APPLICABLE:
        return Category.NOT_REQUIRED
    if state == OccurrenceState.VERIFIED:
        submitted = occurrence.submitted_at
        on_time = submitted is not None and submitted <= occurrence.due_at
        return Category.DONE_ON_TIME if on_time else Category.DONE_LATE
    if state == OccurrenceState.SUBMITTED:
        return Category.AWAITING
    if state == OccurrenceState.RETURNED:
        return Category.RETURNED
    if occurrence.due_at < now:
        return Category.OVERDUE
    if occurrence.due_at - now <= warning_window():
        return Category.DUE_SOON
    return Category.PENDING


def category_expression(now: datetime | None = None) -> ColumnElement[str]:
    """SQL CASE giving the same answer as :func:`category_of`, row by row."""
    now = now or utcnow()
    soon = now + warning_window()
    return case(
        (Occurrence.state == OccurrenceState.NOT_APPLICABLE, literal(Category.NOT_REQUIRED.value)),
        (
            and_(Occurrence.state == OccurrenceState.VERIFIED,
                 Occurrence.submitted_at <= Occurrence.due_at),
            literal(Category.DONE_ON_TIME.value),
        ),
        (Occurrence.state == OccurrenceState.VERIFIED, literal(Category.DONE_LATE.value)),
        (Occurrence.state == OccurrenceState.SUBMITTED, literal(Category.AWAITING.value)),
        (Occurrence.state == OccurrenceState.RETURNED, literal(Category.RETURNED.value)),
        (Occurrence.due_at < now, literal(Category.OVERDUE.value)),
        (Occurrence.due_at <= soon, literal(Category.DUE_SOON.value)),
        else_=literal(Category.PENDING.value),
    )


def category_condition(category: Category, now: datetime | None = None) -> ColumnElement[bool]:
    """A WHERE condition for one category that can use the (due_at, state) index."""
    now = now or utcnow()
    soon = now + warning_window()
    match category:
        case Category.OVERDUE:
            return and_(Occurrence.state.in_(NOT_DONE_STATES), Occurrence.due_at < now)
        case Category.DUE_SOON:
            return and_(Occurrence.state.in_(NOT_DONE_STATES), Occurrence.due_at >= now,
                        Occurrence.due_at <= soon)
        case Category.PENDING:
            return and_(Occurrence.state.in_(NOT_DONE_STATES), Occurrence.due_at > soon)
        case Category.AWAITING:
            return Occurrence.state == OccurrenceState.SUBMITTED
        case Category.RETURNED:
            return Occurrence.state == OccurrenceState.RETURNED
        case Category.DONE_ON_TIME:
            return and_(Occurrence.state == OccurrenceState.VERIFIED,
                        Occurrence.submitted_at <= Occurrence.due_at)
        case Category.DONE_LATE:
            return and_(Occurrence.state == OccurrenceState.VERIFIED,
                        Occurrence.submitted_at > Occurrence.due_at)
        case Category.NOT_REQUIRED:
            return Occurrence.state == OccurrenceState.NOT_APPLICABLE
    raise ValueError(category)
