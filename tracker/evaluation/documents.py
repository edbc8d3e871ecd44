"""The monthly evaluation report: PDF (official layout), DOCX to edit, XLSX and CSV.

The document libraries are imported when a report is made, not at start-up: each web worker
stays lighter, and most requests never make one.

Official documents are written in Vietnamese whatever the interface language.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime

from flask import current_app
from sqlalchemy import func, select

from tracker.assignments.queries import approved_changes_by_unit
from tracker.charts import percent_bars
from tracker.db import LOCAL_TZ, utcnow
from tracker.evaluation.models import Evaluation, EvaluationRow
from tracker.extensions import db
from tracker.months import Month
from tracker.org.models import User
from tracker.reports.cells import cells
from tracker.reports.pdf import render_report

LEVEL_TEXT = {
    "excellent": "Hoàn thành xuất sắc nhiệm vụ",
    "good": "Hoàn thành tốt nhiệm vụ",
    "done": "Hoàn thành nhiệm vụ",
    "not_done": "Không hoàn thành nhiệm vụ",
}
REASON_TEXT = {"late": "hoàn thành quá hạn", "overdue": "quá hạn chưa hoàn thành",
               "returned": "bị trả lại", "unverified": "chưa được xác nhận"}
STATE_TEXT = {"open": "Chưa thực hiện", "in_progress": "Đang thực hiện",
              "submitted": "Chờ xác nhận", "returned": "Trả lại", "verified": "Đã xác nhận",
              "not_applicable": "Không thực hiện"}
# A unit's page in the PDF and DOCX lists this many periods; the XLSX lists them all.
DETAIL_LIMIT = 15
# An image does not break across pages: the chart is drawn in parts of this many bars,
# each of which fits on an A4 page.
BARS_PER_CHART = 25
APPENDIX_TITLE = "Việc chậm, quá hạn của từng đơn vị tháng "
APPENDIX_NOTE = ("Việc hoàn thành quá hạn, quá hạn chưa hoàn thành, bị trả lại hoặc chưa được "
                 "xác nhận của từng đơn vị và người chịu trách nhiệm: chi tiết tại Phụ lục kèm "
                 "theo Báo cáo này (mỗi đơn vị một trang).")
NO_UNITS = "Không có đơn vị được đánh giá."
RECIPIENTS = ["Chủ tịch, các PCT UBND xã", "Các cơ quan, đơn vị thuộc UBND xã",
              "Cổng thông tin điện tử xã", "Lưu: VT, VP"]


def local_time(value: str | None) -> datetime | None:
    """An ISO timestamp from the stored details, in Hà Nội time."""
    return datetime.fromisoformat(value).astimezone(LOCAL_TZ) if value else None


def person_label(item: dict) -> str:
    """"Nguyễn Văn A, Phó Trưởng phòng"; with no one named, the head of the unit."""
    return ", ".join(filter(None, (item["responsible"] or "Thủ trưởng đơn vị",
                                   item["responsible_title"])))


def by_person(details: list[dict]) -> list[tuple[str, list[dict]]]:
    """A unit's listed periods under the person responsible, each person once, in the order
    the periods come (the worst first)."""
    groups: dict[str, list[dict]] = {}
    for item in details:
        groups.setdefault(person_label(item), []).append(item)
    return list(groups.items())


def month_text(evaluation: Evaluation) -> str:
    return Month.parse(evaluation.month).label


def signer() -> tuple[str, str]:
    """Who signs: configured, else the account titled Chánh Văn phòng."""
    config = current_app.config
    title = config.get("REPORT_SIGNER_TITLE") or "Chánh Văn phòng"
    name = config.get("REPORT_SIGNER_NAME")
    if not name:
        name = db.session.scalar(
            select(User.full_name).where(func.lower(User.title) == title.lower()).limit(1)) or ""
    return title, name


def context(evaluation: Evaluation) -> dict:
    rows: list[EvaluationRow] = list(evaluation.rows)
    counts = dict.fromkeys(LEVEL_TEXT, 0)
    for row in rows:
        counts[row.final_level] += 1
    issued = (evaluation.issued_at or utcnow()).astimezone(LOCAL_TZ).date()
    title, name = signer()
    config = current_app.config
    return {
        "evaluation": evaluation,
        "rows": rows,
        "counts": counts,
        "levels": LEVEL_TEXT,
        "reasons": REASON_TEXT,
        "states": STATE_TEXT,
        "month": month_text(evaluation),
        "charts": [percent_bars("Tổng điểm", [(row.unit_name, row.total)
                                              for row in rows[start:start + BARS_PER_CHART]])
                   for start in range(0, len(rows), BARS_PER_CHART)],
        "agency_parent": config["AGENCY_PARENT"],
        "agency_name": config["AGENCY_NAME"],
        "place": config["AGENCY_PLACE"],
        "issued": issued,
        "number": f"{evaluation.number or '      '}/BC-VP",
        "recipients": RECIPIENTS,
        "detail_limit": DETAIL_LIMIT,
        "by_person": by_person,
        "appendix_subject": APPENDIX_TITLE,
        "appendix_note": APPENDIX_NOTE,
        "no_units": NO_UNITS,
        "signer_title": title,
        "signer_name": name,
        "draft": evaluation.issued_at is None,
        "local": local_time,
        "deadline_changes": approved_changes_by_unit(Month.parse(evaluation.month)),
    }


def report_pdf(evaluation: Evaluation) -> bytes:
    data = context(evaluation)
    return render_report("evaluation.html", "evaluation_units.html", data["rows"], **data)


def report_docx(evaluation: Evaluation) -> bytes:
    from tracker.reports.docx import OfficialDocument  # loaded on demand: see reports.pdf

    data = context(evaluation)
    document = OfficialDocument()
    document.header(data["agency_parent"], data["agency_name"], data["number"], data["place"],
                    data["issued"])
    document.title("Báo cáo", "Kết quả đánh giá, xếp loại thực hiện nhiệm vụ tháng "
                   f"{data['month']}")
    if evaluation.version > 1:
        document.paragraph(f"(Bản điều chỉnh lần {evaluation.version - 1}: {evaluation.reason})")
    document.heading("I. TỔNG HỢP KẾT QUẢ XẾP LOẠI")
    for key, text in LEVEL_TEXT.items():
        document.paragraph(f"- {text}: {data['counts'][key]} đơn vị.")
    document.heading("II. BẢNG XẾP HẠNG")
    document.table(["Hạng", "Đơn vị", "Kết quả nhiệm vụ", "Tiêu chí chung", "Tổng điểm",
                    "Xếp loại"],
                   [(row.rank, row.unit_name, f"{row.points['task_results']:.2f}",
                     f"{row.points['general']:.2f}", f"{row.total:.2f}",
                     LEVEL_TEXT[row.final_level]) for row in data["rows"]])
    document.heading("III. VIỆC CHẬM, QUÁ HẠN CỦA TỪNG ĐƠN VỊ")
    document.paragraph(APPENDIX_NOTE if data["rows"] else NO_UNITS)
    document.closing(RECIPIENTS, data["signer_title"], data["signer_name"])
    if data["rows"]:
        document.appendix(APPENDIX_TITLE + data["month"], f"Báo cáo số {data['number']}",
                          data["issued"])
    for row in data["rows"]:
        document.paragraph(f"{row.rank}. {row.unit_name}: {row.total:.2f} điểm.")
        if row.details:
            document.table(
                ["Nhiệm vụ", "Hạn", "Người chịu trách nhiệm", "Lý do trừ điểm"],
                [(f"{item['task_code']} {item['task_title']}",
                  f"{data['local'](item['due_at']):%d/%m/%Y}",
                  person_label(item),
                  ", ".join(REASON_TEXT[r] for r in item["reasons"]))
                 for item in row.details[:DETAIL_LIMIT]])
            if len(row.details) > DETAIL_LIMIT:
                document.paragraph(f"… và {len(row.details) - DETAIL_LIMIT} việc khác (xem "
                                   "danh sách đầy đủ trong tệp Excel kèm theo).")
    return document.to_bytes()


def report_xlsx(evaluation: Evaluation) -> bytes:
    from openpyxl import Workbook  # loaded on demand, as WeasyPrint is (see reports.pdf)
    from openpyxl.styles import Font

    data = context(evaluation)
    workbook = Workbook()
    ranking = workbook.active
    ranking.title = "Xep hang"
    head = ["Hạng", "Mã đơn vị", "Đơn vị", "Số lượng", "Chất lượng", "Tiến độ",
            "Kết quả nhiệm vụ", "Kiểm tra", "Kỷ luật, kỷ cương", "Chỉ tiêu", "Tiêu chí chung",
            "Tổng điểm", "Xếp loại (tính)", "Xếp loại", "Lý do điều chỉnh"]
    ranking.append(head)
    for row in data["rows"]:
        points = row.points
        ranking.append(cells([row.rank, row.unit.code, row.unit_name, points["quantity"],
                        points["quality"], points["progress"], points["task_results"],
                        points["inspection"], points["discipline"], points["indicators"],
                        points["general"], row.total, LEVEL_TEXT[row.level],
                        LEVEL_TEXT[row.final_level], row.override_reason]))
    details = workbook.create_sheet("Chi tiet")
    details.append(["Đơn vị", "Mã nhiệm vụ", "Nhiệm vụ", "Hạn", "Nộp lúc", "Trạng thái",
                    "Người chịu trách nhiệm", "Lý do trừ điểm"])
    for row in data["rows"]:
        for item in row.details:
            submitted = data["local"](item["submitted_at"])
            details.append(cells([row.unit_name, item["task_code"], item["task_title"],
                            data["local"](item["due_at"]).strftime("%d/%m/%Y %H:%M"),
                            submitted.strftime("%d/%m/%Y %H:%M") if submitted else "",
                            STATE_TEXT[item["state"]], item["responsible"],
                            ", ".join(REASON_TEXT[r] for r in item["reasons"])]))
    for sheet in (ranking, details):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def report_csv(evaluation: Evaluation) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["rank", "unit_code", "unit_name", "task_results", "general", "total",
                     "level", "final_level"])
    for row in evaluation.rows:
        writer.writerow(cells([row.rank, row.unit.code, row.unit_name,
                               row.points["task_results"], row.points["general"], row.total,
                               row.level, row.final_level]))
    return buffer.getvalue()
