"""The occurrence page (report, evidence, review, delegation, accountability) and the queues."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from tracker.audit import queries as audit_queries
from tracker.db import LOCAL_TZ, utcnow
from tracker.directives.forms import TaskDelegateForm
from tracker.directives.models import Task
from tracker.directives.policies import can_delegate_task
from tracker.evidence import storage
from tracker.evidence.models import Evidence, EvidenceKind
from tracker.extensions import db
from tracker.forms import ConfirmForm
from tracker.months import Month
from tracker.org.forms import people_choices
from tracker.org.models import User
from tracker.org.policies import sees_everything
from tracker.workflow import evidence_keeping, policies, queries, services
from tracker.workflow.forms import (
    CAUSE_LABELS,
    DECISION_LABELS,
    DecisionForm,
    DelegateForm,
    ReportForm,
    ReviewForm,
)
from tracker.workflow.models import (
    Cause,
    Decision,
    Occurrence,
    OccurrenceState,
)

bp = Blueprint("workflow", __name__)


@bp.before_request
@login_required
def require_login():
    """Work in progress is internal."""


def get_occurrence_or_404(occurrence_id: int) -> Occurrence:
    occurrence = db.session.get(Occurrence, occurrence_id)
    if occurrence is None:
        abort(404)
    if not policies.can_view_occurrence(current_user, occurrence):
        abort(403)
    return occurrence


def render_occurrence(occurrence: Occurrence, report_form: ReportForm | None = None,
                      review_form: ReviewForm | None = None, status: int = 200,
                      kept: list[evidence_keeping.KeptFile] | None = None):
    user = current_user
    if report_form is None and policies.can_report(user, occurrence):
        written = queries.explanation_of(occurrence)
        report_form = ReportForm(version=occurrence.version, report=occurrence.report,
                                 reported_value=occurrence.reported_value,
                                 cause=written.cause.value if written else "",
                                 explanation=written.text if written else "")
    if review_form is None and (policies.can_verify(user) or (
            occurrence.state == OccurrenceState.SUBMITTED
            and policies.can_approve(user, occurrence))):
        review_form = ReviewForm(version=occurrence.version)
    delegate_form = None
    if policies.can_delegate(user, occurrence):
        delegate_form = DelegateForm(version=occurrence.version,
                                     person=str(occurrence.assignee_id or ""))
        delegate_form.person.choices = people_choices(occurrence.unit_id,
                                                      _("Nobody in particular"))
    decision_form = None
    if policies.can_decide_accountability(user) and (
        services.is_overdue(occurrence) or occurrence.state == OccurrenceState.NOT_APPLICABLE
    ):
        decision_form = DecisionForm(person=str(occurrence.responsible.id)
                                     if occurrence.responsible else "")
        decision_form.person.choices = people_choices(occurrence.unit_id, "—")
    evidence = queries.evidence_of(occurrence)
    explanations = queries.explanations_of(occurrence)
    decisions = queries.decisions_of(occurrence)
    history = audit_queries.history("Occurrence", occurrence.id)
    return render_template(
        "workflow/occurrence.html", occurrence=occurrence, task=occurrence.task, now=utcnow(),
        overdue=services.is_overdue(occurrence), report_form=report_form,
        review_form=review_form, delegate_form=delegate_form, decision_form=decision_form,
        evidence=evidence, explanations=explanations, decisions=decisions, history=history,
        remove_form=ConfirmForm(), cause_labels=CAUSE_LABELS, decision_labels=DECISION_LABELS,
        from_queue=(request.values.get("back") == "queue"),
        kept=[(item.token, item.name) for item in kept or []],
        queue_filters=queries.QueueFilter.from_args(request.values),
    ), status


@bp.route("/occurrences/<int:occurrence_id>")
def occurrence(occurrence_id: int):
    return render_occurrence(get_occurrence_or_404(occurrence_id))


@bp.route("/occurrences/<int:occurrence_id>/report", methods=["POST"])
def report(occurrence_id: int):
    occurrence = get_occurrence_or_404(occurrence_id)
    if not policies.can_report(current_user, occurrence):
        abort(403)
    form = ReportForm()
    # Files chosen on a try the form refused are kept, so nobody picks them again on a phone.
    kept = evidence_keeping.read(request.form.getlist("kept_file"), occurrence)
    try:
        kept += evidence_keeping.store_uploads(form.files.data, occurrence)
    except storage.EvidenceRejectedError as problem:
        flash(str(problem), "danger")
        return render_occurrence(occurrence, report_form=form, kept=kept, status=422)
    if not form.validate_on_submit():
        return render_occurrence(occurrence, report_form=form, kept=kept, status=422)
    try:
        for item in kept:
            services.attach_stored(current_user, occurrence, item.stored, item.name)
        if form.link.data:
            services.add_link(current_user, occurrence, form.link.data,
                              form.link_description.data or "")
        services.save_report(
            current_user, occurrence, version=form.version.data, report=form.report.data or "",
            reported_value=form.reported_value.data, submit=bool(form.submit.data),
            cause=Cause(form.cause.data) if form.cause.data else None,
            explanation=form.explanation.data or "",
        )
    except services.WorkflowError as problem:
        db.session.rollback()
        flash(str(problem), "danger")
        db.session.refresh(occurrence)
        return render_occurrence(occurrence, report_form=form, kept=kept, status=409 if isinstance(
            problem, services.ConflictError) else 422)
    if form.submit.data:
        flash(_("Handed in. The Office will verify it."), "success")
    else:
        flash(_("Saved."), "success")
    return redirect(url_for("workflow.occurrence", occurrence_id=occurrence.id))


@bp.route("/occurrences/<int:occurrence_id>/review", methods=["POST"])
def review(occurrence_id: int):
    occurrence = get_occurrence_or_404(occurrence_id)
    form = ReviewForm()
    # The Office reviews; a leader may only approve (work someone else handed in).
    if not (policies.can_verify(current_user) or (
            form.approve.data and policies.can_approve(current_user, occurrence))):
        abort(403)
    if not form.validate_on_submit():
        return render_occurrence(occurrence, review_form=form, status=422)
    try:
        if form.approve.data:
            services.verify(current_user, occurrence, form.version.data)
            flash(_("Approved."), "success")
        elif form.send_back.data:
            services.return_work(current_user, occurrence, form.version.data,
                                 form.reason.data or "")
            flash(_("Returned; the person responsible has been told."), "warning")
        elif form.skip.data:
            services.mark_not_required(current_user, occurrence, form.version.data,
                                       form.reason.data or "")
            flash(_("Marked as not required this period."), "info")
    except services.WorkflowError as problem:
        db.session.rollback()
        flash(str(problem), "danger")
        db.session.refresh(occurrence)
        return render_occurrence(occurrence, review_form=form, status=409 if isinstance(
            problem, services.ConflictError) else 422)
    return after_review(occurrence)


@bp.route("/occurrences/<int:occurrence_id>/delegate", methods=["POST"])
def delegate(occurrence_id: int):
    occurrence = get_occurrence_or_404(occurrence_id)
    if not policies.can_delegate(current_user, occurrence):
        abort(403)
    form = DelegateForm()
    form.person.choices = people_choices(occurrence.unit_id, "—")
    if form.validate_on_submit():
        person = db.session.get(User, int(form.person.data)) if form.person.data else None
        try:
            services.delegate_occurrence(current_user, occurrence, person, form.version.data)
        except services.WorkflowError as problem:
            db.session.rollback()
            flash(str(problem), "danger")
        else:
            flash(_("Assignment saved."), "success")
    return redirect(url_for("workflow.occurrence", occurrence_id=occurrence.id))


@bp.route("/tasks/<int:task_id>/delegate", methods=["POST"])
def delegate_task(task_id: int):
    task = db.session.get(Task, task_id)
    if task is None:
        abort(404)
    if not can_delegate_task(current_user, task):
        abort(403)
    form = TaskDelegateForm()
    form.person.choices = people_choices(task.owner_unit_id, "—")
    if form.validate_on_submit():
        person = db.session.get(User, int(form.person.data)) if form.person.data else None
        try:
            services.delegate_task(current_user, task, person)
        except services.WorkflowError as problem:
            db.session.rollback()
            flash(str(problem), "danger")
        else:
            flash(_("Assignment saved."), "success")
    return redirect(url_for("directives.task_detail", task_id=task.id))


@bp.route("/occurrences/<int:occurrence_id>/decision", methods=["POST"])
def decision(occurrence_id: int):
    occurrence = get_occurrence_or_404(occurrence_id)
    if not policies.can_decide_accountability(current_user):
        abort(403)
    form = DecisionForm()
    form.person.choices = people_choices(occurrence.unit_id, "—")
    if not form.validate_on_submit():
        return render_occurrence(occurrence, status=422)
    person = db.session.get(User, int(form.person.data)) if form.person.data else None
    services.decide(current_user, occurrence, Decision(form.decision.data), person,
                    form.outcome.data)
    flash(_("Decision recorded."), "success")
    return redirect(url_for("workflow.occurrence", occurrence_id=occurrence.id))


def get_evidence_or_404(evidence_id: int) -> Evidence:
    evidence = db.session.get(Evidence, evidence_id)
    if evidence is None:
        abort(404)
    if not policies.can_view_occurrence(current_user, evidence.occurrence):
        abort(403)
    return evidence


@bp.route("/evidence/<int:evidence_id>/download")
def download(evidence_id: int):
    evidence = get_evidence_or_404(evidence_id)
    if evidence.kind != EvidenceKind.FILE:
        abort(404)
    path = storage.path_for(evidence.sha256)
    if not path.exists():
        abort(404)
    return send_file(path, mimetype=evidence.media_type, as_attachment=True,
                     download_name=storage.clean_filename(evidence.original_name), max_age=0)


@bp.route("/evidence/<int:evidence_id>/remove", methods=["POST"])
def remove_evidence(evidence_id: int):
    evidence = get_evidence_or_404(evidence_id)
    occurrence = evidence.occurrence
    if not policies.can_report(current_user, occurrence):
        abort(403)
    if ConfirmForm().validate_on_submit():
        services.remove_evidence(current_user, evidence)
        flash(_("Evidence removed."), "info")
    return redirect(url_for("workflow.occurrence", occurrence_id=occurrence.id))


@bp.route("/verification")
def queue():
    """The Office's queue: everything handed in, oldest first, narrowed by unit, task, deadline."""
    if not policies.can_verify(current_user):
        abort(403)
    filters = queries.QueueFilter.from_args(request.args)
    page = db.paginate(queries.verification_queue(filters),
                       per_page=current_app.config["PAGE_SIZE"], error_out=False)
    units = queries.active_units()
    return render_template("workflow/queue.html", page=page, now=utcnow(), filters=filters,
                           units=units, total=queries.awaiting_count())


def after_review(occurrence: Occurrence):
    """From the queue the clerk lands on the next item waiting (same filters), else the queue."""
    if request.form.get("back") != "queue":
        return redirect(url_for("workflow.occurrence", occurrence_id=occurrence.id))
    filters = queries.QueueFilter.from_args(request.form)
    following = queries.next_in_queue(filters, after=occurrence)
    if following is None:
        flash(_("Nothing else is waiting."), "info")
        return redirect(url_for("workflow.queue", **filters.as_args()))
    return redirect(url_for("workflow.occurrence", occurrence_id=following.id, back="queue",
                            **filters.as_args()))


@bp.route("/accountability")
def accountability():
    """Late work with its explanations and the leaders' decisions, by unit, person and month."""
    if not sees_everything(current_user):
        abort(403)
    unit_code = request.args.get("unit", "")
    person_id = request.args.get("person", type=int)
    month = request.args.get("month", "")
    try:
        chosen = Month.parse(month) if month else None
    except ValueError:
        chosen = None  # an unreadable month filters nothing, as an empty one
    query = queries.explanations(unit_code, person_id, chosen)
    page = db.paginate(query, per_page=current_app.config["PAGE_SIZE"], error_out=False)
    decisions = queries.decisions_by_occurrence([item.occurrence_id for item in page.items])
    units = queries.active_units()
    return render_template(
        "workflow/accountability.html", page=page, decisions=decisions, units=units,
        unit_code=unit_code, person_id=person_id, month=month, cause_labels=CAUSE_LABELS,
        decision_labels=DECISION_LABELS, local_tz=LOCAL_TZ,
    )
