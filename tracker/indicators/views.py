"""Indicator pages: the list, one indicator month by month, entering, verifying, importing, 766."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from tracker.db import utcnow
from tracker.evidence import storage
from tracker.extensions import db
from tracker.formatting import number
from tracker.indicators import index766, periods, policies, queries, services
from tracker.indicators.charts import line_chart
from tracker.indicators.csv_import import IndicatorCodes, ReadingsFileError, parse_readings
from tracker.indicators.forms import (
    ReadingForm,
    ReadingReviewForm,
    ReadingsConfirmForm,
    ReadingsUploadForm,
)
from tracker.indicators.labels import ALL as INDICATOR_LABELS
from tracker.indicators.models import Indicator, IndicatorReading, ReadingState
from tracker.indicators.targets import Target, evaluate, month_by_month
from tracker.months import Month

bp = Blueprint("indicators", __name__)


@bp.before_request
@login_required
def require_login():
    """Figures are internal until the Office publishes them."""


@bp.record_once
def add_template_globals(state) -> None:
    """Labels for the indicator macros, which the dashboard imports too."""
    state.app.jinja_env.globals["indicator_labels"] = INDICATOR_LABELS


@bp.app_template_filter("figure")
def figure(value: float | None) -> str:
    """A figure the Vietnamese way (85,5; 1.234) or the English way, by the page's language."""
    return number(value, places=None)


@bp.app_template_filter("period_label")
def period_label(period: str | None) -> str:
    return Month.parse(period).label if period else "—"


@bp.app_template_filter("period_spec")
def period_spec(spec: str | None) -> str:
    """A baseline as people say it: 2026-Q1 is "quý I/2026", 2026-03 is "03/2026"."""
    if not spec:
        return "—"
    match = periods.QUARTER.fullmatch(spec.strip())
    if match:
        numeral = ("I", "II", "III", "IV")[int(match.group(2)) - 1]
        return _("quarter %(quarter)s/%(year)s", quarter=numeral, year=match.group(1))
    try:
        months = periods.months_of(spec)
    except ValueError:
        return spec
    return Month.parse(months[0]).label if len(months) == 1 else spec


def get_indicator_or_404(indicator_id: int) -> Indicator:
    indicator = db.session.get(Indicator, indicator_id)
    if indicator is None:
        abort(404)
    if not policies.can_view_indicators(current_user):
        abort(403)
    return indicator


def get_reading_or_404(reading_id: int) -> IndicatorReading:
    reading = db.session.get(IndicatorReading, reading_id)
    if reading is None:
        abort(404)
    if not policies.can_verify_readings(current_user):
        abort(403)
    return reading


def current_month() -> str:
    return Month.of(utcnow()).stored


@bp.route("/indicators")
def indicator_list():
    if not policies.can_view_indicators(current_user):
        abort(403)
    as_of = current_month()
    pending = queries.pending_count() if policies.can_verify_readings(current_user) else 0
    return render_template("indicators/list.html", summaries=queries.all_summaries(as_of),
                           as_of=as_of, pending=pending)


def entry_months(indicator: Indicator, target: Target, as_of: str) -> tuple[str, str]:
    """Months a figure may be entered for: from the directive's start (or the baseline)."""
    first = Month.of(indicator.directive.starts_on).stored
    if target.baseline_months:
        first = min(first, target.baseline_months[0])
    return first, as_of


@bp.route("/indicators/<int:indicator_id>")
def indicator_detail(indicator_id: int):
    indicator = get_indicator_or_404(indicator_id)
    as_of = current_month()
    target = Target.of_indicator(indicator)
    figures = queries.counted_figures([indicator.id]).get(indicator.id, {})
    evaluation = evaluate(target, figures, as_of)
    first, _last = entry_months(indicator, target, as_of)
    last = max(min(as_of, Month.of(indicator.directive.ends_on).stored), first)
    if figures:
        first, last = min(first, min(figures)), max(last, max(figures))
    months = periods.months_between(first, last)
    rows = month_by_month(target, figures, months)
    chart_months = [row.period for row in rows if not row.is_baseline]
    chart = line_chart(indicator.name, chart_months, [figures.get(m) for m in chart_months],
                       target, baseline=evaluation.baseline)
    history_query = (
        select(IndicatorReading).where(IndicatorReading.indicator_id == indicator.id)
        .options(joinedload(IndicatorReading.entered_by), joinedload(IndicatorReading.verified_by),
                 joinedload(IndicatorReading.returned_by))
        .order_by(IndicatorReading.period.desc(), IndicatorReading.id.desc())
    )
    if not policies.sees_pending(current_user, indicator):
        history_query = history_query.where(IndicatorReading.state == ReadingState.VERIFIED)
    history = db.paginate(history_query, per_page=current_app.config["PAGE_SIZE"],
                          error_out=False)
    return render_template(
        "indicators/detail.html", indicator=indicator, target=target, evaluation=evaluation,
        rows=list(reversed(rows)), chart=chart, history=history, as_of=as_of,
        partial=queries.partial_months(indicator.id),
        can_enter=policies.can_enter_reading(current_user, indicator),
        review_form=ReadingReviewForm() if policies.can_verify_readings(current_user) else None,
    )


@bp.route("/indicators/<int:indicator_id>/readings/new", methods=["GET", "POST"])
def new_reading(indicator_id: int):
    indicator = get_indicator_or_404(indicator_id)
    if not policies.can_enter_reading(current_user, indicator):
        abort(403)
    as_of = current_month()
    form = ReadingForm()
    first, last = entry_months(indicator, Target.of_indicator(indicator), as_of)
    form.set_months(first, last)
    if not form.is_submitted():
        form.period.data = as_of if first <= as_of else None
    status = 200
    if form.validate_on_submit():
        try:
            reading = services.enter_reading(
                current_user, indicator, period=form.period.data, value=form.value.data,
                note=form.note.data or "", evidence_url=form.evidence_url.data or "",
            )
        except services.ReadingError as problem:
            db.session.rollback()
            flash(str(problem), "danger")
            status = 422
        else:
            if reading.state == ReadingState.VERIFIED:
                flash(_("Figure saved and verified."), "success")
            else:
                flash(_("Figure saved. It counts once the Office has verified it."), "success")
            return redirect(url_for("indicators.indicator_detail", indicator_id=indicator.id))
    elif form.is_submitted():
        status = 422
    return render_template("indicators/reading_form.html", indicator=indicator, form=form,
                           target=Target.of_indicator(indicator)), status


@bp.route("/indicators/readings/<int:reading_id>/review", methods=["POST"])
def review_reading(reading_id: int):
    reading = get_reading_or_404(reading_id)
    form = ReadingReviewForm()
    back = (url_for("indicators.pending") if request.form.get("back") == "pending"
            else url_for("indicators.indicator_detail", indicator_id=reading.indicator_id))
    if not form.validate_on_submit() or not (form.approve.data or form.send_back.data):
        flash(_("Choose to verify or to return the figure."), "warning")
        return redirect(back)
    try:
        if form.approve.data:
            services.verify_reading(current_user, reading)
            flash(_("Figure verified."), "success")
        else:
            services.return_reading(current_user, reading, form.reason.data or "")
            flash(_("Figure returned."), "warning")
    except services.ReadingError as problem:
        db.session.rollback()
        flash(str(problem), "danger")
    return redirect(back)


@bp.route("/indicators/readings/pending")
def pending():
    """The Office's queue of figures awaiting verification, oldest first."""
    if not policies.can_verify_readings(current_user):
        abort(403)
    query = (
        select(IndicatorReading).where(IndicatorReading.state == ReadingState.SUBMITTED)
        .options(joinedload(IndicatorReading.indicator).joinedload(Indicator.owner_unit),
                 joinedload(IndicatorReading.entered_by))
        .order_by(IndicatorReading.created_at, IndicatorReading.id)
    )
    page = db.paginate(query, per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("indicators/pending.html", page=page, review_form=ReadingReviewForm())


def render_import(form: ReadingsUploadForm, problems=(), status: int = 200):
    codes = IndicatorCodes.load()
    indicators = [indicator for group in codes.by_code.values() for indicator in group]
    indicators.sort(key=lambda i: (i.directive.code, i.position))
    return render_template("indicators/import.html", form=form, problems=list(problems),
                           codes=codes, indicators=indicators), status


@bp.route("/indicators/import", methods=["GET", "POST"])
def import_readings():
    if not policies.can_import_readings(current_user):
        abort(403)
    form = ReadingsUploadForm()
    if not form.validate_on_submit():
        return render_import(form, status=422 if form.is_submitted() else 200)
    upload = form.file.data
    data = upload.read()
    name = Path(upload.filename or "readings.csv").name[:255]
    try:
        rows = parse_readings(data, as_of=current_month())
    except ReadingsFileError as error:
        return render_import(form, error.problems, status=422)
    digest = storage.keep_pending("readings", data, ".csv")
    figures = queries.counted_figures({row.indicator.id for row in rows})
    return render_template(
        "indicators/import_preview.html", rows=rows, filename=name, figures=figures,
        form=ReadingsConfirmForm(digest=digest, name=name),
    )


@bp.route("/indicators/import/confirm", methods=["POST"])
def confirm_import():
    if not policies.can_import_readings(current_user):
        abort(403)
    form = ReadingsConfirmForm()
    path = storage.pending_file("readings", form.digest.data, ".csv") \
        if form.validate_on_submit() else None
    if path is None:
        flash(_("The checked file is no longer here; please upload it again."), "warning")
        return redirect(url_for("indicators.import_readings"))
    data = path.read_bytes()
    try:
        rows = parse_readings(data, as_of=current_month())
    except ReadingsFileError as error:
        # Something changed since the preview (an indicator removed, a month): show it all.
        return render_import(ReadingsUploadForm(formdata=None), error.problems, status=422)
    services.import_readings(current_user, rows, file_name=form.name.data or path.name,
                             sha256=form.digest.data)
    path.unlink()
    flash(ngettext("%(num)d reading imported and verified.",
                   "%(num)d readings imported and verified.", len(rows)), "success")
    return redirect(url_for("indicators.indicator_list"))


@bp.route("/indicators/index-766")
def index_766():
    """The six groups of Bộ chỉ số 766 with the commune's own estimate and the rank."""
    if not policies.can_view_indicators(current_user):
        abort(403)
    as_of = current_month()
    estimate = index766.estimate(queries.all_summaries(as_of))
    return render_template("indicators/index766.html", estimate=estimate, as_of=as_of)
