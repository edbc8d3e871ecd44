"""Flask extensions, created without an app and bound in :func:`tracker.create_app`."""

from typing import Any

from flask import has_request_context, request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from tracker.db import Base

# A page number past this shows an empty page: larger ones overflow the databases' OFFSET.
MAX_PAGE = 1_000_000


class TrackerSQLAlchemy(SQLAlchemy):
    """Flask-SQLAlchemy whose ``paginate`` bounds the ``page`` a request asks for."""

    def paginate(self, select: Any, *, page: int | None = None, **kwargs: Any) -> Any:
        if page is None and has_request_context():
            asked = request.args.get("page", 1, type=int)
            page = min(max(asked, 1), MAX_PAGE)
        return super().paginate(select, page=page, **kwargs)


db = TrackerSQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
# Only routes that ask for it are limited (the login form); see tracker.security.
limiter = Limiter(key_func=get_remote_address)
