"""``flask audit verify``: the chain, its checkpoints, and changes made behind the log's back."""

import click
from flask.cli import AppGroup
from flask_babel import gettext as _

from tracker.audit.verify import verify_everything

audit_cli = AppGroup("audit", help="Check the audit log.")


@audit_cli.command("verify")
def audit_verify() -> None:
    """Check the keyed chain, the checkpoints outside the database and the watched values of
    accounts and periods; exit 1 naming everything found."""
    checked, problems = verify_everything()
    if problems:
        click.echo(_("Audit log NOT intact (%(n)d entries checked):", n=checked), err=True)
        for problem in problems:
            click.echo(f"  - {problem}", err=True)
        raise SystemExit(1)
    click.echo(_("Audit log intact: %(n)d entries checked.", n=checked))
