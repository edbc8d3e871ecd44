"""The inspection minutes (biên bản kiểm tra) as PDF and DOCX: one content, two renderers.

A biên bản says when and where, who inspected and who represented each inspected unit, what
was found with the remedy required and its deadline (the follow-up task), the conclusion, and
ends with the signatures of both sides. Official documents are written in Vietnamese whatever
the interface language.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from tracker.db import LOCAL_TZ, utcnow
from tracker.directives.models import Task
from tracker.extensions import db
from tracker.formatting import document_number
from tracker.inspections import services
from tracker.inspections.models import InspectionItem, InspectionRound, ItemResult
from tracker.org.models import Role, User
from tracker.reports.blocks import Block, ended
from tracker.reports.docx import official_day
from tracker.reports.numbers import official_number
from tracker.reports.pdf import render_pdf

RECIPIENTS = ["Chủ tịch, các PCT UBND xã", "Các đơn vị được kiểm tra", "Lưu: VT"]
RESULT_TEXT = {ItemResult.PASS: "Đạt", ItemResult.FAIL: "Không đạt",
               ItemResult.NOT_APPLICABLE: "Không áp dụng", ItemResult.PENDING: "Chưa đánh giá"}


def representatives(unit_ids: list[int]) -> dict[int, User]:
    """The head of each inspected unit, who represents it in the minutes (one query)."""
    heads: dict[int, User] = {}
    for user in db.session.scalars(select(User).where(
            User.role == Role.UNIT_HEAD, User.is_active, User.unit_id.in_(unit_ids))
            .order_by(User.id)):
        heads.setdefault(user.unit_id, user)
    return heads


def minutes_blocks(inspection: InspectionRound, scope, summary, findings, heads,
                   inspector: User | None, place: str) -> list[Block]:
    signed = inspection.signed_on or utcnow().astimezone(LOCAL_TZ).date()
    blocks: list[Block] = []
    if inspection.completed_at is None:
        blocks.append(Block("para", "(Dự thảo: đợt kiểm tra chưa ký kết thúc.)", "note"))
    blocks.append(Block("para", (
        f"Hôm nay, {official_day(signed)}, tại trụ sở UBND xã {place}, Văn phòng HĐND và UBND "
        f"xã tiến hành kiểm tra việc thực hiện nhiệm vụ cải cách thủ tục hành chính của các cơ "
        f"quan, đơn vị từ ngày {inspection.window_start:%d/%m/%Y} đến ngày "
        f"{inspection.window_end:%d/%m/%Y} (kiểm tra định kỳ 02 lần/tháng).")))
    blocks.append(Block("heading", "I. THÀNH PHẦN"))
    who = ", ".join(filter(None, (inspector.full_name, inspector.title))) if inspector else ""
    blocks.append(Block("para", f"1. Người kiểm tra: {who or '(chưa ghi)'}."))
    blocks.append(Block("para", "2. Đại diện các đơn vị được kiểm tra:"))
    for unit in scope:
        head = heads.get(unit.id)
        person = (f"{head.full_name}, {head.title or 'Thủ trưởng đơn vị'}" if head
                  else "Thủ trưởng đơn vị")
        blocks.append(Block("para", f"- {unit.name}: {person}.", "item"))
    blocks.append(Block("heading", "II. KẾT QUẢ KIỂM TRA"))
    blocks.append(Block("table", head=["TT", "Đơn vị", "Đạt", "Không đạt", "Không áp dụng",
                                       "Tỷ lệ đạt (%)"],
                        rows=[[index, row.unit.name, row.passed, row.failed, row.not_applicable,
                               document_number(row.pass_rate, 1)
                               if row.pass_rate is not None else "—"]
                              for index, row in enumerate(summary, start=1)],
                        widths=[7, 39, 11, 13, 15, 15], centred=[0, 2, 3, 4, 5]))
    blocks.append(Block("heading", "III. TỒN TẠI, HẠN CHẾ VÀ YÊU CẦU KHẮC PHỤC"))
    if findings:
        rows = []
        for index, item in enumerate(findings, start=1):
            task = item.follow_up_task
            remedy = f"{task.title} (chủ trì: {task.owner_unit.name})" if task else "(chưa giao)"
            deadline = task.due_date.strftime("%d/%m/%Y") if task and task.due_date else ""
            rows.append([index, item.unit.name, item.text, item.note, remedy, deadline])
        blocks.append(Block("table", head=["TT", "Đơn vị", "Nội dung kiểm tra", "Tồn tại",
                                           "Yêu cầu khắc phục", "Thời hạn"],
                            rows=rows, widths=[6, 16, 22, 20, 24, 12], centred=[0, 5]))
    else:
        blocks.append(Block("para", "Không phát hiện tồn tại, hạn chế."))
    blocks.append(Block("heading", "IV. KẾT LUẬN"))
    for line in (inspection.conclusion or "").splitlines():
        if line.strip():
            blocks.append(Block("para", line.strip()))
    blocks.append(Block("para", ended("Biên bản được lập xong cùng ngày, đã đọc lại cho những "
                                      "người tham dự cùng nghe, thống nhất nội dung và ký tên "
                                      "dưới đây; các đơn vị có tồn tại khắc phục đúng yêu cầu "
                                      "và thời hạn nêu tại mục III.")))
    return blocks


def minutes_context(inspection: InspectionRound) -> dict:
    findings = db.session.scalars(
        select(InspectionItem)
        .where(InspectionItem.round_id == inspection.id, InspectionItem.result == ItemResult.FAIL)
        .options(joinedload(InspectionItem.unit),
                 joinedload(InspectionItem.follow_up_task).joinedload(Task.owner_unit))
        .order_by(InspectionItem.unit_id, InspectionItem.position)
    ).unique().all()
    scope = services.units_in_scope(inspection)
    heads = representatives([unit.id for unit in scope])
    inspector = inspection.inspector
    config = current_app.config
    return {
        "inspection": inspection,
        "agency_parent": config["AGENCY_PARENT"],
        "agency_name": config["AGENCY_NAME"],
        "place": config["AGENCY_PLACE"],
        "issued": inspection.signed_on or utcnow().astimezone(LOCAL_TZ).date(),
        "number": official_number(inspection.minutes_number, config["MINUTES_NUMBER_SYMBOL"]),
        "kind": "Biên bản",
        "subject": ("Kiểm tra việc thực hiện nhiệm vụ cải cách thủ tục hành chính từ ngày "
                    f"{inspection.window_start:%d/%m/%Y} đến ngày "
                    f"{inspection.window_end:%d/%m/%Y}"),
        "blocks": minutes_blocks(inspection, scope, services.summarise(inspection), findings,
                                 heads, inspector, config["AGENCY_PLACE"]),
        # Both sides sign: the inspected units' representatives, and the inspector.
        "units_side": ("Đại diện các đơn vị được kiểm tra",
                       [(unit.name, heads[unit.id].full_name if unit.id in heads else "")
                        for unit in scope]),
        "inspector_side": ("Người kiểm tra", inspector.full_name if inspector else ""),
        "recipients": RECIPIENTS,
        "fmt": document_number,
    }


def minutes_pdf(inspection: InspectionRound) -> bytes:
    return render_pdf("minutes.html", **minutes_context(inspection))


def minutes_docx(inspection: InspectionRound) -> bytes:
    from tracker.reports.docx import OfficialDocument  # loaded on demand: see reports.pdf

    data = minutes_context(inspection)
    document = OfficialDocument()
    document.header(data["agency_parent"], data["agency_name"], data["number"], data["place"],
                    data["issued"])
    document.title(data["kind"], data["subject"])
    document.blocks(data["blocks"])
    document.both_sides(data["units_side"], data["inspector_side"])
    document.recipients(data["recipients"])
    return document.to_bytes()
