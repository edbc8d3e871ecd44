"""Rõ việc: a task-assignment and accountability tracker for a commune People's Committee."""

from pathlib import Path
from typing import Any

from flask import Flask

from tracker.audit.keys import configure_audit_key
from tracker.config import DEFAULTS, configure_database_uri, configure_secret_key


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the application: defaults, then instance/config.py, then TRACKER_* variables."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(DEFAULTS)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env("TRACKER")
    else:
        # Tests state everything they depend on; a developer's instance/config.py must not leak in.
        app.config.from_mapping(test_config)

    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    configure_database_uri(app)
    configure_secret_key(app)
    configure_audit_key(app)

    from tracker import web

    web.register_extensions(app)
    web.register_blueprints(app)
    web.register_request_hooks(app)
    web.register_error_handlers(app)
    web.register_template_helpers(app)

    from tracker.cli import register_commands

    register_commands(app)
    return app
