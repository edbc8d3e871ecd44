"""Forms shared by several domains."""

from flask_wtf import FlaskForm


class ConfirmForm(FlaskForm):
    """An empty form for POST-only buttons: it carries the CSRF token and nothing else."""
