"""`make intake-check` as a test: the reader keeps its share of fields right on the check set."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
import yaml

from tracker.intake import draft_from_path

ROOT = Path(__file__).resolve().parent.parent
SPEC = importlib.util.spec_from_file_location("intake_check", ROOT / "scripts/intake_check.py")
intake_check = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(intake_check)
DOCUMENTS = intake_check.documents(ROOT / "tests/data/intake")


def score(source: Path, expected: Path) -> dict:
    drafted = yaml.safe_load(draft_from_path(source).to_yaml())
    return intake_check.compare(yaml.safe_load(expected.read_text(encoding="utf-8")), drafted)


def test_the_check_set_holds_the_shipped_notice_as_text_and_docx_and_two_other_genres():
    names = {source.name for source, _expected in DOCUMENTS}
    assert {"thong-bao-ket-luan-cai-cach-tthc-2026.md",
            "thong-bao-ket-luan-cai-cach-tthc-2026.docx"} <= names
    assert any(name.startswith("ke-hoach") for name in names)
    assert any(name.startswith("thong-bao-giao-ban") for name in names)
    shipped = ROOT / "tests/data/intake/thong-bao-ket-luan-cai-cach-tthc-2026.expected.yaml"
    assert shipped.read_text(encoding="utf-8") == (ROOT / "seeds/directive_tasks.yaml").read_text(
        encoding="utf-8")


@pytest.mark.parametrize(("source", "expected"), DOCUMENTS, ids=lambda p: p.name)
def test_at_least_ninety_percent_of_fields_right(source, expected):
    result = score(source, expected)
    assert result["share"] >= 0.9, "\n".join(result["misses"])


def test_a_drafted_task_that_matches_nothing_counts_against():
    expected = {"directive": {"number": "1/TB", "issued_on": "2027-01-02", "signer": {"name": "A"}},
                "tasks": [{"code": "T", "clause": "1", "title": "Rà soát hồ sơ đất đai",
                           "owner": "PKT", "frequency": "once", "due": "2027-03-31"}]}
    drafted = {"directive": dict(expected["directive"]),
               "tasks": [dict(expected["tasks"][0]),
                         {"code": "X", "clause": "2", "title": "Tuyên truyền pháp luật",
                          "owner": "VP", "frequency": "monthly", "due": {"day": "last"}}]}
    result = intake_check.compare(expected, drafted)
    assert (result["right"], result["total"]) == (7, 8)
