"""Directives, the task list and task pages, and loading a directive file from the browser."""

import hashlib
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import case, exists, func, or_, select
from sqlalchemy.orm import joinedload, selectinload
from wtforms import SelectChoice

from tracker.audit.models import AuditEntry
from tracker.db import utcnow
from tracker.directives import policies, seeding
from tracker.directives import services as directive_services
from tracker.directives.forms import (
    DirectiveConfirmForm,
    DirectiveUploadForm,
    TaskDelegateForm,
    TaskFilterForm,
)
from tracker.directives.models import Directive, Frequency, Task
from tracker.extensions import db
from tracker.indicators.models import Indicator
from tracker.org.forms import people_choices
from tracker.org.models import Role, Unit
from tracker.schedule.forms import EventForm
from tracker.schedule.policies import can_record_event
from tracker.schedule.status import CATEGORY_LABELS, UNFINISHED_STATES, Category, category_condition
from tracker.workflow.models import Occurrence

bp = Blueprint("directives", __name__)


@bp.before_request
@login_required
def require_login():
    """Directive work is internal: the public sees only what the Office publishes."""


def get_task_or_404(task_id: int) -> Task:
    task = db.session.get(Task, task_id)
    if task is None:
        abort(404)
    if not policies.can_view_task(current_user, task):
        abort(403)
    return task


@bp.route("/directives")
def directive_list():
    counts = (
        select(Task.directive_id, func.count(Task.id).label("n"))
        .where(Task.is_active)
        .group_by(Task.directive_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Directive, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.directive_id == Directive.id)
        .order_by(Directive.starts_on.desc(), Directive.id.desc())
    ).all()
    return render_template("directives/list.html", rows=rows)


@bp.route("/directives/<int:directive_id>")
def directive_detail(directive_id: int):
    directive = db.session.get(Directive, directive_id)
    if directive is None:
        abort(404)
    tasks_query = (
        select(Task)
        .where(Task.directive_id == directive.id, Task.is_active)
        .options(joinedload(Task.owner_unit), joinedload(Task.assignee),
                 joinedload(Task.delegate))
        .order_by(Task.position)
    )
    clause = policies.visible_tasks_clause(current_user)
    if clause is not None:
        tasks_query = tasks_query.where(clause)
    indicators = db.session.scalars(
        select(Indicator)
        .where(Indicator.directive_id == directive.id)
        .options(joinedload(Indicator.owner_unit))
        .order_by(Indicator.position)
    ).all()
    return render_template(
        "directives/detail.html",
        directive=directive,
        tasks=db.session.scalars(tasks_query).unique().all(),
        indicators=indicators,
    )


@bp.route("/tasks")
def task_list():
    form = TaskFilterForm(request.args)
    units = db.session.scalars(select(Unit).where(Unit.is_active).order_by(Unit.name)).all()
    form.unit.choices = [SelectChoice("", _("All units"))] + [
        SelectChoice(u.code, u.name) for u in units
    ]
    form.status.choices = [SelectChoice("", _("All statuses"))] + [
        SelectChoice(category.value, label) for category, label in CATEGORY_LABELS.items()
    ]

    query = (
        select(Task)
        .join(Task.owner_unit)
        .where(Task.is_active)
        .options(
            joinedload(Task.owner_unit),
            joinedload(Task.assignee),
            joinedload(Task.delegate),
            joinedload(Task.directive),
            selectinload(Task.cooperating_units),
        )
    )
    if current_user.role == Role.STAFF:
        # An officer's own tasks first, then the rest of the unit's.
        mine = or_(Task.delegate_id == current_user.id, Task.assignee_id == current_user.id,
                   exists(select(Occurrence.id).where(Occurrence.task_id == Task.id,
                                                      Occurrence.assignee_id == current_user.id)))
        query = query.order_by(case((mine, 0), else_=1))
    query = query.order_by(Task.directive_id, Task.position)
    clause = policies.visible_tasks_clause(current_user)
    if clause is not None:
        query = query.where(clause)
    if form.unit.data:
        query = query.where(Unit.code == form.unit.data)
    if form.frequency.data in set(Frequency):
        query = query.where(Task.frequency == Frequency(form.frequency.data))
    if form.status.data in set(Category):
        condition = category_condition(Category(form.status.data), utcnow())
        query = query.where(Task.id.in_(select(Occurrence.task_id).where(condition)))
    if form.q.data:
        pattern = f"%{form.q.data.strip()}%"
        query = query.where(
            or_(Task.title.ilike(pattern), Task.code.ilike(pattern), Task.outcome.ilike(pattern))
        )
    page = db.paginate(query, per_page=current_app.config["PAGE_SIZE"], error_out=False)
    progress = task_progress([task.id for task in page.items], utcnow())
    return render_template("directives/tasks.html", form=form, page=page, progress=progress)


def task_progress(task_ids: list[int], now) -> dict[int, tuple[int, object]]:
    """For each task on the page: how many periods are overdue, and the next deadline."""
    if not task_ids:
        return {}
    overdue = category_condition(Category.OVERDUE, now)
    upcoming = Occurrence.state.in_(UNFINISHED_STATES) & (Occurrence.due_at >= now)
    rows = db.session.execute(
        select(Occurrence.task_id, func.count().filter(overdue),
               func.min(Occurrence.due_at).filter(upcoming))
        .where(Occurrence.task_id.in_(task_ids))
        .group_by(Occurrence.task_id)
    )
    return {task_id: (late, next_due) for task_id, late, next_due in rows}


@bp.route("/tasks/<int:task_id>")
def task_detail(task_id: int):
    task = get_task_or_404(task_id)
    now = utcnow()
    base = select(Occurrence).where(Occurrence.task_id == task.id).options(
        joinedload(Occurrence.assignee)
    )
    upcoming = db.session.scalars(
        base.where(Occurrence.due_at >= now).order_by(Occurrence.due_at).limit(5)
    ).all()
    page = db.paginate(
        base.where(Occurrence.due_at < now).order_by(Occurrence.due_at.desc()),
        per_page=current_app.config["PAGE_SIZE"], error_out=False,
    )
    event_form = None
    if task.frequency == Frequency.ON_EVENT and can_record_event(current_user, task):
        event_form = EventForm()
    delegate_form = None
    if policies.can_delegate_task(current_user, task):
        delegate_form = TaskDelegateForm(person=str(task.delegate_id or ""))
        delegate_form.person.choices = people_choices(task.owner_unit_id, _("Head of unit"))
    history = db.session.scalars(
        select(AuditEntry).where(AuditEntry.object_type == "Task", AuditEntry.object_id == task.id)
        .options(joinedload(AuditEntry.actor)).order_by(AuditEntry.id.desc()).limit(50)
    ).all()
    return render_template(
        "directives/task_detail.html", task=task, now=now, upcoming=upcoming, page=page,
        event_form=event_form, delegate_form=delegate_form, history=history,
    )


def pending_dir() -> Path:
    path = Path(current_app.instance_path) / "pending-directives"
    path.mkdir(parents=True, exist_ok=True)
    return path


@bp.route("/directives/import", methods=["GET", "POST"])
def import_directive():
    if not policies.can_import_directives(current_user):
        abort(403)
    form = DirectiveUploadForm()
    problems: list[seeding.Problem] = []
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read()
        name = Path(upload.filename or "directive.yaml").name
        try:
            spec = seeding.parse_directive_bytes(data, name)
        except seeding.DirectiveFileError as error:
            problems = error.problems
        else:
            digest = hashlib.sha256(data).hexdigest()
            (pending_dir() / f"{digest}.yaml").write_bytes(data)
            confirm = DirectiveConfirmForm(digest=digest)
            return render_template(
                "directives/import_preview.html", spec=spec, form=confirm, filename=name
            )
    return render_template("directives/import.html", form=form, problems=problems)


@bp.route("/directives/import/confirm", methods=["POST"])
def confirm_import():
    if not policies.can_import_directives(current_user):
        abort(403)
    form = DirectiveConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    path = pending_dir() / f"{form.digest.data}.yaml"
    if not path.exists():
        flash(_("The checked file is no longer here; please upload it again."), "warning")
        return redirect(url_for("directives.import_directive"))
    try:
        spec = seeding.parse_directive_bytes(path.read_bytes(), path.name)
    except seeding.DirectiveFileError:
        abort(400)
    summary = directive_services.load_directive(spec, current_user)
    path.unlink()
    flash(
        _("Directive loaded: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.",
          created=summary.total_created, updated=summary.total_updated,
          unchanged=summary.total_unchanged),
        "success",
    )
    return redirect(url_for("directives.directive_detail", directive_id=summary.directive.id))
