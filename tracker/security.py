"""Hardening around the views: proxy headers, cookie flags, login rate limits.

Security headers on every response are set in :mod:`tracker.web`; this module adds what depends
on how the site is deployed (behind nginx, over HTTPS) and on who is knocking (rate limits).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, render_template, request
from flask_babel import gettext as _
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from tracker.extensions import db, limiter


def client_address() -> str:
    """The client's address (the real one behind a proxy, once ProxyFix trusts it)."""
    return request.remote_addr or "unknown"


def login_attempt_key() -> str:
    """Rate-limit key for a login attempt: the address and the username tried."""
    username = (request.form.get("username") or "").strip().lower()[:80]
    return f"{client_address()}|{username}"


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _login_address_limit() -> str:
    return current_app.config["LOGIN_ADDRESS_RATE_LIMIT"]


def limit_login_attempts(view: Callable[..., Any]) -> Callable[..., Any]:
    """Count login POSTs per address and username, and (more loosely) per address alone.

    The first limit stops guessing one person's password; the second stops trying one common
    password on every account. An office behind one public address shares the second limit,
    hence its looser default.
    """
    view = limiter.limit(_login_address_limit, key_func=client_address, methods=["POST"],
                         scope="login-address")(view)
    return limiter.limit(_login_limit, key_func=login_attempt_key, methods=["POST"],
                         scope="login")(view)


def uses_https(app: Flask) -> bool:
    return (app.config.get("PREFERRED_URL_SCHEME") == "https"
            or str(app.config.get("SITE_URL", "")).startswith("https://"))


def configure_cookies(app: Flask) -> None:
    """Mark cookies Secure when the site is served over HTTPS, unless set explicitly."""
    for name in ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"):
        if app.config.get(name) is None:
            app.config[name] = uses_https(app)


def configure_proxy(app: Flask) -> None:
    """Trust X-Forwarded-For/-Proto/-Host from BEHIND_PROXY proxies (nginx: 1), no more.

    Without it, behind nginx every request would seem to come from 127.0.0.1 over plain HTTP:
    one rate-limit bucket for the whole commune, and no way to tell HTTPS requests apart.
    """
    hops = app.config.get("BEHIND_PROXY") or 0
    hops = 1 if hops is True else int(hops)
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops,
                                x_port=hops)


class BoundedIntegerConverter(IntegerConverter):
    """``<int:…>`` up to 2**31 - 1, the largest id an INTEGER key holds: a larger number names
    no row, and the databases refuse to compare it (SQLite: OverflowError past 2**63;
    PostgreSQL: "integer out of range"), which would be a 500 instead of a 404."""

    def __init__(self, url_map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


def init_app(app: Flask) -> None:
    app.url_map.converters["int"] = BoundedIntegerConverter  # before any route is added
    configure_proxy(app)
    configure_cookies(app)
    limiter.init_app(app)

    @app.errorhandler(429)
    def too_many_attempts(error):
        db.session.rollback()
        message = _("Too many attempts in a short time. Nothing was changed: wait a minute, "
                    "then try again.")
        # Flask-Limiter adds Retry-After (RATELIMIT_HEADERS_ENABLED) on the way out.
        return render_template("errors/error.html", code=429, message=message), 429

    @app.after_request
    def strict_transport_security(response):
        seconds = app.config["HSTS_SECONDS"]
        if seconds and request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", f"max-age={int(seconds)}")
        return response


def safe_referrer() -> str | None:
    """Return the referring page if it belongs to this site."""
    referrer = request.referrer
    if referrer and referrer.startswith(request.host_url):
        return referrer
    return None
