"""Readings of the shipped directive's indicators: entry, verification, pages, tiles, 766."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import event, select

from tests import factories
from tests.conftest import build_snapshot, close, csrf_token, login, said, submit
from tracker.audit.models import AuditEntry
from tracker.db import utcnow
from tracker.directives import seeding
from tracker.directives.models import Task
from tracker.directives.services import load_directive
from tracker.extensions import db
from tracker.indicators import services
from tracker.indicators.models import Indicator, IndicatorReading, ReadingSource, ReadingState
from tracker.indicators.queries import unit_indicator_results
from tracker.indicators.targets import Status
from tracker.months import Month
from tracker.org.models import Unit, User
from tracker.workflow.models import Occurrence, OccurrenceState

SHIPPED = Path(__file__).resolve().parent.parent / "seeds" / "directive_tasks.yaml"
SEEDED_CODES = [
    "TTHC-CAT-GIAM-THOI-GIAN", "HS-QUA-HAN-CHU-QUAN", "HS-DUNG-HAN", "CANH-BAO-SOM",
    "HS-TRUC-TUYEN-TOAN-TRINH", "HS-KHONG-HEN", "SO-HOA-HO-SO", "THANH-TOAN-TRUC-TUYEN",
    "TRA-KET-QUA-DIEN-TU", "NGAY-HO-TRO-NGUOI-DAN", "HO-TRO-KHO-KHAN-DI-LAI",
    "KIEM-TRA-HANG-THANG", "XEP-HANG-766", "TU-THUC-HIEN-DVCTT", "MUC-DO-HAI-LONG",
]


def seed_shipped_directive() -> dict[str, int]:
    """The shipped directive and one account per role; returns indicator ids by code."""
    load_directive(seeding.load_file(SHIPPED), None)
    factories.user(role="leader", unit_code="LD", username="lanhdao")
    factories.user(role="office", unit_code="VP", username="vanphong")
    factories.user(role="admin", unit_code="VP", username="admin")
    factories.user(role="unit_head", unit_code="TTPVHCC", username="truong")
    factories.user(role="staff", unit_code="TTPVHCC", username="canbo")
    factories.user(role="unit_head", unit_code="PKT", username="truong.pkt")
    db.session.flush()
    return {i.code: i.id for i in db.session.scalars(select(Indicator))}


@pytest.fixture(scope="module")
def shipped(tmp_path_factory, sqlite_schema):
    """Loading and planning the shipped directive is slow: once for the module, then each test
    starts from a copy of its rows."""
    return build_snapshot(tmp_path_factory.mktemp("shipped"), sqlite_schema,
                          seed_shipped_directive)


@pytest.fixture
def app(shipped, tmp_path, sqlite_schema):
    app = shipped.restore(tmp_path, sqlite_schema)
    yield app
    close(app)


@pytest.fixture
def seeded(shipped):
    return shipped.result


def user(username: str) -> User:
    return db.session.scalars(select(User).where(User.username == username)).one()


def verified(code_to_id: dict, code: str, figures: dict[str, float]) -> None:
    """Verified figures entered by the Office, month by month."""
    office = user("vanphong")
    indicator = db.session.get(Indicator, code_to_id[code])
    for period, value in figures.items():
        services.enter_reading(office, indicator, period=period, value=value, note="Số liệu")


def readings(indicator_id: int) -> list[IndicatorReading]:
    return list(db.session.scalars(select(IndicatorReading).where(
        IndicatorReading.indicator_id == indicator_id).order_by(IndicatorReading.id)))


def section(html: str, marker: str, end: str = "</tr>") -> str:
    assert marker in html, marker
    return html.split(marker, 1)[1].split(end, 1)[0]


# Entering and verifying ----------------------------------------------------------------------

def test_unit_head_enters_the_office_verifies(client, app, seeded):
    online = seeded["HS-TRUC-TUYEN-TOAN-TRINH"]
    login(client, "truong")
    form = f"/indicators/{online}/readings/new"
    response = submit(client, form, {"period": "2026-05", "value": "78,5",
                                     "note": "Hệ thống thông tin giải quyết TTHC tỉnh",
                                     "evidence_url": "https://dichvucong.gov.vn/bao-cao"})
    assert response.status_code == 302
    with app.app_context():
        (reading,) = readings(online)
        assert (reading.period, reading.value, reading.state) == ("2026-05", 78.5,
                                                                  ReadingState.SUBMITTED)
        assert reading.source == ReadingSource.MANUAL
        assert reading.entered_by.username == "truong"
        reading_id = reading.id
    # Not verified: it does not count yet.
    row = section(client.get("/indicators").get_data(as_text=True),
                  'data-code="HS-TRUC-TUYEN-TOAN-TRINH"')
    assert "status-light" in row
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})

    login(client, "vanphong")
    queue = client.get("/indicators/readings/pending").get_data(as_text=True)
    assert "78,5" in queue
    response = client.post(f"/indicators/readings/{reading_id}/review", data={
        "csrf_token": csrf_token(client, "/indicators/readings/pending"), "approve": "1",
        "back": "pending"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/indicators/readings/pending")
    with app.app_context():
        reading = db.session.get(IndicatorReading, reading_id)
        assert reading.state == ReadingState.VERIFIED
        assert reading.verified_by.username == "vanphong"
        actions = db.session.scalars(select(AuditEntry.action).where(
            AuditEntry.object_type == "IndicatorReading", AuditEntry.object_id == reading_id)
            .order_by(AuditEntry.id))
        assert list(actions) == ["indicator.reading_enter", "indicator.reading_verify"]
    page = client.get(f"/indicators/{online}").get_data(as_text=True)
    assert "78,5" in section(page, 'id="summary-actual"', "</div>")
    assert "1,5" in section(page, 'id="summary-gap"', "</div>")
    assert "status-danger" in section(page, 'id="summary-status"', "</div>")


def test_return_needs_a_reason_and_never_counts(client, app, seeded):
    sat = seeded["MUC-DO-HAI-LONG"]
    with app.app_context():
        indicator = db.session.get(Indicator, sat)
        factories.user(role="unit_head", unit_code="TTDVSNC", username="truong.dv")
        head = user("truong.dv")
        reading = services.enter_reading(head, indicator, period="2026-04", value=99,
                                         note="Khảo sát")
        db.session.commit()
        reading_id = reading.id
    login(client, "vanphong")
    page = f"/indicators/{sat}"
    client.post(f"/indicators/readings/{reading_id}/review", data={
        "csrf_token": csrf_token(client, page), "send_back": "1", "reason": " "})
    with app.app_context():
        assert db.session.get(IndicatorReading, reading_id).state == ReadingState.SUBMITTED
    client.post(f"/indicators/readings/{reading_id}/review", data={
        "csrf_token": csrf_token(client, page), "send_back": "1",
        "reason": "Chưa có phiếu khảo sát kèm theo"})
    with app.app_context():
        reading = db.session.get(IndicatorReading, reading_id)
        assert reading.state == ReadingState.RETURNED
        assert reading.returned_by.username == "vanphong"
        with pytest.raises(services.ReadingError,
                           match=said("Only figures awaiting verification can be verified.")):
            services.verify_reading(user("vanphong"), reading)
    html = client.get(page).get_data(as_text=True)
    assert "Chưa có phiếu khảo sát kèm theo" in html
    assert "status-light" in section(html, 'id="summary-status"', "</div>")


def test_a_correction_keeps_history_and_the_latest_verified_counts(client, app, seeded):
    on_time = seeded["HS-DUNG-HAN"]
    with app.app_context():
        verified(seeded, "HS-DUNG-HAN", {"2026-05": 97.0})
        verified(seeded, "HS-DUNG-HAN", {"2026-05": 99.5})
        pending = services.enter_reading(user("truong"), db.session.get(Indicator, on_time),
                                         period="2026-05", value=90, note="Chưa xác nhận")
        db.session.commit()
        assert [r.value for r in readings(on_time)] == [97.0, 99.5, 90.0]
        assert pending.state == ReadingState.SUBMITTED
    login(client, "lanhdao")
    html = client.get(f"/indicators/{on_time}").get_data(as_text=True)
    assert "99,5" in section(html, 'id="summary-actual"', "</div>")
    history = html.split('id="readings"', 1)[1]
    assert "97 %" in history
    assert "90 %" in history


def test_staff_see_only_verified_figures(client, app, seeded):
    on_time = seeded["HS-DUNG-HAN"]
    with app.app_context():
        services.enter_reading(user("truong"), db.session.get(Indicator, on_time),
                               period="2026-05", value=91.25, note="Chờ")
        db.session.commit()
    login(client, "canbo")
    html = client.get(f"/indicators/{on_time}").get_data(as_text=True)
    assert "91,25" not in html
    assert client.get(f"/indicators/{on_time}/readings/new").status_code == 403


def test_office_figures_count_at_once(app, seeded):
    with app.app_context():
        verified(seeded, "XEP-HANG-766", {"2026-04": 41})
        (reading,) = readings(seeded["XEP-HANG-766"])
        assert reading.state == ReadingState.VERIFIED
        assert reading.verified_by.username == "vanphong"


def test_another_unit_cannot_enter_figures(client, app, seeded):
    online = seeded["HS-TRUC-TUYEN-TOAN-TRINH"]
    login(client, "truong.pkt")
    assert client.get(f"/indicators/{online}/readings/new").status_code == 403
    with app.app_context(), pytest.raises(services.NotAllowedError, match=r"^$"):
        services.enter_reading(user("truong.pkt"), db.session.get(Indicator, online),
                               period="2026-05", value=80)
    with app.app_context(), pytest.raises(services.NotAllowedError, match=r"^$"):
        services.enter_reading(user("lanhdao"), db.session.get(Indicator, online),
                               period="2026-05", value=80)


@pytest.mark.parametrize(("period", "value"), [
    ("2099-01", "80"),  # not offered: a month not begun
    ("2026-05", "tám mươi"),
    ("2026-05", "101"),  # a percentage over 100
    ("2026-05", ""),
])
def test_bad_entries_are_refused(client, app, seeded, period, value):
    online = seeded["HS-TRUC-TUYEN-TOAN-TRINH"]
    login(client, "truong")
    response = submit(client, f"/indicators/{online}/readings/new",
                      {"period": period, "value": value, "note": "Nguồn"})
    assert response.status_code == 422
    with app.app_context():
        assert readings(online) == []


def test_service_refuses_a_month_not_begun(app, seeded):
    with app.app_context(), pytest.raises(
            services.ReadingError, match=said("The month %(month)s has not begun yet.",
                                              month="01/2099")):
        verified(seeded, "HS-DUNG-HAN", {"2099-01": 99})


# Figures reported on periods ----------------------------------------------------------------

def handed_in(task_code: str, period_start: date, value: float | None) -> int:
    task = db.session.scalars(select(Task).where(Task.code == task_code)).one()
    occurrence = db.session.scalars(select(Occurrence).where(
        Occurrence.task_id == task.id, Occurrence.period_start == period_start)).one()
    occurrence.state = OccurrenceState.SUBMITTED
    occurrence.report = "Theo Hệ thống thông tin giải quyết TTHC"
    occurrence.reported_value = value
    occurrence.submitted_at = utcnow()
    db.session.commit()
    return occurrence.id


def test_a_verified_period_figure_becomes_a_reading(client, app, seeded):
    with app.app_context():
        occurrence_id = handed_in("2-TTPVHCC-04", date(2026, 5, 1), 81.5)
    login(client, "vanphong")
    page = f"/occurrences/{occurrence_id}"
    response = client.post(f"{page}/review", data={"csrf_token": csrf_token(client, page),
                                                   "version": 2, "approve": "1"})
    assert response.status_code == 302
    with app.app_context():
        (reading,) = readings(seeded["HS-TRUC-TUYEN-TOAN-TRINH"])
        assert (reading.period, reading.value, reading.source, reading.state) == (
            "2026-05", 81.5, ReadingSource.OCCURRENCE, ReadingState.VERIFIED)
        assert reading.occurrence_id == occurrence_id
        assert reading.verified_by.username == "vanphong"
        occurrence = db.session.get(Occurrence, occurrence_id)
        assert services.reading_from_occurrence(occurrence, None) is None  # taken once only
    html = client.get(f"/indicators/{seeded['HS-TRUC-TUYEN-TOAN-TRINH']}").get_data(as_text=True)
    assert "status-success" in section(html, 'id="summary-status"', "</div>")
    assert f"/occurrences/{occurrence_id}" in html


def test_periods_without_an_indicator_or_a_figure_give_no_reading(app, seeded):
    with app.app_context():
        office = user("vanphong")
        no_indicator = db.session.get(Occurrence, handed_in("2-TTPVHCC-02", date(2026, 5, 4),
                                                            None))
        impossible = db.session.get(Occurrence, handed_in("3-PVHXH-02", date(2026, 5, 1), 150))
        for occurrence in (no_indicator, impossible):
            occurrence.state = OccurrenceState.VERIFIED
            assert services.reading_from_occurrence(occurrence, office) is None
        unverified = db.session.get(Occurrence, handed_in("2-TTPVHCC-04", date(2026, 6, 1), 80))
        assert services.reading_from_occurrence(unverified, office) is None


# Pages for the seeded targets ---------------------------------------------------------------

@pytest.fixture
def figures(app, seeded):
    with app.app_context():
        verified(seeded, "HS-TRUC-TUYEN-TOAN-TRINH", {"2026-04": 70, "2026-05": 72})
        verified(seeded, "TU-THUC-HIEN-DVCTT", {"2026-05": 48})
        verified(seeded, "XEP-HANG-766", {"2026-04": 42, "2026-05": 35})
        verified(seeded, "HS-KHONG-HEN", {"2026-01": 100, "2026-02": 110, "2026-03": 90,
                                          "2026-04": 118})
        verified(seeded, "HS-QUA-HAN-CHU-QUAN", {"2026-04": 2, "2026-05": 0})
        db.session.commit()
    return seeded


@pytest.mark.parametrize(("code", "actual", "gap", "status", "trend"), [
    ("HS-TRUC-TUYEN-TOAN-TRINH", "72 %", "8 %", "status-danger", "↗"),
    ("XEP-HANG-766", "35 / 114", "5 hạng", "status-danger", "↗"),
    ("HS-KHONG-HEN", "118 (+18 %)", "2 %", "status-danger", None),
    ("HS-QUA-HAN-CHU-QUAN", "0 hồ sơ", "0", "status-success", "↗"),
    ("SO-HOA-HO-SO", "—", "—", "status-light", None),
])
def test_indicator_page_shows_target_actual_gap_and_trend(client, figures, code, actual, gap,
                                                          status, trend):
    login(client, "lanhdao")
    html = client.get(f"/indicators/{figures[code]}").get_data(as_text=True)
    assert actual in section(html, 'id="summary-actual"', "</div>")
    assert gap in section(html, 'id="summary-gap"', "</div>")
    assert status in section(html, 'id="summary-status"', "</div>")
    summary_gap = section(html, 'id="summary-gap"', "</div></div></div>")
    if trend:
        assert trend in summary_gap
    assert section(html, 'id="summary-target"', "</div>").strip()
    assert "<svg" in html
    assert 'id="months"' in html
    if actual != "—":
        assert "<circle" in html


def test_month_table_and_chart(client, figures):
    login(client, "lanhdao")
    html = client.get(f"/indicators/{figures['XEP-HANG-766']}").get_data(as_text=True)
    april = section(html, 'data-period="2026-04"')
    assert "42 / 114" in april
    assert "12 hạng" in april
    may = section(html, 'data-period="2026-05"')
    assert "35 / 114" in may
    assert "status-light" in section(html, 'data-period="2026-06"')
    assert "<polyline" in html  # April to May drawn as a line
    increase = client.get(f"/indicators/{figures['HS-KHONG-HEN']}").get_data(as_text=True)
    assert 'id="baseline"' in increase
    assert "100" in section(increase, 'id="baseline"', "</p>")
    assert "status-" not in section(increase, 'data-period="2026-02"')  # a baseline month


def test_dashboard_tiles_for_leaders(client, figures):
    login(client, "lanhdao")
    html = client.get("/").get_data(as_text=True)
    tiles = section(html, 'id="indicator-tiles"', "</main>")
    for code in SEEDED_CODES:
        assert f'data-code="{code}"' in tiles
    online = section(tiles, 'data-code="HS-TRUC-TUYEN-TOAN-TRINH"', "</a>")
    assert "≥" in online or "80" in online
    assert "72 %" in section(online, "tile-actual", "</dd>")
    assert "8 %" in section(online, "tile-gap", "</dd>")
    assert "↗" in section(online, "tile-trend", "</dd>")
    assert "<polyline" in section(online, "tile-trend", "</dd>")
    rank = section(tiles, 'data-code="XEP-HANG-766"', "</a>")
    assert "35 / 114" in rank


@pytest.mark.parametrize("username", ["truong", "canbo"])
def test_units_get_their_own_work_not_the_tiles(client, seeded, username):
    login(client, username)
    assert 'id="indicator-tiles"' not in client.get("/").get_data(as_text=True)


def test_index_766_groups_and_rank(client, figures):
    login(client, "canbo")
    html = client.get("/indicators/index-766").get_data(as_text=True)
    assert 'id="estimate-warning"' in html
    for key in ("cong_khai_minh_bach", "tien_do_giai_quyet", "so_hoa_ho_so",
                "dich_vu_cong_truc_tuyen", "thanh_toan_truc_tuyen", "muc_do_hai_long"):
        assert f'id="group-{key}"' in html
    online = section(html, 'id="group-dich_vu_cong_truc_tuyen"', "</section>")
    # 72 of 80 is 0,9 and 48 of 60 is 0,8: 12 points x 0,85 = 10,2.
    assert "<strong>10,2</strong> / 12" in online
    assert "<strong>—</strong> / 18" in section(html, 'id="group-cong_khai_minh_bach"',
                                                "</section>")
    assert "35 / 114" in section(html, 'id="rank-reading"', "</div></div></div>")


def test_unit_indicator_results_for_the_monthly_evaluation(app, figures):
    with app.app_context():
        centre = db.session.scalars(select(Unit).where(Unit.code == "TTPVHCC")).one()
        services.enter_reading(user("truong"),
                               db.session.get(Indicator, figures["SO-HOA-HO-SO"]),
                               period="2026-05", value=100, note="Chưa xác nhận")
        results = {r.code: r for r in unit_indicator_results(centre.id, Month(2026, 5))}
        assert set(results) == {
            "HS-DUNG-HAN", "CANH-BAO-SOM", "HS-TRUC-TUYEN-TOAN-TRINH", "HS-KHONG-HEN",
            "SO-HOA-HO-SO", "THANH-TOAN-TRUC-TUYEN", "TRA-KET-QUA-DIEN-TU",
            "NGAY-HO-TRO-NGUOI-DAN", "HO-TRO-KHO-KHAN-DI-LAI"}
        online = results["HS-TRUC-TUYEN-TOAN-TRINH"]
        assert (online.value, online.status, online.achievement) == (72, Status.NOT_MET,
                                                                     pytest.approx(0.9))
        assert results["SO-HOA-HO-SO"].status == Status.NO_DATA  # not verified: not counted
        april = {r.code: r for r in unit_indicator_results(centre.id, Month.of(date(2026, 4, 30)))}
        assert april["HS-KHONG-HEN"].month.measure == pytest.approx(18)
        assert april["HS-KHONG-HEN"].status == Status.NOT_MET
        assert april["HS-TRUC-TUYEN-TOAN-TRINH"].value == 70


# Fixed query counts -------------------------------------------------------------------------

@contextmanager
def counting(app):
    statements: list[str] = []
    with app.app_context():
        engine = db.engine

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def page_counts(app, pages: list[str]) -> dict[str, int]:
    client = app.test_client()
    login(client, "admin")
    result = {}
    for url in pages:
        client.get(url)
        with counting(app) as statements:
            response = client.get(url)
        assert response.status_code == 200, url
        result[url] = len(statements)
    return result


def test_query_counts_do_not_grow_with_readings(app, seeded):
    pages = ["/", "/indicators", "/indicators/index-766", "/indicators/readings/pending",
             "/indicators/import", f"/indicators/{seeded['HS-KHONG-HEN']}",
             f"/indicators/{seeded['XEP-HANG-766']}"]
    with app.app_context():
        verified(seeded, "XEP-HANG-766", {"2026-04": 40})
        services.enter_reading(user("truong"), db.session.get(Indicator, seeded["HS-DUNG-HAN"]),
                               period="2026-04", value=98, note="1")
        db.session.commit()
    few = page_counts(app, pages)
    with app.app_context():
        head = user("truong")
        months = [f"2026-{m:02d}" for m in range(1, 11)]
        for code in SEEDED_CODES:
            indicator = db.session.get(Indicator, seeded[code])
            for month in months:
                value = 20.0 if code == "XEP-HANG-766" else 90.0
                verified(seeded, code, {month: value})
                verified(seeded, code, {month: value + 1})
                if indicator.owner_unit.code == "TTPVHCC":
                    services.enter_reading(head, indicator, period=month, value=value, note="x")
        db.session.commit()
    many = page_counts(app, pages)
    assert many == few


def test_old_readings_are_listed_page_by_page(client, app, seeded):
    with app.app_context():
        for day in range(60):
            verified(seeded, "HS-DUNG-HAN", {"2026-05": 90 + day / 10})
        db.session.commit()
    login(client, "lanhdao")
    first = client.get(f"/indicators/{seeded['HS-DUNG-HAN']}").get_data(as_text=True)
    assert "95,9" in section(first, 'id="summary-actual"', "</div>")  # the newest counts
    assert "page=2" in first
    second = client.get(f"/indicators/{seeded['HS-DUNG-HAN']}?page=2")
    assert second.status_code == 200
    assert "90,1" in second.get_data(as_text=True)  # the oldest but one, on the second page
