"""The intake reader: structure, units, frequency and due rules, targets, traced proposals."""

from __future__ import annotations

import io
import time
import unicodedata
from pathlib import Path

import pytest
import yaml
from docx import Document
from flask_babel import force_locale
from pypdf import PdfWriter

from tracker.intake import IntakeError, check_draft, draft_from_bytes, draft_from_text

DATA = Path(__file__).parent / "data" / "intake"
SHIPPED = DATA / "thong-bao-ket-luan-cai-cach-tthc-2026.md"
SEEDED_UNITS = [
    ("LD", "Lãnh đạo UBND xã", "leadership"),
    ("VP", "Văn phòng HĐND và UBND", "office"),
    ("PKT", "Phòng Kinh tế", "department"),
    ("PVHXH", "Phòng Văn hóa – Xã hội", "department"),
    ("TTPVHCC", "Trung tâm Phục vụ hành chính công", "center"),
    ("TTDVSNC", "Trung tâm Dịch vụ sự nghiệp công", "center"),
]
HEADER = """UBND XÃ CẨM GIANG
Số: 12/KH-UBND
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Cẩm Giang, ngày 10 tháng 01 năm 2027

KẾ HOẠCH
Thực hiện nhiệm vụ năm 2027

II. NHIỆM VỤ
"""
FOOTER = """
Nơi nhận:
- Lưu: VT.
TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH
Nguyễn Văn Thành
"""


def one(clause_text: str, known=SEEDED_UNITS) -> dict:
    """The draft of a plan whose only clause is ``clause_text``."""
    return draft_from_text(HEADER + clause_text + "\n" + FOOTER, known).data


def only_task(clause_text: str, known=SEEDED_UNITS) -> dict:
    tasks = one(clause_text, known)["tasks"]
    assert len(tasks) == 1, tasks
    return tasks[0]


def test_header_of_a_plan_signed_on_behalf_of_the_committee():
    info = one("1. Phòng Kinh tế rà soát hồ sơ đất đai, trước ngày 31/3/2027.")["directive"]
    assert info["status"] == "draft"
    assert info["type"] == "plan"
    assert info["number"] == "12/KH-UBND"
    assert info["issued_on"] == "2027-01-10"
    assert info["place"] == "Cẩm Giang"
    assert info["summary"] == "Thực hiện nhiệm vụ năm 2027"
    assert info["signer"] == {"name": "Nguyễn Văn Thành", "title": "Chủ tịch", "authority": "TM."}


def test_shipped_notice_keeps_blank_number_and_day_and_repeated_clause_numbers():
    draft = draft_from_bytes(SHIPPED.read_bytes(), SHIPPED.name, SEEDED_UNITS).data
    assert draft["directive"]["number"] == "/TB-VP"
    assert draft["directive"]["issued_on"] == "2026-04"
    assert draft["directive"]["signer"]["name"] == "Hoàng Thị Hạnh"
    clause_two = {task["owner"] for task in draft["tasks"] if task["clause"] == "2"}
    assert clause_two == {"TTPVHCC", "VP"}  # "2." twice in the source, both kept as "2"
    codes = [task["code"] for task in draft["tasks"]]
    assert len(codes) == len(set(codes))
    assert draft["units"] == []  # every unit is known: referred to by code, never redeclared


@pytest.mark.parametrize(
    ("wording", "frequency", "due"),
    [
        ("báo cáo tiến độ hằng ngày", "daily", {}),
        ("tổng hợp báo cáo hằng tuần vào thứ Năm", "weekly", {"weekday": "thu"}),
        ("kiểm tra định kỳ 02 lần/tháng vào ngày 15 và cuối tháng", "twice_monthly",
         {"days": [15, "last"]}),
        ("báo cáo kết quả hằng tháng", "monthly", {"day": "last"}),
        ("báo cáo kết quả trước ngày 25 hằng tháng", "monthly", {"day": 25}),
        ("sơ kết, báo cáo hằng quý", "quarterly", {"day": "last"}),
        ("khi phát sinh hồ sơ bị từ chối, trong thời hạn 05 ngày làm việc phải thông báo lý do",
         "on_event", {"within_working_days": 5}),
        ("rà soát hồ sơ đất đai tồn đọng, hoàn thành trước ngày 31/3/2027", "once", "2027-03-31"),
        ("tổng hợp danh sách hộ nghèo trong tháng 12/2027", "once", "2027-12-31"),
        ("trình kế hoạch chậm nhất ngày 15/02/2027", "once", "2027-02-15"),
        ("báo cáo tình hình trước 16 giờ ngày thứ Sáu hằng tuần", "weekly",
         {"weekday": "fri", "time": "16:00"}),
        ("thường xuyên hướng dẫn người dân nộp hồ sơ trực tuyến", "monthly", {"day": "last"}),
    ],
)
def test_frequency_and_due_rule_from_the_wording(wording, frequency, due):
    task = only_task(f"1. Phòng Kinh tế {wording}.")
    assert task["owner"] == "PKT"
    assert task["frequency"] == frequency
    assert task.get("due", {}) == due


def test_continuous_work_is_marked_doubtful():
    task = only_task("1. Phòng Kinh tế thường xuyên hướng dẫn người dân nộp hồ sơ trực tuyến.")
    assert "thường xuyên" in task["doubt"]


@pytest.mark.parametrize(
    ("wording", "comparator", "target", "unit"),
    [
        ("tỷ lệ hồ sơ trực tuyến đạt tối thiểu 80%", ">=", 80, "%"),
        ("tổ chức kiểm tra ít nhất 02 lần/tháng", ">=", 2, "lần/tháng"),
        ("tỷ lệ hồ sơ trực tuyến từ 70% trở lên", ">=", 70, "%"),
        ("tỷ lệ tài khoản định danh không dưới 90%", ">=", 90, "%"),
        ("tỷ lệ hồ sơ trễ hạn không quá 3%", "<=", 3, "%"),
        ("tỷ lệ hồ sơ trễ hạn dưới 2%", "<=", 2, "%"),
        ("mức độ hài lòng trên 95%", ">=", 95, "%"),
        ("bảo đảm tỷ lệ hồ sơ đúng hạn đạt 100%", ">=", 100, "%"),
        ("số hồ sơ quá hạn giảm ít nhất 50% so với tháng 11", ">=", 50, "%"),
        ("thanh toán không dùng tiền mặt tăng 20% so với cùng kỳ năm 2026",
         "increase_at_least", 20, "%"),
        ("phấn đấu đưa Bộ chỉ số 766 vào nhóm 30/114", "rank_at_most", 30, "hạng"),
    ],
)
def test_targets_become_indicators(wording, comparator, target, unit):
    draft = one(f"1. Phòng Kinh tế chủ trì {wording}.")
    indicator = draft["indicators"][0]
    assert (indicator["comparator"], indicator["target"], indicator["unit"]) == (
        comparator, target, unit)
    assert indicator["owner"] == "PKT"
    assert indicator["source"].startswith("Phòng Kinh tế chủ trì")
    assert draft["tasks"][0]["indicator"] == indicator["code"]


def test_increase_keeps_its_baseline_and_a_rank_its_field():
    draft = one("1. Phòng Kinh tế phấn đấu thanh toán không dùng tiền mặt tăng 20% so với "
                "cùng kỳ năm 2026; Bộ chỉ số 766 vào nhóm 30/114.")
    increase, rank = draft["indicators"]
    assert increase["baseline"] == "2026"
    assert rank["of"] == 114


def test_a_target_date_is_the_indicator_due_not_the_task_due():
    draft = one("1. Trung tâm Phục vụ hành chính công phấn đấu tỷ lệ hồ sơ số hóa đạt 100% "
                "trước ngày 30/6/2027.")
    assert draft["indicators"][0]["due"] == "2027-06-30"
    assert draft["tasks"][0]["frequency"] != "once"


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("TT PVHCC", "TTPVHCC"),
        ("Trung tâm Phục vụ hành chính công xã", "TTPVHCC"),
        ("VP HĐND-UBND", "VP"),
        ("Văn phòng HĐND và UBND xã", "VP"),
        ("Phòng KT", "PKT"),
        ("Phòng VH-XH", "PVHXH"),
        ("Phòng Văn hóa - Xã hội", "PVHXH"),
        ("TT DVSNC", "TTDVSNC"),
    ],
)
def test_units_by_full_name_short_form_or_abbreviation(name, code):
    task = only_task(f"1. Giao {name} chủ trì rà soát hồ sơ tồn đọng trước ngày 31/3/2027.")
    assert task["owner"] == code


@pytest.mark.parametrize(
    "sentence",
    [
        "Chủ tịch UBND xã giao Phòng Kinh tế chủ trì rà soát hồ sơ trước ngày 31/3/2027.",
        "UBND xã đề nghị Phòng Kinh tế rà soát hồ sơ trước ngày 31/3/2027.",
        "Trưởng phòng Kinh tế rà soát hồ sơ trước ngày 31/3/2027.",
        "Khi có hồ sơ tồn đọng, Phòng Kinh tế rà soát trong thời hạn 02 ngày làm việc.",
        "- Phòng KT: rà soát hồ sơ trước ngày 31/3/2027.",
    ],
)
def test_the_owner_is_the_unit_given_the_work_not_the_one_giving_it(sentence):
    assert only_task(sentence)["owner"] == "PKT"


def test_a_letter_to_one_unit_gives_it_the_requests():
    text = HEADER.replace("KẾ HOẠCH\nThực hiện nhiệm vụ năm 2027\n\nII. NHIỆM VỤ\n", "").replace(
        "Số: 12/KH-UBND", "Số: 40/UBND-VP\nV/v báo cáo tình hình giải ngân")
    text += ("Kính gửi: Phòng Kinh tế xã.\n"
             "UBND xã đề nghị:\n1. Báo cáo tình hình giải ngân trước ngày 20/01/2027.\n" + FOOTER)
    draft = draft_from_text(text, SEEDED_UNITS).data
    assert draft["directive"]["type"] == "official_letter"
    assert draft["directive"]["summary"] == "báo cáo tình hình giải ngân"
    assert [(t["owner"], t["due"]) for t in draft["tasks"]] == [("PKT", "2027-01-20")]


def test_cooperating_units_and_a_new_unit_proposed():
    draft = one("1. Phòng Kinh tế chủ trì, phối hợp với Công an xã và TT PVHCC rà soát dữ liệu "
                "hộ kinh doanh, hoàn thành trong tháng 6/2027.")
    task = draft["tasks"][0]
    assert task["owner"] == "PKT"
    assert task["cooperating"] == ["CAX", "TTPVHCC"]
    assert draft["units"] == [{"code": "CAX", "name": "Công an xã", "kind": "other"}]


def test_a_named_leader_is_the_assignee_in_the_leadership_unit():
    draft = one("1. Đồng chí Vũ Mạnh Huy – Phó Chủ tịch UBND xã trực tiếp chỉ đạo xử lý dứt "
                "điểm hồ sơ quá hạn trước ngày 20/02/2027.")
    task = draft["tasks"][0]
    assert (task["owner"], task["assignee"], task["due"]) == ("LD", "VU-MANH-HUY", "2027-02-20")
    assert draft["people"][0]["name"] == "Vũ Mạnh Huy"


def test_sentences_that_assign_nothing_give_no_task():
    draft = one(
        "1. Đánh giá chung\nTrong tháng 11, các đơn vị đã hoàn thành 95% nhiệm vụ được giao.\n"
        "2. Nhiệm vụ\nPhòng Kinh tế rà soát hồ sơ đất đai tồn đọng trước ngày 31/3/2027.\n"
        "Văn phòng HĐND và UBND xã thông báo để các cơ quan, đơn vị biết, thực hiện./."
    )
    assert [task["clause"] for task in draft["tasks"]] == ["II.2"]


def test_an_unnamed_owner_is_proposed_with_a_doubt():
    task = only_task("1. Tổ chức thực hiện\nĐịnh kỳ hằng tháng đánh giá, xếp loại kết quả.")
    assert task["owner"] == "VP"
    assert task["doubt"]


def test_decomposed_text_smart_quotes_and_vertical_tabs_read_the_same():
    text = HEADER + "1. Phòng Kinh tế rà soát hồ sơ “tồn đọng” trước ngày 31/3/2027.\n" + FOOTER
    composed = draft_from_text(text, SEEDED_UNITS).data
    decomposed = draft_from_text(unicodedata.normalize("NFD", text), SEEDED_UNITS).data
    assert decomposed["tasks"] == composed["tasks"]
    assert decomposed["directive"]["signer"] == composed["directive"]["signer"]
    pasted = draft_from_text(text.replace("\n", "\v"), SEEDED_UNITS).data  # Word's line breaks
    assert pasted["tasks"] == composed["tasks"]
    document = Document()
    for block in text.split("\n\n"):
        paragraph = document.add_paragraph()
        for number, line in enumerate(block.split("\n")):
            run = paragraph.add_run(line)
            if number < block.count("\n"):
                run.add_break()
    buffer = io.BytesIO()
    document.save(buffer)
    from_docx = draft_from_bytes(buffer.getvalue(), "kh.docx", SEEDED_UNITS).data
    assert [t["due"] for t in from_docx["tasks"]] == ["2027-03-31"]
    assert from_docx["directive"]["number"] == "12/KH-UBND"


def test_docx_tables_are_read_in_document_order():
    document = Document()
    header = document.add_table(rows=1, cols=2)
    header.rows[0].cells[0].text = "UBND XÃ CẨM GIANG\nSố: 05/KH-UBND"
    header.rows[0].cells[1].text = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
                                    "Cẩm Giang, ngày 05 tháng 02 năm 2027")
    document.add_paragraph("KẾ HOẠCH")
    document.add_paragraph("Triển khai nhiệm vụ năm 2027")
    tasks = document.add_table(rows=2, cols=5)
    for cell, text in zip(tasks.rows[0].cells, ["STT", "Nội dung nhiệm vụ", "Đơn vị chủ trì",
                                                "Đơn vị phối hợp", "Thời gian hoàn thành"],
                          strict=True):
        cell.text = text
    for cell, text in zip(tasks.rows[1].cells, ["1", "Rà soát dữ liệu hộ kinh doanh",
                                                "Phòng Kinh tế", "Công an xã",
                                                "Trước ngày 30/6/2027"], strict=True):
        cell.text = text
    signature = document.add_table(rows=1, cols=2)
    signature.rows[0].cells[0].text = "Nơi nhận:\n- Lưu: VT."
    signature.rows[0].cells[1].text = "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\nLê Văn Định"
    buffer = io.BytesIO()
    document.save(buffer)
    draft = draft_from_bytes(buffer.getvalue(), "kh.docx", SEEDED_UNITS).data
    assert draft["directive"]["number"] == "05/KH-UBND"
    assert draft["directive"]["signer"] == {"name": "Lê Văn Định", "title": "Phó Chủ tịch",
                                            "authority": "KT."}
    task = draft["tasks"][0]
    assert (task["owner"], task["cooperating"], task["due"]) == ("PKT", ["CAX"], "2027-06-30")


def test_scanned_pdf_gets_a_clear_message_in_vietnamese(app):
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    with app.test_request_context(), force_locale("vi"), pytest.raises(
        IntakeError, match="không có lớp chữ: đây là ảnh quét"
    ):
        draft_from_bytes(buffer.getvalue(), "scan.pdf")


def test_other_files_are_refused():
    with pytest.raises(IntakeError, match="DOCX, a PDF, or the text"):
        draft_from_bytes(b"\x89PNG\r\n", "anh.png")
    with pytest.raises(IntakeError, match="damaged or is not a Word document"):
        draft_from_bytes(b"PK\x03\x04 broken", "hong.docx")


@pytest.mark.parametrize("path", sorted(DATA.glob("*.[mtdp][dxo][tcf]*")), ids=lambda p: p.name)
def test_every_draft_passes_the_seed_schema(path):
    for known in (None, SEEDED_UNITS):
        draft = draft_from_bytes(path.read_bytes(), path.name, known)
        assert check_draft(draft, known) == []
        assert yaml.safe_load(draft.to_yaml()) == draft.data


def test_instance_vocabulary_extends_the_shipped_one(tmp_path):
    (tmp_path / "intake_vocabulary.yaml").write_text(
        "units:\n  - {code: PKT, aliases: [Phòng Kinh tế – Nông nghiệp]}\n", encoding="utf-8")
    text = HEADER + "1. Phòng Kinh tế – Nông nghiệp rà soát hồ sơ trước ngày 31/3/2027.\n"
    assert draft_from_text(text + FOOTER, SEEDED_UNITS, tmp_path).data["tasks"][0]["owner"] == "PKT"


def test_ten_pages_in_under_a_second():
    text = SHIPPED.read_text(encoding="utf-8")
    head, rest = text.split("Căn cứ", 1)
    body, tail = rest.split("**Nơi nhận", 1)
    ten_pages = f"{head}Căn cứ{body * 5}**Nơi nhận{tail}"
    draft_from_text(ten_pages, SEEDED_UNITS)
    started = time.perf_counter()
    draft = draft_from_text(ten_pages, SEEDED_UNITS)
    assert time.perf_counter() - started < 1.0
    assert len(draft.data["tasks"]) > 100


def test_a_plan_task_written_as_fields():
    draft = one(
        "1. Tổ chức tuyên truyền pháp luật trên hệ thống loa truyền thanh\n"
        "- Đơn vị chủ trì: Phòng Văn hóa - Xã hội.\n"
        "- Đơn vị phối hợp: Trung tâm Dịch vụ sự nghiệp công, Đoàn Thanh niên xã.\n"
        "- Thời gian thực hiện: Hằng tháng.\n"
        "2. Rà soát, kiện toàn đội ngũ hòa giải viên ở cơ sở\n"
        "- Chủ trì: Phòng VH-XH; phối hợp: Ủy ban MTTQ xã.\n"
        "- Thời gian: Quý II/2027."
    )
    first, second = draft["tasks"]
    assert (first["owner"], first["cooperating"], first["frequency"]) == (
        "PVHXH", ["TTDVSNC", "DTN"], "monthly")
    assert (second["owner"], second["cooperating"], second["due"]) == (
        "PVHXH", ["MTTQ"], "2027-06-30")


def test_header_columns_read_as_one_line():
    text = ("UBND XÃ CẨM GIANG CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
            "Số: 12/KH-UBND Cẩm Giang, ngày 10 tháng 01 năm 2027\n\n"
            "KẾ HOẠCH\nThực hiện nhiệm vụ\n"
            "II. NHIỆM VỤ\n1. Phòng Kinh tế rà soát hồ sơ đất đai, trước ngày 31/3/2027.\n"
            + FOOTER)
    info = draft_from_text(text, SEEDED_UNITS).data["directive"]
    assert (info["number"], info["issued_on"], info["place"]) == ("12/KH-UBND", "2027-01-10",
                                                                   "Cẩm Giang")
    assert info["issuer"] == "UBND xã Cẩm Giang"
