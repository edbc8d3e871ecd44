"""A decreed day off is removed again: the row goes, the removal is audited, work re-planned."""

from datetime import date

from sqlalchemy import func, select

from tests import factories
from tests.conftest import csrf_token, login
from tracker.audit.models import AuditEntry
from tracker.extensions import db
from tracker.schedule import services
from tracker.schedule.models import CalendarDay, DayKind


def test_removing_a_day_off_deletes_it_and_says_so(client, app):
    with app.app_context():
        office = factories.user(role="office", unit_code="VP", username="vanphong")
        services.set_calendar_day(office, date(2026, 9, 4), DayKind.DAY_OFF, "Quyết định 1")
        db.session.commit()
        day_id = db.session.scalar(select(CalendarDay.id))
    login(client, "vanphong")
    token = csrf_token(client, "/admin/calendar")
    response = client.post(f"/admin/calendar/{day_id}/delete", data={"csrf_token": token},
                           follow_redirects=True)
    assert response.status_code == 200
    assert "Quyết định 1" not in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(CalendarDay.id))) == 0
        actions = db.session.scalars(select(AuditEntry.action).where(
            AuditEntry.object_type == "CalendarDay").order_by(AuditEntry.id)).all()
        assert actions == ["calendar.set", "calendar.remove"]
    assert client.post(f"/admin/calendar/{day_id}/delete",
                       data={"csrf_token": token}).status_code == 404
