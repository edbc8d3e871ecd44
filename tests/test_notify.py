"""Digests and escalations reach a real SMTP server exactly once; the calendar feed."""

import socket
from datetime import date, datetime
from email import message_from_bytes
from email.header import decode_header, make_header

import pytest
from aiosmtpd.controller import Controller
from icalendar import Calendar
from sqlalchemy import func, select

from tests import factories
from tests.conftest import csrf_token, login
from tracker.db import LOCAL_TZ
from tracker.extensions import db
from tracker.notify.models import Escalation, Notification
from tracker.notify.services import run_reminders
from tracker.org.models import User
from tracker.workflow.models import Occurrence

NOW = datetime(2026, 5, 13, 9, 0, tzinfo=LOCAL_TZ)  # a Wednesday morning


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        message = message_from_bytes(envelope.content)
        subject = str(make_header(decode_header(message["Subject"])))
        self.messages.append((envelope.rcpt_tos, subject))
        return "250 OK"

    def to(self, address):
        return [subject for rcpt, subject in self.messages if address in rcpt]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp(app):
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    yield inbox
    controller.stop()


def due(day: int, hour: int = 17) -> datetime:
    return datetime(2026, 5, day, hour, 0, tzinfo=LOCAL_TZ)


@pytest.fixture
def overdue_world(app):
    with app.app_context():
        leader = factories.user(role="leader", unit_code="LD", username="pct",
                                email="pct@xa.test")
        head = factories.user(role="unit_head", unit_code="PKT", username="truong",
                              email="truong@xa.test")
        staff = factories.user(role="staff", unit_code="PKT", username="canbo",
                               email="canbo@xa.test")
        head.unit.supervisor = leader
        task = factories.task("PKT", code="PKT-01", assignee=staff)
        for day in (13, 12, 7):
            factories.occurrence(task, due_at=due(day))
        db.session.commit()


def test_digest_and_both_escalations_arrive_exactly_once(app, smtp, overdue_world):
    with app.app_context():
        report = run_reminders(NOW)
        db.session.commit()
        assert report.digests == 1
        assert report.escalations == {1: 2, 2: 1}
        assert report.emails_sent == 3
        again = run_reminders(NOW)
        db.session.commit()
        assert (again.digests, again.escalations, again.emails_sent) == (0, {1: 0, 2: 0}, 0)
        assert db.session.scalar(select(func.count(Escalation.id))) == 3
        notices = db.session.scalar(select(func.count(Notification.id)))
        assert notices == 1 + 2 + 1
    assert len(smtp.to("canbo@xa.test")) == 1
    assert "2 quá hạn" in smtp.to("canbo@xa.test")[0] or "2 overdue" in smtp.to("canbo@xa.test")[0]
    assert len(smtp.to("truong@xa.test")) == 1
    assert len(smtp.to("pct@xa.test")) == 1
    assert len(smtp.messages) == 3


def test_next_day_brings_a_new_digest_but_no_repeated_escalation(app, smtp, overdue_world):
    with app.app_context():
        run_reminders(NOW)
        db.session.commit()
        next_day = run_reminders(NOW.replace(day=14))
        db.session.commit()
        assert next_day.digests == 1
        assert next_day.escalations == {1: 1, 2: 0}  # 13/05 is now one working day late
    assert len(smtp.to("canbo@xa.test")) == 2


def test_unreachable_mail_server_keeps_the_in_app_notice(app, overdue_world):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_TIMEOUT=2)
    with app.app_context():
        report = run_reminders(NOW)
        db.session.commit()
        assert report.emails_sent == 0
        assert report.emails_failed == 3
        assert db.session.scalar(select(func.count(Notification.id))) == 4


def test_inbox_shows_notices(client, app, overdue_world):
    with app.app_context():
        run_reminders(NOW)
        db.session.commit()
    login(client, "canbo")
    html = client.get("/inbox").get_data(as_text=True)
    assert "PKT-01" in html


def test_calendar_feed_token_and_revocation(client, app):
    with app.app_context():
        staff = factories.user(role="staff", unit_code="PKT", username="canbo")
        task = factories.task("PKT", code="PKT-02", assignee=staff, title="Báo cáo tuần")
        factories.occurrence(task, due_at=datetime(2099, 1, 2, 17, tzinfo=LOCAL_TZ),
                             period_start=date(2099, 1, 1))
        db.session.commit()
    login(client, "canbo")
    client.post("/calendar-feed", data={"csrf_token": csrf_token(client, "/calendar-feed")})
    with app.app_context():
        token = db.session.scalar(select(User.ical_token).where(User.username == "canbo"))
    assert token
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    response = client.get(f"/ical/{token}.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    events = Calendar.from_ical(response.data).walk("VEVENT")
    assert len(events) == 1
    assert "PKT-02" in str(events[0]["summary"])
    assert client.get("/ical/" + "x" * 43 + ".ics").status_code == 404
    login(client, "canbo")
    client.post("/calendar-feed/revoke",
                data={"csrf_token": csrf_token(client, "/calendar-feed")})
    assert client.get(f"/ical/{token}.ics").status_code == 404


def test_old_overdue_work_is_in_the_digest_but_not_escalated(app, smtp, overdue_world):
    with app.app_context():
        task = db.session.scalar(select(Occurrence)).task
        # Overdue since March, as on a first run over months of untouched history.
        factories.occurrence(task, due_at=datetime(2026, 3, 2, 17, tzinfo=LOCAL_TZ))
        db.session.commit()
        report = run_reminders(NOW)
        db.session.commit()
        assert report.escalations == {1: 2, 2: 1}  # the three May periods only
        digest, = smtp.to("canbo@xa.test")
        assert ": 3 quá hạn" in digest or ": 3 overdue" in digest  # 07/05, 12/05 and 02/03
        escalation, = smtp.to("truong@xa.test")
        assert ": 2 việc" in escalation or ": 2 item" in escalation
        app.config["ESCALATE_WITHIN_DAYS"] = 120
        assert run_reminders(NOW).escalations == {1: 1, 2: 1}


def test_escalation_window_counts_back_from_each_level(app, overdue_world):
    # Wednesday 13/05: the head of unit's cutoff is 12/05, the leader's (three working days)
    # Sunday 10/05. A three-day window measured from each cutoff keeps 12/05 for the head
    # (not 07/05) and 07/05 for the leader; measured from today, it would drop 07/05.
    app.config["ESCALATE_WITHIN_DAYS"] = 3
    with app.app_context():
        assert run_reminders(NOW).escalations == {1: 1, 2: 1}
