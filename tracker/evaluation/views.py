"""The monthly evaluation: drafts by the Office, approval by a leader, frozen issued versions."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from tracker.charts import percent_bars
from tracker.db import utcnow
from tracker.evaluation import documents, policies, services
from tracker.evaluation.forms import (
    LEVEL_LABELS,
    REASON_LABELS,
    STATE_LABELS,
    STATUS_LABELS,
    ComputeForm,
    IssueForm,
    OverrideForm,
)
from tracker.evaluation.models import Evaluation, EvaluationRow, EvaluationStatus
from tracker.evaluation.scoring import Level
from tracker.extensions import db
from tracker.forms import flash_errors
from tracker.months import Month
from tracker.reports import download

bp = Blueprint("evaluation", __name__, url_prefix="/evaluation")


@bp.before_request
@login_required
def require_reader():
    if not policies.can_read(current_user):
        abort(403)


def get_evaluation_or_404(evaluation_id: int) -> Evaluation:
    evaluation = db.session.get(Evaluation, evaluation_id)
    if evaluation is None:
        abort(404)
    return evaluation


@bp.route("/")
def index():
    versions = db.session.scalars(
        select(Evaluation).order_by(Evaluation.month.desc(), Evaluation.version.desc()).limit(60)
    ).all()
    form = None
    if policies.can_compute(current_user):
        form = ComputeForm(month=Month.of(utcnow()).shift(-1).stored)
    return render_template("evaluation/index.html", versions=versions, form=form,
                           status_names=STATUS_LABELS)


@bp.route("/compute", methods=["POST"])
def compute():
    if not policies.can_compute(current_user):
        abort(403)
    form = ComputeForm()
    if not form.validate_on_submit():
        flash_errors(form)
        return redirect(url_for("evaluation.index"))
    try:
        draft = services.compute(current_user, services.requested_month(form.month.data).first_day,
                                 form.reason.data or "")
    except services.EvaluationError as problem:
        db.session.rollback()
        flash(str(problem), "danger")
        return redirect(url_for("evaluation.index"))
    flash(_("Draft computed."), "success")
    return redirect(url_for("evaluation.detail", evaluation_id=draft.id))


@bp.route("/<int:evaluation_id>")
def detail(evaluation_id: int):
    evaluation = get_evaluation_or_404(evaluation_id)
    rows = db.session.scalars(
        select(EvaluationRow).where(EvaluationRow.evaluation_id == evaluation.id)
        .options(joinedload(EvaluationRow.unit)).order_by(EvaluationRow.position)).all()
    leader = policies.can_decide(current_user) and not evaluation.is_frozen
    counts = dict.fromkeys((level.value for level in Level), 0)
    for row in rows:
        counts[row.final_level] += 1
    return render_template(
        "evaluation/detail.html", evaluation=evaluation, rows=rows, counts=counts,
        status_names=STATUS_LABELS,
        levels=LEVEL_LABELS, issue_form=IssueForm() if leader else None,
        override_form=OverrideForm() if leader else None,
        recompute_form=ComputeForm(month=evaluation.month)
        if policies.can_compute(current_user) else None,
        chart=percent_bars(_("Total score"), [(r.unit_name, r.total) for r in rows]),
    )


@bp.route("/<int:evaluation_id>/units/<int:row_id>")
def unit(evaluation_id: int, row_id: int):
    evaluation = get_evaluation_or_404(evaluation_id)
    row = db.session.get(EvaluationRow, row_id)
    if row is None or row.evaluation_id != evaluation.id:
        abort(404)
    return render_template("evaluation/unit.html", evaluation=evaluation, row=row,
                           levels=LEVEL_LABELS, reasons=REASON_LABELS, states=STATE_LABELS,
                           local=documents.local_time)


@bp.route("/<int:evaluation_id>/rows/<int:row_id>/level", methods=["POST"])
def override(evaluation_id: int, row_id: int):
    if not policies.can_decide(current_user):
        abort(403)
    evaluation = get_evaluation_or_404(evaluation_id)
    row = db.session.get(EvaluationRow, row_id)
    if row is None or row.evaluation_id != evaluation.id:
        abort(404)
    form = OverrideForm()
    if form.validate_on_submit():
        try:
            services.override_level(current_user, row, Level(form.level.data), form.reason.data)
        except services.EvaluationError as problem:
            db.session.rollback()
            flash(str(problem), "danger")
        else:
            flash(_("Level changed."), "success")
    else:
        flash(_("Give the reason for changing the level."), "danger")
    return redirect(url_for("evaluation.detail", evaluation_id=evaluation_id))


@bp.route("/<int:evaluation_id>/issue", methods=["POST"])
def issue(evaluation_id: int):
    if not policies.can_decide(current_user):
        abort(403)
    evaluation = get_evaluation_or_404(evaluation_id)
    form = IssueForm()
    if form.validate_on_submit():
        try:
            services.issue(current_user, evaluation, form.number.data or "")
        except services.EvaluationError as problem:
            db.session.rollback()
            flash(str(problem), "danger")
        else:
            flash(_("Issued. The ranking is frozen and published."), "success")
    return redirect(url_for("evaluation.detail", evaluation_id=evaluation_id))


@bp.route("/<int:evaluation_id>/report.pdf")
def report_pdf(evaluation_id: int):
    evaluation = get_evaluation_or_404(evaluation_id)
    data = evaluation.pdf if evaluation.status != EvaluationStatus.DRAFT else \
        documents.report_pdf(evaluation)
    return download(data, f"{file_stem(evaluation)}.pdf")


@bp.route("/<int:evaluation_id>/report.docx")
def report_docx(evaluation_id: int):
    evaluation = get_evaluation_or_404(evaluation_id)
    return download(documents.report_docx(evaluation), f"{file_stem(evaluation)}.docx")


@bp.route("/<int:evaluation_id>/report.xlsx")
def report_xlsx(evaluation_id: int):
    evaluation = get_evaluation_or_404(evaluation_id)
    return download(documents.report_xlsx(evaluation), f"{file_stem(evaluation)}.xlsx")


@bp.route("/<int:evaluation_id>/report.csv")
def report_csv(evaluation_id: int):
    evaluation = get_evaluation_or_404(evaluation_id)
    return download(documents.report_csv(evaluation), f"{file_stem(evaluation)}.csv")


def file_stem(evaluation: Evaluation) -> str:
    return f"xep-loai-{evaluation.month}-v{evaluation.version}"
