"""``flask --app tracker directive ...``: directive files in and out of the command line.

The group lives here; commands of higher layers join it in :func:`tracker.cli.register_commands`
(``directive draft``, the reader of signed documents in :mod:`tracker.intake.cli`).
"""

from __future__ import annotations

from flask.cli import AppGroup

directive_cli = AppGroup("directive", help="Directive files: drafts from documents, exports.")
