"""Load test: gunicorn on 127.0.0.1, simulated users viewing pages and saving reports.

    .venv/bin/python scripts/load.py [--seconds 60] [--users 16] [--workers 3] [--threads 4]
    .venv/bin/python scripts/load.py --postgres      # the same against a throwaway PostgreSQL

Builds a fresh database in a temporary folder (SQLite in WAL mode, or the PostgreSQL server that
scripts/with-postgres.sh starts), loads the shipped directive and the demo accounts, starts
gunicorn on a free port of 127.0.0.1, then runs USERS simulated people for SECONDS: the heads
of unit open the dashboard, the task list and their occurrences and save reports (the report
form's "save", with the page's CSRF token and version); leaders and the Office browse. Each save
appends a unique marker to the report. Afterwards every marker the server acknowledged (302) is
looked up in the database: "lost updates" must be 0. The same users then hit /healthz (one
trivial query) for the same time, so the cost of real pages shows as a ratio. Last, each
gunicorn worker's memory. Prints figures; exits 1 on any server error or lost update.
"""

from __future__ import annotations

import argparse
import html
import http.client
import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CSRF = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')
VERSION = re.compile(r'name="version"[^>]*?value="(\d+)"')
REPORT = re.compile(r'<textarea[^>]*name="report"[^>]*>(.*?)</textarea>', re.S)
OCCURRENCE_LINK = re.compile(r'href="/occurrences/(\d+)"')
MAX_REPORT = 8000  # the form takes 10,000 characters; leave room for one more marker


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    acknowledged: list[tuple[int, str]] = field(default_factory=list)
    conflicts: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, kind: str, status: int, seconds: float) -> None:
        with self.lock:
            self.latencies[kind].append(seconds)
            self.statuses[status] += 1
            if status >= 500:
                self.errors.append(f"{kind}: HTTP {status}")


class Client:
    """One person's browser: a keep-alive connection and a cookie jar."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.connection: http.client.HTTPConnection | None = None
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str, float]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if method == "POST" and self.connection is not None:
            # A kept-alive connection the server has just closed would leave a POST ambiguous
            # (sent or not?): every POST gets a fresh connection.
            self.connection.close()
            self.connection = None
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            started = time.perf_counter()
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                payload = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.connection.close()
                self.connection = None
                if attempt == 2 or method != "GET":
                    raise
                continue
            elapsed = time.perf_counter() - started
            break
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, value = header.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value.strip()
        if response.will_close:
            self.connection.close()
            self.connection = None
        return response.status, payload.decode("utf-8", "replace"), elapsed

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def flask(env: dict[str, str], *arguments: str) -> None:
    subprocess.run([sys.executable, "-m", "flask", "--app", "tracker", *arguments],  # noqa: S603
                   cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def create_schema(env: dict[str, str]) -> None:
    """The schema straight from the models (for code whose migration is not written yet)."""
    os.environ.update(env)
    from tracker import create_app
    from tracker.extensions import db

    app = create_app()
    with app.app_context():
        db.create_all()
        db.engine.dispose()


def open_occurrences(env: dict[str, str]) -> tuple[dict[str, list[int]], list[int]]:
    """Each unit head's editable occurrences, and every occurrence (for those who see all)."""
    os.environ.update(env)
    from sqlalchemy import inspect, select

    from tracker import create_app
    from tracker.directives.models import Task
    from tracker.extensions import db
    from tracker.org.models import Role, User
    from tracker.workflow.models import Occurrence
    from tracker.workflow.policies import EDITABLE_STATES

    app = create_app()
    with app.app_context():
        missing = sorted(set(db.metadata.tables) - set(inspect(db.engine).get_table_names()))
        if missing:
            # Another branch's models without their migration yet: create them, and say so.
            print(f"warning: tables without a migration, created directly: {', '.join(missing)}")
            db.create_all()
        heads = db.session.scalars(select(User).where(User.role == Role.UNIT_HEAD)).all()
        editable = {
            head.username: list(db.session.scalars(
                select(Occurrence.id).join(Task).where(
                    Occurrence.unit_id == head.unit_id, Occurrence.state.in_(EDITABLE_STATES),
                    Task.is_active).order_by(Occurrence.due_at).limit(300)))
            for head in heads
        }
        everything = list(db.session.scalars(select(Occurrence.id).limit(2000)))
        db.engine.dispose()
    return {name: ids for name, ids in editable.items() if ids}, everything


def saved_reports(ids: set[int]) -> dict[int, str]:
    from sqlalchemy import select

    from tracker import create_app
    from tracker.extensions import db
    from tracker.workflow.models import Occurrence

    app = create_app()
    with app.app_context():
        rows = db.session.execute(
            select(Occurrence.id, Occurrence.report).where(Occurrence.id.in_(ids))).all()
        db.engine.dispose()
    return {row.id: row.report or "" for row in rows}


def log_in(client: Client, username: str, results: Results) -> bool:
    status, page, seconds = client.request("GET", "/login")
    results.note("login", status, seconds)
    token = CSRF.search(page)
    if not token:
        results.errors.append(f"no CSRF token on /login ({status})")
        return False
    status, _, seconds = client.request("POST", "/login", {
        "csrf_token": token.group(1), "username": username, "password": "demo@2026"})
    results.note("login", status, seconds)
    if status != 302:
        results.errors.append(f"login of {username} answered {status}")
        return False
    return True


def save_report(client: Client, occurrence_id: int, marker: str, results: Results) -> None:
    """Open the occurrence, append a marker to its report, save without handing in."""
    status, page, seconds = client.request("GET", f"/occurrences/{occurrence_id}")
    results.note("occurrence", status, seconds)
    token, version, report = CSRF.search(page), VERSION.search(page), REPORT.search(page)
    if status != 200 or not (token and version and report):
        if status < 500:
            results.errors.append(f"occurrence {occurrence_id} has no report form ({status})")
        return
    text = html.unescape(report.group(1)).replace("\r\n", "\n").strip()
    if len(text) > MAX_REPORT:
        return
    status, _, seconds = client.request("POST", f"/occurrences/{occurrence_id}/report", {
        "csrf_token": token.group(1), "version": version.group(1),
        "report": f"{text}\n{marker}".strip(), "reported_value": "", "link": "",
        "link_description": "", "cause": "", "explanation": "", "save": "1",
    })
    results.note("save", status, seconds)
    if status == 302:
        with results.lock:
            results.acknowledged.append((occurrence_id, marker))
    elif status == 409:
        with results.lock:
            results.conflicts += 1  # someone saved it in between: refused, not lost
    elif status < 500:
        results.errors.append(f"save of occurrence {occurrence_id} answered {status}")


def person(index: int, username: str, own: list[int], everything: list[int], port: int,
           deadline: float, results: Results) -> None:
    rng = random.Random(index)  # noqa: S311 (a traffic mix, not a secret)
    client = Client(port)
    try:
        if not log_in(client, username, results):
            return
        sequence = 0
        while time.monotonic() < deadline:
            roll = rng.random()
            if roll < 0.3:
                status, _, seconds = client.request("GET", "/")
                results.note("home", status, seconds)
            elif roll < 0.6:
                status, _, seconds = client.request("GET", "/tasks")
                results.note("tasks", status, seconds)
            elif roll < 0.8 or not own:
                status, _, seconds = client.request(
                    "GET", f"/occurrences/{rng.choice(own or everything)}")
                results.note("occurrence", status, seconds)
            else:
                sequence += 1
                marker = f"load-{index}-{sequence}-{secrets.token_hex(4)}"
                save_report(client, rng.choice(own), marker, results)
    except (OSError, http.client.HTTPException) as problem:
        results.errors.append(f"{username}: {problem!r}")
    finally:
        client.close()


def prober(port: int, deadline: float, results: Results) -> None:
    client = Client(port)
    try:
        while time.monotonic() < deadline:
            status, _, seconds = client.request("GET", "/healthz")
            results.note("healthz", status, seconds)
    except (OSError, http.client.HTTPException) as problem:
        results.errors.append(f"healthz: {problem!r}")
    finally:
        client.close()


def run_threads(targets: list[threading.Thread]) -> float:
    started = time.monotonic()
    for thread in targets:
        thread.start()
    for thread in targets:
        thread.join()
    return time.monotonic() - started


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def report(title: str, results: Results, elapsed: float) -> None:
    every = [value for values in results.latencies.values() for value in values]
    print(f"\n{title}: {len(every)} requests in {elapsed:.1f} s = {len(every) / elapsed:.1f} "
          f"req/s; p50 {percentile(every, 0.5) * 1000:.1f} ms, p95 "
          f"{percentile(every, 0.95) * 1000:.1f} ms; errors {len(results.errors)}")
    for kind, values in sorted(results.latencies.items()):
        print(f"  {kind:<11} {len(values):>6}  p50 {statistics.median(values) * 1000:7.1f} ms"
              f"  p95 {percentile(values, 0.95) * 1000:7.1f} ms")
    print("  statuses:", dict(sorted(results.statuses.items())))
    for problem in results.errors[:10]:
        print("  error:", problem)


def proportional_kb(pid: int) -> int:
    """PSS: the worker's share of pages it shares with the others (kB)."""
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0
    found = re.search(r"^Pss:\s+(\d+) kB", rollup, re.M)
    return int(found.group(1)) if found else 0


def worker_memory(master: int) -> list[tuple[int, int, int]]:
    """(pid, VmRSS kB, VmHWM kB) of every child of the gunicorn master."""
    workers = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if int(fields.get("PPid", "0").strip()) == master:
            workers.append((int(entry.name), int(fields["VmRSS"].split()[0]),
                            int(fields["VmHWM"].split()[0])))
    return sorted(workers)


def wait_until_up(port: int, server: subprocess.Popen, log: Path) -> None:
    for _ in range(300):
        if server.poll() is not None:
            sys.exit(f"gunicorn stopped:\n{log.read_text()}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                connection.close()
                return
        except OSError:
            pass
        time.sleep(0.1)
    sys.exit("gunicorn did not answer within 30 s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4,
                        help="threads per worker (gthread); 1 means sync workers")
    parser.add_argument("--create-all", action="store_true",
                        help="build the schema from the models instead of the migrations")
    parser.add_argument("--postgres", action="store_true",
                        help="run against a throwaway PostgreSQL (scripts/with-postgres.sh)")
    parser.add_argument("--database-uri-from-env", action="store_true",
                        help="use TRACKER_TEST_DATABASE_URI (set by scripts/with-postgres.sh)")
    args = parser.parse_args()

    if args.postgres and not args.database_uri_from_env:
        rest = [a for a in sys.argv[1:] if a != "--postgres"]
        script = str(ROOT / "scripts/with-postgres.sh")
        os.execv(script, [script, sys.executable, __file__, "--database-uri-from-env", *rest])  # noqa: S606

    workdir = Path(tempfile.mkdtemp(prefix="roviec-load-"))
    if args.database_uri_from_env:
        uri = os.environ["TRACKER_TEST_DATABASE_URI"]
    else:
        uri = f"sqlite:///{workdir / 'tracker.sqlite3'}"
    env = {**os.environ, "TRACKER_SQLALCHEMY_DATABASE_URI": uri,
           "TRACKER_UPLOAD_FOLDER": str(workdir / "evidence"),
           "TRACKER_SECRET_KEY": secrets.token_hex(32)}
    engine = uri.split(":", 1)[0]
    print(f"Database: {engine} ({uri if engine == 'sqlite' else 'throwaway server'}); "
          f"{args.users} users for {args.seconds:g} s; gunicorn {args.workers} workers × "
          f"{args.threads} threads")
    if args.create_all:
        create_schema(env)
    else:
        flask(env, "db", "upgrade")
    for step in (["seed", "seeds/directive_tasks.yaml"], ["demo"]):
        flask(env, *step)
    own, everything = open_occurrences(env)
    heads = sorted(own)
    viewers = ["lanhdao", "vanphong", "admin"]

    port = free_port()
    log = workdir / "gunicorn.log"
    worker_options = (["--worker-class", "gthread", "--threads", str(args.threads)]
                      if args.threads > 1 else ["--worker-class", "sync"])
    server = subprocess.Popen(  # noqa: S603
        [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers),
         *worker_options, "--error-logfile", str(log), "tracker:create_app()"],
        cwd=ROOT, env=env)
    try:
        wait_until_up(port, server, log)
        pages = Results()
        deadline = time.monotonic() + args.seconds
        people = []
        for index in range(args.users):
            # Three in four are heads of unit who also save; the rest browse everything.
            if index % 4 == 3 or not heads:
                username, mine = viewers[index % len(viewers)], []
            else:
                username = heads[index % len(heads)]
                mine = own[username]
            people.append(threading.Thread(target=person, args=(
                index, username, mine, everything, port, deadline, pages)))
        elapsed = run_threads(people)
        report("Pages and saves", pages, elapsed)

        trivial = Results()
        deadline = time.monotonic() + args.seconds
        elapsed_trivial = run_threads([threading.Thread(target=prober, args=(
            port, deadline, trivial)) for _ in range(args.users)])
        report("Trivial route /healthz", trivial, elapsed_trivial)

        pages_rate = sum(map(len, pages.latencies.values())) / elapsed
        trivial_rate = sum(map(len, trivial.latencies.values())) / elapsed_trivial
        print(f"\nthroughput ratio /healthz : pages = {trivial_rate / pages_rate:.1f} : 1")

        print("\nWorker memory after the run:")
        for pid, rss, peak in worker_memory(server.pid):
            print(f"  worker {pid}: RSS {rss / 1024:.0f} MB (peak {peak / 1024:.0f} MB, "
                  f"PSS {proportional_kb(pid) / 1024:.0f} MB)")
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()

    reports = saved_reports({occurrence for occurrence, _ in pages.acknowledged})
    lost = [(occurrence, marker) for occurrence, marker in pages.acknowledged
            if marker not in reports.get(occurrence, "").split("\n")]
    server_errors = log.read_text().count("Traceback")
    audit = subprocess.run([sys.executable, "-m", "flask", "--app", "tracker", "audit",
                            "verify"], cwd=ROOT, env=env, capture_output=True, text=True,
                           check=False)
    print(f"audit log after the run: {(audit.stdout + audit.stderr).strip()}")
    print(f"\nsaves acknowledged: {len(pages.acknowledged)}; refused as conflicts (409): "
          f"{pages.conflicts}")
    print(f"lost updates: {len(lost)}")
    print(f"tracebacks in the gunicorn log: {server_errors}")
    failed = bool(lost or pages.errors or trivial.errors or server_errors or audit.returncode)
    if not failed:
        shutil.rmtree(workdir, ignore_errors=True)
    else:
        print(f"kept for inspection: {workdir}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
