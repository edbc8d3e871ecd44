"""A health check for load balancers, monitoring and the load test's baseline."""

from __future__ import annotations

from flask import Blueprint
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from tracker.extensions import db

bp = Blueprint("ops", __name__)


@bp.route("/healthz")
def healthz():
    """Answer "ok" when the database answers a trivial query; no login, no session."""
    headers = {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return "database unavailable\n", 503, headers
    return "ok\n", 200, headers
