"""General rules of the intake reader found on unseen documents (issue 16, second pass)."""

from __future__ import annotations

from tests.test_intake_reader import FOOTER, HEADER, SEEDED_UNITS, one, only_task
from tracker.intake import check_draft, draft_from_bytes, draft_from_text


def test_a_named_leader_who_directs_a_clause_is_its_tasks_supervisor_not_a_task():
    text = ("2.1. Giao Phòng Kinh tế chủ trì hoàn thiện hồ sơ bồi thường, trình UBND xã phê "
            "duyệt trước ngày 30/4/2027. Giao đồng chí Lê Văn Định, Phó Chủ tịch Thường trực "
            "UBND xã trực tiếp chỉ đạo.")
    draft = draft_from_text(HEADER + text + "\n" + FOOTER, SEEDED_UNITS)
    task = only_task(text)
    assert (task["owner"], task["supervisor"]) == ("PKT", "LE-VAN-DINH")
    assert draft.data["people"] == [{"code": "LE-VAN-DINH", "name": "Lê Văn Định",
                                     "title": "Phó Chủ tịch Thường trực UBND xã", "unit": "LD"}]
    assert check_draft(draft, SEEDED_UNITS) == []


def test_a_heading_listing_two_units_gives_each_the_task():
    tasks = one("3. Phòng Văn hóa – Xã hội, Phòng Kinh tế:\na) Rà soát, đề xuất đơn giản hóa "
                "thủ tục; gửi Văn phòng HĐND và UBND xã trước ngày 15/5/2027.")["tasks"]
    assert [(t["owner"], t["frequency"], t["due"]) for t in tasks] == [
        ("PVHXH", "once", "2027-05-15"), ("PKT", "once", "2027-05-15")]


def test_a_target_after_a_duty_measures_it_and_is_no_new_task():
    task = only_task("1. Trung tâm PVHCC hướng dẫn người dân nộp hồ sơ trực tuyến hằng ngày; "
                     "bảo đảm tỷ lệ hồ sơ trực tuyến toàn trình đạt tối thiểu 60%.")
    assert task["frequency"] == "daily"
    assert task["indicator"]


def test_exhortations_and_all_unit_wishes_without_timing_give_no_task():
    assert one("3. Các đơn vị cần nâng cao tinh thần trách nhiệm, phát huy kết quả đạt được, "
               "khắc phục tồn tại, hạn chế.")["tasks"] == []
    assert one("4. Các đơn vị chủ động nghiên cứu, đề xuất giải pháp nâng cao chất lượng "
               "phục vụ.")["tasks"] == []


def test_daily_that_describes_the_work_is_not_its_rhythm():
    task = only_task("1. Phòng Văn hóa – Xã hội tuyên truyền về việc giải quyết thủ tục hành "
                     "chính hàng ngày trên loa truyền thanh vào thứ Sáu hằng tuần.")
    assert (task["frequency"], task["due"]["weekday"]) == ("weekly", "fri")
    assert only_task("1. Công an xã tuần tra hằng ngày tại chợ.")["frequency"] == "daily"


def test_a_period_alone_is_a_one_off_due_on_its_last_day():
    task = only_task("1. Công an xã bảo đảm an ninh, trật tự tại hiện trường trong thời gian "
                     "bàn giao mặt bằng từ ngày 05/5/2027 đến ngày 15/5/2027.")
    assert (task["frequency"], task["due"], task["start"]) == ("once", "2027-05-15", "2027-05-05")


def test_a_markdown_task_table_is_read_row_by_row():
    text = ("3. Phân công\n\n| STT | Nội dung | Đơn vị chủ trì | Đơn vị phối hợp | Thời gian "
            "hoàn thành |\n|---|---|---|---|---|\n| 1 | Bố trí kinh phí phòng, chống dịch | "
            "Phòng Kinh tế | Văn phòng HĐND-UBND | Trong tháng 3/2027 |\n")
    data = (HEADER + text + "\n" + FOOTER).encode("utf-8")
    tasks = draft_from_bytes(data, "plan.md", SEEDED_UNITS).data["tasks"]
    assert [(t["owner"], t["due"], t.get("cooperating")) for t in tasks] == [
        ("PKT", "2027-03-31", ["VP"])]


def test_a_leader_who_directs_a_named_unit_supervises_its_task():
    task = only_task("4. Đồng chí Vũ Mạnh Huy - Phó Chủ tịch UBND xã chỉ đạo Trung tâm Phục vụ "
                     "hành chính công rà soát, công bố danh mục thủ tục, hoàn thành trước ngày "
                     "15/5/2027.")
    assert (task["owner"], task["supervisor"], task["due"]) == ("TTPVHCC", "VU-MANH-HUY",
                                                               "2027-05-15")
    assert "assignee" not in task


def test_keeping_something_going_takes_the_rhythm_of_its_check():
    task = only_task("1. Văn phòng bảo đảm hệ thống hội nghị trực tuyến vận hành ổn định; "
                     "kiểm tra thiết bị trước 16 giờ ngày thứ Sáu hằng tuần.")
    assert (task["frequency"], task["due"]) == ("weekly", {"weekday": "fri", "time": "16:00"})


def test_reporting_the_results_of_the_work_is_the_same_task():
    task = only_task("1. Phòng Kinh tế kiểm tra, xử lý vi phạm trật tự xây dựng; báo cáo kết quả "
                     "về UBND xã trước ngày 25 hằng tháng.")
    assert (task["frequency"], task["due"]) == ("monthly", {"day": 25})


def test_a_measured_duty_and_a_timed_report_are_two_tasks_and_a_letter_keeps_both():
    text = ("Kính gửi:\n- Trạm Y tế xã;\n- Phòng Kinh tế.\n\nUBND xã đề nghị:\n- Trạm Y tế xã "
            "tổ chức tiêm bảo đảm tỷ lệ trẻ được tiêm đạt từ 95% trở lên; báo cáo tiến độ hằng "
            "ngày trong thời gian chiến dịch.")
    tasks = one(text)["tasks"]
    assert [(t["owner"], t["frequency"]) for t in tasks] == [("TYT", "monthly"), ("TYT", "daily")]


def test_half_yearly_reports_are_followed_once_at_the_year_end():
    task = only_task("1. Phòng Kinh tế theo dõi thi hành pháp luật về đất đai; báo cáo định kỳ "
                     "6 tháng, năm.")
    assert (task["frequency"], task["due"]) == ("once", "2027-12-31")
    assert task["doubt"]


def test_a_timed_duty_in_the_closing_sentence_is_kept():
    tasks = one("6. Yêu cầu Thủ trưởng các cơ quan, đơn vị nghiêm túc thực hiện Chỉ thị này. "
                "Văn phòng HĐND và UBND xã theo dõi, đôn đốc việc thực hiện, báo cáo Chủ tịch "
                "UBND xã trong tháng 12/2027./.")["tasks"]
    assert [(t["owner"], t["due"]) for t in tasks] == [("VP", "2027-12-31")]
    assert one("3. Nếu có vướng mắc, các đơn vị phản ánh về UBND xã (qua Văn phòng) để được "
               "hướng dẫn./.")["tasks"] == []


def test_a_subject_listing_two_units_gives_each_the_task():
    tasks = one("2. Phòng Văn hóa - Xã hội, Trung tâm Phục vụ hành chính công chuẩn bị báo cáo "
                "trả lời ý kiến cử tri, gửi Văn phòng trước ngày 25/11/2027.")["tasks"]
    assert [(t["owner"], t["due"]) for t in tasks] == [("PVHXH", "2027-11-25"),
                                                       ("TTPVHCC", "2027-11-25")]
    partners = one("2. Phòng Kinh tế phối hợp với Phòng Văn hóa - Xã hội rà soát hồ sơ, trước "
                   "ngày 25/11/2027.")["tasks"]
    assert [t["owner"] for t in partners] == ["PKT"]
