"""Planning occurrences on the working-day calendar, and the calendar commands."""

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.conftest import login, said, submit
from tracker.db import LOCAL_TZ, utcnow
from tracker.directives.models import Frequency
from tracker.extensions import db
from tracker.schedule.calendar import WorkCalendar
from tracker.schedule.models import CalendarDay, DayKind
from tracker.schedule.planning import planned, sync_tasks
from tracker.schedule.services import ScheduleError, open_event, set_calendar_day
from tracker.workflow.models import Occurrence

VN_HOLIDAYS_2026 = [date(2026, 4, 27), date(2026, 4, 30), date(2026, 5, 1), date(2026, 9, 1),
                    date(2026, 9, 2)]


def local_due_dates(task) -> list[date]:
    rows = db.session.scalars(
        select(Occurrence.due_at).where(Occurrence.task_id == task.id).order_by(Occurrence.due_at)
    )
    return [due.astimezone(LOCAL_TZ).date() for due in rows]


def make_task(frequency, rule, start=date(2026, 4, 1), end=date(2026, 12, 31), code=None):
    task = factories.task("PKT", code=code, frequency=frequency, due_rule=rule,
                          starts_on=start, ends_on=end)
    sync_tasks([task])
    return task


def test_calendar_knows_vietnamese_holidays_and_weekends(ctx):
    calendar = WorkCalendar.load(date(2026, 1, 1), date(2026, 12, 31))
    for day in VN_HOLIDAYS_2026:
        assert not calendar.is_working_day(day), day
    assert not calendar.is_working_day(date(2026, 2, 17))  # Tết
    assert not calendar.is_working_day(date(2026, 5, 2))  # a Saturday
    assert calendar.is_working_day(date(2026, 8, 22))  # decreed make-up Saturday
    assert calendar.is_working_day(date(2026, 5, 4))


def test_daily_skips_weekends_and_holidays(ctx):
    task = make_task(Frequency.DAILY, {"time": "17:00"})
    days = local_due_dates(task)
    assert days[0] == date(2026, 4, 1)
    assert days[-1] == date(2026, 12, 31)
    assert not set(days) & set(VN_HOLIDAYS_2026)
    weekend = [d for d in days if d.weekday() >= 5]
    assert weekend == [date(2026, 8, 22)]  # the only Saturday is the make-up working day
    assert date(2026, 5, 4) in days


def test_due_time_is_local_17_00(ctx):
    task = make_task(Frequency.DAILY, {"time": "17:00"}, start=date(2026, 6, 1),
                     end=date(2026, 6, 1))
    due = db.session.scalar(select(Occurrence.due_at).where(Occurrence.task_id == task.id))
    assert due.astimezone(LOCAL_TZ).time() == time(17, 0)
    assert due.utcoffset() == timedelta(0)
    assert due.hour == 10  # 17:00 in Hà Nội is 10:00 UTC


def test_weekly_friday_moves_back_from_holiday(ctx):
    task = make_task(Frequency.WEEKLY, {"weekday": "fri", "time": "16:00"},
                     start=date(2026, 4, 20), end=date(2026, 5, 10))
    # Fri 24/04 is a working day; Fri 01/05 and Thu 30/04 are holidays: back to Wed 29/04.
    assert local_due_dates(task) == [date(2026, 4, 24), date(2026, 4, 29), date(2026, 5, 8)]
    periods = db.session.scalars(
        select(Occurrence.period_start).where(Occurrence.task_id == task.id)
        .order_by(Occurrence.period_start)
    ).all()
    assert periods == [date(2026, 4, 20), date(2026, 4, 27), date(2026, 5, 4)]


def test_twice_monthly_on_15th_and_last_day(ctx):
    task = make_task(Frequency.TWICE_MONTHLY, {"days": [15, "last"], "time": "17:00"},
                     start=date(2026, 8, 1), end=date(2026, 10, 31))
    # 15/08 is a Saturday -> Fri 14/08; 31/08 is a day off in lieu -> Fri 28/08;
    # 31/10 is a Saturday -> Fri 30/10.
    assert local_due_dates(task) == [
        date(2026, 8, 14), date(2026, 8, 28), date(2026, 9, 15), date(2026, 9, 30),
        date(2026, 10, 15), date(2026, 10, 30),
    ]
    halves = db.session.execute(
        select(Occurrence.period_start, Occurrence.period_end)
        .where(Occurrence.task_id == task.id).order_by(Occurrence.period_start).limit(2)
    ).all()
    assert halves == [(date(2026, 8, 1), date(2026, 8, 15)), (date(2026, 8, 16), date(2026, 8, 31))]


def test_monthly_last_day_and_quarterly(ctx):
    monthly = make_task(Frequency.MONTHLY, {"day": "last"}, start=date(2026, 4, 1),
                        end=date(2026, 6, 30), code="M")
    assert local_due_dates(monthly) == [date(2026, 4, 29), date(2026, 5, 29), date(2026, 6, 30)]
    quarterly = make_task(Frequency.QUARTERLY, {"day": "last"}, start=date(2026, 4, 1),
                          end=date(2026, 12, 31), code="Q")
    assert local_due_dates(quarterly) == [date(2026, 6, 30), date(2026, 9, 30),
                                          date(2026, 12, 31)]


def test_once_and_on_event(ctx):
    once = make_task(Frequency.ONCE, {"date": "2026-06-30", "time": "17:00"}, code="O")
    assert local_due_dates(once) == [date(2026, 6, 30)]
    event_task = make_task(Frequency.ON_EVENT, {"within_working_days": 2}, code="E")
    assert local_due_dates(event_task) == []
    actor = factories.user(role="office", unit_code="VP")
    first = open_event(actor, event_task, date(2026, 4, 29), "Hồ sơ quá hạn")
    second = open_event(actor, event_task, date(2026, 4, 29), "Hồ sơ thứ hai")
    # Two working days after Wed 29/04, across the 30/04 and 01/05 holidays and a weekend.
    assert first.due_at.astimezone(LOCAL_TZ).date() == date(2026, 5, 5)
    assert (first.sequence, second.sequence) == (0, 1)
    with pytest.raises(ScheduleError,
                       match=said("Only a task done when something occurs can record an event.")):
        open_event(actor, once, date(2026, 4, 29), "")


def test_planning_is_idempotent(ctx):
    task = make_task(Frequency.DAILY, {"time": "17:00"})
    count = db.session.scalar(select(func.count(Occurrence.id)))
    again = sync_tasks([task])
    assert (again.created, again.moved, again.removed) == (0, 0, 0)
    assert db.session.scalar(select(func.count(Occurrence.id))) == count


def test_dates_come_from_the_series_start(ctx, app):
    task = factories.task("PKT", frequency=Frequency.WEEKLY, due_rule={"weekday": "mon"},
                          starts_on=date(2026, 4, 1), ends_on=date(2026, 12, 31))
    calendar = WorkCalendar.load(date(2026, 1, 1), date(2026, 12, 31))
    short = planned(task, calendar, until=date(2026, 6, 30))
    full = planned(task, calendar, until=date(2026, 12, 31))
    assert full[: len(short)] == short


def future_weekday(weekday: int, weeks_ahead: int = 3) -> date:
    day = utcnow().astimezone(LOCAL_TZ).date() + timedelta(weeks=weeks_ahead)
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def test_day_off_empties_a_future_day_and_history_stays(ctx, runner):
    today = utcnow().astimezone(LOCAL_TZ).date()
    task = make_task(Frequency.DAILY, {"time": "17:00"}, start=today - timedelta(days=10),
                     end=today + timedelta(days=60))
    past = local_due_dates(task)[0]
    day_off = future_weekday(1)  # a Tuesday three weeks ahead
    calendar = WorkCalendar.load(day_off, day_off)
    if calendar.is_working_day(day_off):
        assert day_off in local_due_dates(task)
    db.session.commit()
    result = runner.invoke(args=["calendar", "day-off", day_off.strftime("%d/%m/%Y"),
                                 "Quyết định nghỉ của UBND tỉnh"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    days = local_due_dates(task)
    assert day_off not in days
    assert past in days
    assert db.session.scalar(select(CalendarDay.kind).where(CalendarDay.day == day_off)) == \
        DayKind.DAY_OFF


def test_make_up_saturday_gets_daily_work(ctx, runner):
    today = utcnow().astimezone(LOCAL_TZ).date()
    task = make_task(Frequency.DAILY, {"time": "17:00"}, start=today,
                     end=today + timedelta(days=60))
    saturday = future_weekday(5)
    assert saturday not in local_due_dates(task)
    db.session.commit()
    result = runner.invoke(args=["calendar", "working-day", saturday.isoformat(),
                                 "Làm bù theo quyết định"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert saturday in local_due_dates(task)


def test_calendar_change_without_reason_is_refused(ctx):
    with pytest.raises(ScheduleError, match=said(
            "Give the reason (for example the decision that sets the day).")):
        set_calendar_day(None, future_weekday(2), DayKind.DAY_OFF, "  ")
    assert db.session.scalar(select(func.count(CalendarDay.id))) == 0


def test_calendar_command_refuses_a_bad_date(runner):
    result = runner.invoke(args=["calendar", "day-off", "30/02/2027", "Không có ngày này"])
    assert result.exit_code != 0
    assert "30/02/2027" in result.output


def test_started_work_is_never_moved(ctx):
    today = utcnow().astimezone(LOCAL_TZ).date()
    task = make_task(Frequency.DAILY, {"time": "17:00"}, start=today,
                     end=today + timedelta(days=60))
    day = future_weekday(3)
    occurrence = db.session.scalar(
        select(Occurrence).where(Occurrence.task_id == task.id,
                                 Occurrence.period_start == day)
    )
    if occurrence is None:  # that Thursday happens to be a holiday: nothing to protect
        return
    occurrence.report = "Đã bắt đầu báo cáo"
    set_calendar_day(None, day, DayKind.DAY_OFF, "Nghỉ đột xuất")
    assert db.session.get(Occurrence, occurrence.id) is not None
    assert occurrence.due_at == datetime.combine(day, time(17), tzinfo=LOCAL_TZ)


def test_calendar_page_adds_a_day_in_vietnamese_format(client, app, make_user):
    make_user("office", "VP", username="vanphong")
    login(client, "vanphong")
    day = future_weekday(2)
    response = submit(client, "/admin/calendar", {
        "day": day.strftime("%d/%m/%Y"), "kind": "day_off", "reason": "Quyết định số 12/QĐ-UBND",
    })
    assert response.status_code == 302
    with app.app_context():
        row = db.session.scalar(select(CalendarDay))
        assert (row.day, row.kind, row.reason) == (day, DayKind.DAY_OFF, "Quyết định số 12/QĐ-UBND")
    page = client.get("/admin/calendar").get_data(as_text=True)
    assert day.strftime("%d/%m/%Y") in page


def test_calendar_page_refuses_a_bad_date_and_keeps_the_input(client, app, make_user):
    make_user("office", "VP", username="vanphong")
    login(client, "vanphong")
    response = submit(client, "/admin/calendar", {
        "day": "31/02/2027", "kind": "day_off", "reason": "Lý do giữ nguyên",
    })
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Lý do giữ nguyên" in html
    assert "31/02/2027" in html
    with app.app_context():
        assert db.session.scalar(select(func.count(CalendarDay.id))) == 0


def test_unit_head_records_an_event(client, app):
    with app.app_context():
        task = factories.task("PKT", code="PKT-EV", frequency=Frequency.ON_EVENT,
                              due_rule={"within_working_days": 1})
        factories.user(role="unit_head", unit_code="PKT", username="truong")
        db.session.commit()
        task_id = task.id
    login(client, "truong")
    response = submit(client, f"/tasks/{task_id}",
                      {"day": "29/04/2026", "note": "Hồ sơ đất đai quá hạn"},
                      post_url=f"/tasks/{task_id}/events")
    assert response.status_code == 302
    with app.app_context():
        occurrence = db.session.scalar(select(Occurrence).where(Occurrence.task_id == task_id))
        assert occurrence.note == "Hồ sơ đất đai quá hạn"
        assert occurrence.due_at.astimezone(LOCAL_TZ).date() == date(2026, 5, 4)


def test_shipped_directive_never_falls_on_a_day_off(ctx):
    from tracker.directives import seeding
    from tracker.directives import services as directive_services

    directive_services.load_directive(seeding.load_file("seeds/directive_tasks.yaml"), None)
    rows = db.session.scalars(select(Occurrence.due_at))
    dues = [due.astimezone(LOCAL_TZ).date() for due in rows]
    assert len(dues) > 1000
    calendar = WorkCalendar.load(date(2026, 1, 1), date(2026, 12, 31))
    assert [day for day in dues if not calendar.is_working_day(day)] == []
    assert not set(dues) & set(VN_HOLIDAYS_2026)
    assert date(2026, 8, 22) in dues  # the decreed make-up Saturday has its daily work


def test_deadline_shift_is_configurable(ctx, app):
    app.config["NON_WORKING_DUE_SHIFT"] = "next"
    task = make_task(Frequency.MONTHLY, {"day": "last"}, start=date(2026, 5, 1),
                     end=date(2026, 5, 31))
    assert local_due_dates(task) == [date(2026, 6, 1)]  # 31/05/2026 is a Sunday


def test_a_period_something_points_at_is_never_removed(ctx):
    from tracker.notify.models import Notification

    today = utcnow().astimezone(LOCAL_TZ).date()
    task = make_task(Frequency.DAILY, {"time": "17:00"}, start=today,
                     end=today + timedelta(days=60))
    day = future_weekday(4)
    occurrence = db.session.scalar(select(Occurrence).where(
        Occurrence.task_id == task.id, Occurrence.period_start == day))
    if occurrence is None:  # that Friday happens to be a holiday: nothing to protect
        return
    person = factories.user(role="staff", unit_code="PKT")
    db.session.add(Notification(user_id=person.id, occurrence_id=occurrence.id, kind="digest",
                                title="Sắp đến hạn"))
    db.session.flush()
    set_calendar_day(None, day, DayKind.DAY_OFF, "Nghỉ đột xuất")
    assert db.session.get(Occurrence, occurrence.id) is not None
