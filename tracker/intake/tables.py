"""Task tables (Phụ lục: STT | Nội dung nhiệm vụ | Chủ trì | Phối hợp | Thời gian hoàn thành)."""

from __future__ import annotations

from tracker.intake.clauses import Context, Paragraph
from tracker.intake.extract import Block
from tracker.intake.proposals import Proposal, Proposer
from tracker.intake.rules import timing
from tracker.intake.targets import find_targets
from tracker.intake.text import fold

COLUMNS = {
    "number": ("stt", "tt", "số tt"),
    "content": ("nội dung", "nhiệm vụ", "tên nhiệm vụ", "công việc"),
    "owner": ("chủ trì", "đơn vị chủ trì", "cơ quan chủ trì", "đơn vị thực hiện", "thực hiện"),
    "cooperating": ("phối hợp", "đơn vị phối hợp", "cơ quan phối hợp"),
    "time": ("thời gian", "thời hạn", "tiến độ", "thời gian hoàn thành"),
    "outcome": ("sản phẩm", "kết quả", "yêu cầu"),
}


def _columns(cells: tuple[str, ...]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        text = fold(cell)
        for key, words in COLUMNS.items():
            if key not in found and any(text.startswith(word) for word in words):
                found[key] = index
                break
    return found


def table_proposals(rows: list[Block], proposer: Proposer) -> list[Proposal]:
    proposals: list[Proposal] = []
    columns: dict[str, int] = {}
    table = None
    for row in rows:
        if row.table != table:
            table, columns = row.table, _columns(row.cells)
            continue
        if "content" not in columns:
            continue

        def cell(key: str, cells=row.cells, columns=columns) -> str:
            index = columns.get(key)
            return cells[index].strip() if index is not None and index < len(cells) else ""

        content = cell("content")
        if len(content.split()) < 3:
            continue
        clause = cell("number").strip(". ") or str(len(proposals) + 1)
        owner_units = proposer.matcher.find(cell("owner"))
        owner = owner_units[0][2] if owner_units else proposer.matcher.new_unit(cell("owner"))
        cooperating = [unit for _s, _e, unit in proposer.matcher.find(cell("cooperating"))
                       if unit != owner]
        wording = f"{content} {cell('time')}"
        targets = find_targets(content, proposer.issued)
        found = timing(wording, proposer.vocabulary, proposer.issued, proposer.default_once,
                       bool(targets), set())
        doubts = [] if owner else ["owner"]
        paragraph = Paragraph(clause, content, Context(), True)
        del paragraph
        proposals.append(Proposal(clause, content, " | ".join(row.cells), owner, None,
                                  cooperating, found, targets, doubts))
    return proposals
