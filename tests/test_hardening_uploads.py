"""The one upload guard: ZIP bombs, shared files, photo types, hostile file names, stale files."""

import io
import os
import time
import tracemalloc
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from tests import factories
from tests.conftest import csrf_token, login
from tracker.db import utcnow
from tracker.evidence import storage
from tracker.evidence.models import Evidence
from tracker.extensions import db
from tracker.inspections import services as inspections
from tracker.inspections.models import InspectionItem, ItemResult
from tracker.org.models import UnitKind, User
from tracker.workflow import services as workflow
from tracker.workflow.models import Occurrence

PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]"
       b"/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
       b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
       b"\x00\x00\x00\x00IEND\xaeB`\x82")
ODT_TYPE = b"application/vnd.oasis.opendocument.text"


def odt(mimetype_padding: int = 0, extra_members: int = 0) -> bytes:
    """An ODT-looking ZIP; a padded ``mimetype`` member is a ZIP bomb (zeros compress ~1000x)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("mimetype", "w", force_zip64=True) as member:
            member.write(ODT_TYPE)
            chunk = b" " * (1024 * 1024)
            for _ in range(mimetype_padding // len(chunk)):
                member.write(chunk)
        archive.writestr("content.xml", "<office:document-content/>")
        for number in range(extra_members):
            archive.writestr(f"Pictures/{number}.xml", "")
    return buffer.getvalue()


@pytest.fixture
def work(app):
    """A unit head with a period to report on (late, so a report without reasons is refused)."""
    with app.app_context():
        factories.unit("VP", kind=UnitKind.OFFICE)
        factories.user(role="office", unit_code="VP", username="vanphong")
        factories.user(role="unit_head", unit_code="PKT", username="truong")
        task = factories.task("PKT", code="4-PKT-01")
        late = Occurrence(task_id=task.id, unit_id=task.owner_unit_id,
                          period_start=date(2026, 1, 2), period_end=date(2026, 1, 2),
                          due_at=utcnow() - timedelta(days=3))
        db.session.add(late)
        db.session.commit()
        return {"late": late.id}


def hand_in(client, occurrence_id, files):
    page = f"/occurrences/{occurrence_id}"
    return client.post(f"{page}/report", data={
        "csrf_token": csrf_token(client, page), "version": 1, "submit": "1",
        "report": "Đã làm", "files": files}, content_type="multipart/form-data")


def test_zip_bomb_is_refused_from_the_directory_without_unpacking(ctx):
    bomb = odt(mimetype_padding=64 * 1024 * 1024)
    assert len(bomb) < 1024 * 1024
    tracemalloc.start()
    try:
        with pytest.raises(storage.EvidenceRejectedError, match="giải nén ra"):
            storage.store(io.BytesIO(bomb), "bien-ban.odt")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 * 1024 * 1024, f"{peak} bytes held while checking a {len(bomb)}-byte upload"
    assert not [p for p in storage.storage_root().rglob("*") if p.is_file()]


def test_a_zip_with_too_many_members_is_refused(ctx):
    crowded = odt(extra_members=storage.ZIP_MAX_MEMBERS + 1)
    with pytest.raises(storage.EvidenceRejectedError, match="không thuộc loại tệp"):
        storage.store(io.BytesIO(crowded), "nhieu-tep.odt")


def test_a_real_opendocument_file_is_still_accepted(ctx):
    stored = storage.store(io.BytesIO(odt()), "bien-ban.odt")
    assert stored.extension == "odt"


def photographed_item():
    office = db.session.scalar(select(User).where(User.username == "vanphong"))
    inspection = inspections.open_round(office, date(2026, 11, 1))
    item = db.session.scalars(select(InspectionItem).where(
        InspectionItem.round_id == inspection.id)).first()
    return office, item


def test_a_refused_upload_keeps_the_office_photo_with_the_same_bytes(client, app, work):
    with app.app_context():
        office, item = photographed_item()
        inspections.mark_item(office, item, ItemResult.PASS, "",
                              FileStorage(io.BytesIO(PNG), filename="hien-truong.png"))
        db.session.commit()
        photo = storage.path_for(item.photo_sha256)
    assert photo.exists()
    login(client, "truong")
    response = hand_in(client, work["late"], [(io.BytesIO(PNG), "anh.png")])
    assert response.status_code == 422  # overdue without an explanation: refused
    with app.app_context():
        assert db.session.scalars(select(Evidence)).all() == []
    assert photo.exists()


def test_photo_type_comes_from_the_content_and_refused_photos_leave_nothing(client, app, work):
    with app.app_context():
        office, item = photographed_item()
        with pytest.raises(inspections.InspectionError, match="JPG hoặc PNG"):
            inspections.mark_item(office, item, ItemResult.PASS, "",
                                  FileStorage(io.BytesIO(PDF), filename="anh.png"))
        assert not [p for p in storage.storage_root().rglob("*") if p.is_file()]
        inspections.mark_item(office, item, ItemResult.PASS, "",
                              FileStorage(io.BytesIO(PNG), filename="trang.html"))
        db.session.commit()
        url = f"/inspections/{item.round_id}/items/{item.id}/photo"
    login(client, "vanphong")
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert ".html" not in response.headers["Content-Disposition"]
    response.close()


def test_control_characters_in_a_file_name_are_dropped_and_the_download_works(client, app, work):
    with app.app_context():
        head = db.session.scalar(select(User).where(User.username == "truong"))
        occurrence = db.session.get(Occurrence, work["late"])
        evidence = workflow.add_file(head, occurrence, FileStorage(
            io.BytesIO(PDF), filename="bao\r\ncao\x00\x0b.pdf"))
        db.session.commit()
        assert evidence.original_name == "baocao.pdf"
        evidence_id = evidence.id
    login(client, "truong")
    download = client.get(f"/evidence/{evidence_id}/download")
    assert download.status_code == 200
    assert download.data == PDF
    download.close()


def test_unconfirmed_pending_uploads_are_removed_after_a_day(tmp_path):
    old, fresh = tmp_path / "old.csv", tmp_path / "fresh.csv"
    old.write_text("x")
    fresh.write_text("y")
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(old, (two_days_ago, two_days_ago))
    assert storage.remove_stale_files(Path(tmp_path)) == 1
    assert not old.exists()
    assert fresh.exists()


def test_pending_uploads_wait_in_the_configured_folder_drafts_for_a_week(app, tmp_path):
    from tracker.intake.services import DRAFT_KEPT, pending_draft

    app.config["PENDING_FOLDER"] = str(tmp_path / "cho")
    three_days_ago = time.time() - 3 * 24 * 3600
    with app.app_context():
        checked = storage.pending_file("readings", storage.keep_pending("readings", b"x", ".csv"),
                                       ".csv")
        draft_digest = storage.keep_pending("drafts", b"{}", ".json", keep=DRAFT_KEPT)
        draft = pending_draft(draft_digest)
        for path in (checked, draft):
            os.utime(path, (three_days_ago, three_days_ago))
        assert checked.parent == tmp_path / "cho" / "pending-readings"
        assert draft.parent == tmp_path / "cho" / "pending-drafts"
        assert storage.pending_file("readings", checked.stem, ".csv") is None  # after a day
        assert pending_draft(draft_digest) == draft  # a clerk may come back within the week
        assert pending_draft("../../etc/passwd") is None
    assert not checked.exists()
