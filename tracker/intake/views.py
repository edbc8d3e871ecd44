"""The upload page: a signed document in, each proposed task beside its sentence, then the draft."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from tracker.directives.labels import FREQUENCY_LABELS
from tracker.directives.seeding import DirectiveFileError
from tracker.evidence.storage import DIGEST, EvidenceRejectedError
from tracker.intake import IntakeError
from tracker.intake import services as intake
from tracker.intake.forms import DocumentUploadForm, DraftConfirmForm
from tracker.intake.policies import can_draft_from_document

bp = Blueprint("intake", __name__)


@bp.before_request
@login_required
def require_login():
    if not can_draft_from_document(current_user):
        abort(403)


@bp.route("/directives/from-document", methods=["GET", "POST"])
def upload():
    form = DocumentUploadForm()
    error = None
    if form.validate_on_submit():
        upload = form.file.data
        text = (form.text.data or "").strip()
        if (upload is None or not upload.filename) and not text:
            error = _("Give the signed document, or paste its text.")
        else:
            name = Path(upload.filename).name if upload and upload.filename else ""
            try:
                draft, document = intake.read_upload(upload.stream if name else None, name, text)
            except (IntakeError, EvidenceRejectedError) as problem:
                error = str(problem)
            else:
                digest = intake.keep_pending(draft, document)
                return redirect(url_for("intake.preview", digest=digest))
    status = 422 if error else 200
    return render_template("intake/upload.html", form=form, error=error), status


@bp.route("/directives/from-document/<digest>")
def preview(digest: str):
    if not DIGEST.match(digest):
        abort(404)
    pending = intake.load_pending(digest)
    if pending is None:
        flash(_("The draft is no longer here; please read the document again."), "warning")
        return redirect(url_for("intake.upload"))
    form = DraftConfirmForm(digest=digest)
    data = pending["data"]
    choices = intake.owner_choices() + [(u["code"], u["name"]) for u in data["units"]]
    indicators = {item["code"]: item for item in data["indicators"]}
    return render_template("intake/preview.html", data=data, form=form, choices=choices,
                           indicators=indicators, frequency_labels=FREQUENCY_LABELS,
                           document=pending.get("document") or {})


@bp.route("/directives/from-document/confirm", methods=["POST"])
def confirm():
    form = DraftConfirmForm()
    if not form.validate_on_submit():
        abort(422)
    owners = {}
    for key, value in request.form.items():
        if key.startswith("owner-") and key[6:].isdigit():
            owners[int(key[6:])] = value
    try:
        summary = intake.confirm_draft(form.digest.data, owners, current_user)
    except DirectiveFileError as problem:
        flash(str(problem.problems[0]), "danger")
        return redirect(url_for("intake.preview", digest=form.digest.data))
    if summary is None:
        flash(_("The draft is no longer here; please read the document again."), "warning")
        return redirect(url_for("intake.upload"))
    flash(_("Directive created from the document: %(n)d item(s) created.",
            n=summary.total_created), "success")
    return redirect(url_for("directives.directive_detail", directive_id=summary.directive.id))
