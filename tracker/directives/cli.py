"""``flask --app tracker directive ...``: directive files in and out of the command line.

The group lives here with ``directive export``; commands of higher layers join it in
:func:`tracker.cli.register_commands` (``directive draft``, the reader of signed documents in
:mod:`tracker.intake.cli`).
"""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup
from flask_babel import gettext as _
from sqlalchemy import select

from tracker.directives.export import export_yaml
from tracker.directives.models import Directive
from tracker.extensions import db

directive_cli = AppGroup("directive", help="Directive files: drafts from documents, exports.")


@directive_cli.command("export")
@click.argument("code")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of the screen.")
def export_command(code: str, out: Path | None) -> None:
    """Write the directive CODE as a YAML file in the seed schema."""
    directive = db.session.scalar(select(Directive).where(Directive.code == code))
    if directive is None:
        raise click.ClickException(_("No directive has the code %(code)s.", code=code))
    text = export_yaml(directive)
    if out is None:
        click.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        click.echo(_("Written to %(path)s.", path=str(out)))
