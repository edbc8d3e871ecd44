"""`flask directive draft FILE`: a draft in the seed schema; nothing written to the database."""

from __future__ import annotations

from pathlib import Path

import yaml
from sqlalchemy import func, select

from tests import factories
from tracker.audit.models import AuditEntry
from tracker.directives.models import Directive, Task
from tracker.extensions import db
from tracker.org.models import Unit, UnitKind

DATA = Path(__file__).parent / "data" / "intake"


def counts() -> tuple[int, ...]:
    return tuple(db.session.scalar(select(func.count()).select_from(model))
                 for model in (Directive, Task, Unit, AuditEntry))


def test_draft_refers_to_known_units_and_writes_nothing(app, runner, tmp_path):
    with app.app_context():
        factories.unit("PKT", name="Phòng Kinh tế")
        factories.unit("VP", kind=UnitKind.OFFICE, name="Văn phòng HĐND và UBND")
        db.session.commit()
        before = counts()
    out = tmp_path / "d.yaml"
    source = DATA / "ke-hoach-chuyen-doi-so-2027.docx"
    result = runner.invoke(args=["directive", "draft", str(source), "--out", str(out)])
    assert result.exit_code == 0, result.output
    draft = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert draft["directive"]["status"] == "draft"
    assert draft["directive"]["number"] == "25/KH-UBND"
    declared = {unit["code"] for unit in draft["units"]}
    assert "PKT" not in declared  # known: referred to, not redeclared
    assert "VP" not in declared
    assert {"TTPVHCC", "CAX"} <= declared
    assert any(task["owner"] == "PKT" for task in draft["tasks"])
    assert all(task["source"] for task in draft["tasks"])
    with app.app_context():
        assert counts() == before


def test_draft_to_standard_output_and_a_clear_refusal(runner, tmp_path):
    result = runner.invoke(args=["directive", "draft",
                                 str(DATA / "thong-bao-giao-ban-thang-11-2026.txt")])
    assert result.exit_code == 0
    assert "142/TB-VP" in result.output
    image = tmp_path / "anh.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n")
    result = runner.invoke(args=["directive", "draft", str(image)])
    assert result.exit_code == 1
    assert "anh.png" in result.output
