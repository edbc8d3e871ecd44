"""``flask backup DIR`` and ``flask restore DIR``."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext
from flask_babel import gettext as _

from tracker.db import LOCAL_TZ
from tracker.ops import backup


def _describe(manifest: dict) -> str:
    created = datetime.fromisoformat(manifest["created_at"]).astimezone(LOCAL_TZ)
    return _("%(engine)s database of %(when)s, schema %(revision)s, %(n)d evidence file(s)",
             engine=manifest["engine"], when=created.strftime("%H:%M %d/%m/%Y"),
             revision=manifest["schema_revision"] or "—", n=manifest["evidence_files"])


@click.command("backup")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--dated", is_flag=True,
              help="Write into a new subfolder of DIRECTORY named after the date and time.")
@with_appcontext
def backup_command(directory: Path, dated: bool) -> None:
    """Back up the database and the evidence files into DIRECTORY (new or empty)."""
    if dated:
        directory = directory / datetime.now(LOCAL_TZ).strftime("%Y%m%d-%H%M%S")
    try:
        manifest = backup.create_backup(directory)
    except backup.BackupError as error:
        raise click.ClickException(_("Backup failed: %(reason)s", reason=error)) from None
    for name in manifest["damaged_evidence"]:
        click.echo(_("Warning: the stored evidence file %(name)s no longer matches its "
                     "checksum; it was copied as it is.", name=name), err=True)
    click.echo(_("Backup written to %(dir)s: %(what)s.", dir=directory.absolute(),
                 what=_describe(manifest)))


@click.command("restore")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(directory: Path, yes: bool) -> None:
    """Check the backup in DIRECTORY, then replace the database and restore the evidence."""
    try:
        manifest = backup.read_manifest(directory)
        if not yes:
            click.confirm(_("Replace the current database with this backup (%(what)s)?",
                            what=_describe(manifest)), abort=True)
        manifest = backup.restore_backup(directory)
    except backup.BackupError as error:
        for problem in error.problems:
            click.echo(f"  - {problem}", err=True)
        raise click.ClickException(
            _("The backup in %(dir)s was refused; nothing was changed.", dir=directory)
        ) from None
    click.echo(_("Restored: %(what)s.", what=_describe(manifest)))
    head = backup.code_schema_head()
    if manifest["schema_revision"] and head and manifest["schema_revision"] != head:
        click.echo(_("The backup's schema is not this program's; bring it up to date with: "
                     "flask --app tracker db upgrade"))


def register_ops_commands(app: Flask) -> None:
    for command in (backup_command, restore_command):
        app.cli.add_command(command)
