"""Benchmark the busiest pages on a large database; prints figures, asserts nothing.

    .venv/bin/python scripts/bench.py [--units 200] [--tasks 5000] [--occurrences 1000000]

Builds an SQLite file under a temporary directory (or reuses --db), streaming rows in batches so
memory stays flat, then renders the dashboard and the task list as an administrator and prints
the median and 95th percentile render times and each page's SQL query count.
"""

from __future__ import annotations

import argparse
import io
import random
import resource
import statistics
import tempfile
import time
import tracemalloc
from datetime import date, datetime, timedelta
from pathlib import Path

from dateutil.relativedelta import relativedelta
from flask import current_app
from pypdf import PdfReader
from sqlalchemy import event, insert, text

from tracker import create_app
from tracker.db import LOCAL_TZ, utcnow
from tracker.directives.models import Directive, Frequency, Task
from tracker.extensions import db
from tracker.org.models import Role, Unit, UnitKind, User
from tracker.workflow.models import Occurrence, OccurrenceState

BATCH = 20_000
PASSWORD = "bench-password-2026"  # noqa: S105 (a throwaway benchmark database)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def generate(units: int, tasks: int, occurrences: int) -> None:
    """Insert units, users, tasks and occurrences with Core inserts in batches."""
    rng = random.Random(2026)  # noqa: S311 (synthetic data, not secrets)
    now = utcnow()
    db.session.execute(insert(Unit), [
        {"code": f"U{i:03d}", "name": f"Đơn vị số {i}", "kind": UnitKind.DEPARTMENT,
         "is_ranked": True, "is_active": True, "created_at": now} for i in range(units)
    ])
    admin = User(username="admin", full_name="Quản trị", role=Role.ADMIN)
    admin.set_password(PASSWORD)
    db.session.add(admin)
    db.session.flush()
    directive = Directive(code="BENCH", title="Văn bản thử tải", issuer="UBND xã",
                          starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31))
    db.session.add(directive)
    db.session.flush()
    unit_ids = list(db.session.scalars(db.select(Unit.id).order_by(Unit.id)))
    db.session.execute(insert(Task), [
        {"directive_id": directive.id, "code": f"T{i:05d}", "clause": str(i % 7),
         "title": f"Nhiệm vụ thử tải số {i}", "description": "", "owner_unit_id":
         unit_ids[i % units], "frequency": Frequency.DAILY, "due_rule": {"time": "17:00"},
         "starts_on": date(2026, 1, 1), "ends_on": date(2026, 12, 31), "outcome": "",
         "position": i, "is_active": True, "created_at": now, "updated_at": now}
        for i in range(tasks)
    ])
    task_rows = db.session.execute(db.select(Task.id, Task.owner_unit_id)).all()
    per_task = occurrences // tasks
    start = now.astimezone(LOCAL_TZ).date() - timedelta(days=int(per_task * 0.8))
    states = [OccurrenceState.VERIFIED] * 6 + [OccurrenceState.SUBMITTED,
                                               OccurrenceState.RETURNED, OccurrenceState.OPEN,
                                               OccurrenceState.IN_PROGRESS]
    batch: list[dict] = []
    written = 0
    for task_id, unit_id in task_rows:
        for k in range(per_task):
            day = start + timedelta(days=k)
            due = datetime(day.year, day.month, day.day, 17, tzinfo=LOCAL_TZ)
            future = due > now
            state = OccurrenceState.OPEN if future else rng.choice(states)
            submitted = None
            if state in (OccurrenceState.VERIFIED, OccurrenceState.SUBMITTED,
                         OccurrenceState.RETURNED):
                submitted = due + timedelta(hours=rng.choice([-30, -5, -1, 2, 20]))
            batch.append({"task_id": task_id, "unit_id": unit_id, "period_start": day,
                          "period_end": day, "sequence": 0, "due_at": due, "state": state,
                          "submitted_at": submitted, "report": "", "return_reason": "",
                          "note": "", "version": 1, "created_at": now, "updated_at": now})
            if len(batch) >= BATCH:
                db.session.execute(insert(Occurrence), batch)
                written += len(batch)
                batch.clear()
    if batch:
        db.session.execute(insert(Occurrence), batch)
        written += len(batch)
    db.session.commit()
    print(f"generated: {units} units, {tasks} tasks, {written:,} occurrences")


def measure(app, url: str, runs: int) -> tuple[float, float, int]:
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    client.post("/login", data={"csrf_token": token, "username": "admin", "password": PASSWORD})
    statements: list[str] = []
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute",
                 lambda *args: statements.append(args[2]))
    assert client.get(url).status_code == 200
    timings = []
    for _ in range(runs):
        statements.clear()
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, url
    p95 = statistics.quantiles(timings, n=20)[-1]
    return statistics.median(timings), p95, len(statements)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--tasks", type=int, default=5000)
    parser.add_argument("--occurrences", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--db", type=Path, help="reuse (or create) this SQLite file")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="tracker-bench-"))
    path = args.db or workdir / "bench.sqlite3"
    fresh = not path.exists()
    app = create_app({"TESTING": True, "SECRET_KEY": "bench-" + "x" * 40,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    with app.app_context():
        if fresh:
            db.create_all()
            started = time.perf_counter()
            generate(args.units, args.tasks, args.occurrences)
            print(f"generation: {time.perf_counter() - started:.1f} s, "
                  f"peak memory {peak_mb():.0f} MB")
    print(f"database: {path} ({path.stat().st_size / 1e6:.0f} MB)")
    print(f"{'page':<28}{'median ms':>10}{'p95 ms':>10}{'queries':>9}")
    for label, url in [("dashboard (/)", "/"), ("task list (/tasks)", "/tasks"),
                       ("task list, overdue filter", "/tasks?status=overdue"),
                       ("task list, page 50", "/tasks?page=50")]:
        median, p95, queries = measure(app, url, args.runs)
        print(f"{label:<28}{median:>10.1f}{p95:>10.1f}{queries:>9}")
    with app.app_context():
        bench_evaluation(args.runs)
    print(f"peak memory: {peak_mb():.0f} MB")


def timed(function, runs: int) -> tuple[float, object]:
    timings, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), result


def bench_evaluation(runs: int) -> None:
    """The monthly ranking from SQL aggregates, against one plain GROUP BY over the same rows."""
    from tracker.evaluation import scoring, services
    from tracker.evaluation.documents import report_pdf
    from tracker.months import Month

    month = utcnow().astimezone(LOCAL_TZ).date().replace(day=1) - relativedelta(months=1)
    start, end = Month.of(month).bounds()
    rules = services.rules()
    units = {unit.id: unit.name for unit in services.ranked_units()}

    def ranking():
        months = services.gather(month)
        return scoring.rank([(uid, name, months.get(uid, scoring.UnitMonth()))
                             for uid, name in units.items()], rules)

    plain = text("SELECT unit_id, count(*) FROM occurrences WHERE due_at >= :start "
                 "AND due_at < :end GROUP BY unit_id")
    tracemalloc.start()
    ranking_ms, ranked = timed(ranking, max(3, runs // 6))
    _size, ranking_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    plain_ms, _rows = timed(lambda: db.session.execute(plain, {"start": start, "end": end})
                            .all(), max(3, runs // 6))
    print(f"ranking of {len(ranked)} units for {month:%m/%Y}: {ranking_ms:.0f} ms "
          f"(one plain GROUP BY over the same rows: {plain_ms:.0f} ms, "
          f"ratio {ranking_ms / plain_ms:.2f}); Python memory peak "
          f"{ranking_peak / 1e6:.1f} MB")
    started = time.perf_counter()
    draft = services.compute(None, month)
    db.session.flush()
    compute_ms = (time.perf_counter() - started) * 1000
    print(f"draft with every unit's details, saved: {compute_ms:.0f} ms")
    config = current_app.config
    configured = config["PDF_WORKERS"]
    for label in ("first in this process", "again", "in one process (PDF_WORKERS=1)"):
        if label.startswith("in one"):
            config["PDF_WORKERS"] = 1
        db.session.expire(draft)  # read back from the database, as a download does
        started = time.perf_counter()
        pdf = report_pdf(draft)
        pdf_ms = (time.perf_counter() - started) * 1000
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        print(f"PDF for {len(draft.rows)} units, {label}: {pdf_ms:.0f} ms "
              f"({pages} pages, {len(pdf) / 1e6:.1f} MB)")
    config["PDF_WORKERS"] = configured
    db.session.rollback()


if __name__ == "__main__":
    main()
