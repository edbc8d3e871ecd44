"""Directives, the task list and task pages, and loading a directive file from the browser."""

from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from tracker.audit import queries as audit_queries
from tracker.db import utcnow
from tracker.directives import policies, queries, seeding
from tracker.directives import services as directive_services
from tracker.directives.documents import resolve_document
from tracker.directives.editor_views import TEMPLATE_FILE, publish_form_for
from tracker.directives.forms import (
    DirectiveConfirmForm,
    DirectiveUploadForm,
    TaskDelegateForm,
    TaskFilterForm,
)
from tracker.directives.models import Directive, Frequency, Task
from tracker.evidence import storage
from tracker.extensions import db
from tracker.org.forms import people_choices
from tracker.schedule.forms import EventForm
from tracker.schedule.policies import can_record_event
from tracker.schedule.status import CATEGORY_LABELS

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


def sees_drafts() -> bool:
    return policies.can_edit_directives(current_user) or policies.can_publish(current_user)


@bp.route("/directives")
def directive_list():
    rows = queries.directives_with_task_counts(include_drafts=sees_drafts())
    return render_template("directives/list.html", rows=rows,
                           can_edit=policies.can_edit_directives(current_user))


@bp.route("/directives/<int:directive_id>")
def directive_detail(directive_id: int):
    directive = db.session.get(Directive, directive_id)
    if directive is None:
        abort(404)
    if not policies.can_view_directive(current_user, directive):
        abort(403)
    return render_template(
        "directives/detail.html",
        directive=directive,
        tasks=queries.tasks_of(directive, current_user),
        indicators=queries.indicators_of(directive),
        can_edit=policies.can_edit_directives(current_user),
        publish_form=publish_form_for(directive),
        history=queries.directive_history(directive) if sees_drafts() else [],
    )


@bp.route("/tasks")
def task_list():
    form = TaskFilterForm(request.args)
    units = queries.active_units()
    form.unit.choices = [SelectChoice("", _("All units"))] + [
        SelectChoice(u.code, u.name) for u in units
    ]
    form.status.choices = [SelectChoice("", _("All statuses"))] + [
        SelectChoice(category.value, label) for category, label in CATEGORY_LABELS.items()
    ]

    query = queries.task_list(current_user, unit_code=form.unit.data,
                              frequency=form.frequency.data, status=form.status.data,
                              text=form.q.data, now=utcnow())
    page = db.paginate(query, per_page=current_app.config["PAGE_SIZE"], error_out=False)
    progress = queries.task_progress([task.id for task in page.items], utcnow())
    return render_template("directives/tasks.html", form=form, page=page, progress=progress)


@bp.route("/tasks/<int:task_id>")
def task_detail(task_id: int):
    task = get_task_or_404(task_id)
    now = utcnow()
    upcoming = queries.upcoming_occurrences(task, now)
    page = db.paginate(queries.past_occurrences(task, now),
                       per_page=current_app.config["PAGE_SIZE"], error_out=False)
    event_form = None
    if task.frequency == Frequency.ON_EVENT and can_record_event(current_user, task):
        event_form = EventForm()
    delegate_form = None
    if policies.can_delegate_task(current_user, task):
        delegate_form = TaskDelegateForm(person=str(task.delegate_id or ""))
        delegate_form.person.choices = people_choices(task.owner_unit_id, _("Head of unit"))
    history = audit_queries.history("Task", task.id, limit=50)
    return render_template(
        "directives/task_detail.html", task=task, now=now, upcoming=upcoming, page=page,
        event_form=event_form, delegate_form=delegate_form, history=history,
    )


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
            spec = resolve_document(seeding.parse_directive_bytes(data, name), None)
        except seeding.DirectiveFileError as error:
            problems = error.problems
        else:
            digest = storage.keep_pending("directives", data, ".yaml")
            confirm = DirectiveConfirmForm(digest=digest, reason=form.reason.data)
            return render_template(
                "directives/import_preview.html", spec=spec, form=confirm, filename=name
            )
    return render_template("directives/import.html", form=form, problems=problems,
                           template_text=TEMPLATE_FILE.read_text(encoding="utf-8"))


@bp.route("/directives/import/confirm", methods=["POST"])
def confirm_import():
    if not policies.can_import_directives(current_user):
        abort(403)
    form = DirectiveConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    path = storage.pending_file("directives", form.digest.data, ".yaml")
    if path is None:
        flash(_("The checked file is no longer here; please upload it again."), "warning")
        return redirect(url_for("directives.import_directive"))
    try:
        spec = resolve_document(seeding.parse_directive_bytes(path.read_bytes(), path.name), None)
        summary = directive_services.load_directive(spec, current_user, form.reason.data or "")
    except seeding.DirectiveFileError as error:
        db.session.rollback()
        form = DirectiveUploadForm(reason=form.reason.data)
        return render_template("directives/import.html", form=form, problems=error.problems,
                               template_text=TEMPLATE_FILE.read_text(encoding="utf-8")), 422
    path.unlink()
    flash(
        _("Directive loaded: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.",
          created=summary.total_created, updated=summary.total_updated,
          unchanged=summary.total_unchanged),
        "success",
    )
    return redirect(url_for("directives.directive_detail", directive_id=summary.directive.id))
