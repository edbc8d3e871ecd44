"""The Office's inspection rounds: list, open, mark, follow up, sign off, publish, minutes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from dateutil.relativedelta import relativedelta
from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from wtforms import SelectChoice

from tracker.audit import queries as audit_queries
from tracker.db import LOCAL_TZ, utcnow
from tracker.evidence import storage
from tracker.extensions import db
from tracker.forms import ConfirmForm, flash_errors
from tracker.inspections import documents, marking, policies, queries, services
from tracker.inspections.forms import (
    RESULT_LABELS,
    CompleteForm,
    CriterionForm,
    FollowUpForm,
    MarkForm,
    OpenRoundForm,
    ReasonForm,
)
from tracker.inspections.models import (
    ChecklistCriterion,
    InspectionItem,
    InspectionRound,
    ItemResult,
    RoundState,
)
from tracker.org.models import Unit, User
from tracker.reports import download

bp = Blueprint("inspections", __name__, url_prefix="/inspections")


@bp.before_request
@login_required
def require_reader():
    if not policies.can_read(current_user):
        abort(403)


def require_runner() -> None:
    if not policies.can_run(current_user):
        abort(403)


def get_round_or_404(round_id: int) -> InspectionRound:
    inspection = db.session.get(InspectionRound, round_id)
    if inspection is None:
        abort(404)
    return inspection


def get_item_or_404(inspection: InspectionRound, item_id: int) -> InspectionItem:
    item = db.session.get(InspectionItem, item_id)
    if item is None or item.round_id != inspection.id:
        abort(404)
    return item


def window_choices() -> list[SelectChoice]:
    """Recent and coming half-months, newest first: the ones an inspector would pick."""
    today = utcnow().astimezone(LOCAL_TZ).date()
    starts = []
    month = today.replace(day=1) + relativedelta(months=1)
    for _step in range(6):
        starts += [month.replace(day=16), month]
        month -= relativedelta(months=1)
    current = services.window_for(today)[0]
    return [SelectChoice(start.isoformat(),
                         f"{start:%d/%m} – {services.window_for(start)[1]:%d/%m/%Y}",
                         render_kw={"selected": True} if start == current else {})
            for start in starts]


def unit_choices() -> list[SelectChoice]:
    return [SelectChoice(str(unit.id), unit.name) for unit in queries.inspectable_units()]


@bp.route("/")
def rounds():
    items = queries.recent_rounds()
    form = None
    if policies.can_run(current_user):
        form = OpenRoundForm()
        form.window.choices = window_choices()
        form.units.choices = unit_choices()
    return render_template("inspections/rounds.html", rounds=items, form=form,
                           warning=services.inspection_warning())


@bp.route("/open", methods=["POST"])
def open_round():
    require_runner()
    form = OpenRoundForm()
    form.window.choices = window_choices()
    form.units.choices = unit_choices()
    if not form.validate_on_submit():
        flash_errors(form)
        return redirect(url_for("inspections.rounds"))
    try:
        inspection = services.open_round(current_user, date.fromisoformat(form.window.data),
                                         [int(unit_id) for unit_id in form.units.data])
    except marking.DuplicateRoundError as problem:
        db.session.rollback()
        flash(str(problem), "warning")
        return redirect(url_for("inspections.detail", round_id=problem.existing.id))
    except services.InspectionError as problem:
        db.session.rollback()
        flash(str(problem), "danger")
        return redirect(url_for("inspections.rounds"))
    flash(_("Round opened."), "success")
    return redirect(url_for("inspections.detail", round_id=inspection.id))


def render_round(inspection: InspectionRound, status: int = 200, complete_form=None):
    by_unit = queries.items_by_unit(inspection)
    editable = inspection.state == RoundState.OPEN and policies.can_run(current_user)
    if complete_form is None and editable:
        complete_form = CompleteForm(signed_on=utcnow().astimezone(LOCAL_TZ).date())
    if complete_form is not None:
        complete_form.inspector.choices = [SelectChoice(str(u.id), u.display_name)
                                           for u in services.inspectors()]
    follow_up_form = None
    if editable:
        follow_up_form = FollowUpForm()
        follow_up_form.owner.choices = unit_choices()
    history = audit_queries.history("InspectionRound", inspection.id, limit=100)
    return render_template(
        "inspections/detail.html", inspection=inspection, by_unit=by_unit, editable=editable,
        runner=policies.can_run(current_user), mark_form=MarkForm(),
        follow_up_form=follow_up_form, complete_form=complete_form, reason_form=ReasonForm(),
        confirm_form=ConfirmForm(), summary=services.summarise(inspection),
        results=RESULT_LABELS, history=history, now=utcnow(), not_yet_due=marking.not_yet_due,
    ), status


@bp.route("/<int:round_id>")
def detail(round_id: int):
    return render_round(get_round_or_404(round_id))


@bp.route("/<int:round_id>/items/<int:item_id>", methods=["POST"])
def mark(round_id: int, item_id: int):
    """Mark one item. The page's script sends it in the background and asks for JSON; without
    script the browser posts the form and comes back to the item."""
    require_runner()
    inspection = get_round_or_404(round_id)
    item = get_item_or_404(inspection, item_id)
    form = MarkForm()
    problem = None
    if form.validate_on_submit():
        try:
            services.mark_item(current_user, item, ItemResult(form.result.data),
                               form.note.data or "", form.photo.data)
        except (services.InspectionError, storage.EvidenceRejectedError) as error:
            db.session.rollback()
            problem = str(error)
    else:
        problem = " ".join(str(error) for errors in form.errors.values() for error in errors)
    if request.accept_mimetypes.best == "application/json":
        if problem:
            return jsonify(ok=False, message=problem), 422
        return jsonify(ok=True, result=item.result.value, label=str(RESULT_LABELS[item.result]),
                       message=_("Saved."))
    if problem:
        flash(problem, "danger")
    return redirect(url_for("inspections.detail", round_id=round_id, _anchor=f"item-{item_id}"))


@bp.route("/<int:round_id>/mark-rest", methods=["POST"])
def mark_rest(round_id: int):
    """The rest are met: every unmarked item (of one unit, or all) in one go."""
    require_runner()
    inspection = get_round_or_404(round_id)
    unit_id = request.form.get("unit", type=int)
    if ConfirmForm().validate_on_submit():
        try:
            services.require_open(inspection)
            met = marking.mark_rest_met(current_user, inspection, unit_id)
        except services.InspectionError as problem:
            db.session.rollback()
            flash(str(problem), "danger")
        else:
            flash(ngettext("%(num)d item marked met.", "%(num)d items marked met.", met),
                  "success")
    anchor = f"unit-{unit_id}" if unit_id else "complete-form"
    return redirect(url_for("inspections.detail", round_id=round_id, _anchor=anchor))


@bp.route("/<int:round_id>/items/<int:item_id>/follow-up", methods=["POST"])
def follow_up(round_id: int, item_id: int):
    require_runner()
    inspection = get_round_or_404(round_id)
    item = get_item_or_404(inspection, item_id)
    form = FollowUpForm()
    form.owner.choices = unit_choices()
    if form.validate_on_submit():
        owner = db.session.get(Unit, int(form.owner.data))
        try:
            task = services.follow_up(current_user, item, owner, form.title.data,
                                      form.due_on.data)
        except services.InspectionError as problem:
            db.session.rollback()
            flash(str(problem), "danger")
        else:
            flash(_("Follow-up task %(code)s created.", code=task.code), "success")
    else:
        flash_errors(form)
    return redirect(url_for("inspections.detail", round_id=round_id, _anchor=f"item-{item_id}"))


@bp.route("/<int:round_id>/complete", methods=["POST"])
def complete(round_id: int):
    require_runner()
    inspection = get_round_or_404(round_id)
    form = CompleteForm()
    form.inspector.choices = [SelectChoice(str(u.id), u.display_name)
                              for u in services.inspectors()]
    if not form.validate_on_submit():
        return render_round(inspection, 422, complete_form=form)
    inspector = db.session.get(User, int(form.inspector.data))
    try:
        services.complete(current_user, inspection, inspector, form.signed_on.data,
                          form.conclusion.data, form.minutes_number.data or "")
    except services.InspectionError as problem:
        db.session.rollback()
        flash(str(problem), "danger")
        return render_round(get_round_or_404(round_id), 422, complete_form=form)
    flash(_("Round signed off."), "success")
    return redirect(url_for("inspections.detail", round_id=round_id))


@bp.route("/<int:round_id>/reopen", methods=["POST"])
def reopen(round_id: int):
    require_runner()
    inspection = get_round_or_404(round_id)
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            services.reopen(current_user, inspection, form.reason.data)
        except services.InspectionError as problem:
            db.session.rollback()
            flash(str(problem), "danger")
        else:
            flash(_("Round reopened."), "warning")
    else:
        flash(_("Give the reason for reopening the round."), "danger")
    return redirect(url_for("inspections.detail", round_id=round_id))


@bp.route("/<int:round_id>/publish", methods=["POST"])
def publish(round_id: int):
    require_runner()
    inspection = get_round_or_404(round_id)
    if ConfirmForm().validate_on_submit():
        try:
            services.publish(current_user, inspection)
        except services.InspectionError as problem:
            db.session.rollback()
            flash(str(problem), "danger")
        else:
            flash(_("Published on the public page."), "success")
    return redirect(url_for("inspections.detail", round_id=round_id))


@bp.route("/<int:round_id>/items/<int:item_id>/photo")
def photo(round_id: int, item_id: int):
    item = get_item_or_404(get_round_or_404(round_id), item_id)
    if not item.photo_sha256:
        abort(404)
    media_type = storage.media_type_of(item.photo_sha256)
    extension = "png" if media_type == "image/png" else "jpg"
    name = Path(storage.clean_filename(item.photo_name, "anh")).stem or "anh"
    return send_file(storage.path_for(item.photo_sha256), mimetype=media_type,
                     as_attachment=True, download_name=f"{name}.{extension}", max_age=0)


@bp.route("/<int:round_id>/minutes.pdf")
def minutes_pdf(round_id: int):
    inspection = get_round_or_404(round_id)
    return download(documents.minutes_pdf(inspection), f"bien-ban-kiem-tra-{inspection.id}.pdf")


@bp.route("/<int:round_id>/minutes.docx")
def minutes_docx(round_id: int):
    inspection = get_round_or_404(round_id)
    return download(documents.minutes_docx(inspection),
                    f"bien-ban-kiem-tra-{inspection.id}.docx")


@bp.route("/criteria", methods=["GET", "POST"])
def criteria():
    require_runner()
    form = CriterionForm()
    if form.validate_on_submit():
        services.add_criterion(current_user, form.text.data)
        flash(_("Criterion added."), "success")
        return redirect(url_for("inspections.criteria"))
    return render_template("inspections/criteria.html", form=form, criteria=queries.all_criteria(),
                           defaults=services.DEFAULT_CRITERIA, toggle_form=ConfirmForm())


@bp.route("/criteria/defaults", methods=["POST"])
def default_criteria():
    require_runner()
    if ConfirmForm().validate_on_submit():
        services.ensure_default_criteria(current_user)
    return redirect(url_for("inspections.criteria"))


@bp.route("/criteria/<int:criterion_id>/toggle", methods=["POST"])
def toggle_criterion(criterion_id: int):
    require_runner()
    criterion = db.session.get(ChecklistCriterion, criterion_id)
    if criterion is None:
        abort(404)
    if ConfirmForm().validate_on_submit():
        services.set_criterion_active(current_user, criterion, not criterion.is_active)
    return redirect(url_for("inspections.criteria"))
