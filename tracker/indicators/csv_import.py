"""Check a CSV file of readings completely before anything is written.

Columns ``indicator,period,value[,note]`` in any order, a header on row 1. Every bad row is
reported with its number as a spreadsheet shows it (the header is row 1, the first reading
row 2), so the person can find it in Excel or LibreOffice; one bad row refuses the file.

An indicator is named by its code when no other directive uses that code, else as
``DIRECTIVE-CODE/INDICATOR-CODE``. Excel on a Vietnamese Windows saves with ``;`` between
cells and a decimal comma (``85,5``): both are understood.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from tracker.directives.models import Directive
from tracker.extensions import db
from tracker.indicators.models import Indicator
from tracker.indicators.targets import Target, value_problem
from tracker.months import Month

REQUIRED_COLUMNS = ("indicator", "period", "value")
COLUMNS = (*REQUIRED_COLUMNS, "note")
MAX_ROWS = 5000
MAX_NOTE = 2000
PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")


@dataclass(frozen=True)
class RowProblem:
    row: int  # as a spreadsheet numbers it: the header is row 1
    column: str
    message: str

    def __str__(self) -> str:
        where = _("Row %(row)d", row=self.row)
        return f"{where} ({self.column}): {self.message}" if self.column else \
            f"{where}: {self.message}"


@dataclass(frozen=True)
class ParsedRow:
    row: int
    indicator: Indicator
    period: str
    value: float
    note: str


class ReadingsFileError(ValueError):
    def __init__(self, problems: list[RowProblem]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


def parse_number(text: str) -> float:
    """85 · 85,5 · 85.5 · 1.234,5 · 1,234.5 · 85% ; ValueError for anything else."""
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "").removesuffix("%")
    if "," in cleaned and "." in cleaned:
        if cleaned.rfind(",") > cleaned.rfind("."):
            cleaned = cleaned.replace(".", "").replace(",", ".")
        else:
            cleaned = cleaned.replace(",", "")
    elif cleaned.count(",") == 1:
        cleaned = cleaned.replace(",", ".")
    if not PLAIN_NUMBER.fullmatch(cleaned):
        raise ValueError(text)
    return float(cleaned)


class IndicatorCodes:
    """Find indicators by plain code (when unique) or by DIRECTIVE/INDICATOR."""

    def __init__(self, indicators: list[Indicator]):
        self.by_code: dict[str, list[Indicator]] = {}
        self.by_full_code: dict[str, Indicator] = {}
        for indicator in indicators:
            self.by_code.setdefault(indicator.code.casefold(), []).append(indicator)
            full = f"{indicator.directive.code}/{indicator.code}".casefold()
            self.by_full_code[full] = indicator

    @classmethod
    def load(cls) -> IndicatorCodes:
        return cls(list(db.session.scalars(
            select(Indicator).join(Indicator.directive)
            .options(joinedload(Indicator.directive))
            .order_by(Directive.code, Indicator.position)
        )))

    def find(self, code: str) -> tuple[Indicator | None, str | None]:
        """The indicator, or None and why not."""
        key = code.strip().casefold()
        if "/" in key:
            found = self.by_full_code.get(key)
            return (found, None) if found else \
                (None, _("No indicator has the code “%(code)s”.", code=code.strip()))
        matches = self.by_code.get(key, [])
        if len(matches) == 1:
            return matches[0], None
        if not matches:
            return None, _("No indicator has the code “%(code)s”.", code=code.strip())
        example = f"{matches[0].directive.code}/{matches[0].code}"
        return None, _("Several directives have an indicator “%(code)s”: write it with its "
                       "directive, for example %(example)s.", code=code.strip(), example=example)

    def written(self, indicator: Indicator) -> str:
        """How a file should name the indicator: the plain code unless it is ambiguous."""
        if len(self.by_code.get(indicator.code.casefold(), [])) == 1:
            return indicator.code
        return f"{indicator.directive.code}/{indicator.code}"


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ReadingsFileError([RowProblem(1, "", _(
            "The file is not UTF-8 text. In Excel choose Save As, then “CSV UTF-8”."
        ))]) from None


def _delimiter(first_line: str) -> str:
    counts = {mark: first_line.count(mark) for mark in (",", ";", "\t")}
    return max(counts, key=lambda mark: counts[mark]) if any(counts.values()) else ","


def _header(cells: list[str]) -> tuple[dict[str, int], list[RowProblem]]:
    names = [cell.strip().casefold() for cell in cells]
    problems = []
    positions: dict[str, int] = {}
    for index, name in enumerate(names):
        if not name:
            continue  # Excel leaves a trailing separator: an unnamed, empty column
        if name not in COLUMNS:
            problems.append(RowProblem(1, name, _(
                "Unknown column “%(column)s”: the columns are indicator, period, value and, "
                "if you like, note.", column=cells[index].strip())))
        elif name in positions:
            problems.append(RowProblem(1, name, _("The column “%(column)s” appears twice.",
                                                  column=name)))
        else:
            positions[name] = index
    for name in REQUIRED_COLUMNS:
        if name not in positions:
            problems.append(RowProblem(1, name, _("The column “%(column)s” is missing.",
                                                  column=name)))
    return positions, problems


def parse_readings(data: bytes, *, as_of: str, codes: IndicatorCodes | None = None
                   ) -> list[ParsedRow]:
    """Check every row; return them all, or raise ReadingsFileError listing every problem.

    ``as_of`` is the current month: a reading for a month not yet begun is refused.
    """
    text = _decode(data)
    if not text.strip():
        raise ReadingsFileError([RowProblem(1, "", _("The file is empty."))])
    reader = csv.reader(io.StringIO(text, newline=""),
                        delimiter=_delimiter(text.splitlines()[0]))
    try:
        records = list(reader)
    except csv.Error as error:
        raise ReadingsFileError([RowProblem(reader.line_num, "", _(
            "The file is not a readable CSV table (%(detail)s).", detail=str(error)))]) from None
    positions, problems = _header(records[0])
    if problems:
        raise ReadingsFileError(problems)
    body = [(number, cells) for number, cells in enumerate(records[1:], start=2)
            if any(cell.strip() for cell in cells)]
    if not body:
        raise ReadingsFileError([RowProblem(2, "", _("The file has no readings under its "
                                                     "header."))])
    if len(body) > MAX_ROWS:
        raise ReadingsFileError([RowProblem(MAX_ROWS + 2, "", _(
            "Too many rows: at most %(max)d readings per file.", max=MAX_ROWS))])
    codes = codes or IndicatorCodes.load()
    rows: list[ParsedRow] = []
    seen: dict[tuple[int, str], int] = {}
    for number, cells in body:
        row, row_problems = _parse_row(number, cells, positions, len(records[0]), codes, as_of)
        problems.extend(row_problems)
        if row is None:
            continue
        key = (row.indicator.id, row.period)
        if key in seen:
            problems.append(RowProblem(number, "period", _(
                "The same indicator and month are already on row %(row)d.", row=seen[key])))
            continue
        seen[key] = number
        rows.append(row)
    if problems:
        raise ReadingsFileError(problems)
    return rows


def _parse_row(number: int, cells: list[str], positions: dict[str, int], width: int,
               codes: IndicatorCodes, as_of: str) -> tuple[ParsedRow | None, list[RowProblem]]:
    def cell(name: str) -> str:
        index = positions.get(name)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    problems = []
    if any(extra.strip() for extra in cells[width:]):
        problems.append(RowProblem(number, "", _("This row has more cells than the header.")))
    indicator = None
    code = cell("indicator")
    if not code:
        problems.append(RowProblem(number, "indicator", _("Write the indicator code.")))
    else:
        indicator, why = codes.find(code)
        if why:
            problems.append(RowProblem(number, "indicator", why))
    period = None
    try:
        period = Month.parse(cell("period")).stored
    except ValueError:
        problems.append(RowProblem(number, "period", _(
            "Write the month as YYYY-MM, for example 2026-04.")))
    else:
        if period > as_of:
            problems.append(RowProblem(number, "period", _(
                "The month %(month)s has not begun yet.", month=Month.parse(period).label)))
    value = None
    raw_value = cell("value")
    if not raw_value:
        problems.append(RowProblem(number, "value", _("Write the figure.")))
    else:
        try:
            value = parse_number(raw_value)
        except ValueError:
            problems.append(RowProblem(number, "value", _(
                "“%(value)s” is not a number: write for example 85 or 85,5.", value=raw_value)))
        else:
            if indicator is not None:
                why_not = value_problem(Target.of_indicator(indicator), value)
                if why_not is not None:
                    problems.append(RowProblem(number, "value", str(why_not)))
    note = cell("note")
    if len(note) > MAX_NOTE:
        problems.append(RowProblem(number, "note", _(
            "The note is too long (at most %(max)d characters).", max=MAX_NOTE)))
    if problems or indicator is None or period is None or value is None:
        return None, problems
    return ParsedRow(number, indicator, period, value, note), problems
