"""Occurrences due in a date range, for the agenda command and its CSV."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import IO

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from tracker.db import LOCAL_TZ, utcnow
from tracker.directives.models import Task
from tracker.extensions import db
from tracker.org.models import Unit, User
from tracker.reports.cells import cells
from tracker.schedule.status import CATEGORY_LABELS, Category, category_of
from tracker.workflow.models import Occurrence

CSV_COLUMNS = ["task_code", "unit_code", "due_at", "status", "status_label", "responsible",
               "task_title"]


@dataclass(frozen=True)
class AgendaRow:
    occurrence: Occurrence
    category: Category

    @property
    def responsible(self) -> User | None:
        return self.occurrence.responsible


def local_day_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """UTC instants covering the local days ``start`` to ``end`` inclusive."""
    lower = datetime.combine(start, time(), tzinfo=LOCAL_TZ)
    upper = datetime.combine(end + timedelta(days=1), time(), tzinfo=LOCAL_TZ)
    return lower, upper


def agenda(start: date, end: date, unit_code: str | None = None) -> Iterator[AgendaRow]:
    lower, upper = local_day_bounds(start, end)
    query = (
        select(Occurrence)
        .join(Occurrence.task)
        .join(Task.owner_unit)
        .where(Occurrence.due_at >= lower, Occurrence.due_at < upper, Task.is_active)
        .options(
            joinedload(Occurrence.task).joinedload(Task.owner_unit),
            joinedload(Occurrence.task).joinedload(Task.assignee),
            joinedload(Occurrence.task).joinedload(Task.delegate),
            joinedload(Occurrence.assignee),
        )
        .order_by(Occurrence.due_at, Unit.code, Task.code)
    )
    if unit_code:
        query = query.where(Unit.code == unit_code)
    now = utcnow()
    for occurrence in db.session.scalars(query).unique():
        yield AgendaRow(occurrence, category_of(occurrence, now))


def write_csv(rows: Iterator[AgendaRow], out: IO[str]) -> int:
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    count = 0
    for row in rows:
        occurrence = row.occurrence
        responsible = row.responsible
        writer.writerow(cells([
            occurrence.task.code,
            occurrence.task.owner_unit.code,
            occurrence.due_at.astimezone(LOCAL_TZ).isoformat(),
            row.category.value,
            str(CATEGORY_LABELS[row.category]),
            responsible.full_name if responsible else "",
            occurrence.task.title,
        ]))
        count += 1
    return count
