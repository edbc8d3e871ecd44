"""The standing criteria page (nothing written by a GET; the default list on request; a
criterion set aside and taken back) and the download of an inspection photo."""

import io
from datetime import date

from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from tests import factories
from tests.conftest import csrf_token, login
from tracker.audit.models import AuditEntry
from tracker.extensions import db
from tracker.inspections import services
from tracker.inspections.models import ChecklistCriterion, InspectionItem, ItemResult
from tracker.org.models import User


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def office(app) -> None:
    with app.app_context():
        factories.user(role="office", unit_code="VP", username="vanphong")
        db.session.commit()


def test_the_criteria_page_shows_the_default_list_without_writing_it(client, app):
    office(app)
    login(client, "vanphong")
    with app.app_context():
        entries = count(AuditEntry)  # the login's own
    html = client.get("/inspections/criteria").get_data(as_text=True)
    assert services.DEFAULT_CRITERIA[0] in html
    assert 'id="default-criteria"' in html
    with app.app_context():
        assert count(ChecklistCriterion) == 0
        assert count(AuditEntry) == entries


def test_the_default_list_is_written_once_with_its_audit_entry(client, app):
    office(app)
    login(client, "vanphong")
    for _ in range(2):
        response = client.post("/inspections/criteria/defaults",
                               data={"csrf_token": csrf_token(client, "/inspections/criteria")})
        assert response.status_code == 302
    with app.app_context():
        assert count(ChecklistCriterion) == len(services.DEFAULT_CRITERIA)
        actions = db.session.scalars(select(AuditEntry.action).where(
            AuditEntry.action.like("inspection.%"))).all()
        assert actions == ["inspection.criteria_default"]
    assert 'id="default-criteria"' not in client.get("/inspections/criteria").get_data(
        as_text=True)


def test_a_criterion_is_set_aside_and_taken_back(client, app):
    office(app)
    with app.app_context():
        services.ensure_default_criteria(db.session.scalar(select(User)))
        db.session.commit()
        first = db.session.scalars(select(ChecklistCriterion).order_by(ChecklistCriterion.id)
                                   ).first().id
    login(client, "vanphong")
    url = f"/inspections/criteria/{first}/toggle"
    token = csrf_token(client, "/inspections/criteria")
    assert client.post(url, data={"csrf_token": token}).status_code == 302
    with app.app_context():
        assert db.session.get(ChecklistCriterion, first).is_active is False
        assert len(services.active_criteria()) == len(services.DEFAULT_CRITERIA) - 1
    assert client.post(url, data={"csrf_token": token}).status_code == 302
    with app.app_context():
        assert db.session.get(ChecklistCriterion, first).is_active is True
        toggles = db.session.scalars(select(AuditEntry.after).where(
            AuditEntry.action == "inspection.criterion_toggle").order_by(AuditEntry.id)).all()
        assert toggles == [{"is_active": False}, {"is_active": True}]
    assert client.post("/inspections/criteria/999999/toggle",
                       data={"csrf_token": token}).status_code == 404


def test_the_photo_of_an_item_downloads_as_it_was_taken(client, app):
    office(app)
    with app.app_context():
        factories.unit("PKT", name="Phòng Kinh tế")
        actor = db.session.scalar(select(User).where(User.username == "vanphong"))
        inspection = factories.inspection_round(actor, date(2026, 11, 1))
        item, bare = db.session.scalars(select(InspectionItem).where(
            InspectionItem.round_id == inspection.id).order_by(InspectionItem.id).limit(2)).all()
        services.mark_item(actor, item, ItemResult.FAIL, "Chưa niêm yết",
                           photo=FileStorage(io.BytesIO(factories.PNG), "niem-yet.png"))
        db.session.commit()
        ids = inspection.id, item.id, bare.id
    login(client, "vanphong")
    response = client.get(f"/inspections/{ids[0]}/items/{ids[1]}/photo")
    assert response.status_code == 200
    assert response.data == factories.PNG
    assert 'filename=niem-yet.png' in response.headers["Content-Disposition"]
    response.close()
    assert client.get(f"/inspections/{ids[0]}/items/{ids[2]}/photo").status_code == 404
