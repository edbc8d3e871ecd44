"""Targets in a duty's wording, as indicators: comparator, target, unit, baseline, rank."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from tracker.intake.rules import ROMAN, find_dates
from tracker.intake.text import fold

NUM = r"(\d+(?:[.,]\d+)?)"
UNIT = (r"\s*(%|[a-zà-ỹđ]+/[a-zà-ỹđ]+|giờ|ngày làm việc|ngày|lần|hồ sơ|hộ|người|cuộc|buổi|"
        r"tin,? bài|bài|tin|trường hợp|điểm)?(?!\w)")
PATTERNS = [
    ("rank", re.compile(r"(?:trong|vào|thuộc|đứng trong)\s+(?:nhóm|top)\s+(\d+)\s*/\s*(\d+)")),
    ("rank", re.compile(r"(?:trong|vào|thuộc)\s+top\s+(\d+)()")),
    ("increase", re.compile(rf"tăng\s+(?:tối thiểu|ít nhất|từ|trên)?\s*{NUM}\s*(%)")),
    ("decrease", re.compile(rf"giảm\s+(?:tối thiểu|ít nhất|từ|trên)?\s*{NUM}\s*(%)")),
    (">=", re.compile(rf"(?:≥|>=)\s*{NUM}{UNIT}")),
    ("<=", re.compile(rf"(?:≤|<=)\s*{NUM}{UNIT}")),
    (">=", re.compile(rf"từ\s+{NUM}{UNIT}\s*trở lên")),
    (">=", re.compile(rf"(?:tối thiểu|ít nhất|không dưới|không thấp hơn|đạt trên|trên|đạt)"
                      rf"\s+(?:là\s+|mức\s+)?{NUM}{UNIT}")),
    ("<=", re.compile(rf"(?:không quá|tối đa|không vượt quá|dưới|không cao hơn|thấp hơn)"
                      rf"\s+(?:là\s+|mức\s+)?{NUM}{UNIT}")),
    (">=", re.compile(rf"(?<![\w/.,]){NUM}\s*(%)")),
]
ZERO = re.compile(r"không để\s+(?:phát sinh|xảy ra|tồn đọng|có|tái diễn)\s+([^,;.]+)")
BASELINE = re.compile(
    r"so với\s+(?:(cùng kỳ)(?:\s+năm\s+(\d{4}))?|quý\s+(iv|iii|ii|i|[1-4])(?:\s+năm\s+(\d{4}))?"
    r"|tháng\s+(\d{1,2})(?:\s*(?:/|năm)\s*(\d{4}))?|năm\s+(\d{4}))"
)
STRICT = ("trên", "dưới", "thấp hơn", "đạt trên")


@dataclass
class Target:
    comparator: str
    target: float
    unit: str
    name: str
    start: int
    of: int | None = None
    baseline: str | None = None
    due: date | None = None
    milestone: date | None = None
    doubts: list[str] = field(default_factory=list)


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def _segment(text: str, start: int, end: int) -> str:
    left = max(text.rfind(mark, 0, start) for mark in (",", ";", ".", ":"))
    rights = [i for i in (text.find(mark, end) for mark in (",", ";", ".")) if i != -1]
    right = min(rights) if rights else len(text)
    return text[left + 1:right].strip()


def _name(segment: str, matched: str) -> str:
    name = segment.replace(matched, " ").strip(" ;,.")
    name = re.sub(r"^(phấn đấu|bảo đảm|đảm bảo|nâng|duy trì|đạt)\s+", "", name).strip()
    name = re.sub(r"\s+", " ", name)
    return (name[:1].upper() + name[1:]) if name else ""


def _baseline(folded: str, issued: date) -> tuple[str, bool]:
    found = BASELINE.search(folded)
    if found:
        same, same_year, quarter, q_year, month, m_year, year = found.groups()
        if same:
            return same_year or str(issued.year - 1), False
        if quarter:
            return f"{q_year or issued.year}-Q{ROMAN[quarter]}", False
        if month:
            return f"{m_year or issued.year}-{int(month):02d}", False
        return year, False
    quarter = (issued.month - 1) // 3
    if quarter == 0:
        return f"{issued.year - 1}-Q4", True
    return f"{issued.year}-Q{quarter}", True


def find_targets(text: str, issued: date) -> list[Target]:
    """Every target in the text, in order; overlapping phrases count once."""
    folded = fold(text)
    taken: list[tuple[int, int]] = []
    targets: list[Target] = []
    for kind, pattern in PATTERNS:
        for match in pattern.finditer(folded):
            span = match.span()
            if any(a < span[1] and span[0] < b for a, b in taken):
                continue
            if _is_date_or_name(folded, span):
                continue
            taken.append(span)
            targets.append(_target(kind, match, folded, text, issued))
    for match in ZERO.finditer(folded):
        if any(a <= match.start() < b for a, b in taken):
            continue
        what = match.group(1).strip()
        unit = "hồ sơ" if "hồ sơ" in what else ("trường hợp" if "trường hợp" in what else "")
        name = "Số " + what
        targets.append(Target("=", 0.0, unit, name, match.start()))
    targets.sort(key=lambda target: target.start)
    _attach_dates(targets, text, issued)
    return [target for target in targets if _sound(target)]


def _is_date_or_name(folded: str, span: tuple[int, int]) -> bool:
    after = folded[span[1]:span[1] + 3]
    return bool(re.match(r"\s*/\s*\d", after) or re.match(r"[/.-]\d", after))


def _target(kind: str, match: re.Match, folded: str, text: str, issued: date) -> Target:
    name = _name(_segment(folded, match.start(), match.end()), match.group(0))
    if kind == "rank":
        of = int(match.group(2)) if match.group(2) else None
        return Target("rank_at_most", float(match.group(1)), "hạng", name, match.start(), of=of)
    value = _number(match.group(1))
    unit = (match.group(2) or "").strip() if match.lastindex and match.lastindex >= 2 else ""
    if kind == "increase":
        baseline, guessed = _baseline(folded[match.start():], issued)
        target = Target("increase_at_least", value, "%", name, match.start(), baseline=baseline)
        if guessed:
            target.doubts.append("baseline")
        return target
    if kind == "decrease":
        return Target(">=", value, "%", "Mức giảm: " + name if name else "Mức giảm",
                      match.start())
    target = Target(kind, value, unit, name, match.start())
    if any(folded[match.start():].startswith(word) for word in STRICT):
        target.doubts.append("strict")
    return target


def _attach_dates(targets: list[Target], text: str, issued: date) -> None:
    """A date right after a target ("đạt 100% trước ngày 31/01/2027") is the target's due."""
    folded = fold(text)
    for position, value in find_dates(text, issued):
        before = [t for t in targets if t.start < position]
        after = [t for t in targets if t.start > position]
        if before and not re.search(r"[;.]", folded[before[-1].start:position]) and len(
            folded[before[-1].start:position]) <= 80:
            target = before[-1]
        elif after and not re.search(r"[;.,]", folded[position:after[0].start]) and len(
            folded[position:after[0].start]) <= 40:
            target = after[0]  # "phấn đấu tỷ lệ giải ngân đến ngày 30/6/2027 đạt tối thiểu 50%"
        else:
            continue
        if "duy trì" in folded[position:position + 60]:
            target.milestone = value
        else:
            target.due = value


def _sound(target: Target) -> bool:
    if target.comparator == "rank_at_most":
        return target.target >= 1
    if target.unit == "%" and target.comparator != "increase_at_least":
        return 0 <= target.target <= 100
    return True
