"""Routes for quick assignment, deadline change requests, transfer, withdrawal and
contributions. Each calls one service; policies answer 403, services explain refusals."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from tracker.assignments import cooperation, deadlines, policies, queries, transfers
from tracker.assignments.forms import (
    ContributionForm,
    DeadlineDecisionForm,
    DeadlineRequestForm,
    QuickAssignForm,
    TransferForm,
    WithdrawForm,
    leader_choices,
)
from tracker.assignments.models import Contribution, DeadlineRequest
from tracker.assignments.panels import occurrence_panel, task_panel
from tracker.assignments.services import AssignmentError, QuickAssignment, quick_assign
from tracker.directives.models import Directive, Frequency, Task
from tracker.evidence import storage
from tracker.extensions import db
from tracker.forms import flash_errors
from tracker.org.models import Unit, User
from tracker.workflow.policies import can_view_occurrence
from tracker.workflow.views import get_occurrence_or_404

bp = Blueprint("assignments", __name__)


@bp.app_context_processor
def page_parts():
    """What the period, task and queue pages of other domains show of this one: their
    templates include this package's partials, which read through these."""
    return {"occurrence_panel": occurrence_panel, "task_panel": task_panel,
            "contribution_counts": queries.contribution_counts}


@bp.before_request
@login_required
def require_login():
    """Assignments are internal."""


def _as_id(value: str | None) -> int | None:
    """A select's value as an id; anything else (a forged form) as none."""
    return int(value) if value and value.isdigit() else None


def _get(model, object_id: int | None):
    return db.session.get(model, object_id) if object_id else None


def _back_to(occurrence_id: int):
    return redirect(url_for("workflow.occurrence", occurrence_id=occurrence_id))


@bp.route("/assign", methods=["GET", "POST"])
def assign():
    if not policies.can_assign(current_user):
        abort(403)
    form = QuickAssignForm()
    form.fill_choices()
    if not form.is_submitted():
        form.leader.data = str(current_user.id) if current_user.role.value == "leader" else ""
    if form.validate_on_submit():
        unit = _get(Unit, int(form.unit.data))
        job = QuickAssignment(
            title=form.title.data, unit=unit, outcome=form.outcome.data,
            frequency=Frequency(form.frequency.data), due_on=form.due_on.data,
            person=_get(User, _as_id(form.person.data)),
            directive=_get(Directive, _as_id(form.directive.data)),
            leader=_get(User, _as_id(form.leader.data)), time=form.time.data,
            weekday=form.weekday.data, day_of_month=form.day_of_month.data)
        try:
            task = quick_assign(current_user, job)
        except AssignmentError as problem:
            db.session.rollback()
            flash(str(problem), "danger")
        else:
            flash(_("Assigned to %(unit)s, who have been told.", unit=unit.name), "success")
            return redirect(url_for("directives.task_detail", task_id=task.id))
    status = 422 if form.is_submitted() else 200
    return render_template("assignments/assign.html", form=form), status


@bp.route("/occurrences/<int:occurrence_id>/deadline-requests", methods=["POST"])
def request_deadline(occurrence_id: int):
    occurrence = get_occurrence_or_404(occurrence_id)
    if not policies.can_request_deadline(current_user, occurrence):
        abort(403)
    form = DeadlineRequestForm()
    if not form.validate_on_submit():
        flash_errors(form)
        return _back_to(occurrence.id)
    try:
        deadlines.request_change(current_user, occurrence, form.new_due_on.data,
                                 form.reason.data)
    except deadlines.DeadlineError as problem:
        db.session.rollback()
        flash(str(problem), "danger")
    else:
        flash(_("Request sent; you will be told the decision."), "success")
    return _back_to(occurrence.id)


@bp.route("/deadline-requests/<int:request_id>/decision", methods=["POST"])
def decide_deadline(request_id: int):
    item = _get(DeadlineRequest, request_id)
    if item is None:
        abort(404)
    if not policies.can_decide_deadline(current_user, item):
        abort(403)
    form = DeadlineDecisionForm()
    if not form.validate_on_submit():
        flash_errors(form)
        return _back_to(item.occurrence_id)
    try:
        deadlines.decide(current_user, item, bool(form.approve.data), form.note.data or "")
    except deadlines.DeadlineError as problem:
        db.session.rollback()
        flash(str(problem), "danger")
    else:
        flash(_("Decision recorded; the unit has been told."), "success")
    if request.form.get("back") == "list":
        return redirect(url_for("assignments.pending"))
    return _back_to(item.occurrence_id)


@bp.route("/deadline-requests")
def pending():
    if not policies.may_decide_some_deadline(current_user):
        abort(403)
    return render_template("assignments/pending.html", requests=queries.pending_for(current_user),
                           form=DeadlineDecisionForm())


def _task_or_404(task_id: int) -> Task:
    task = _get(Task, task_id)
    if task is None:
        abort(404)
    if not policies.can_change_owner(current_user, task):
        abort(403)
    return task


def _change_forms(task: Task) -> tuple[TransferForm, WithdrawForm]:
    transfer, withdraw = TransferForm(), WithdrawForm()
    transfer.unit.choices = [("", "—")] + [(str(unit.id), unit.name)
                                           for unit in queries.assignable_units()
                                           if unit.id != task.owner_unit_id]
    transfer.leader.choices = withdraw.leader.choices = leader_choices("—")
    return transfer, withdraw


def _render_changes(task: Task, transfer: TransferForm, withdraw: WithdrawForm,
                    status: int = 200):
    return render_template("assignments/changes.html", task=task, transfer_form=transfer,
                           withdraw_form=withdraw, **task_panel(current_user, task)), status


@bp.route("/tasks/<int:task_id>/changes")
def changes(task_id: int):
    task = _task_or_404(task_id)
    return _render_changes(task, *_change_forms(task))


@bp.route("/tasks/<int:task_id>/transfer", methods=["POST"])
def transfer(task_id: int):
    task = _task_or_404(task_id)
    form, withdraw = _change_forms(task)
    if form.validate_on_submit():
        try:
            transfers.transfer(current_user, task, _get(Unit, int(form.unit.data)),
                               form.reason.data, _get(User, _as_id(form.leader.data)))
        except transfers.ChangeError as problem:
            db.session.rollback()
            flash(str(problem), "danger")
        else:
            flash(_("Task transferred; both units have been told."), "success")
            return redirect(url_for("directives.task_detail", task_id=task.id))
    return _render_changes(task, form, withdraw, 422)


@bp.route("/tasks/<int:task_id>/withdraw", methods=["POST"])
def withdraw(task_id: int):
    task = _task_or_404(task_id)
    transfer_form, form = _change_forms(task)
    if form.validate_on_submit():
        try:
            transfers.withdraw(current_user, task, form.reason.data,
                               _get(User, _as_id(form.leader.data)))
        except transfers.ChangeError as problem:
            db.session.rollback()
            flash(str(problem), "danger")
        else:
            flash(_("Task withdrawn; the unit has been told."), "success")
            return redirect(url_for("directives.task_detail", task_id=task.id))
    return _render_changes(task, transfer_form, form, 422)


@bp.route("/occurrences/<int:occurrence_id>/contributions", methods=["POST"])
def contribute(occurrence_id: int):
    occurrence = get_occurrence_or_404(occurrence_id)
    if not policies.can_contribute(current_user, occurrence):
        abort(403)
    form = ContributionForm()
    if not form.validate_on_submit():
        flash_errors(form)
        return _back_to(occurrence.id)
    try:
        cooperation.add_contribution(current_user, occurrence, form.text.data, form.file.data,
                                     form.link.data or "")
    except (cooperation.ContributionError, storage.EvidenceRejectedError) as problem:
        db.session.rollback()
        flash(str(problem), "danger")
    else:
        flash(_("Contribution added; the unit in charge has been told."), "success")
    return _back_to(occurrence.id)


@bp.route("/contributions/<int:contribution_id>/download")
def download_contribution(contribution_id: int):
    item = _get(Contribution, contribution_id)
    if item is None or not item.sha256:
        abort(404)
    if not can_view_occurrence(current_user, item.occurrence):
        abort(403)
    path = storage.path_for(item.sha256)
    if not path.exists():
        abort(404)
    return send_file(path, mimetype=item.media_type, as_attachment=True,
                     download_name=item.original_name, max_age=0)
