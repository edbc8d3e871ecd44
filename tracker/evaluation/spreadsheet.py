"""The monthly evaluation as a workbook a clerk can use, and as CSV.

Each sheet opens with a title block (agency, report, month), then a frozen, filtered header.
Numbers are numbers (a display format shows two decimals), dates are dates. The ranking sheet
has, for each unit, every count behind its score and the rules sheet every weight, so that a
score can be recomputed from the file alone.
"""

from __future__ import annotations

import csv
import io
from types import SimpleNamespace

from flask_babel import force_locale

from tracker.evaluation.content import (
    DECISION_TEXT,
    LEVEL_TEXT,
    REASON_TEXT,
    local_time,
)
from tracker.evaluation.documents import context
from tracker.evaluation.models import Evaluation
from tracker.reports.cells import append_text_row, cells
from tracker.schedule.status import CATEGORY_LABELS, category_of
from tracker.workflow.models import OccurrenceState

HEADER_ROW = 6  # rows 1-4: the title block, 5: blank
RANKING_COLUMNS = [
    ("Hạng", 7, None), ("Mã đơn vị", 11, None), ("Đơn vị", 38, None),
    ("Việc đến hạn", 10, "0"), ("Đúng hạn", 10, "0"), ("Quá hạn (đã làm)", 11, "0"),
    ("Quá hạn chưa làm", 11, "0"), ("Bị trả lại", 10, "0"),
    ("Trả lại, còn quá hạn", 11, "0"), ("Chờ xác nhận (không tính)", 13, "0"),
    ("Mục kiểm tra đạt", 11, "0"), ("Mục kiểm tra không đạt", 12, "0"),
    ("Điểm kỷ luật bị trừ", 11, "0.00"),
    ("Số lượng", 10, "0.00"), ("Chất lượng", 10, "0.00"), ("Tiến độ", 10, "0.00"),
    ("Kết quả nhiệm vụ", 11, "0.00"), ("Kiểm tra", 10, "0.00"),
    ("Kỷ luật, kỷ cương", 10, "0.00"), ("Chỉ tiêu", 9, "0.00"), ("Tiêu chí chung", 10, "0.00"),
    ("Tổng điểm", 10, "0.00"), ("Xếp loại theo điểm", 28, None), ("Xếp loại", 28, None),
    ("Quyết định của lãnh đạo", 40, None),
]
DETAIL_COLUMNS = [
    ("Đơn vị", 32, None), ("Mã nhiệm vụ", 12, None), ("Nhiệm vụ", 50, None),
    ("Hạn", 17, "dd/mm/yyyy hh:mm"), ("Nộp lúc", 17, "dd/mm/yyyy hh:mm"),
    ("Trạng thái", 26, None), ("Người chịu trách nhiệm", 28, None),
    ("Lý do trừ điểm", 34, None),
]
DEDUCTION_COLUMNS = [
    ("Đơn vị", 32, None), ("Mã nhiệm vụ", 12, None), ("Nhiệm vụ", 50, None),
    ("Hạn", 12, "dd/mm/yyyy"), ("Hình thức xử lý", 22, None), ("Người bị xử lý", 28, None),
    ("Điểm bị trừ", 11, "0.00"),
]


def _naive(value: str | None):
    """Excel has no time zones: the Hà Nội wall-clock time."""
    moment = local_time(value)
    return moment.replace(tzinfo=None) if moment else None


def _category(item: dict) -> str:
    occurrence = SimpleNamespace(state=OccurrenceState(item["state"]),
                                 due_at=local_time(item["due_at"]),
                                 submitted_at=local_time(item["submitted_at"]))
    with force_locale("vi"):
        return str(CATEGORY_LABELS[category_of(occurrence)])


def _sheet(workbook, title: str, data: dict, columns, heading: str):
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    sheet = workbook.create_sheet(title)
    sheet.append([data["agency_parent"]])
    sheet.append([data["agency_name"]])
    sheet.append([f"{heading} THÁNG {data['month']}"])
    sheet.append([f"(Kèm theo Báo cáo số {data['number']} ngày "
                  f"{data['issued']:%d/%m/%Y})"])
    for row, bold in ((1, False), (2, True), (3, True), (4, False)):
        sheet.cell(row, 1).font = Font(bold=bold, italic=row == 4, size=13 if row == 3 else 11)
    sheet.append([None])
    sheet.append([name for name, _width, _format in columns])
    for index, (_name, width, _format) in enumerate(columns, start=1):
        cell = sheet.cell(HEADER_ROW, index)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    return sheet


def _finish(sheet, columns) -> None:
    from openpyxl.utils import get_column_letter

    last = get_column_letter(len(columns))
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{last}{max(sheet.max_row, HEADER_ROW)}"
    for index, (_name, _width, number_format) in enumerate(columns, start=1):
        if number_format:
            for (cell,) in sheet.iter_rows(min_row=HEADER_ROW + 1, min_col=index,
                                           max_col=index):
                cell.number_format = number_format


def report_xlsx(evaluation: Evaluation) -> bytes:
    from openpyxl import Workbook

    data = context(evaluation)
    workbook = Workbook()
    workbook.remove(workbook.active)
    ranking = _sheet(workbook, "Xếp hạng", data, RANKING_COLUMNS,
                     "KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI THỰC HIỆN NHIỆM VỤ")
    for row in data["rows"]:
        counts, points = row.inputs, row.points
        append_text_row(ranking, [
            row.rank, row.unit.code, row.unit_name, counts["due"], counts["on_time"],
            counts["late"], counts["overdue_open"], counts["returned"],
            counts.get("returned_overdue", 0), counts.get("awaiting", 0),
            counts["inspection_passed"], counts["inspection_failed"],
            sum(item["points"] for item in row.deductions),
            points["quantity"], points["quality"], points["progress"], points["task_results"],
            points["inspection"], points["discipline"], points["indicators"], points["general"],
            row.total, LEVEL_TEXT[row.level], LEVEL_TEXT[row.final_level], row.override_reason])
    _finish(ranking, RANKING_COLUMNS)
    details = _sheet(workbook, "Chi tiết", data, DETAIL_COLUMNS,
                     "VIỆC CHẬM, QUÁ HẠN, BỊ TRẢ LẠI, CHỜ XÁC NHẬN")
    for row in data["rows"]:
        for item in row.details:
            append_text_row(details, [
                row.unit_name, item["task_code"], item["task_title"], _naive(item["due_at"]),
                _naive(item["submitted_at"]), _category(item), item["responsible"],
                ", ".join(REASON_TEXT[reason] for reason in item["reasons"])])
    _finish(details, DETAIL_COLUMNS)
    deductions = _sheet(workbook, "Trừ điểm", data, DEDUCTION_COLUMNS,
                        "ĐIỂM KỶ LUẬT, KỶ CƯƠNG BỊ TRỪ")
    for row in data["rows"]:
        for item in row.deductions:
            due = _naive(item["due_at"])
            append_text_row(deductions, [row.unit_name, item["task_code"], item["task_title"],
                                         due.date() if due else None,
                                         DECISION_TEXT.get(item["decision"], item["decision"]),
                                         item["person"], item["points"]])
    _finish(deductions, DEDUCTION_COLUMNS)
    rules = workbook.create_sheet("Cách tính")
    rules.append(["Nhóm", "Khóa", "Giá trị"])
    for group, values in evaluation.rules.items():
        for key, value in values.items():
            append_text_row(rules, [group, key, value])
    rules.column_dimensions["A"].width = rules.column_dimensions["B"].width = 24
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
