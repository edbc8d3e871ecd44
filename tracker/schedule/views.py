"""The working-day calendar page, and recording the event of an on-event task."""

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from tracker.db import LOCAL_TZ, utcnow
from tracker.directives.models import Frequency, Task
from tracker.extensions import db
from tracker.forms import ConfirmForm, flash_errors
from tracker.months import FIRST_YEAR, LAST_YEAR
from tracker.schedule import policies, services
from tracker.schedule.calendar import WorkCalendar
from tracker.schedule.forms import (
    DAY_KIND_LABELS,
    CalendarDayForm,
    EventForm,
)
from tracker.schedule.models import CalendarDay, DayKind

bp = Blueprint("schedule", __name__)


@bp.route("/admin/calendar", methods=["GET", "POST"])
@login_required
def calendar():
    if not policies.can_edit_calendar(current_user):
        abort(403)
    form = CalendarDayForm()
    if form.validate_on_submit():
        try:
            result = services.set_calendar_day(current_user, form.day.data,
                                               DayKind(form.kind.data), form.reason.data)
        except services.ScheduleError as problem:
            form.reason.errors.append(str(problem))
        else:
            flash(_("Saved. Future work re-planned: %(created)d added, %(moved)d moved, "
                    "%(removed)d removed.", created=result.created, moved=result.moved,
                    removed=result.removed), "success")
            return redirect(url_for("schedule.calendar"))
    year = request.args.get("year", type=int) or utcnow().astimezone(LOCAL_TZ).year
    if not FIRST_YEAR <= year <= LAST_YEAR:  # beyond them dates overflow
        abort(400)
    days = db.session.scalars(
        select(CalendarDay).where(CalendarDay.day >= date(year, 1, 1),
                                  CalendarDay.day <= date(year, 12, 31))
        .order_by(CalendarDay.day)
    ).all()
    public = sorted(WorkCalendar([year]).public.items())
    return render_template("schedule/calendar.html", form=form, days=days, public=public,
                           year=year, kinds=DAY_KIND_LABELS, delete_form=ConfirmForm())


@bp.route("/admin/calendar/<int:day_id>/delete", methods=["POST"])
@login_required
def delete_day(day_id: int):
    if not policies.can_edit_calendar(current_user):
        abort(403)
    row = db.session.get(CalendarDay, day_id)
    if row is None:
        abort(404)
    if ConfirmForm().validate_on_submit():
        services.remove_calendar_day(current_user, row)
        flash(_("Removed. Future work re-planned."), "success")
    return redirect(url_for("schedule.calendar"))


@bp.route("/tasks/<int:task_id>/events", methods=["POST"])
@login_required
def record_event(task_id: int):
    task = db.session.get(Task, task_id)
    if task is None or task.frequency != Frequency.ON_EVENT:
        abort(404)
    if not policies.can_record_event(current_user, task):
        abort(403)
    form = EventForm()
    if form.validate_on_submit():
        occurrence = services.open_event(current_user, task, form.day.data, form.note.data)
        flash(_("Event recorded; it is due by %(due)s.",
                due=occurrence.due_at.astimezone(LOCAL_TZ).strftime("%H:%M %d/%m/%Y")),
              "success")
    else:
        flash_errors(form)
    return redirect(url_for("directives.task_detail", task_id=task.id))
