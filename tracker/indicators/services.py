"""Changes to readings: enter, verify, return, import, and take figures from verified periods.

Every function takes the acting user (None: the system, for a command run on the server),
checks the policy again (views check first, for a clear 403), flushes, and writes the audit
entry. Nothing here commits: the request or the command does.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _
from sqlalchemy import select

from tracker.audit.services import record, snapshot
from tracker.db import utcnow
from tracker.extensions import db
from tracker.indicators import policies
from tracker.indicators.models import Indicator, IndicatorReading, ReadingSource, ReadingState
from tracker.indicators.targets import Target, value_problem
from tracker.months import Month
from tracker.org.models import User
from tracker.workflow.models import Occurrence, OccurrenceState

if TYPE_CHECKING:
    from tracker.indicators.csv_import import ParsedRow

READING_FIELDS = ["indicator_id", "period", "value", "note", "evidence_url", "source",
                  "occurrence_id", "state", "verified_by_id", "verified_at", "return_reason"]


class ReadingError(ValueError):
    """The reading cannot be taken as given; the message tells the person what to do."""


class NotAllowedError(PermissionError):
    """The actor may not do this to this object."""


def _summary(reading: IndicatorReading) -> str:
    return f"{reading.indicator.code} {Month.parse(reading.period).label}"


def _mark_verified(reading: IndicatorReading, actor: User | None) -> None:
    reading.state = ReadingState.VERIFIED
    reading.verified_by_id = actor.id if actor is not None else None
    reading.verified_at = utcnow()


def checked_period(text: str) -> str:
    """The month as stored, refusing a malformed month and one that has not begun."""
    try:
        period = Month.parse(text).stored
    except ValueError:
        raise ReadingError(_("Write the month as YYYY-MM, for example 2026-04.")) from None
    if period > Month.of(utcnow()).stored:
        raise ReadingError(_("The month %(month)s has not begun yet.",
                             month=Month.parse(period).label))
    return period


def enter_reading(actor: User, indicator: Indicator, *, period: str, value: float,
                  note: str = "", evidence_url: str = "") -> IndicatorReading:
    """Record a figure typed in by the owner unit (awaits the Office) or by the Office.

    The Office is the verifier: a figure it enters itself counts at once, with the Office
    named as the one who verified it.
    """
    if not policies.can_enter_reading(actor, indicator):
        raise NotAllowedError
    month = checked_period(period)
    problem = value_problem(Target.of_indicator(indicator), value)
    if problem is not None:
        raise ReadingError(str(problem))
    reading = IndicatorReading(
        indicator=indicator, period=month, value=value, note=note.strip(),
        evidence_url=evidence_url.strip(), source=ReadingSource.MANUAL,
        state=ReadingState.SUBMITTED, entered_by_id=actor.id,
    )
    if policies.can_verify_readings(actor):
        _mark_verified(reading, actor)
    db.session.add(reading)
    db.session.flush()
    record(actor, "indicator.reading_enter", reading, after=snapshot(reading, READING_FIELDS),
           summary=_summary(reading))
    return reading


def verify_reading(actor: User, reading: IndicatorReading) -> IndicatorReading:
    if not policies.can_verify_readings(actor):
        raise NotAllowedError
    if reading.state != ReadingState.SUBMITTED:
        raise ReadingError(_("Only figures awaiting verification can be verified."))
    before = snapshot(reading, ["state", "verified_by_id", "verified_at"])
    _mark_verified(reading, actor)
    db.session.flush()
    record(actor, "indicator.reading_verify", reading, before=before,
           after=snapshot(reading, ["state", "verified_by_id", "verified_at"]),
           summary=_summary(reading))
    return reading


def return_reading(actor: User, reading: IndicatorReading, reason: str) -> IndicatorReading:
    """Refuse a figure with the reason; it never counts, and the unit may enter it again."""
    if not policies.can_verify_readings(actor):
        raise NotAllowedError
    if reading.state != ReadingState.SUBMITTED:
        raise ReadingError(_("Only figures awaiting verification can be returned."))
    if not reason.strip():
        raise ReadingError(_("Say why the figure is returned, so it can be put right."))
    reading.state = ReadingState.RETURNED
    reading.return_reason = reason.strip()
    reading.returned_by_id = actor.id
    reading.returned_at = utcnow()
    db.session.flush()
    record(actor, "indicator.reading_return", reading,
           before={"state": ReadingState.SUBMITTED.value},
           after={"state": reading.state.value, "return_reason": reading.return_reason},
           summary=_summary(reading))
    return reading


def reading_from_occurrence(occurrence: Occurrence, actor: User | None) -> IndicatorReading | None:
    """Carry the figure of a verified period into its task's indicator, as a verified reading.

    Called when the Office verifies the period: checking the period checked its figure. The
    month is that of the period's end (a weekly period across two months counts for the
    second). Nothing is recorded when the task has no indicator, the period has no figure,
    the figure is impossible for the indicator (a rank beyond the number ranked: the period
    page still shows it), or the reading was already taken.
    """
    task = occurrence.task
    if (task.indicator_id is None or occurrence.reported_value is None
            or occurrence.state != OccurrenceState.VERIFIED):
        return None
    indicator = task.indicator
    value = float(occurrence.reported_value)
    if value_problem(Target.of_indicator(indicator), value) is not None:
        return None
    already = db.session.scalar(
        select(IndicatorReading.id).where(IndicatorReading.occurrence_id == occurrence.id)
    )
    if already is not None:
        return None
    reading = IndicatorReading(
        indicator=indicator, period=Month.of(occurrence.period_end).stored, value=value,
        note=occurrence.report[:2000], source=ReadingSource.OCCURRENCE,
        occurrence_id=occurrence.id,
    )
    _mark_verified(reading, actor)
    db.session.add(reading)
    db.session.flush()
    record(actor, "indicator.reading_from_period", reading,
           after=snapshot(reading, READING_FIELDS), summary=_summary(reading))
    return reading


def import_readings(actor: User | None, rows: Sequence[ParsedRow], *, file_name: str,
                    sha256: str) -> list[IndicatorReading]:
    """Write the checked rows of a CSV file as verified readings, with one audit entry.

    Only the Office (or the administrator on the server) imports, and an import is its own
    figures: they count at once. The rows must come from :func:`csv_import.parse_readings`,
    which refuses the whole file if any row is wrong.
    """
    if actor is not None and not policies.can_import_readings(actor):
        raise NotAllowedError
    readings = []
    for row in rows:
        reading = IndicatorReading(
            indicator=row.indicator, period=row.period, value=row.value, note=row.note,
            source=ReadingSource.CSV, entered_by_id=actor.id if actor is not None else None,
        )
        _mark_verified(reading, actor)
        readings.append(reading)
    db.session.add_all(readings)
    db.session.flush()
    written: list[dict[str, Any]] = [
        {"id": r.id, "indicator": r.indicator.code, "directive_id": r.indicator.directive_id,
         "period": r.period, "value": r.value, "row": row.row}
        for r, row in zip(readings, rows, strict=True)
    ]
    record(actor, "indicator.import", None, object_type="IndicatorReading",
           after={"file": file_name, "sha256": sha256, "count": len(readings),
                  "readings": written},
           summary=file_name)
    return readings
