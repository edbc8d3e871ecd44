"""``flask --app tracker directive draft FILE``: a signed document read into a draft file."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _


@click.command("draft")
@with_appcontext
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the draft to this file instead of the standard output.")
def draft_command(path: Path, out: Path | None) -> None:
    """Read a signed document (DOCX, PDF, .md, .txt) into a draft directive file.

    Writes nothing to the database: the draft (status: draft) is reviewed, then loaded with
    `seed` or in the editor.
    """
    from tracker import intake

    known = intake.known_units()
    try:
        draft = intake.draft_from_path(path, known, current_app.instance_path)
    except intake.IntakeError as error:
        click.echo(f"{path.name}: {error}", err=True)
        raise SystemExit(1) from None
    text = draft.to_yaml()
    if out is None:
        click.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
    for problem in intake.check_draft(draft, known):
        click.echo(str(problem), err=True)
    data = draft.data
    click.echo(
        _(
            "Draft: %(tasks)d task(s), %(indicators)d indicator(s), %(units)d new unit(s); "
            "%(doubts)d item(s) to check.",
            tasks=len(data["tasks"]),
            indicators=len(data["indicators"]),
            units=len(data["units"]),
            doubts=draft.doubts,
        ),
        err=True,
    )
