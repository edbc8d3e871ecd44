"""The Office reads a signed document into a draft: proposals beside sentences, then confirm."""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path

from sqlalchemy import select

from tests import factories
from tests.conftest import csrf_token, login
from tracker.directives.models import Directive, Task
from tracker.evidence import storage
from tracker.extensions import db
from tracker.org.models import UnitKind

DATA = Path(__file__).parent / "data" / "intake"
UNITS = [("LD", "Lãnh đạo UBND xã", UnitKind.LEADERSHIP), ("VP", "Văn phòng HĐND và UBND",
         UnitKind.OFFICE), ("PKT", "Phòng Kinh tế", UnitKind.DEPARTMENT),
         ("PVHXH", "Phòng Văn hóa – Xã hội", UnitKind.DEPARTMENT),
         ("TTPVHCC", "Trung tâm Phục vụ hành chính công", UnitKind.CENTER),
         ("TTDVSNC", "Trung tâm Dịch vụ sự nghiệp công", UnitKind.CENTER)]


def commune(app) -> None:
    with app.app_context():
        for code, name, kind in UNITS:
            factories.unit(code, kind=kind, name=name)
        factories.user(role="office", unit_code="VP", username="office")
        db.session.commit()


def upload(client, path: Path):
    token = csrf_token(client, "/directives/from-document")
    return client.post("/directives/from-document", data={
        "csrf_token": token, "file": (io.BytesIO(path.read_bytes()), path.name), "text": ""},
        content_type="multipart/form-data")


def test_office_uploads_a_docx_corrects_an_owner_and_creates_the_directive(app, client):
    commune(app)
    login(client, "office")
    response = upload(client, DATA / "thong-bao-ket-luan-cai-cach-tthc-2026.docx")
    assert response.status_code == 302
    preview_url = response.headers["Location"]
    page = client.get(preview_url).get_data(as_text=True)
    assert "Thiết lập hệ thống cảnh báo sớm hồ sơ trễ hạn tối thiểu 24 giờ." in page
    assert 'class="source"' in page
    proposals = re.findall(r'<select[^>]*name="owner-(\d+)"', page)
    assert len(proposals) > 25
    digest = preview_url.rsplit("/", 1)[-1]
    # The last proposal ("không để tái diễn…") goes to the Phòng Kinh tế instead.
    last = proposals[-1]
    response = client.post("/directives/from-document/confirm", data={
        "csrf_token": csrf_token(client, preview_url), "digest": digest, f"owner-{last}": "PKT"})
    assert response.status_code == 302
    with app.app_context():
        directive = db.session.scalar(select(Directive))
        tasks = db.session.scalars(select(Task).where(Task.directive_id == directive.id)
                                   .order_by(Task.position)).all()
        assert len(tasks) == len(proposals)
        assert tasks[-1].owner_unit.code == "PKT"
        assert any(task.owner_unit.code == "TTPVHCC" for task in tasks)
        # The uploaded file is the draft's signed document (shown and downloaded by the editor).
        source = DATA / "thong-bao-ket-luan-cai-cach-tthc-2026.docx"
        assert directive.document_name == source.name
        assert directive.document_sha256 == hashlib.sha256(source.read_bytes()).hexdigest()
        assert storage.path_for(directive.document_sha256).read_bytes() == source.read_bytes()
        assert "SHA-256" not in " ".join(directive.assumptions or [])


def test_pasted_text_and_a_scanned_pdf(app, client):
    commune(app)
    login(client, "office")
    text = (DATA / "thong-bao-giao-ban-thang-11-2026.txt").read_text(encoding="utf-8")
    token = csrf_token(client, "/directives/from-document")
    response = client.post("/directives/from-document",
                           data={"csrf_token": token, "text": text})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "142/TB-VP" in page
    response = client.post("/directives/from-document", data={
        "csrf_token": token, "file": (io.BytesIO(b"not a document"), "scan.pdf"), "text": ""},
        content_type="multipart/form-data")
    assert response.status_code == 422


def test_a_named_supervising_leader_is_kept_when_known_and_noted_when_not(app, client):
    commune(app)
    with app.app_context():
        factories.user(role="leader", unit_code="LD", username="dinh", full_name="Lê Văn Định",
                       person_code="LE-VAN-DINH")
        db.session.commit()
    login(client, "office")
    text = (Path(__file__).parent / "data" / "intake-heldout"
            / "thong-bao-ket-luan-hop-chu-tich-thang-4-2027.txt").read_text(encoding="utf-8")
    text += "\n"  # the same notice, with an unknown leader directing clause 2.3 as well
    text = text.replace("hoàn thành trong tháng 5/2027.",
                        "hoàn thành trong tháng 5/2027. Giao đồng chí Trần Văn Nam, Phó Chủ tịch "
                        "UBND xã trực tiếp chỉ đạo.")
    token = csrf_token(client, "/directives/from-document")
    response = client.post("/directives/from-document", data={"csrf_token": token, "text": text})
    assert response.status_code == 302
    preview_url = response.headers["Location"]
    response = client.post("/directives/from-document/confirm", data={
        "csrf_token": csrf_token(client, preview_url), "digest": preview_url.rsplit("/", 1)[-1]})
    assert response.status_code == 302
    with app.app_context():
        tasks = {task.clause: task for task in db.session.scalars(select(Task))}
        assert tasks["2.1"].supervisor.person_code == "LE-VAN-DINH"
        assert tasks["2.3"].supervisor is None
        assert "Người chỉ đạo: Trần Văn Nam" in tasks["2.3"].description
