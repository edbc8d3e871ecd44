"""The editor's form, to and from the directive mapping of the seed schema.

The form's field names are the schema's own paths (``directive.signer.name``,
``tasks[2].due.time``), so a problem the schema reports lands beside the field that caused it.
What the form holds is turned into the same mapping a YAML file holds, then checked by
:func:`tracker.directives.seeding.parse_mapping`: one set of rules for both.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from werkzeug.datastructures import MultiDict

from tracker.directives.models import Frequency

ITEM_FIELD = re.compile(r"^(tasks|indicators)\[(\d+)\]\.(.+)$")
HEADER_FIELDS = (
    "code", "type", "number", "title", "summary", "issuer", "place", "issued_on",
    "signer.name", "signer.title", "signer.authority", "period.start", "period.end",
    "document.name", "document.sha256", "assumptions",
)
TASK_FIELDS = (
    "code", "clause", "title", "description", "owner", "assignee", "supervisor", "frequency",
    "due.date", "due.time", "due.weekday", "due.days.0", "due.days.1", "due.day",
    "due.within_working_days", "start", "end", "outcome", "indicator", "source", "doubt",
)
INDICATOR_FIELDS = (
    "code", "name", "comparator", "target", "unit", "owner", "due", "of", "baseline",
    "milestone", "aggregate", "source", "doubt",
)
# Which keys of ``due`` each frequency reads; the others are ignored.
RULE_KEYS: dict[Frequency, tuple[str, ...]] = {
    Frequency.ONCE: ("date",),
    Frequency.DAILY: ("time",),
    Frequency.WEEKLY: ("weekday", "time"),
    Frequency.TWICE_MONTHLY: ("days", "time"),
    Frequency.MONTHLY: ("day", "time"),
    Frequency.QUARTERLY: ("day", "time"),
    Frequency.ON_EVENT: ("within_working_days", "time"),
}

Row = dict[str, Any]


# Form -> rows ---------------------------------------------------------------------------------


def rows_from_form(form: MultiDict) -> tuple[Row, list[Row], list[Row]]:
    """The header, the tasks and the indicators as typed, one flat row each, in form order."""
    header = {name: form.get(f"directive.{name}", "").strip() for name in HEADER_FIELDS}
    header["assumptions"] = [line.strip() for line in header["assumptions"].splitlines()
                             if line.strip()]
    items: dict[str, dict[int, Row]] = {"tasks": {}, "indicators": {}}
    for key in form:
        match = ITEM_FIELD.match(key)
        if match is None:
            continue
        section, index, name = match.group(1), int(match.group(2)), match.group(3)
        row = items[section].setdefault(index, {})
        if name == "cooperating":
            row[name] = [code for code in form.getlist(key) if code]
        else:
            row[name] = form.get(key, "").strip()
    tasks = [row for _index, row in sorted(items["tasks"].items()) if _filled(row, TASK_FIELDS)]
    indicators = [row for _index, row in sorted(items["indicators"].items())
                  if _filled(row, ("code", "name", "target"))]
    return header, tasks, indicators


def _filled(row: Row, keys: tuple[str, ...]) -> bool:
    """A block left blank (added, then not used) is not an item."""
    ignored = {"frequency", "due.time", "aggregate", "comparator"}
    return any(row.get(key) for key in keys if key not in ignored)


def propose_codes(tasks: list[Row]) -> None:
    """Fill each blank task code from its clause and owner, unique within the directive."""
    taken = {row["code"] for row in tasks if row.get("code")}
    for row in tasks:
        if row.get("code"):
            continue
        base = proposed_code(row.get("clause", ""), row.get("owner", ""))
        code, number = base, 1
        while code in taken:
            number += 1
            code = f"{base}-{number}"
        row["code"] = code
        taken.add(code)


def proposed_code(clause: str, owner: str) -> str:
    """"1.2" and "VP" make "1.2-VP": the code people would write by hand."""
    parts = [re.sub(r"[^A-Za-z0-9.]+", "-", _plain(part)).strip("-.") for part in (clause, owner)]
    return "-".join(part.upper() for part in parts if part)[:60].rstrip("-.") or "NV"


def _plain(text: str) -> str:
    """Vietnamese without its marks ("Văn phòng" -> "Van phong"), as codes are written."""
    text = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(char for char in text if not unicodedata.combining(char))


# Rows -> the schema's mapping -----------------------------------------------------------------


def _put(mapping: dict[str, Any], key: str, value: Any) -> None:
    if value not in (None, "", []):
        mapping[key] = value


def mapping_from_rows(header: Row, tasks: list[Row], indicators: list[Row]) -> dict[str, Any]:
    """What a YAML file with these values would hold; blanks are left out, as in a file."""
    info: dict[str, Any] = {}
    for key in ("code", "type", "number", "title", "summary", "issuer", "place", "issued_on"):
        _put(info, key, header.get(key))
    info.setdefault("number", "")
    signer: dict[str, Any] = {}
    for key in ("name", "title", "authority"):
        _put(signer, key, header.get(f"signer.{key}"))
    info["signer"] = signer
    info["period"] = {key: header.get(f"period.{key}") or None for key in ("start", "end")}
    _put(info, "assumptions", header.get("assumptions"))
    if header.get("document.sha256"):
        info["document"] = {"name": header.get("document.name") or "document",
                            "sha256": header["document.sha256"]}
    return {
        "directive": info,
        "units": [],
        "people": [],
        "indicators": [_indicator(row) for row in indicators],
        "tasks": [_task(row) for row in tasks],
    }


def _task(row: Row) -> dict[str, Any]:
    item: dict[str, Any] = {}
    for key in ("code", "clause", "title", "description", "owner", "assignee", "supervisor",
                "frequency", "start", "end", "outcome", "indicator", "source", "doubt"):
        _put(item, key, row.get(key))
    _put(item, "cooperating", row.get("cooperating"))
    due = rule_from_row(row.get("frequency", ""), row)
    if due is not None:
        item["due"] = due
    return item


def rule_from_row(frequency: str, row: Mapping[str, Any]) -> Any:
    """The ``due`` a file would hold for this frequency, from the rule builder's fields."""
    if frequency not in set(Frequency):
        return None
    keys = RULE_KEYS[Frequency(frequency)]
    if keys == ("date",):
        return row.get("due.date") or None
    rule: dict[str, Any] = {}
    for key in keys:
        if key == "days":
            days = [row.get("due.days.0", ""), row.get("due.days.1", "")]
            if any(days):
                rule["days"] = days
        else:
            _put(rule, key, row.get(f"due.{key}"))
    return rule


def _indicator(row: Row) -> dict[str, Any]:
    item: dict[str, Any] = {}
    for key in INDICATOR_FIELDS:
        _put(item, key, row.get(key))
    return item


# The schema's mapping -> rows (to show a stored directive in the editor) ----------------------


def rows_from_mapping(mapping: dict[str, Any]) -> tuple[Row, list[Row], list[Row]]:
    info = mapping["directive"]
    header: Row = {key: info.get(key, "") for key in
                   ("code", "type", "number", "title", "summary", "issuer", "place", "issued_on")}
    for key in ("name", "title", "authority"):
        header[f"signer.{key}"] = info.get("signer", {}).get(key, "")
    for key in ("start", "end"):
        header[f"period.{key}"] = info.get("period", {}).get(key, "")
    document = info.get("document") or {}
    header["document.name"] = document.get("name", "")
    header["document.sha256"] = document.get("sha256", "")
    header["assumptions"] = list(info.get("assumptions", []))
    tasks = []
    for item in mapping["tasks"]:
        row = {key: value for key, value in item.items() if key not in ("due", "cooperating")}
        row["cooperating"] = list(item.get("cooperating", []))
        due = item.get("due")
        if isinstance(due, dict):
            for key, value in due.items():
                if key == "days":
                    row["due.days.0"], row["due.days.1"] = [*value, "", ""][:2]
                else:
                    row[f"due.{key}"] = value
        elif due:
            row["due.date"] = due
        tasks.append(row)
    indicators = [dict(item) for item in mapping["indicators"]]
    return header, tasks, indicators


def empty_task(header: Row) -> Row:
    return {"frequency": Frequency.ONCE.value, "due.time": "17:00", "cooperating": []}
