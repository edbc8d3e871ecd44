"""Status categories: Python and SQL agree; timeliness compares due and submission times."""

import csv
import io
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from tests import factories
from tracker.db import LOCAL_TZ
from tracker.extensions import db
from tracker.schedule.status import Category, category_condition, category_expression, category_of
from tracker.workflow.models import Occurrence, OccurrenceState

NOW = datetime(2026, 5, 5, 3, 0, tzinfo=LOCAL_TZ)  # 03:00 local


def occurrence(task, due_delta: timedelta, state=OccurrenceState.OPEN,
               submitted_delta: timedelta | None = None, day: int = 0) -> Occurrence:
    due = NOW + due_delta
    return factories.occurrence(
        task, due, state, period_start=date(2026, 1, 1) + timedelta(days=day),
        period_end=date(2026, 1, 1),
        submitted_at=due + submitted_delta if submitted_delta is not None else None)


CASES = [
    (timedelta(days=3), OccurrenceState.OPEN, None, Category.PENDING),
    (timedelta(hours=23), OccurrenceState.IN_PROGRESS, None, Category.DUE_SOON),
    (timedelta(hours=24), OccurrenceState.OPEN, None, Category.DUE_SOON),
    (timedelta(hours=25), OccurrenceState.OPEN, None, Category.PENDING),
    (-timedelta(minutes=1), OccurrenceState.OPEN, None, Category.OVERDUE),
    (-timedelta(days=9), OccurrenceState.IN_PROGRESS, None, Category.OVERDUE),
    (-timedelta(days=1), OccurrenceState.SUBMITTED, timedelta(hours=-2), Category.AWAITING),
    (-timedelta(days=1), OccurrenceState.RETURNED, timedelta(hours=-2), Category.RETURNED),
    (-timedelta(days=1), OccurrenceState.VERIFIED, timedelta(hours=-2), Category.DONE_ON_TIME),
    (-timedelta(days=1), OccurrenceState.VERIFIED, timedelta(0), Category.DONE_ON_TIME),
    (-timedelta(days=1), OccurrenceState.VERIFIED, timedelta(minutes=1), Category.DONE_LATE),
    (timedelta(days=2), OccurrenceState.NOT_APPLICABLE, None, Category.NOT_REQUIRED),
]


@pytest.mark.parametrize(("due", "state", "submitted", "expected"), CASES)
def test_category_of(ctx, due, state, submitted, expected):
    task = factories.task("PKT")
    assert category_of(occurrence(task, due, state, submitted), NOW) == expected


def test_sql_agrees_with_python(ctx):
    task = factories.task("PKT")
    made = [occurrence(task, due, state, sub, day=i)
            for i, (due, state, sub, _) in enumerate(CASES)]
    db.session.flush()
    expression = category_expression(NOW)
    in_sql = dict(db.session.execute(select(Occurrence.id, expression)).all())
    for occ in made:
        assert in_sql[occ.id] == category_of(occ, NOW).value
    for category in Category:
        ids = set(db.session.scalars(
            select(Occurrence.id).where(category_condition(category, NOW))))
        assert ids == {o.id for o in made if category_of(o, NOW) == category}, category


def test_agenda_csv(ctx, runner):
    task = factories.task("PKT", code="PKT-01")
    occurrence(task, timedelta(hours=8))
    db.session.commit()
    day = NOW.date()
    result = runner.invoke(args=["agenda", "--from", day.strftime("%d/%m/%Y"),
                                 "--to", day.isoformat(), "--csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert rows[0]["task_code"] == "PKT-01"
    assert rows[0]["unit_code"] == "PKT"
    assert rows[0]["due_at"] == "2026-05-05T11:00:00+07:00"
    # Due on 5 May 2026 and never handed in: overdue by the time the command runs.
    assert rows[0]["status"] == Category.OVERDUE.value
    assert rows[0]["status_label"] == "Chưa hoàn thành – quá hạn"
    other = runner.invoke(args=["agenda", "--from", day.isoformat(), "--to", day.isoformat(),
                                "--unit", "KHAC", "--csv"])
    assert other.output.strip().splitlines() == [
        "task_code,unit_code,due_at,status,status_label,responsible,task_title"]


def test_dashboard_counts_agree_with_categories(ctx):
    from collections import Counter

    from tracker.dashboard.queries import unit_table

    task = factories.task("PKT")
    made = [occurrence(task, due, state, sub, day=i)
            for i, (due, state, sub, _) in enumerate(CASES)]
    db.session.flush()
    (row,) = unit_table(NOW)
    in_month = [o for o in made if o.due_at.astimezone(LOCAL_TZ).month == NOW.month]
    assert row.counts == dict(Counter(category_of(o, NOW) for o in in_month))
    due = [o for o in in_month if o.due_at < NOW and o.state != OccurrenceState.NOT_APPLICABLE]
    assert row.due_this_month == len(due)
    assert row.done_on_time_this_month == sum(
        1 for o in due if category_of(o, NOW) == Category.DONE_ON_TIME)
