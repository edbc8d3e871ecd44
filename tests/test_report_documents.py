"""Documents a Chairman can sign and scores nobody can dispute (issue 17): the signer, the
number, the issuing rules, the NĐ 335 options, one document in PDF and DOCX, the workbook."""

import io
import re
from datetime import date, datetime, timedelta

import pytest
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from tests import factories
from tests.conftest import csrf_token, login
from tracker.audit.models import AuditEntry
from tracker.db import LOCAL_TZ
from tracker.directives.models import Frequency, Task
from tracker.evaluation import documents, issuing, scoring, services, spreadsheet
from tracker.evaluation.authority import Signer
from tracker.evaluation.models import Evaluation, EvaluationStatus
from tracker.extensions import db
from tracker.formatting import number
from tracker.org.models import UnitKind, User
from tracker.reports.numbers import official_number
from tracker.schedule.calendar import WorkCalendar
from tracker.schedule.planning import planned
from tracker.workflow.models import AccountabilityDecision, Decision, Occurrence, OccurrenceState

OCTOBER = date(2026, 10, 1)
NOW = datetime(2026, 11, 20, 9, tzinfo=LOCAL_TZ)
HOUR = timedelta(hours=1)
RULES = scoring.load_rules()


def pdf_text(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
                    .split())


def user(name):
    return db.session.scalar(select(User).where(User.username == name))


@pytest.fixture
def month(app):
    """October: PKT did everything on time, PVHXH handed one period in that awaits
    verification, the Office has its ranking duty for October due on 05/11."""
    with app.app_context():
        factories.unit("LD", kind=UnitKind.LEADERSHIP, is_ranked=False)
        factories.unit("VP", kind=UnitKind.OFFICE, name="Văn phòng HĐND và UBND")
        factories.user(role="leader", unit_code="LD", username="lanhdao", title="Chủ tịch")
        factories.user(role="office", unit_code="VP", username="vanphong", title="Chuyên viên")
        factories.user(role="office", unit_code="VP", username="hanh",
                       full_name="Hoàng Thị Hạnh", title="Chánh Văn phòng HĐND và UBND")
        good = factories.task("PKT", code="PKT-1")
        busy = factories.task("PVHXH", code="PVHXH-1", parent=good.directive)
        factories.task("VP", code="5-01", parent=good.directive, frequency=Frequency.MONTHLY,
                       due_rule={"day": 5, "next_month": True, "time": "17:00"},
                       title="Đánh giá, xếp loại hằng tháng")
        day = datetime(2026, 10, 5, 17, tzinfo=LOCAL_TZ)
        for offset in range(3):
            due = day + timedelta(days=offset)
            db.session.add(Occurrence(task_id=good.id, unit_id=good.owner_unit_id,
                                      period_start=due.date(), period_end=due.date(),
                                      due_at=due, state=OccurrenceState.VERIFIED,
                                      submitted_at=due - HOUR))
        for offset, state in ((0, OccurrenceState.VERIFIED), (1, OccurrenceState.SUBMITTED)):
            due = day + timedelta(days=offset)
            db.session.add(Occurrence(task_id=busy.id, unit_id=busy.owner_unit_id,
                                      period_start=due.date(), period_end=due.date(),
                                      due_at=due, state=state, submitted_at=due - HOUR))
        ranking = db.session.scalar(select(Task).where(Task.code == "5-01"))
        db.session.add(Occurrence(task_id=ranking.id, unit_id=ranking.owner_unit_id,
                                  period_start=OCTOBER, period_end=date(2026, 10, 31),
                                  due_at=datetime(2026, 11, 5, 17, tzinfo=LOCAL_TZ)))
        db.session.commit()


def test_numbers_follow_the_language_and_document_numbers_are_never_doubled(app):
    with app.test_request_context():
        assert number(1234.5) == "1.234,50"  # Vietnamese by default
        assert number(85.5, places=None) == "85,5"
        assert number(1234.5, locale="en") == "1,234.50"
    assert official_number("45/BC-VP", "/BC-VP") == "45/BC-VP"
    assert official_number("45", "/BC-VP") == "45/BC-VP"
    assert official_number(" 25 ", "/BB-VP") == "25/BB-VP"
    assert official_number("", "/BC-VP").endswith("/BC-VP")


def test_returned_work_loses_a_quarter_and_discipline_caps_the_level():
    month = scoring.UnitMonth(due=4, on_time=4, returned=1, inspection_passed=1)
    # one returned of four: 20 * (1 - 0.25/4) = 18.75 (all of its share before: 15)
    assert scoring.score(month, RULES).quality == 18.75
    old = {**RULES, "task_results": {**RULES["task_results"], "returned_loses": 1}}
    assert scoring.score(month, old).quality == 15
    disciplined = scoring.UnitMonth(due=4, on_time=4, decisions={"discipline": 1})
    assert scoring.score(disciplined, RULES).total == 90  # full points but the 10 of discipline
    assert scoring.level_of(90, RULES, disciplined) == scoring.Level.NOT_DONE
    free = {**RULES, "levels": {**RULES["levels"], "disciplined_at_most": ""}}
    assert scoring.level_of(90, free, disciplined) == scoring.Level.EXCELLENT


def test_awaiting_periods_are_neither_done_nor_missed():
    awaiting = scoring.UnitMonth(due=2, on_time=1, awaiting=1)
    assert scoring.score(awaiting, RULES).task_results == 70
    assert scoring.score(scoring.UnitMonth(due=2, on_time=1), RULES).task_results < 70


def test_monthly_work_due_in_the_next_month_is_planned_per_month(ctx, month):
    task = db.session.scalar(select(Task).where(Task.code == "5-01"))
    calendar = WorkCalendar.load(date(2026, 1, 1), date(2027, 12, 31))
    plan = planned(task, calendar, date(2026, 12, 31))
    october = next(item for item in plan if item.period_start == OCTOBER)
    assert october.period_end == date(2026, 10, 31)
    assert october.due_on == date(2026, 11, 5)  # a Thursday, a working day
    assert plan[-1].period_start == date(2026, 12, 1)
    assert plan[-1].due_on.month == 1


def test_issuing_refuses_a_month_not_over(ctx, month):
    draft = services.compute(user("vanphong"), date(2026, 11, 1), now=NOW)
    with pytest.raises(services.EvaluationError, match=r"chưa kết thúc.*01/12/2026"):
        issuing.issue(user("lanhdao"), draft, now=NOW)


def test_issuing_needs_pending_accepted_and_cap_resolved_then_closes_the_ranking_duty(
        ctx, month):
    draft = services.compute(user("vanphong"), OCTOBER, now=NOW)
    busy = next(row for row in draft.rows if row.unit.code == "PVHXH")
    assert busy.inputs["awaiting"] == 1
    assert busy.points["quantity"] == 30  # the awaiting period is not counted as undone
    with pytest.raises(services.EvaluationError, match=r"chờ xác nhận.*vượt tỷ lệ"):
        issuing.issue(user("lanhdao"), draft, "45/BC-VP")
    assert draft.status == EvaluationStatus.DRAFT
    for row in issuing.unresolved_excess(draft):
        issuing.keep_excellent(user("lanhdao"), row, "Kết quả thực chất, đã kiểm tra")
    issued = issuing.issue(user("lanhdao"), draft, "45/BC-VP", pending_reason="Hết hạn báo cáo",
                           now=datetime(2026, 11, 3, 9, tzinfo=LOCAL_TZ))
    assert issued.status == EvaluationStatus.ISSUED
    assert (issued.number, issued.signer_name) == ("45/BC-VP", "Hoàng Thị Hạnh")
    text = pdf_text(issued.pdf)
    assert text.count("Số: 45/BC-VP") == 1
    assert "45/BC-VP/BC-VP" not in text
    assert "VIỆC CHỜ XÁC NHẬN" in text
    assert "PVHXH-1" in text
    assert "Hết hạn báo cáo" in text
    assert "Hoàng Thị Hạnh" in text
    assert "./." in text
    # The ranking duty of October is closed by the act of issuing, by nobody's verification.
    duty = db.session.get(Occurrence, issued.closed_occurrence_id)
    assert duty.task.code == "5-01"
    assert (duty.state, duty.verified_by_id) == (OccurrenceState.VERIFIED, None)
    assert duty.submitted_at <= duty.due_at
    entry = db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "occurrence.close_by_act"))
    assert entry is not None
    assert entry.object_id == duty.id


def test_deductions_are_itemised_per_unit(ctx, month):
    occurrence = db.session.scalar(select(Occurrence).join(Occurrence.task).where(
        Task.code == "PKT-1"))
    db.session.add(AccountabilityDecision(
        occurrence_id=occurrence.id, person_id=user("vanphong").id,
        decided_by_id=user("lanhdao").id, decision=Decision.REVIEW, outcome="Kiểm điểm",
        month="2026-10"))
    draft = services.compute(user("vanphong"), OCTOBER, now=NOW)
    row = next(row for row in draft.rows if row.unit.code == "PKT")
    assert row.deductions == [pytest.approx(row.deductions[0])]
    assert (row.deductions[0]["decision"], row.deductions[0]["points"]) == ("review", 2.5)
    appendix = pdf_text(documents.report_pdf(draft))
    assert "kiểm điểm" in appendix
    assert "trừ 2,50 điểm" in appendix
    sheet = load_workbook(io.BytesIO(spreadsheet.report_xlsx(draft)))["Trừ điểm"]
    assert [cell.value for cell in sheet[7]][-1] == 2.5


def test_the_docx_is_the_same_document_with_page_numbers(ctx, month):
    draft = services.compute(user("vanphong"), OCTOBER, now=NOW)
    document = Document(io.BytesIO(documents.report_docx(draft)))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    text = pdf_text(documents.report_pdf(draft))
    assert headings
    assert all(heading in text for heading in headings)
    assert "Cách tính điểm" in "\n".join(p.text for p in document.paragraphs)
    assert len(document.inline_shapes) == 1  # the chart
    header = document.sections[0].header._element.xml
    assert "PAGE" in header
    assert document.sections[0].different_first_page_header_footer
    assert "w:pBdr" in document.element.xml  # the rules under the header are borders
    assert "―" not in document.element.xml


def test_leader_previews_the_number_and_signer_then_issues_in_the_page(client, app, month):
    with app.app_context():
        draft = services.compute(user("vanphong"), OCTOBER, now=NOW)
        for row in issuing.unresolved_excess(draft):
            issuing.keep_excellent(user("lanhdao"), row, "Kết quả thực chất")
        db.session.commit()
        page, signer = f"/evaluation/{draft.id}", user("hanh").id
    login(client, "lanhdao")
    form = {"number": "7", "signer": signer, "authority": "", "preview": "1"}
    preview = client.post(f"{page}/issue", data={**form, "csrf_token": csrf_token(client, page)})
    body = preview.get_data(as_text=True)
    assert "Số: 7/BC-VP" in body
    assert "Hoàng Thị Hạnh" in body
    del form["preview"]
    refused = client.post(f"{page}/issue", data={**form, "csrf_token": csrf_token(client, page)},
                          follow_redirects=True)
    assert "chờ xác nhận" in refused.get_data(as_text=True)
    form.update(allow_pending="y", pending_reason="Đến hạn ban hành")
    client.post(f"{page}/issue", data={**form, "csrf_token": csrf_token(client, page)})
    with app.app_context():
        issued = db.session.scalar(select(Evaluation))
        assert (issued.status, issued.number) == (EvaluationStatus.ISSUED, "7/BC-VP")


@pytest.mark.xdist_group("demo")
def test_done_when_demo_then_issue_october_from_the_command_line(demo_app, tmp_path):
    runner = demo_app.test_cli_runner()
    files = {kind: tmp_path / f"r.{kind}" for kind in ("pdf", "docx", "xlsx")}
    result = runner.invoke(args=[
        "evaluate", "--month", "2026-10", "--issue", "--reason", "Điều chỉnh sau xác minh",
        "--number", "45/BC-VP", "--signer", "hoang-thi-hanh", "--allow-pending", "Đến hạn",
        "--by", "lanhdao", "--pdf", str(files["pdf"]), "--docx", str(files["docx"]),
        "--xlsx", str(files["xlsx"])])
    assert result.exit_code == 0, result.output
    text = pdf_text(files["pdf"].read_bytes())
    assert "Hoàng Thị Hạnh" in text
    assert text.count("Số: 45/BC-VP") == 1
    assert "45/BC-VP/BC-VP" not in text
    assert re.search(r"\b\d{2},\d{2}\b", text)  # scores with a decimal comma
    assert not re.search(r"\b\d{2}\.\d{2}\b", text)
    document = Document(str(files["docx"]))
    assert "PAGE" in document.sections[0].header._element.xml
    assert [p.text for p in document.paragraphs if p.style.name == "Heading 1"] == [
        "I. TỔNG HỢP KẾT QUẢ XẾP LOẠI", "II. BẢNG XẾP HẠNG",
        "III. VIỆC CHẬM, QUÁ HẠN VÀ ĐIỂM BỊ TRỪ CỦA TỪNG ĐƠN VỊ"]
    sheet = load_workbook(files["xlsx"]).worksheets[0]
    assert "10/2026" in sheet["A3"].value
    assert [cell.value for cell in sheet[6]][3:6] == ["Việc đến hạn", "Đúng hạn",
                                                    "Quá hạn (đã làm)"]
    # Without --signer, the default signer is a real name (the Chánh Văn phòng of the file).
    result = runner.invoke(args=["evaluate", "--month", "2026-09", "--issue", "--reason",
                                 "Bản chính thức", "--by", "lanhdao", "--allow-pending", "x",
                                 "--pdf", str(files["pdf"])])
    assert result.exit_code == 0, result.output
    assert "Hoàng Thị Hạnh" in pdf_text(files["pdf"].read_bytes())
    with demo_app.app_context():
        assert db.session.scalar(select(Evaluation.signer_name).where(
            Evaluation.month == "2026-09", Evaluation.status == EvaluationStatus.ISSUED)) \
            == "Hoàng Thị Hạnh"
    today = datetime.now(LOCAL_TZ).date()
    for month_text in (today.strftime("%Y-%m"), f"{today.year + 1}-01"):
        refused = runner.invoke(args=["evaluate", "--month", month_text, "--issue"])
        assert refused.exit_code != 0
        assert "chưa kết thúc" in refused.output


def test_minutes_number_is_not_doubled_and_both_sides_sign(ctx, month):
    from tracker.inspections import documents as minutes
    from tracker.inspections import services as inspections

    inspection = inspections.open_round(user("vanphong"), date(2026, 10, 1))
    for item in inspection_items(inspection.id):
        inspections.mark_item(user("vanphong"), item, inspections.ItemResult.PASS, "")
    inspections.complete(user("vanphong"), inspection, user("hanh"), date(2026, 10, 16),
                         "Các đơn vị thực hiện tốt.", "25/BB-VP")
    text = pdf_text(minutes.minutes_pdf(inspection))
    assert text.count("Số: 25/BB-VP") == 1
    assert "25/BB-VP/BB-VP" not in text
    assert "ĐẠI DIỆN CÁC ĐƠN VỊ ĐƯỢC KIỂM TRA" in text
    assert "NGƯỜI KIỂM TRA" in text
    assert "Hôm nay" in text
    assert "./." in text
    document = Document(io.BytesIO(minutes.minutes_docx(inspection)))
    assert "PAGE" in document.sections[0].header._element.xml
    assert any(p.style.name == "Heading 1" and p.text == "I. THÀNH PHẦN"
               for p in document.paragraphs)


def inspection_items(round_id):
    from tracker.inspections.models import InspectionItem

    return list(db.session.scalars(select(InspectionItem).where(
        InspectionItem.round_id == round_id)))


def test_signer_must_be_a_person_with_a_title_and_a_proper_authority(ctx, month):
    from tracker.evaluation.authority import signer_of

    with pytest.raises(services.EvaluationError, match=r"TM\., KT\."):
        signer_of(user("hanh"), "Thay mặt")
    signed = signer_of(user("hanh"), "KT. CHỦ TỊCH")
    assert signed == Signer("Hoàng Thị Hạnh", "Chánh Văn phòng HĐND và UBND", "KT. CHỦ TỊCH",
                            user("hanh").id)


def test_lowering_the_excess_stops_as_soon_as_the_cap_holds(ctx, month):
    draft = services.compute(user("vanphong"), OCTOBER, now=NOW)
    for row in draft.rows:  # make four excellent units and one good one
        row.final_level = row.level = "excellent"
    draft.rows[-1].final_level = draft.rows[-1].level = "good"
    draft.excellent_over_cap = scoring.excellent_over_cap(
        [scoring.Level(row.final_level) for row in draft.rows], draft.rules)
    issuing.resolve_cap(user("lanhdao"), draft, lower_reason="Giữ tỷ lệ theo quy định")
    levels = [row.final_level for row in draft.rows]
    # Lowering one widens the cap too: never more units lowered than needed.
    assert draft.unresolved_excess == 0
    assert levels.count("good") == len(levels) - levels.count("excellent")
    assert levels.count("excellent") == max(
        n for n in range(len(levels) + 1) if n <= int(0.2 * (len(levels) - n)))


def test_default_signer_is_found_by_title_whatever_its_case(ctx, month):
    from tracker.evaluation.authority import default_signer

    assert default_signer().name == "Hoàng Thị Hạnh"
    user("hanh").title = "CHÁNH VĂN PHÒNG HĐND VÀ UBND"
    assert default_signer().name == "Hoàng Thị Hạnh"
    user("hanh").title = "Phó Chánh Văn phòng"
    assert default_signer() is None  # never a blank block: issuing then asks for a signer
