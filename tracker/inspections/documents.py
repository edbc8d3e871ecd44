"""The inspection minutes (biên bản kiểm tra) as PDF and DOCX.

Official documents are written in Vietnamese whatever the interface language, so their text is
in the templates as it will be printed.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from tracker.db import LOCAL_TZ, utcnow
from tracker.directives.models import Task
from tracker.extensions import db
from tracker.inspections import services
from tracker.inspections.models import InspectionItem, InspectionRound, ItemResult
from tracker.reports.pdf import render_pdf

RECIPIENTS = ["Chủ tịch, các PCT UBND xã", "Các đơn vị được kiểm tra", "Lưu: VT"]
RESULT_TEXT = {ItemResult.PASS: "Đạt", ItemResult.FAIL: "Không đạt",
               ItemResult.NOT_APPLICABLE: "Không áp dụng", ItemResult.PENDING: "Chưa đánh giá"}


def minutes_context(inspection: InspectionRound) -> dict:
    findings = db.session.scalars(
        select(InspectionItem)
        .where(InspectionItem.round_id == inspection.id, InspectionItem.result == ItemResult.FAIL)
        .options(joinedload(InspectionItem.unit),
                 joinedload(InspectionItem.follow_up_task).joinedload(Task.owner_unit))
        .order_by(InspectionItem.unit_id, InspectionItem.position)
    ).unique().all()
    inspector = inspection.inspector
    config = current_app.config
    return {
        "inspection": inspection,
        "summary": services.summarise(inspection),
        "findings": findings,
        "scope": [unit.name for unit in services.units_in_scope(inspection)],
        "agency_parent": config["AGENCY_PARENT"],
        "agency_name": config["AGENCY_NAME"],
        "place": config["AGENCY_PLACE"],
        "issued": inspection.signed_on or utcnow().astimezone(LOCAL_TZ).date(),
        "number": f"{inspection.minutes_number or '      '}/BB-VP",
        "inspector_name": inspector.full_name if inspector else "",
        "inspector_title": inspector.title if inspector else "",
        "recipients": RECIPIENTS,
        "results": RESULT_TEXT,
        "draft": inspection.completed_at is None,
    }


def minutes_pdf(inspection: InspectionRound) -> bytes:
    return render_pdf("minutes.html", **minutes_context(inspection))


def minutes_docx(inspection: InspectionRound) -> bytes:
    from tracker.reports.docx import OfficialDocument  # loaded on demand: see reports.pdf

    context = minutes_context(inspection)
    document = OfficialDocument()
    document.header(context["agency_parent"], context["agency_name"], context["number"],
                    context["place"], context["issued"])
    start, end = inspection.window_start, inspection.window_end
    document.title("Biên bản", "Kiểm tra việc thực hiện nhiệm vụ cải cách thủ tục hành chính "
                   f"từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}")
    inspector = ", ".join(part for part in (context["inspector_name"],
                                            context["inspector_title"]) if part)
    document.paragraph(f"Người kiểm tra: {inspector}.")
    document.paragraph("Đơn vị được kiểm tra: " + "; ".join(context["scope"]) + ".")
    document.heading("I. KẾT QUẢ KIỂM TRA")
    document.table(["Đơn vị", "Đạt", "Không đạt", "Không áp dụng"],
                   [(row.unit.name, row.passed, row.failed, row.not_applicable)
                    for row in context["summary"]])
    document.heading("II. TỒN TẠI, HẠN CHẾ VÀ YÊU CẦU KHẮC PHỤC")
    if context["findings"]:
        document.table(
            ["Đơn vị", "Nội dung", "Phát hiện", "Yêu cầu khắc phục"],
            [(item.unit.name, item.text, item.note,
              (f"{item.follow_up_task.title} (hạn {item.follow_up_task.due_date:%d/%m/%Y})"
               if item.follow_up_task else "")) for item in context["findings"]])
    else:
        document.paragraph("Không phát hiện tồn tại, hạn chế.")
    document.heading("III. KẾT LUẬN")
    for line in (inspection.conclusion or "").splitlines() or [""]:
        document.paragraph(line)
    document.closing(context["recipients"], "Người kiểm tra", context["inspector_name"])
    return document.to_bytes()
