"""Forms shared by several domains."""

from flask import flash
from flask_wtf import FlaskForm


def flash_errors(form: FlaskForm) -> None:
    """Show a form's errors as messages, for POST-only forms that redirect instead of
    re-rendering."""
    for errors in form.errors.values():
        for error in errors:
            flash(str(error), "danger")


class ConfirmForm(FlaskForm):
    """An empty form for POST-only buttons: it carries the CSRF token and nothing else."""
