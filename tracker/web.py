"""The ``register_*`` steps of the application factory."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from types import SimpleNamespace

from flask import Flask, has_request_context, render_template, request, session
from flask_babel import format_date, format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy import event
from sqlalchemy.engine import Engine

from tracker import security
from tracker.db import LOCAL_TZ
from tracker.extensions import babel, csrf, db, login_manager, migrate

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def select_locale() -> str:
    """Vietnamese unless the person chose another language for this session."""
    from flask import current_app

    chosen = session.get("lang") if has_request_context() else None
    return chosen if chosen in current_app.config["LANGUAGES"] else "vi"


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    """Enforce foreign keys and let readers work while one request writes (WAL)."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_write_requests_lock_first(connection) -> None:
    """On SQLite, a request that may write takes the write lock with its first statement.

    pysqlite opens the transaction only at the first INSERT/UPDATE/DELETE, so whatever the
    request read before (the audit chain's last hash, a row's state) was read outside it, and
    two requests could act on the same reading. BEGIN IMMEDIATE queues such requests one after
    the other (waiting up to busy_timeout); GET requests still read in parallel (WAL).
    """
    if (connection.dialect.name == "sqlite" and has_request_context()
            and request.method not in ("GET", "HEAD", "OPTIONS")):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def register_extensions(app: Flask) -> None:
    import tracker.models  # noqa: F401  (every table on the metadata before migrate sees it)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(
        app, locale_selector=select_locale, timezone_selector=lambda: "Asia/Ho_Chi_Minh"
    )
    login_manager.init_app(app)
    security.init_app(app)  # Flask-Limiter, ProxyFix, Secure cookies
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to continue.")
    login_manager.login_message_category = "warning"

    from tracker.org import queries as org_queries
    from tracker.org.models import User

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        """The user a session or remember-me cookie names, if its nonce is still current."""
        row, _, rest = user_id.partition(".")
        nonce, _, login_id = rest.partition(".")
        if not row.isdigit() or not nonce or int(row) > 2**31 - 1:
            return None
        user = db.session.get(User, int(row))
        if user is None or not user.is_active or not user.session_matches(nonce):
            return None
        if org_queries.login_ended(user, login_id):
            return None
        return user


def register_blueprints(app: Flask) -> None:
    from tracker.assignments.views import bp as assignments_bp
    from tracker.auth.views import bp as auth_bp
    from tracker.dashboard.views import bp as dashboard_bp
    from tracker.directives.editor_views import bp as editor_bp
    from tracker.directives.views import bp as directives_bp
    from tracker.evaluation.views import bp as evaluation_bp
    from tracker.indicators.views import bp as indicators_bp
    from tracker.inspections.views import bp as inspections_bp
    from tracker.intake.views import bp as intake_bp
    from tracker.notify import services as _notices  # noqa: F401  (hears published directives)
    from tracker.notify.views import bp as notify_bp
    from tracker.org.views import bp as org_bp
    from tracker.public.views import bp as public_bp
    from tracker.schedule.views import bp as schedule_bp
    from tracker.workflow.views import bp as workflow_bp

    for blueprint in (dashboard_bp, auth_bp, org_bp, editor_bp, directives_bp, notify_bp,
                      schedule_bp, workflow_bp, inspections_bp, public_bp, indicators_bp,
                      evaluation_bp, assignments_bp):
        app.register_blueprint(blueprint)
    from tracker.ops.views import bp as ops_bp

    app.register_blueprint(ops_bp)
    app.register_blueprint(intake_bp)


def register_request_hooks(app: Flask) -> None:
    from tracker.forms import FormTranslations

    @app.before_request
    def translate_form_messages():
        """WTForms' own messages from our catalog (it ships none in Vietnamese)."""
        request.wtforms_translations = FormTranslations()

    @app.after_request
    def commit_or_roll_back(response):
        """One commit per request: keep what a successful request changed, drop the rest."""
        if response.status_code < 400:
            db.session.commit()
        else:
            db.session.rollback()
        return response

    @app.after_request
    def security_headers(response):
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if request.endpoint != "static" and current_user.is_authenticated:
            # A signed-in page or a download must not stay in a shared computer's cache.
            response.headers["Cache-Control"] = "no-store"
        return response


def register_error_handlers(app: Flask) -> None:
    messages = {
        400: _l("The request could not be understood."),
        403: _l("You do not have permission to do this."),
        404: _l("The page or item you asked for does not exist."),
        405: _l("This action is not allowed here."),
        413: _l("The file is too large."),
        500: _l("Something went wrong on our side. Nothing you had saved was lost."),
    }

    def render_error(error):
        code = getattr(error, "code", 500) or 500
        db.session.rollback()
        return render_template(
            "errors/error.html", code=code, message=messages.get(code, messages[500])
        ), code

    for code in messages:
        app.register_error_handler(code, render_error)

    @app.errorhandler(CSRFError)
    def stale_form(error):
        db.session.rollback()
        message = _(
            "The form had expired or did not come from this site. Nothing was changed: "
            "go back, reload the page and send it again."
        )
        return render_template(
            "errors/error.html", code=400, message=message, back_url=security.safe_referrer()
        ), 400


def days_between(earlier: datetime, later: datetime) -> int:
    """Whole local calendar days from ``earlier`` to ``later`` (0 on the same day)."""
    return (later.astimezone(LOCAL_TZ).date() - earlier.astimezone(LOCAL_TZ).date()).days


def register_template_helpers(app: Flask) -> None:
    from tracker.audit.labels import audit_label
    from tracker.directives.describe import describe_due, describe_issued_on
    from tracker.directives.labels import DIRECTIVE_TYPE_LABELS, FREQUENCY_LABELS
    from tracker.formatting import number
    from tracker.indicators.labels import COMPARATOR_LABELS
    from tracker.org.labels import ROLE_LABELS, UNIT_KIND_LABELS
    from tracker.schedule.status import CATEGORY_COLOURS, CATEGORY_LABELS, category_of

    app.jinja_env.globals.update(
        describe_due=describe_due,
        describe_issued_on=describe_issued_on,
        category_of=category_of,
        status_labels=CATEGORY_LABELS,
        status_colours=CATEGORY_COLOURS,
        days_between=days_between,
        audit_label=audit_label,
        number=number,  # figures in the reader's language: 1.234,5 or 1,234.5
    )
    app.add_template_filter(number, "number")

    # Each domain owns its labels; templates reach the shared ones as labels.<NAME>.
    labels = SimpleNamespace(ROLE_LABELS=ROLE_LABELS, UNIT_KIND_LABELS=UNIT_KIND_LABELS,
                             FREQUENCY_LABELS=FREQUENCY_LABELS, COMPARATOR_LABELS=COMPARATOR_LABELS,
                             DIRECTIVE_TYPE_LABELS=DIRECTIVE_TYPE_LABELS)

    @app.template_filter("vn_date")
    def vn_date(value: date | datetime | None) -> str:
        if value is None:
            return ""
        if isinstance(value, datetime):
            return format_datetime(value, "dd/MM/yyyy")
        return format_date(value, "dd/MM/yyyy")

    @app.template_filter("vn_month")
    def vn_month(value: date | datetime) -> str:
        return format_datetime(value, "MM/yyyy") if isinstance(value, datetime) else \
            format_date(value, "MM/yyyy")

    @app.template_filter("vn_datetime")
    def vn_datetime(value: datetime | None) -> str:
        return format_datetime(value, "HH:mm dd/MM/yyyy") if value is not None else ""

    @app.context_processor
    def inject_globals():
        from flask_login import current_user

        from tracker.assignments.policies import can_assign
        from tracker.directives.policies import can_import_directives
        from tracker.intake.policies import can_draft_from_document
        from tracker.notify.services import unread_count
        from tracker.workflow.policies import can_verify
        from tracker.workflow.queries import awaiting_count

        signed_in = has_request_context() and current_user.is_authenticated
        # The menu shows an entry to whom its policy lets in: the rule stays in the policy.
        may = {"assign": can_assign, "import_directives": can_import_directives,
               "draft_from_document": can_draft_from_document}
        return {
            "nav_may": {name: signed_in and rule(current_user) for name, rule in may.items()},
            "unread_notices": unread_count(current_user) if signed_in else 0,
            # Only the pages that draw the navigation pay for the count.
            "awaiting_count": awaiting_count if signed_in and can_verify(current_user) else int,
            "labels": labels,
            "languages": app.config["LANGUAGES"],
            "current_locale": select_locale(),
            "agency_parent": app.config["AGENCY_PARENT"],
            "agency_name": app.config["AGENCY_NAME"],
        }
