"""A person's deadlines as an iCalendar feed (RFC 5545), for phone and desktop calendars."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from icalendar import Alarm, Calendar, Event
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from tracker.db import utcnow
from tracker.directives.models import Task
from tracker.extensions import db
from tracker.org.models import User
from tracker.schedule.status import UNFINISHED_STATES
from tracker.workflow.models import Occurrence
from tracker.workflow.policies import personal_scope

FEED_PAST_DAYS = 31
FEED_LIMIT = 2000


def feed_for(user: User) -> bytes:
    """Open deadlines of ``user`` from a month ago on, with a reminder the day before."""
    now = utcnow()
    query = (
        select(Occurrence)
        .join(Occurrence.task)
        .where(Task.is_active, personal_scope(user), Occurrence.state.in_(UNFINISHED_STATES),
               Occurrence.due_at >= now - timedelta(days=FEED_PAST_DAYS))
        .options(joinedload(Occurrence.task).joinedload(Task.owner_unit))
        .order_by(Occurrence.due_at)
        .limit(FEED_LIMIT)
    )
    calendar = Calendar()
    calendar.add("prodid", "-//Ro viec//tracker//VI")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"Rõ việc – {user.full_name}")
    host = current_app.config["SITE_URL"].split("//")[-1].split("/")[0]
    for occurrence in db.session.scalars(query).unique():
        task = occurrence.task
        event = Event()
        event.add("uid", f"occurrence-{occurrence.id}@{host}")
        event.add("dtstamp", now)
        event.add("dtstart", occurrence.due_at - timedelta(minutes=30))
        event.add("dtend", occurrence.due_at)
        event.add("summary", f"[{task.code}] {task.title}")
        event.add("description", f"{task.owner_unit.name}\n{task.outcome}")
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", task.title)
        alarm.add("trigger", timedelta(hours=-24))
        event.add_component(alarm)
        calendar.add_component(event)
    return calendar.to_ical()
