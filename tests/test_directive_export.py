"""A directive written back as a file, loaded again: nothing created, updated or logged."""

from pathlib import Path

import pytest
from sqlalchemy import func, select

from tracker.audit.models import AuditEntry
from tracker.directives.models import Directive, DirectiveStatus, Task
from tracker.extensions import db
from tracker.org.models import Role, User
from tracker.workflow.models import Occurrence

ROOT = Path(__file__).resolve().parents[1]
FILES = [ROOT / "seeds" / "directive_tasks.yaml",
         ROOT / "tests" / "data" / "minimal_directive.yaml",
         ROOT / "tests" / "data" / "second_directive.yaml"]


def audit_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(AuditEntry.id)))


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.name)
def test_export_then_seed_changes_nothing(app, runner, tmp_path, path):
    result = runner.invoke(args=["seed", str(path)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        code = db.session.scalar(select(Directive.code).order_by(Directive.id.desc()))
    out = tmp_path / "d.yaml"
    result = runner.invoke(args=["directive", "export", code, "--out", str(out)])
    assert result.exit_code == 0, result.output
    entries = audit_count(app)
    result = runner.invoke(args=["seed", str(out)])
    assert result.exit_code == 0, result.output
    assert "tạo mới 0, cập nhật 0," in result.output
    assert audit_count(app) == entries


def test_export_to_the_screen_names_every_task(app, runner):
    runner.invoke(args=["seed", str(FILES[1])])
    result = runner.invoke(args=["directive", "export", "12/TB-UBND"])
    assert result.exit_code == 0, result.output
    for code in ("GB-01", "GB-02", "GB-03", "GB-04"):
        assert f"code: {code}" in result.output


def test_export_of_an_unknown_code_is_refused(runner):
    result = runner.invoke(args=["directive", "export", "KHONG-CO"])
    assert result.exit_code != 0


def test_change_to_a_published_directive_needs_a_reason(app, runner, tmp_path):
    runner.invoke(args=["seed", str(FILES[1])])
    changed = tmp_path / "changed.yaml"
    changed.write_text(FILES[1].read_text(encoding="utf-8").replace(
        "due: 2026-06-30", "due: 2026-07-15"), encoding="utf-8")
    entries = audit_count(app)
    result = runner.invoke(args=["seed", str(changed)])
    assert result.exit_code == 1
    assert audit_count(app) == entries
    result = runner.invoke(args=["seed", str(changed), "--reason", "Lùi hạn theo chỉ đạo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        task = db.session.scalar(select(Task).where(Task.code == "GB-03"))
        assert task.due_rule["date"] == "2026-07-15"
        amend = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "directive.amend"))
        assert amend.after["reason"] == "Lùi hạn theo chỉ đạo"


def test_a_draft_file_plans_nothing(app, runner, tmp_path):
    draft = tmp_path / "draft.yaml"
    draft.write_text(FILES[1].read_text(encoding="utf-8").replace(
        "  number: 12/TB-UBND", "  number: 12/TB-UBND\n  status: draft"), encoding="utf-8")
    result = runner.invoke(args=["seed", str(draft)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        directive = db.session.scalar(select(Directive))
        assert directive.status == DirectiveStatus.DRAFT
        assert db.session.scalar(select(func.count(Occurrence.id))) == 0
    result = runner.invoke(args=["seed", str(FILES[1])])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(select(Directive)).status == DirectiveStatus.PUBLISHED
        assert db.session.scalar(select(func.count(Occurrence.id))) > 0
        assert db.session.scalar(select(User).where(User.person_code == "VU-MANH-HUY")).role \
            == Role.LEADER


def test_the_commented_template_loads_as_a_draft(app, runner):
    template = ROOT / "tracker" / "directives" / "template.yaml"
    result = runner.invoke(args=["seed", str(template)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        directive = db.session.scalar(select(Directive))
        assert directive.is_draft
        assert directive.signer_authority == "TM."
        assert directive.indicators[0].aggregate.value == "average"
        assert db.session.scalar(select(func.count(Occurrence.id))) == 0


PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]"
       b"/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def test_signed_document_beside_the_file_is_stored_and_exported(app, runner, tmp_path):
    (tmp_path / "ban-ky.pdf").write_bytes(PDF)
    source = tmp_path / "d.yaml"
    source.write_text(FILES[1].read_text(encoding="utf-8").replace(
        "  issued_on: 2026-05-04", "  issued_on: 2026-05-04\n  document: ban-ky.pdf"),
        encoding="utf-8")
    result = runner.invoke(args=["seed", str(source)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        directive = db.session.scalar(select(Directive))
        assert directive.document_name == "ban-ky.pdf"
        assert len(directive.document_sha256) == 64
    out = tmp_path / "export.yaml"
    runner.invoke(args=["directive", "export", "12/TB-UBND", "--out", str(out)])
    assert "sha256:" in out.read_text(encoding="utf-8")
    entries = audit_count(app)
    result = runner.invoke(args=["seed", str(out)])
    assert result.exit_code == 0, result.output
    assert audit_count(app) == entries


def test_a_document_that_is_not_pdf_or_word_is_refused(app, runner, tmp_path):
    (tmp_path / "ban-ky.pdf").write_bytes(b"just text, not a PDF")
    source = tmp_path / "d.yaml"
    source.write_text(FILES[1].read_text(encoding="utf-8").replace(
        "  issued_on: 2026-05-04", "  issued_on: 2026-05-04\n  document: ban-ky.pdf"),
        encoding="utf-8")
    result = runner.invoke(args=["seed", str(source)])
    assert result.exit_code == 1
    assert "directive.document" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Directive.id))) == 0
