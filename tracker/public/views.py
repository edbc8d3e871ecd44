"""What anyone may see without logging in: results the Office has published."""

from flask import Blueprint, abort, render_template
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from tracker.directives.models import Task
from tracker.evaluation.forms import LEVEL_LABELS
from tracker.evaluation.models import Evaluation, EvaluationRow, EvaluationStatus
from tracker.extensions import db
from tracker.inspections import services as inspections
from tracker.inspections.models import InspectionItem, InspectionRound, ItemResult
from tracker.reports import download

bp = Blueprint("public", __name__, url_prefix="/cong-khai")


@bp.route("/")
def index():
    rounds = db.session.scalars(
        select(InspectionRound).where(InspectionRound.published_at.is_not(None))
        .options(selectinload(InspectionRound.units))
        .order_by(InspectionRound.window_start.desc()).limit(24)
    ).all()
    rankings = db.session.scalars(
        select(Evaluation).where(Evaluation.status == EvaluationStatus.ISSUED)
        .order_by(Evaluation.month.desc()).limit(24)
    ).all()
    return render_template("public/index.html", rounds=rounds, rankings=rankings)


@bp.route("/xep-loai/<int:evaluation_id>")
def ranking(evaluation_id: int):
    issued = db.session.get(Evaluation, evaluation_id)
    if issued is None or issued.status == EvaluationStatus.DRAFT:
        abort(404)  # drafts do not exist for the public
    rows = db.session.scalars(
        select(EvaluationRow).where(EvaluationRow.evaluation_id == issued.id)
        .order_by(EvaluationRow.position)).all()
    return render_template("public/ranking.html", evaluation=issued, rows=rows,
                           levels=LEVEL_LABELS)


@bp.route("/xep-loai/<int:evaluation_id>/bao-cao.pdf")
def ranking_pdf(evaluation_id: int):
    issued = db.session.get(Evaluation, evaluation_id)
    if issued is None or issued.status == EvaluationStatus.DRAFT or issued.pdf is None:
        abort(404)
    return download(issued.pdf, f"xep-loai-{issued.month}.pdf")


@bp.route("/kiem-tra/<int:round_id>")
def inspection(round_id: int):
    published = db.session.get(InspectionRound, round_id)
    if published is None or published.published_at is None:
        abort(404)  # unpublished rounds do not exist for the public
    findings = db.session.scalars(
        select(InspectionItem)
        .where(InspectionItem.round_id == published.id, InspectionItem.result == ItemResult.FAIL)
        .options(joinedload(InspectionItem.unit),
                 joinedload(InspectionItem.follow_up_task).joinedload(Task.owner_unit))
        .order_by(InspectionItem.unit_id, InspectionItem.position)
    ).unique().all()
    return render_template("public/inspection.html", inspection=published,
                           summary=inspections.summarise(published), findings=findings)
