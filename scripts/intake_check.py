"""`make intake-check`: how much of each expected draft the intake reader gets right.

For every document in tests/data/intake/ (DOCX, PDF, .md, .txt) with an expected draft
(<name>.expected.yaml, the seed schema), the reader's draft is compared field by field:
- each expected task is matched to a drafted one by clause and title words; then: found,
  owner, frequency and due rule (4 fields);
- each expected indicator is matched by name words; then: comparator and target (2 fields);
- the header's number, issue date and signer's name (3 fields);
- every drafted task that matches no expected one counts as one field wrong.
Prints the share of fields right per document; exits 1 if one is under --threshold.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tracker.directives.models import Frequency  # noqa: E402
from tracker.directives.schema import RULE_MODELS  # noqa: E402
from tracker.intake import draft_from_path  # noqa: E402
from tracker.intake.text import fold  # noqa: E402

SOURCES = (".docx", ".pdf", ".md", ".txt")
STOP = {"và", "các", "của", "cho", "với", "trong", "được", "theo", "về", "để", "đến", "xã",
        "ubnd", "hằng", "hàng", "ngày", "trước", "năm", "tháng", "có", "là", "một", "những"}


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"\w+", fold(text or "")) if w not in STOP and len(w) > 1}


def _rule(task: dict) -> object:
    frequency = str(task.get("frequency", ""))
    due = task.get("due")
    if frequency == "once":
        return str(due)
    try:
        model = RULE_MODELS[Frequency(frequency)]
        raw = {k: (v if isinstance(v, list) else str(v)) for k, v in (due or {}).items()}
        if "days" in raw:
            raw["days"] = [str(d) for d in raw["days"]]
        return model.model_validate(raw).model_dump()
    except (ValueError, KeyError):
        return None


def _clause(text: object) -> str:
    return re.sub(r"[^0-9a-z.]", "", fold(str(text or ""))).strip(".")


def _match(expected: list[dict], drafted: list[dict], key, threshold: float) -> dict[int, int]:
    pairs = []
    for i, want in enumerate(expected):
        for j, got in enumerate(drafted):
            score = key(want, got)
            if score >= threshold:
                pairs.append((score, i, j))
    pairs.sort(key=lambda p: -p[0])
    matched: dict[int, int] = {}
    used: set[int] = set()
    for _score, i, j in pairs:
        if i not in matched and j not in used:
            matched[i] = j
            used.add(j)
    return matched


def _task_score(want: dict, got: dict) -> float:
    words = _words(want.get("title", ""))
    if not words:
        return 0.0
    share = len(words & _words(f"{got.get('title', '')} {got.get('description', '')}")) / len(words)
    return share + (0.25 if _clause(want.get("clause")) == _clause(got.get("clause")) else 0.0)


def _indicator_score(want: dict, got: dict) -> float:
    words = _words(want.get("name", ""))
    found = _words(f"{got.get('name', '')} {got.get('source', '')}")
    share = len(words & found) / len(words) if words else 0.0
    same = float(want.get("target", -1)) == float(got.get("target", -2))
    return share + (0.5 if same else 0.0)


def compare(expected: dict, drafted: dict) -> dict:
    rows = {"tasks": [0, 0], "indicators": [0, 0], "header": [0, 0]}
    want_tasks, got_tasks = expected.get("tasks") or [], drafted.get("tasks") or []
    matched = _match(want_tasks, got_tasks, _task_score, 0.55)
    misses = []
    for i, want in enumerate(want_tasks):
        rows["tasks"][1] += 4
        if i not in matched:
            misses.append(f"  missing task {want.get('code')}: {want.get('title', '')[:70]}")
            continue
        got = got_tasks[matched[i]]
        right = [True, got.get("owner") == want.get("owner"),
                 got.get("frequency") == want.get("frequency"), _rule(got) == _rule(want)]
        rows["tasks"][0] += sum(right)
        if not all(right):
            misses.append(f"  task {want.get('code')} ~ {got.get('code')}: owner "
                          f"{got.get('owner')}/{want.get('owner')} freq {got.get('frequency')}/"
                          f"{want.get('frequency')} due {got.get('due')}/{want.get('due')}")
    extra = [got for j, got in enumerate(got_tasks) if j not in set(matched.values())]
    for got in extra:
        misses.append(f"  extra task {got.get('code')}: {got.get('title', '')[:70]}")
    rows["tasks"][1] += len(extra)
    want_ind, got_ind = expected.get("indicators") or [], drafted.get("indicators") or []
    matched = _match(want_ind, got_ind, _indicator_score, 0.5)
    for i, want in enumerate(want_ind):
        rows["indicators"][1] += 2
        if i not in matched:
            misses.append(f"  missing indicator {want.get('code')}: {want.get('name', '')[:60]}")
            continue
        got = got_ind[matched[i]]
        right = [str(got.get("comparator")) == str(want.get("comparator")),
                 float(got.get("target", -1)) == float(want.get("target", -2))]
        rows["indicators"][0] += sum(right)
        if not all(right):
            misses.append(f"  indicator {want.get('code')} ~ {got.get('code')}: "
                          f"{got.get('comparator')} {got.get('target')} / "
                          f"{want.get('comparator')} {want.get('target')}")
    head_want, head_got = expected.get("directive", {}), drafted.get("directive", {})
    for key in ("number", "issued_on"):
        rows["header"][1] += 1
        ok = str(head_got.get(key, "")).strip() == str(head_want.get(key, "")).strip()
        rows["header"][0] += ok
        if not ok:
            misses.append(f"  header {key}: {head_got.get(key)!r} / {head_want.get(key)!r}")
    rows["header"][1] += 1
    signers = [(head.get("signer") or {}).get("name") for head in (head_got, head_want)]
    name_ok = signers[0] == signers[1]
    rows["header"][0] += name_ok
    if not name_ok:
        misses.append(f"  signer: {head_got.get('signer')} / {head_want.get('signer')}")
    right = sum(r[0] for r in rows.values())
    total = sum(r[1] for r in rows.values())
    return {"rows": rows, "right": right, "total": total, "share": right / total if total else 0,
            "misses": misses}


def documents(folder: Path) -> list[tuple[Path, Path]]:
    found = []
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() in SOURCES:
            expected = path.with_name(path.stem + ".expected.yaml")
            if expected.is_file():
                found.append((path, expected))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default=str(ROOT / "tests/data/intake"))
    parser.add_argument("--threshold", type=float, default=0.0)
    parser.add_argument("-v", "--verbose", action="store_true", help="list every field wrong")
    args = parser.parse_args(argv)
    worst = 1.0
    for source, expected_path in documents(Path(args.folder)):
        expected = yaml.safe_load(expected_path.read_text(encoding="utf-8"))
        started = time.perf_counter()
        draft = draft_from_path(source)
        elapsed = time.perf_counter() - started
        drafted = yaml.safe_load(draft.to_yaml())
        result = compare(expected, drafted)
        worst = min(worst, result["share"])
        parts = ", ".join(f"{name} {r[0]}/{r[1]}" for name, r in result["rows"].items())
        print(f"{source.name}: {result['share']:.1%} ({result['right']}/{result['total']}: "
              f"{parts}; {elapsed * 1000:.0f} ms)")
        if args.verbose:
            print("\n".join(result["misses"]))
    return 0 if worst >= args.threshold else 1


if __name__ == "__main__":
    sys.exit(main())
