"""The home page: the dashboard for those who oversee, one's own work for everyone else."""

from datetime import datetime, time, timedelta

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select

from tracker.assignments import policies as assignment_policies
from tracker.assignments import queries as assignment_queries
from tracker.charts import percent_bars
from tracker.dashboard import queries
from tracker.db import LOCAL_TZ, utcnow
from tracker.directives.models import Directive
from tracker.extensions import db
from tracker.indicators.queries import dashboard_tiles
from tracker.inspections.services import inspection_warning
from tracker.org.models import Role, Unit, User
from tracker.org.policies import sees_everything
from tracker.schedule.status import NOT_DONE_STATES, Category
from tracker.workflow.models import OccurrenceState
from tracker.workflow.policies import personal_scope

bp = Blueprint("dashboard", __name__)

# The dashboard's unit table: what is going wrong first; the phone shows the first two.
TABLE_COLUMNS = [(Category.OVERDUE, _l("Overdue")), (Category.RETURNED, _l("Returned")),
                 (Category.DUE_SOON, _l("Due soon")),
                 (Category.AWAITING, _l("Awaiting verification"))]
TABLE_CATEGORIES = [category for category, _heading in TABLE_COLUMNS]


@bp.route("/")
def home():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    now = utcnow()
    if sees_everything(current_user):
        return overview(now)
    return my_work(now)


def overview(now: datetime):
    rows = queries.unit_table(now)
    # Who is behind comes first: most overdue, then most returned, then the lowest on-time rate.
    rows.sort(key=lambda row: (-row.counts.get(Category.OVERDUE, 0),
                               -row.counts.get(Category.RETURNED, 0),
                               row.on_time_rate if row.on_time_rate is not None else 101,
                               row.unit.name))
    limit = current_app.config["DASHBOARD_UNIT_LIMIT"]
    hidden = 0
    if len(rows) > limit and not request.args.get("all"):
        hidden = len(rows) - limit
        rows = rows[:limit]
    directives = db.session.scalars(
        select(Directive).order_by(Directive.starts_on.desc()).limit(5)
    ).all()
    counts = {}
    if current_user.role == Role.ADMIN:
        counts = {
            "units": db.session.scalar(select(func.count(Unit.id))),
            "users": db.session.scalar(select(func.count(User.id)).where(User.is_active)),
        }
    table = [
        (row.unit, [row.counts.get(category, 0) for category in TABLE_CATEGORIES],
         "—" if row.on_time_rate is None else f"{row.on_time_rate:.0f}%")
        for row in rows
    ]
    behind = {
        "units": sum(1 for row in rows if row.counts.get(Category.OVERDUE)),
        "overdue": sum(row.counts.get(Category.OVERDUE, 0) for row in rows),
        "escalated": queries.escalated_count(now),
    }
    chart = percent_bars(_("On-time rate this month, by unit"),
                         [(row.unit.name, row.on_time_rate) for row in rows])
    return render_template(
        "dashboard/overview.html",
        now=now,
        table=table,
        columns=TABLE_COLUMNS,
        behind=behind,
        overdue=queries.overdue(now),
        due_soon=queries.due_soon(now),
        chart=chart,
        hidden_units=hidden,
        directives=directives,
        counts=counts,
        indicator_tiles=dashboard_tiles(now),
        inspection_warning=inspection_warning(now),
        pending_requests=assignment_queries.pending_for(current_user),
        can_assign=assignment_policies.can_assign(current_user),
    )


def my_work(now: datetime):
    scope = personal_scope(current_user)
    today = now.astimezone(LOCAL_TZ).date()
    day_start = datetime.combine(today, time(), tzinfo=LOCAL_TZ)
    week_end = datetime.combine(today + timedelta(days=7 - today.weekday()), time(),
                                tzinfo=LOCAL_TZ)
    unit_work = []
    unit_scope = queries.unit_scope(current_user)
    if current_user.role == Role.STAFF and unit_scope is not None:
        # An officer reads the rest of the unit's open work, below their own.
        unit_work = queries.open_work(None, week_end, unit_scope, limit=20,
                                      states=(*NOT_DONE_STATES, OccurrenceState.RETURNED))
    return render_template(
        "dashboard/my_work.html",
        now=now,
        returned=queries.returned(scope),
        overdue=queries.overdue(now, scope, limit=50),
        today=queries.open_work(max(now, day_start), day_start + timedelta(days=1), scope, 50),
        this_week=queries.open_work(day_start + timedelta(days=1), week_end, scope, 50),
        unit_work=unit_work,
    )
