"""``flask --app tracker indicators ...``: the same checks and services as the upload page."""

from __future__ import annotations

import hashlib
from pathlib import Path

import click
from flask.cli import AppGroup
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from tracker.db import utcnow
from tracker.extensions import db
from tracker.indicators import policies, services
from tracker.indicators.csv_import import ReadingsFileError, RowProblem, parse_readings
from tracker.months import Month
from tracker.org.models import User

indicators_cli = AppGroup("indicators", help="Indicator readings.")


def _refuse(problems: list[RowProblem]) -> None:
    for problem in problems:
        click.echo(str(problem), err=True)
    click.echo(_("%(n)d problem(s) found; nothing was written.", n=len(problems)), err=True)
    raise SystemExit(1)


@indicators_cli.command("import")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--by", "username", default=None,
              help="The Office account the figures are recorded under (default: the system).")
def import_command(path: Path, username: str | None) -> None:
    """Import readings from a CSV file (indicator,period,value[,note]); all rows or none.

    The figures are the Office's own and count at once, as on the upload page.
    """
    actor = None
    if username:
        actor = db.session.scalar(select(User).where(User.username == username))
        if actor is None or not actor.is_active or not policies.can_import_readings(actor):
            raise click.BadParameter(_("%(username)s is not an active Office or administrator "
                                       "account.", username=username), param_hint="--by")
    try:
        data = path.read_bytes()
    except OSError as error:
        _refuse([RowProblem(1, "", _("The file cannot be read (%(detail)s).",
                                     detail=error.strerror or str(error)))])
    try:
        rows = parse_readings(data, as_of=Month.of(utcnow()).stored)
    except ReadingsFileError as error:
        _refuse(error.problems)
    services.import_readings(actor, rows, file_name=path.name,
                             sha256=hashlib.sha256(data).hexdigest())
    db.session.commit()
    click.echo(ngettext("%(num)d reading imported and verified.",
                        "%(num)d readings imported and verified.", len(rows)))
