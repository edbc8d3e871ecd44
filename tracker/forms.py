"""Forms shared by several domains."""

from flask import flash
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import ValidationError


def flash_errors(form: FlaskForm) -> None:
    """Show a form's errors as messages, for POST-only forms that redirect instead of
    re-rendering."""
    for errors in form.errors.values():
        for error in errors:
            flash(str(error), "danger")


class ConfirmForm(FlaskForm):
    """An empty form for POST-only buttons: it carries the CSRF token and nothing else."""


class NumberField(StringField):
    """A figure typed the Vietnamese way (80,5) or the international way (80.5)."""

    def process_formdata(self, valuelist):
        self.raw = (valuelist[0] if valuelist else "").strip()
        self.data = None
        if not self.raw:
            return
        text = self.raw.replace(" ", "").replace("%", "")
        if text.count(",") == 1 and "." not in text:
            text = text.replace(",", ".")
        try:
            self.data = float(text)
        except ValueError:
            raise ValidationError(_l("Write a number, for example 85 or 85,5.")) from None

    def _value(self):
        if self.data is None:
            return getattr(self, "raw", "")
        return f"{self.data:g}".replace(".", ",")
