"""The directive editor, publishing, the YAML download and the rule preview."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from tracker.db import LOCAL_TZ, utcnow
from tracker.directives import editing, policies, queries, seeding
from tracker.directives import services as directive_services
from tracker.directives.documents import store_document
from tracker.directives.export import directive_mapping, export_yaml
from tracker.directives.forms import DirectiveEditorForm, PublishForm
from tracker.directives.labels import (
    AUTHORITY_LABELS,
    DIRECTIVE_TYPE_LABELS,
    FREQUENCY_LABELS,
    WEEKDAY_LABELS,
)
from tracker.directives.models import Directive
from tracker.directives.problems import DirectiveFileError
from tracker.evidence.storage import EvidenceRejectedError, path_for
from tracker.extensions import db
from tracker.indicators.labels import AGGREGATE_LABELS, COMPARATOR_LABELS
from tracker.org.models import Role, User

bp = Blueprint("editor", __name__)
# The commented template offered on the upload page: every key, what it means, an example.
TEMPLATE_FILE = Path(__file__).with_name("template.yaml")


@bp.before_request
@login_required
def require_login():
    """Directive work is internal."""


def get_directive_or_404(directive_id: int) -> Directive:
    directive = db.session.get(Directive, directive_id)
    if directive is None:
        abort(404)
    if not policies.can_view_directive(current_user, directive):
        abort(403)
    return directive


def _require_editor() -> None:
    if not policies.can_edit_directives(current_user):
        abort(403)


@bp.route("/directives/new", methods=["GET", "POST"])
def new_directive():
    _require_editor()
    return _editor(None)


@bp.route("/directives/<int:directive_id>/edit", methods=["GET", "POST"])
def edit_directive(directive_id: int):
    _require_editor()
    return _editor(get_directive_or_404(directive_id))


def _editor(directive: Directive | None):
    form = DirectiveEditorForm()
    problems: dict[str, list[str]] = defaultdict(list)
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        header, tasks, indicators = editing.rows_from_form(request.form)
        action = request.form.get("action", "save")
        if action == "add_task":
            tasks.append(editing.empty_task(header))
        elif action == "add_indicator":
            indicators.append({"aggregate": "last"})
        else:
            saved = _save(directive, header, tasks, indicators, problems)
            if saved is not None:
                db.session.commit()
                flash(_("Saved."), "success")
                return redirect(url_for("editor.edit_directive", directive_id=saved.id))
            db.session.rollback()
    elif directive is not None:
        header, tasks, indicators = editing.rows_from_mapping(directive_mapping(directive))
    else:
        header, tasks, indicators = {"signer.authority": ""}, [], []
    if not tasks:
        tasks = [editing.empty_task(header)]
    status = 422 if problems else 200
    today = utcnow().astimezone(LOCAL_TZ).date()
    starts = [header.get("period.start") or ""] + [row.get("start") or "" for row in tasks]
    calendar = queries.editor_calendar(starts, today)
    previews = [_deadlines(queries.next_deadlines(
        row.get("frequency", ""), editing.rule_from_row(row.get("frequency", ""), row),
        row.get("start") or header.get("period.start") or "",
        row.get("end") or header.get("period.end") or "", today, calendar=calendar))
        for row in tasks]
    return render_template(
        "directives/editor.html", form=form, directive=directive, header=header, tasks=tasks,
        indicators=indicators, problems=problems, options=_options(queries.editor_choices()),
        blank_task=editing.empty_task(header), publish_form=publish_form_for(directive),
        reason=request.form.get("reason", ""), previews=previews,
    ), status


def _options(choices: queries.Choices) -> dict[str, list[tuple[str, str]]]:
    """What each select of the editor offers, as (value, label) pairs."""
    def pairs(mapping) -> list[tuple[str, str]]:
        return [(getattr(key, "value", key), str(label)) for key, label in mapping.items()]

    days = [(str(day), str(day)) for day in range(1, 29)] + [("last", _("last day"))]
    return {
        "units": [(unit.code, unit.name) for unit in choices.units],
        "people": [(person.person_code, person.display_name) for person in choices.people],
        "leaders": [(person.person_code, person.display_name) for person in choices.people
                    if person.role == Role.LEADER],
        "frequencies": pairs(FREQUENCY_LABELS),
        "weekdays": pairs(WEEKDAY_LABELS),
        "days": days,
        "types": pairs(DIRECTIVE_TYPE_LABELS),
        "authorities": pairs(AUTHORITY_LABELS),
        "comparators": pairs(COMPARATOR_LABELS),
        "aggregates": pairs(AGGREGATE_LABELS),
    }


def _save(directive: Directive | None, header: editing.Row, tasks: list[editing.Row],
          indicators: list[editing.Row], problems: dict[str, list[str]]) -> Directive | None:
    """Check the form through the schema and save it; on refusal fill ``problems``."""
    upload = request.files.get("document")
    if upload is not None and upload.filename:
        try:
            stored = store_document(upload.stream, upload.filename)
        except EvidenceRejectedError as error:
            problems["directive.document"].append(str(error))
            return None
        header["document.name"], header["document.sha256"] = stored.name, stored.sha256
    editing.propose_codes(tasks)
    mapping = editing.mapping_from_rows(header, tasks, indicators)
    try:
        spec = seeding.parse_mapping(mapping, _("editor"))
        if directive is not None:
            # The directive keeps its key whatever its number becomes.
            info = spec.directive.model_copy(update={"code": directive.code})
            spec = spec.model_copy(update={"directive": info})
        elif directive_services.existing_directive(spec) is not None:
            problems["directive.number"].append(
                _("A directive with this number (or title) already exists: open it and edit it."))
            return None
        summary = directive_services.save_from_editor(spec, current_user,
                                                      request.form.get("reason", ""))
    except DirectiveFileError as error:
        for problem in error.problems:
            problems[problem.field].append(problem.message)
        return None
    except directive_services.NotAllowedError:
        abort(403)
    return summary.directive


def publish_form_for(directive: Directive | None) -> PublishForm | None:
    if directive is None or not directive.is_draft or not policies.can_publish(current_user):
        return None
    form = PublishForm()
    if policies.publishes_for_others(current_user):
        form.leader.choices = [SelectChoice(str(user.id), user.display_name)
                               for user in queries.editor_choices().leaders]
    else:
        del form.leader
    return form


@bp.route("/directives/<int:directive_id>/publish", methods=["POST"])
def publish(directive_id: int):
    directive = get_directive_or_404(directive_id)
    if not policies.can_publish(current_user):
        abort(403)
    form = PublishForm()
    if not form.validate_on_submit():
        abort(400)
    leader = None
    if policies.publishes_for_others(current_user) and (form.leader.data or "").isdigit():
        leader = db.session.get(User, int(form.leader.data))
    try:
        directive_services.publish_directive(directive, current_user, leader)
    except directive_services.NotAllowedError as error:
        db.session.rollback()
        flash(str(error), "danger")
        return redirect(url_for("directives.directive_detail", directive_id=directive.id))
    db.session.commit()
    flash(_("Published: the work is planned and the owner units have been told."), "success")
    return redirect(url_for("directives.directive_detail", directive_id=directive.id))


@bp.route("/directives/<int:directive_id>/export.yaml")
def export(directive_id: int):
    directive = get_directive_or_404(directive_id)
    name = f"{editing.proposed_code(directive.code, '') or 'directive'}.yaml"
    return Response(export_yaml(directive), mimetype="application/x-yaml",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("/directives/<int:directive_id>/document")
def document(directive_id: int):
    directive = get_directive_or_404(directive_id)
    if not directive.document_sha256 or not path_for(directive.document_sha256).is_file():
        abort(404)
    return send_file(path_for(directive.document_sha256), as_attachment=True,
                     download_name=directive.document_name or "document")


@bp.route("/directives/template.yaml")
def template():
    if not policies.can_edit_directives(current_user):
        abort(403)
    return send_file(TEMPLATE_FILE, mimetype="application/x-yaml", as_attachment=True,
                     download_name="mau-van-ban-chi-dao.yaml")


@bp.route("/directives/rule-preview")
def rule_preview():
    """The next deadlines of a rule being typed in the editor (used by static/js/editor.js)."""
    if not policies.can_edit_directives(current_user):
        abort(403)
    args = request.args
    frequency = args.get("frequency", "")
    due = editing.rule_from_row(frequency, args)
    today = utcnow().astimezone(LOCAL_TZ).date()
    preview = queries.next_deadlines(frequency, due, args.get("start", ""),
                                     args.get("end", ""), today)
    return jsonify(**_deadlines(preview))


def _deadlines(preview: queries.Preview) -> dict[str, Any]:
    """A preview as the page shows it: each deadline written out, or the rule's problem."""
    return {"deadlines": [format_datetime(moment, "HH:mm dd/MM/yyyy (EEE)")
                          for moment in preview.deadlines],
            "problem": preview.problem}
