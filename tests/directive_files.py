"""Helpers for the directive-file tests: the test files, edits of them, what a load changed."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from tracker.audit.models import AuditEntry
from tracker.directives.models import Directive, Task, task_cooperating_units
from tracker.directives.seeding import DirectiveFileError, Problem, parse_directive
from tracker.extensions import db
from tracker.indicators.models import Indicator
from tracker.org.models import Unit, User

DATA = Path(__file__).parent / "data"
SHIPPED = Path(__file__).resolve().parent.parent / "seeds" / "directive_tasks.yaml"
MINIMAL = (DATA / "minimal_directive.yaml").read_text(encoding="utf-8")
SECOND = DATA / "second_directive.yaml"


def line_of(text: str, marker: str) -> int:
    """The 1-based number of the first line containing ``marker``."""
    for number, line in enumerate(text.splitlines(), start=1):
        if marker in line:
            return number
    raise AssertionError(f"{marker!r} is not in the text")


def edited(old: str, new: str, text: str = MINIMAL) -> str:
    assert text.count(old) == 1, f"{old!r} must occur exactly once"
    return text.replace(old, new)


def problems_in(text: str) -> list[Problem]:
    with pytest.raises(DirectiveFileError, match=r"^test\.yaml") as refused:  # names the file
        parse_directive(text, "test.yaml")
    return refused.value.problems


def row_counts() -> dict[str, int]:
    tables = [Unit, User, Directive, Indicator, Task, AuditEntry]
    counts = {t.__name__: db.session.scalar(select(func.count()).select_from(t)) for t in tables}
    counts["cooperating"] = db.session.scalar(
        select(func.count()).select_from(task_cooperating_units)
    )
    return counts


def tasks_by_code(directive_code: str) -> dict[str, Task]:
    rows = db.session.scalars(
        select(Task).join(Task.directive).where(Directive.code == directive_code)
    )
    return {task.code: task for task in rows}
