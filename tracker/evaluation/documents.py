"""The monthly evaluation report as PDF (official layout) and DOCX to edit: one content
(:mod:`tracker.evaluation.content`), two renderers. XLSX and CSV: :mod:`.spreadsheet`.

The document libraries are imported when a report is made, not at start-up: each web worker
stays lighter, and most requests never make one.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from tracker.assignments.queries import approved_changes_by_unit
from tracker.db import LOCAL_TZ, utcnow
from tracker.evaluation.authority import Signer, default_signer, directive_line, ranking_task
from tracker.evaluation.content import (
    APPENDIX_TITLE,
    RECIPIENTS,
    month_text,
    report_blocks,
    unit_blocks,
)
from tracker.evaluation.models import Evaluation
from tracker.extensions import db
from tracker.formatting import document_number
from tracker.months import Month
from tracker.org.models import Unit, UnitKind
from tracker.reports.numbers import official_number
from tracker.reports.pdf import render_report
from tracker.workflow.models import Occurrence

NO_SIGNER = "(chưa chọn người ký)"


def signer_for(evaluation: Evaluation) -> Signer:
    """The stored signer of an issued report; for a draft, the default one, or the position
    alone marked as not chosen yet (issuing refuses without a signer)."""
    if evaluation.signer_name:
        return Signer(evaluation.signer_name, evaluation.signer_title,
                      evaluation.signer_authority, evaluation.signer_id)
    found = default_signer()
    if found is not None:
        return found
    return Signer(NO_SIGNER, current_app.config.get("REPORT_SIGNER_TITLE") or "Chánh Văn phòng")


def carried_out(evaluation: Evaluation) -> str:
    """The directive the report carries out: that of the ranking period it closed, else of
    the Office's ranking task."""
    task = None
    if evaluation.closed_occurrence_id:
        task = db.session.get(Occurrence, evaluation.closed_occurrence_id).task
    task = task or ranking_task()
    return directive_line(task.directive if task else None)


def context(evaluation: Evaluation) -> dict:
    rows = list(evaluation.rows)
    config = current_app.config
    signer = signer_for(evaluation)
    changes = approved_changes_by_unit(Month.parse(evaluation.month))
    issuer = db.session.scalar(select(Unit.name).where(
        Unit.is_active, Unit.kind == UnitKind.OFFICE).order_by(Unit.id).limit(1))
    return {
        "evaluation": evaluation,
        "rows": rows,
        "month": month_text(evaluation),
        "agency_parent": config["AGENCY_PARENT"],
        "agency_name": config["AGENCY_NAME"],
        "place": config["AGENCY_PLACE"],
        "issued": (evaluation.issued_at or utcnow()).astimezone(LOCAL_TZ).date(),
        "number": official_number(evaluation.number, config["REPORT_NUMBER_SYMBOL"]),
        "kind": "Báo cáo",
        "subject": f"Kết quả đánh giá, xếp loại thực hiện nhiệm vụ tháng {month_text(evaluation)}",
        "blocks": report_blocks(evaluation, rows, carried_out(evaluation),
                                issuer or "Văn phòng HĐND và UBND xã"),
        "unit_sections": [unit_blocks(row, changes.get(row.unit_id, [])) for row in rows],
        "appendix_subject": APPENDIX_TITLE + month_text(evaluation),
        "recipients": RECIPIENTS,
        "signer": signer,
        "fmt": document_number,
    }


def report_pdf(evaluation: Evaluation) -> bytes:
    data = context(evaluation)
    return render_report("evaluation.html", "evaluation_units.html", data["unit_sections"],
                         **data)


def report_docx(evaluation: Evaluation) -> bytes:
    from tracker.reports.docx import OfficialDocument  # loaded on demand: see reports.pdf

    data = context(evaluation)
    document = OfficialDocument()
    document.header(data["agency_parent"], data["agency_name"], data["number"], data["place"],
                    data["issued"])
    document.title(data["kind"], data["subject"])
    document.blocks(data["blocks"])
    signer = data["signer"]
    document.closing(data["recipients"], signer.title, signer.name, signer.authority)
    if data["unit_sections"]:
        document.appendix(data["appendix_subject"], f"Báo cáo số {data['number']}",
                          data["issued"])
        for index, blocks in enumerate(data["unit_sections"]):
            if index:
                document.page_break()
            document.blocks(blocks)
    return document.to_bytes()
