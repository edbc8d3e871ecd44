"""Monthly evaluation: counting by the database, drafts, issuing, freezing, reports."""

import hashlib
import io
from datetime import date, datetime, timedelta

import pytest
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from tests import factories
from tests.conftest import csrf_token, login, said
from tracker.db import LOCAL_TZ
from tracker.evaluation import documents, issuing, services, spreadsheet
from tracker.evaluation.authority import Signer
from tracker.evaluation.models import Evaluation, EvaluationStatus
from tracker.extensions import db
from tracker.org.models import UnitKind, User
from tracker.workflow.models import Occurrence, OccurrenceState

OCTOBER = date(2026, 10, 1)
NOW = datetime(2026, 11, 20, 9, tzinfo=LOCAL_TZ)
SIGNER = Signer("Hoàng Thị Hạnh", "Chánh Văn phòng HĐND và UBND")


def add(task, due: datetime, state=OccurrenceState.OPEN, submitted_delta=None, returned=0):
    return factories.occurrence(task, due, state, times_returned=returned,
                                submitted_at=due + submitted_delta if submitted_delta else None)


@pytest.fixture
def october(app):
    with app.app_context():
        factories.unit("LD", kind=UnitKind.LEADERSHIP, is_ranked=False)
        factories.user(role="leader", unit_code="LD", username="lanhdao")
        factories.user(role="office", unit_code="VP", username="vanphong")
        factories.user(role="office", unit_code="VP", username="hanh", full_name="Hoàng Thị Hạnh",
                       title="Chánh Văn phòng HĐND và UBND")
        good = factories.task("PKT", code="PKT-1")
        weak = factories.task("PVHXH", code="PVHXH-1", parent=good.directive)
        chief = factories.task("LD", code="LD-1", parent=good.directive)
        day = datetime(2026, 10, 5, 17, tzinfo=LOCAL_TZ)
        hour = timedelta(hours=1)
        for offset in range(4):
            add(good, day + timedelta(days=offset), OccurrenceState.VERIFIED, -hour)
        add(weak, day, OccurrenceState.VERIFIED, -hour, returned=1)
        add(weak, day + timedelta(days=1), OccurrenceState.VERIFIED, 5 * hour)
        add(weak, day + timedelta(days=2))
        add(weak, day + timedelta(days=3), OccurrenceState.NOT_APPLICABLE)
        add(chief, day)
        # Month boundaries in Hà Nội time: 23:30 on 31/10 is October, 00:10 on 01/11 is not.
        add(good, datetime(2026, 10, 31, 23, 30, tzinfo=LOCAL_TZ), OccurrenceState.VERIFIED, -hour)
        add(good, datetime(2026, 11, 1, 0, 10, tzinfo=LOCAL_TZ))
        db.session.commit()


def user(name):
    return db.session.scalar(select(User).where(User.username == name))


def approve(draft, number=""):
    """A leader keeps the excellent ratings above the cap, then issues."""
    issuing.resolve_cap(user("lanhdao"), draft, keep_reason="Kết quả thực chất")
    return issuing.issue(user("lanhdao"), draft, number, SIGNER)


def test_gather_counts_the_month_in_local_time(ctx, october):
    months = services.gather(OCTOBER, NOW)
    pkt, pvhxh = factories.unit("PKT"), factories.unit("PVHXH")
    assert months[pkt.id].due == 5
    assert months[pkt.id].on_time == 5
    weak = months[pvhxh.id]
    assert (weak.due, weak.on_time, weak.late, weak.overdue_open, weak.returned) == (3, 1, 1, 1, 1)
    assert factories.unit("LD").id not in months  # the leadership is not ranked


def test_draft_ranks_units_and_names_who_lost_points(ctx, october):
    draft = services.compute(user("vanphong"), OCTOBER, now=NOW)
    rows = draft.rows
    # VP had nothing due: nothing missed, full marks, after PKT on the tie-break.
    assert [row.unit.code for row in rows] == ["PKT", "VP", "PVHXH"]
    assert rows[0].total == 100
    weak = rows[2]
    # quantity 30*2/3=20; quality 20*(1-(1 overdue + 0.25*1 returned)/3)=11.67;
    # progress 20*(1+0.75)/3=11.67; general 30
    assert weak.points["quantity"] == 20
    assert weak.points["quality"] == 11.67
    assert weak.points["progress"] == 11.67
    assert weak.total == pytest.approx(73.34)
    assert weak.level == "good"
    reasons = sorted(tuple(item["reasons"]) for item in weak.details)
    assert reasons == [("late",), ("overdue",), ("returned",)]


def test_issue_freezes_scores_and_pdf(ctx, october):
    draft = services.compute(user("vanphong"), OCTOBER, now=NOW)
    issued = approve(draft, "15")
    pdf, digest = issued.pdf, issued.pdf_sha256
    assert issued.status == EvaluationStatus.ISSUED
    assert hashlib.sha256(pdf).hexdigest() == digest
    totals = [row.total for row in issued.rows]
    # The data changes afterwards: the issued version does not.
    for occurrence in db.session.scalars(select(Occurrence)):
        occurrence.state = OccurrenceState.OPEN
    db.session.flush()
    with pytest.raises(services.EvaluationError, match=said(
            "This month was already issued: give the reason for the correction.")):
        services.compute(user("vanphong"), OCTOBER, now=NOW)  # no reason given
    correction = services.compute(user("vanphong"), OCTOBER, "Số liệu bị nhập sai", now=NOW)
    assert correction.version == 2
    db.session.refresh(issued)
    assert [row.total for row in issued.rows] == totals
    assert issued.pdf == pdf
    approve(correction)
    db.session.refresh(issued)
    assert issued.status == EvaluationStatus.SUPERSEDED
    assert issued.pdf == pdf  # the earlier version stays downloadable, byte for byte


def test_only_a_leader_issues_and_overrides_with_a_reason(ctx, october):
    draft = services.compute(user("vanphong"), OCTOBER, now=NOW)
    with pytest.raises(PermissionError, match=r"^$"):  # a refusal, not a message to show
        issuing.issue(user("vanphong"), draft)
    row = draft.rows[0]
    with pytest.raises(services.EvaluationError,
                       match=said("Give the reason for changing the level.")):
        services.override_level(user("lanhdao"), row, services.scoring.Level.GOOD, " ")
    services.override_level(user("lanhdao"), row, services.scoring.Level.GOOD,
                            "Giữ tỷ lệ xuất sắc theo quy định")
    assert (row.level, row.final_level) == ("excellent", "good")


def test_reports_have_the_official_form(ctx, october):
    draft = services.compute(user("vanphong"), OCTOBER, now=NOW)
    issued = approve(draft, "15")
    reader = PdfReader(io.BytesIO(issued.pdf))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                     "BÁO CÁO", "tháng 10/2026", "Số: 15/BC-VP", "Nơi nhận",
                     "Hoàn thành nhiệm vụ", "Hoàn thành xuất sắc nhiệm vụ", "Phụ lục",
                     "Kèm theo Báo cáo số 15/BC-VP"):
        assert expected in text, expected
    subsets = {font.idnum: str(font.get_object()["/BaseFont"]) for page in reader.pages
               for font in page["/Resources"]["/Font"].values()}
    fonts = {name.split("+", 1)[-1] for name in subsets.values()}
    assert fonts
    assert all(name.startswith("Tracker-Liberation-Serif") for name in fonts), fonts
    # The report and its appendix each embed their subsets: every subset has its own tag.
    assert len(set(subsets.values())) == len(subsets) > len(fonts)
    workbook = load_workbook(io.BytesIO(spreadsheet.report_xlsx(issued)))
    assert workbook["Xếp hạng"]["C7"].value == "Đơn vị PKT"
    document = Document(io.BytesIO(documents.report_docx(issued)))
    paragraphs = "\n".join(p.text for p in document.paragraphs)
    assert "BÁO CÁO" in paragraphs
    assert "Phụ lục" in paragraphs
    assert spreadsheet.report_csv(issued).splitlines()[0].startswith("rank,unit_code")


def page_texts(pdf: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


@pytest.mark.parametrize("method", ["fork", "forkserver"])
def test_appendix_in_parallel_pieces_gives_the_same_pages(app, ctx, october, method):
    draft = services.compute(user("vanphong"), OCTOBER, now=NOW)
    first = draft.rows[0]
    # A long reason makes the first unit's page run onto a second one, so the piece after it,
    # started on a guess of one page per unit, must be rendered again with the right number.
    services.override_level(user("lanhdao"), first, services.scoring.Level(first.level),
                            "Lãnh đạo xem xét kết quả kiểm tra và ý kiến của đơn vị. " * 60)
    app.config.update(PDF_WORKERS=1)
    one_process = page_texts(documents.report_pdf(draft))
    app.config.update(PDF_WORKERS=2, PDF_SECTIONS_PER_PIECE=1, PDF_START_METHOD=method)
    joined = documents.report_pdf(draft)
    pieces = page_texts(joined)
    assert pieces == one_process
    # Made of three documents (the report, two pieces of the appendix): three subsets of the
    # regular font, where one process makes two (the report, the appendix).
    regular = {font.idnum for page in PdfReader(io.BytesIO(joined)).pages
               for font in page["/Resources"]["/Font"].values()
               if str(font.get_object()["/BaseFont"]).endswith("+Tracker-Liberation-Serif")}
    assert len(regular) == 3
    opening = next(i for i, text in enumerate(pieces) if text.startswith("Phụ lục"))
    appendix = pieces[opening:]
    assert "Kèm theo Báo cáo số" in appendix[0]
    assert first.unit_name in appendix[0]
    # Numbered on its own, from its second page (the number is the page's last text); the
    # last unit's page, in the second piece, follows the first unit's pages.
    assert len(appendix) == len(draft.rows) + 1
    assert [text.split()[-1] for text in appendix[1:]] == [
        str(number) for number in range(2, len(appendix) + 1)]
    last = draft.rows[-1].unit_name
    assert last in appendix[-1]
    assert last not in " ".join(appendix[:-1])


def test_public_page_shows_issued_rankings_only(client, app, october):
    with app.app_context():
        draft = services.compute(user("vanphong"), OCTOBER, now=NOW)
        db.session.commit()
        draft_id = draft.id
    assert client.get(f"/cong-khai/xep-loai/{draft_id}").status_code == 404
    with app.app_context():
        approve(db.session.get(Evaluation, draft_id))
        db.session.commit()
    page = client.get(f"/cong-khai/xep-loai/{draft_id}")
    assert page.status_code == 200
    assert "Đơn vị PKT" in page.get_data(as_text=True)
    assert f"/cong-khai/xep-loai/{draft_id}" in client.get("/cong-khai/").get_data(as_text=True)


def test_office_computes_leader_issues_through_the_pages(client, app, october):
    login(client, "vanphong")
    response = client.post("/evaluation/compute", data={
        "csrf_token": csrf_token(client, "/evaluation/"), "month": "2026-10"})
    assert response.status_code == 302
    with app.app_context():
        evaluation_id = db.session.scalar(select(Evaluation.id))
    page = f"/evaluation/{evaluation_id}"
    assert "Đơn vị PVHXH" in client.get(page).get_data(as_text=True)
    refused = client.post(f"{page}/issue", data={"csrf_token": csrf_token(client, page)})
    assert refused.status_code == 403
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login(client, "lanhdao")
    with app.app_context():
        signer_id = user("hanh").id
        excellent = [row.id for row in db.session.get(Evaluation, evaluation_id).rows
                     if row.final_level == "excellent"]
    for row_id in excellent:  # above the cap: the leader keeps them, with a reason
        client.post(f"{page}/rows/{row_id}/keep", data={"csrf_token": csrf_token(client, page),
                                                        "reason": "Kết quả thực chất"})
    client.post(f"{page}/issue", data={"csrf_token": csrf_token(client, page), "number": "3",
                                       "signer": signer_id})
    with app.app_context():
        assert db.session.get(Evaluation, evaluation_id).status == EvaluationStatus.ISSUED
    download = client.get(f"{page}/report.pdf")
    assert download.data.startswith(b"%PDF")


@pytest.mark.xdist_group("demo")
def test_demo_then_evaluate_october_writes_the_three_reports(demo_app, tmp_path):
    runner = demo_app.test_cli_runner()
    files = {kind: tmp_path / f"r.{kind}" for kind in ("pdf", "xlsx", "docx")}
    result = runner.invoke(args=["evaluate", "--month", "2026-10", "--pdf", str(files["pdf"]),
                                 "--xlsx", str(files["xlsx"]), "--docx", str(files["docx"])])
    assert result.exit_code == 0, result.output
    reader = PdfReader(str(files["pdf"]))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Nơi nhận" in text
    assert "10/2026" in text
    assert "Hoàn thành" in text
    assert load_workbook(files["xlsx"]).sheetnames[:2] == ["Xếp hạng", "Chi tiết"]
    assert Document(str(files["docx"])).paragraphs
    verify = runner.invoke(args=["audit", "verify"])
    assert verify.exit_code == 0, verify.output


def test_indicators_count_where_the_rules_say_so(app, october, tmp_path):
    from pathlib import Path

    from tracker.indicators.models import Comparator, Indicator
    from tracker.indicators.services import enter_reading

    rules = Path("tracker/evaluation/scoring.toml").read_text()
    rules = rules.replace("inspection = 20", "inspection = 15").replace("indicators = 0",
                                                                       "indicators = 5")
    (tmp_path / "scoring.toml").write_text(rules)
    app.config["EVALUATION_CONFIG"] = str(tmp_path / "scoring.toml")
    with app.app_context():
        pkt, pvhxh = factories.unit("PKT"), factories.unit("PVHXH")
        directive = factories.directive("CT-2026")
        for unit, value in ((pkt, 85), (pvhxh, 70)):
            indicator = Indicator(directive_id=directive.id, code=f"ONLINE-{unit.code}",
                                  name="Tỷ lệ hồ sơ trực tuyến toàn trình",
                                  comparator=Comparator.AT_LEAST, target=80,
                                  unit_of_measure="%", owner_unit_id=unit.id)
            db.session.add(indicator)
            db.session.flush()
            enter_reading(user("vanphong"), indicator, period="2026-10", value=value)
        draft = services.compute(user("vanphong"), OCTOBER, now=NOW)
        points = {row.unit.code: row.points["indicators"] for row in draft.rows}
        assert points["PKT"] == 5
        assert points["PVHXH"] == 0
        assert points["VP"] == 5  # no indicator of its own: nothing missed
