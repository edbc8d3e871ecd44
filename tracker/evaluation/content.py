"""What the monthly evaluation report says, once, as blocks that the PDF and the DOCX both print.

Writing the text here, not in each renderer, is what keeps the two the same document: same
opening, sections, table, chart, notes and appendix. Official text is Vietnamese whatever the
interface language; every number goes through :mod:`tracker.formatting` (1.234,5).
"""

from __future__ import annotations

from datetime import datetime

from tracker.charts import LEVEL_FILLS, Band, ScoreChart, score_bars
from tracker.db import LOCAL_TZ
from tracker.evaluation.models import Evaluation, EvaluationRow
from tracker.formatting import document_number, document_points
from tracker.months import Month
from tracker.reports.blocks import Block, ended

LEVEL_TEXT = {
    "excellent": "Hoàn thành xuất sắc nhiệm vụ",
    "good": "Hoàn thành tốt nhiệm vụ",
    "done": "Hoàn thành nhiệm vụ",
    "not_done": "Không hoàn thành nhiệm vụ",
}
REASON_TEXT = {"late": "hoàn thành quá hạn", "overdue": "quá hạn chưa hoàn thành",
               "returned": "bị trả lại", "unverified": "chờ xác nhận, chưa tính điểm"}
STATE_TEXT = {"open": "Chưa thực hiện", "in_progress": "Đang thực hiện",
              "submitted": "Chờ xác nhận", "returned": "Trả lại", "verified": "Đã xác nhận",
              "not_applicable": "Không thực hiện"}
DECISION_TEXT = {"no_action": "không xử lý", "reminder": "nhắc nhở", "review": "kiểm điểm",
                 "criticism": "phê bình", "discipline": "đề nghị xử lý kỷ luật"}
# A unit's page in the PDF and DOCX lists this many periods; the XLSX lists them all.
DETAIL_LIMIT = 15
# An image does not break across pages: the chart is drawn in parts of this many bars.
BARS_PER_CHART = 25
APPENDIX_TITLE = "Việc chậm, quá hạn, chờ xác nhận và điểm bị trừ của từng đơn vị tháng "
RECIPIENTS = ["Chủ tịch, các PCT UBND xã", "Các cơ quan, đơn vị thuộc UBND xã",
              "Cổng thông tin điện tử xã", "Lưu: VT, VP"]
def local_time(value: str | None) -> datetime | None:
    """An ISO timestamp from the stored details, in Hà Nội time."""
    return datetime.fromisoformat(value).astimezone(LOCAL_TZ) if value else None


def day_text(value: str | None) -> str:
    moment = local_time(value)
    return moment.strftime("%d/%m/%Y") if moment else ""


def month_text(evaluation: Evaluation) -> str:
    return Month.parse(evaluation.month).label


def person_label(item: dict) -> str:
    """"Nguyễn Văn A, Phó Trưởng phòng"; with no one named, the head of the unit."""
    return ", ".join(filter(None, (item["responsible"] or "Thủ trưởng đơn vị",
                                   item["responsible_title"])))


def by_person(details: list[dict]) -> list[tuple[str, list[dict]]]:
    """A unit's listed periods under the person responsible, each person once, in order."""
    groups: dict[str, list[dict]] = {}
    for item in details:
        groups.setdefault(person_label(item), []).append(item)
    return list(groups.items())


def bands(rules: dict) -> list[Band]:
    """The chart's levels, from the rules the month was scored with."""
    levels = rules["levels"]
    top, good, done = (document_number(levels[key], None) for key in ("excellent", "good", "done"))
    labels = (f"Hoàn thành xuất sắc (từ {top} điểm)", f"Hoàn thành tốt (từ {good} điểm)",
              f"Hoàn thành (từ {done} điểm)", f"Không hoàn thành (dưới {done} điểm)")
    lows = (levels["excellent"], levels["good"], levels["done"], 0)
    return [Band(low, fill, label)
            for low, fill, label in zip(lows, LEVEL_FILLS, labels, strict=True)]


def charts(evaluation: Evaluation, rows: list[EvaluationRow]) -> list[ScoreChart]:
    return [score_bars("Tổng điểm của các đơn vị", [(row.unit_name, row.total) for row in
                                                   rows[start:start + BARS_PER_CHART]],
                       bands(evaluation.rules), document_number, "điểm")
            for start in range(0, len(rows), BARS_PER_CHART)]


def scoring_note(rules: dict) -> str:
    tasks, general = rules["task_results"], rules["general"]
    task_points = tasks["quantity"] + tasks["quality"] + tasks["progress"]
    general_points = general["inspection"] + general["discipline"] + general.get("indicators", 0)
    late = document_number((1 - tasks["late_keeps"]) * 100, None)
    returned = document_number(tasks.get("returned_loses", 1) * 100, None)
    text = (f"Cách tính điểm (thang 100 điểm): kết quả thực hiện nhiệm vụ "
            f"{document_number(task_points, None)} điểm, gồm số lượng "
            f"{document_number(tasks['quantity'], None)}, chất lượng "
            f"{document_number(tasks['quality'], None)}, tiến độ "
            f"{document_number(tasks['progress'], None)} điểm; mỗi việc hoàn thành quá hạn bị "
            f"trừ {late}% điểm tiến độ của việc đó, mỗi việc bị trả lại bị trừ {returned}% điểm "
            f"chất lượng của việc đó, việc quá hạn chưa hoàn thành không được điểm chất lượng; "
            f"tiêu chí chung {document_number(general_points, None)} điểm (kết quả kiểm tra "
            f"{document_number(general['inspection'], None)}, kỷ luật, kỷ cương "
            f"{document_number(general['discipline'], None)} điểm). Việc được tính đúng hạn "
            f"khi nộp trước thời hạn (kể cả thời hạn đã được điều chỉnh) và được Văn phòng xác "
            f"nhận; việc đã nộp, còn chờ xác nhận khi tính điểm không tính vào số việc của "
            f"tháng, không bị coi là chậm hay chưa làm.")
    if rules["levels"].get("disciplined_at_most"):
        text += (" Đơn vị có việc trong tháng bị đề nghị xử lý kỷ luật được xếp loại không cao "
                 f"hơn mức \u201c{LEVEL_TEXT[rules['levels']['disciplined_at_most']]}\u201d.")
    return text


def report_blocks(evaluation: Evaluation, rows: list[EvaluationRow], directive: str,
                  issuer_name: str) -> list[Block]:
    """The body of the report, from the opening sentence to its "./."."""
    month = month_text(evaluation)
    counts = dict.fromkeys(LEVEL_TEXT, 0)
    for row in rows:
        counts[row.final_level] += 1
    blocks: list[Block] = []
    if evaluation.issued_at is None:
        blocks.append(Block("para", "(Dự thảo, chưa ban hành.)", "note"))
    if evaluation.version > 1:
        blocks.append(Block("para", f"(Bản điều chỉnh lần {evaluation.version - 1}: "
                                    f"{evaluation.reason})", "note"))
    blocks.append(Block("para", f"Thực hiện {directive}, {issuer_name} báo cáo kết quả đánh "
                                f"giá, xếp loại việc thực hiện nhiệm vụ của các cơ quan, đơn vị "
                                f"tháng {month} như sau:"))
    blocks.append(Block("heading", "I. TỔNG HỢP KẾT QUẢ XẾP LOẠI"))
    summary = "; ".join(f"{text}: {counts[key]} đơn vị" for key, text in LEVEL_TEXT.items())
    blocks.append(Block("para", f"Tổng số đơn vị được đánh giá: {len(rows)}. Trong đó: "
                                f"{summary}."))
    share = document_number(evaluation.rules["cap"]["excellent_share_of_good"] * 100, None)
    kept = [row for row in rows if row.keeps_excellent and row.final_level == "excellent"]
    lowered = [row for row in rows if row.final_level != row.level]
    if evaluation.unresolved_excess:
        blocks.append(Block("para", f"Số đơn vị đạt mức \u201cHoàn thành xuất sắc nhiệm vụ\u201d "
                                    f"vượt tỷ lệ {share}% số đơn vị \u201cHoàn thành tốt nhiệm "
                                    f"vụ\u201d ({evaluation.unresolved_excess} đơn vị); đề nghị "
                                    f"lãnh đạo UBND xã xem xét, quyết định trước khi ban hành."))
    for row in lowered:
        blocks.append(Block("para", f"Lãnh đạo UBND xã quyết định xếp loại {row.unit_name} ở "
                                    f"mức \u201c{LEVEL_TEXT[row.final_level]}\u201d (theo điểm: "
                                    f"\u201c{LEVEL_TEXT[row.level]}\u201d): "
                                    f"{row.override_reason.rstrip('.')}."))
    for row in kept:
        blocks.append(Block("para", f"Lãnh đạo UBND xã quyết định giữ mức \u201cHoàn thành "
                                    f"xuất sắc nhiệm vụ\u201d của {row.unit_name} vượt tỷ lệ "
                                    f"{share}%: {row.override_reason.rstrip('.')}."))
    blocks.append(Block("para", scoring_note(evaluation.rules)))
    blocks.append(Block("heading", "II. BẢNG XẾP HẠNG"))
    blocks.append(Block(
        "table", head=["Hạng", "Đơn vị", "Kết quả nhiệm vụ", "Tiêu chí chung", "Tổng điểm",
                       "Xếp loại"],
        rows=[[row.rank, row.unit_name, document_number(row.points["task_results"]),
               document_number(row.points["general"]), document_number(row.total),
               LEVEL_TEXT[row.final_level]] for row in rows],
        widths=[9, 29, 13, 12, 11, 26], centred=[0, 2, 3, 4]))
    if rows:
        blocks.append(Block("para", "Tổng điểm của các đơn vị, theo thứ hạng (điểm):", "caption"))
        blocks.extend(Block("chart", chart=chart) for chart in charts(evaluation, rows))
    awaiting = evaluation.awaiting
    number = 3
    if awaiting:
        blocks.append(Block("heading", f"{_roman(number)}. VIỆC CHỜ XÁC NHẬN"))
        number += 1
        reason = (f" Lãnh đạo UBND xã chấp nhận ban hành khi các kỳ này còn chờ xác nhận: "
                  f"{evaluation.pending_reason.rstrip('.')}." if evaluation.pending_reason
                  else "")
        blocks.append(Block("para", f"Khi tính điểm, {len(awaiting)} kỳ thực hiện đã nộp còn "
                                    f"chờ Văn phòng xác nhận; các kỳ này chưa được tính vào kết "
                                    f"quả của đơn vị (không bị coi là chậm hay chưa thực hiện) "
                                    f"và sẽ được tính khi điều chỉnh kết quả tháng.{reason}"))
        blocks.append(Block(
            "table", head=["TT", "Đơn vị", "Nhiệm vụ", "Hạn", "Ngày nộp"],
            rows=[[index, row.unit_name, f"{item['task_code']} {item['task_title']}",
                   day_text(item["due_at"]), day_text(item["submitted_at"])]
                  for index, (row, item) in enumerate(awaiting, start=1)],
            widths=[6, 23, 41, 15, 15], centred=[0, 3, 4]))
    blocks.append(Block("heading", f"{_roman(number)}. VIỆC CHẬM, QUÁ HẠN VÀ ĐIỂM BỊ TRỪ CỦA "
                                   f"TỪNG ĐƠN VỊ"))
    blocks.append(Block("para", ended(
        "Việc hoàn thành quá hạn, quá hạn chưa hoàn thành, bị trả lại hoặc chờ xác nhận của "
        "từng đơn vị, người chịu trách nhiệm và các quyết định xử lý trách nhiệm đã trừ điểm: "
        "chi tiết tại Phụ lục kèm theo Báo cáo này (mỗi đơn vị một trang)." if rows else
        "Không có đơn vị được đánh giá.")))
    return blocks


def _roman(number: int) -> str:
    return ("I", "II", "III", "IV", "V", "VI")[number - 1]


def unit_blocks(row: EvaluationRow, changes: list[dict] = ()) -> list[Block]:
    """One unit's page of the appendix: the counts behind its score, every deduction, its
    late, overdue, returned and awaiting work under the person responsible, and the deadline
    changes approved in the month (``changes``: assignments.queries.approved_changes_by_unit)."""
    inputs, points = row.inputs, row.points
    blocks = [Block("heading", f"{row.rank}. {row.unit_name}: {document_points(row.total)}, "
                               f"{LEVEL_TEXT[row.final_level]}", "unit")]
    blocks.append(Block("para", (
        f"Việc đến hạn trong tháng: {inputs['due']}; hoàn thành đúng hạn: {inputs['on_time']}; "
        f"hoàn thành quá hạn: {inputs['late']}; quá hạn chưa hoàn thành: "
        f"{inputs['overdue_open']}; bị trả lại: {inputs['returned']}; chờ xác nhận (chưa "
        f"tính): {inputs.get('awaiting', 0)}; mục kiểm tra đạt: "
        f"{inputs['inspection_passed']}/"
        f"{inputs['inspection_passed'] + inputs['inspection_failed']}."), "item"))
    parts = [f"số lượng {document_number(points['quantity'])}",
             f"chất lượng {document_number(points['quality'])}",
             f"tiến độ {document_number(points['progress'])}",
             f"kết quả kiểm tra {document_number(points['inspection'])}",
             f"kỷ luật, kỷ cương {document_number(points['discipline'])}"]
    if points.get("indicators"):
        parts.append(f"chỉ tiêu {document_number(points['indicators'])}")
    blocks.append(Block("para", "Điểm: " + "; ".join(parts) + ".", "item"))
    if row.override_reason:
        blocks.append(Block("para", f"Quyết định của lãnh đạo UBND xã về xếp loại: "
                                    f"{row.override_reason.rstrip('.')}.", "item"))
    if row.deductions:
        blocks.append(Block("para", "Điểm kỷ luật, kỷ cương bị trừ:", "person"))
        for item in row.deductions:
            blocks.append(Block("para", (
                f"- {DECISION_TEXT.get(item['decision'], item['decision'])}"
                f"{' ' + item['person'] if item['person'] else ''} về việc {item['task_code']} "
                f"(hạn {day_text(item['due_at'])}): trừ "
                f"{document_points(item['points'])}."), "item"))
    if row.details:
        for person, items in by_person(row.details[:DETAIL_LIMIT]):
            blocks.append(Block("para", f"{person}:", "person"))
            for item in items:
                reasons = ", ".join(REASON_TEXT[reason] for reason in item["reasons"])
                blocks.append(Block("para", f"- {item['task_code']} – {item['task_title']} "
                                            f"(hạn {day_text(item['due_at'])}): {reasons}.",
                                    "item"))
        if len(row.details) > DETAIL_LIMIT:
            blocks.append(Block("para", f"… và {len(row.details) - DETAIL_LIMIT} việc khác "
                                        "(xem danh sách đầy đủ trong tệp Excel kèm theo).",
                                "note"))
    else:
        blocks.append(Block("para", "Không có việc chậm, quá hạn hay chờ xác nhận.", "item"))
    if changes:
        blocks.append(Block("para", "Điều chỉnh thời hạn được chấp thuận trong tháng:", "person"))
        for item in changes:
            agreed = f" ({item['decided_by']} đồng ý)" if item["decided_by"] else ""
            blocks.append(Block("para", (
                f"- {item['task_code']} – {item['task_title']}: hạn "
                f"{day_text(item['old_due_at'])} điều chỉnh thành "
                f"{day_text(item['new_due_at'])}{agreed}; lý do: "
                f"{item['reason'].rstrip('.')}."), "item"))
    return blocks

