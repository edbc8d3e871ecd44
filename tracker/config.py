"""Default settings. Override them in ``instance/config.py`` or with ``TRACKER_*`` variables."""

import os
import secrets
from pathlib import Path

from flask import Flask

DEFAULTS: dict[str, object] = {
    # None means: generate one into instance/secret_key on first run (see tracker.secrets).
    "SECRET_KEY": None,
    # Keys the audit chain, password fingerprints and backup manifests; None means: generate
    # one into instance/audit_key on first run. Keep a copy with the off-site backups.
    "AUDIT_KEY": None,
    # Each day's newest audit entry, outside the database; None means instance/audit_checkpoints.
    "AUDIT_CHECKPOINT_FILE": None,
    # None means: SQLite file tracker.sqlite3 in the instance folder.
    "SQLALCHEMY_DATABASE_URI": None,
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "BABEL_DEFAULT_LOCALE": "vi",
    "BABEL_DEFAULT_TIMEZONE": "Asia/Ho_Chi_Minh",
    "LANGUAGES": {"vi": "Tiếng Việt", "en": "English"},
    # A form left open all morning must still submit; the token lives as long as the session.
    "WTF_CSRF_TIME_LIMIT": None,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    # One piece of evidence may be this large; a request carries a little more (the form).
    "MAX_EVIDENCE_BYTES": 20 * 1024 * 1024,
    "MAX_CONTENT_LENGTH": 21 * 1024 * 1024,
    # Where evidence files live; None means instance/evidence.
    "UPLOAD_FOLDER": None,
    # Where uploads wait between their check and their confirmation; None means instance/.
    "PENDING_FOLDER": None,
    # The directive's agency, printed on pages and official documents.
    "AGENCY_PARENT": "UBND XÃ CẨM GIANG",
    "AGENCY_NAME": "VĂN PHÒNG HĐND VÀ UBND",
    "AGENCY_PLACE": "Cẩm Giang",
    "DEFAULT_DUE_TIME": "17:00",
    "WARNING_WINDOW_HOURS": 24,
    "PAGE_SIZE": 50,
    # The dashboard's unit table shows this many units (furthest behind first) unless asked.
    "DASHBOARD_UNIT_LIMIT": 30,
    # A deadline on a non-working day moves to the "previous" (or "next") working day.
    "NON_WORKING_DUE_SHIFT": "previous",
    "PLANNING_HORIZON_DAYS": 400,
    # Escalation of overdue work: to the head of unit after N working days, to the supervising
    # Vice Chairman after M.
    "ESCALATE_TO_UNIT_HEAD_AFTER": 1,
    "ESCALATE_TO_SUPERVISOR_AFTER": 3,
    # Escalation catches up after a stop, but only on periods that reached a level at most
    # this many days ago: on a new install over months of history, older overdue work is in
    # the digests and on the dashboard, not in one notice per period.
    "ESCALATE_WITHIN_DAYS": 30,
    # The dashboard warns when this few working days are left in a month with fewer than
    # two inspection rounds signed off.
    "INSPECTION_WARNING_WORKING_DAYS": 5,
    # The monthly evaluation's rules; None means tracker/evaluation/scoring.toml.
    "EVALUATION_CONFIG": None,
    # Who signs the monthly report; no name: the account whose title is the signer's title.
    "REPORT_SIGNER_TITLE": "Chánh Văn phòng",
    "REPORT_SIGNER_NAME": None,
    "REPORT_SIGNER_USERNAME": None,
    "REPORT_SIGNER_AUTHORITY": "",
    "REPORT_NUMBER_SYMBOL": "/BC-VP",
    "MINUTES_NUMBER_SYMBOL": "/BB-VP",
    # A report's appendix with a page per unit is rendered in pieces by this many processes
    # (0: one per CPU, at most 4; 1: no extra process), each piece at least this many units
    # long, started by this method (None: fork in a single-threaded process, else a fork
    # server; see reports.pdf).
    "PDF_WORKERS": 0,
    "PDF_SECTIONS_PER_PIECE": 25,
    "PDF_START_METHOD": None,
    # E-mail (SMTP). No server: notices stay in the app only.
    "MAIL_SERVER": None,
    "MAIL_PORT": 25,
    "MAIL_USE_TLS": False,
    "MAIL_USE_SSL": False,
    "MAIL_USERNAME": None,
    "MAIL_PASSWORD": None,
    "MAIL_SENDER": "Rõ việc <no-reply@localhost>",
    "MAIL_TIMEOUT": 10,
    # Absolute address of the site, for links in e-mails and the calendar feed.
    "SITE_URL": "http://127.0.0.1:5000",
    "MIN_PASSWORD_LENGTH": 8,
    # werkzeug's default (scrypt); tests choose a cheaper method to stay quick.
    "PASSWORD_HASH_METHOD": "scrypt",
    # Behind nginx: how many proxies' X-Forwarded-* headers to trust (0: none, nginx alone: 1).
    "BEHIND_PROXY": 0,
    # Secure cookies: None means "when the site is HTTPS" (PREFERRED_URL_SCHEME "https" or a
    # SITE_URL starting with https://); True or False forces it.
    "SESSION_COOKIE_SECURE": None,
    "REMEMBER_COOKIE_SECURE": None,
    # Strict-Transport-Security on HTTPS responses; 0 leaves it to the proxy.
    "HSTS_SECONDS": 365 * 24 * 3600,
    # Login attempts (Flask-Limiter syntax). memory:// counts per gunicorn worker; a shared
    # store (redis://host:6379) makes the limits exact across workers.
    "RATELIMIT_ENABLED": True,
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_HEADERS_ENABLED": True,
    "LOGIN_RATE_LIMIT": "10 per minute",
    "LOGIN_ADDRESS_RATE_LIMIT": "60 per minute",
    # Folder of pg_dump and pg_restore for backups; None means the PATH, then the newest
    # /usr/lib/postgresql/*/bin.
    "PG_BIN_DIR": None,
}

# Secret keys that appear in tutorials and examples: production refuses them.
INSECURE_SECRET_KEYS = frozenset({"", "dev", "secret", "changeme", "change-me", "development"})


def configure_database_uri(app: Flask) -> None:
    """Default to an SQLite file inside the instance folder."""
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        path = Path(app.instance_path) / "tracker.sqlite3"
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{path}"


def configure_secret_key(app: Flask) -> None:
    """Use the configured key, or one generated once into instance/secret_key.

    Outside debug and testing, a key copied from a tutorial is refused: sessions signed with it
    could be forged by anyone who read the same tutorial.
    """
    key = app.config.get("SECRET_KEY")
    if key is None:
        key_file = Path(app.instance_path) / "secret_key"
        if not key_file.exists():
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32))
        key = key_file.read_text().strip()
        app.config["SECRET_KEY"] = key
    if not (app.debug or app.testing) and str(key).strip().lower() in INSECURE_SECRET_KEYS:
        raise RuntimeError(
            "SECRET_KEY is a well-known default; remove it so one is generated into "
            "instance/secret_key, or set TRACKER_SECRET_KEY to a long random value."
        )
