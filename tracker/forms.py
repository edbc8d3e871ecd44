"""Forms shared by several domains, and WTForms' own messages in the app's language.

WTForms ships no Vietnamese catalog, so its messages ("This field is required.", "Not a valid
choice.") are translated in ours: they are listed here for extraction, and every form asks
:class:`FormTranslations` for them (Flask-WTF looks for ``request.wtforms_translations`` before
loading WTForms' catalogs; ``register_request_hooks`` sets it on each request).
"""

import math

from flask import flash
from flask_babel import get_translations
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext as ngettext  # the name Babel extracts plural forms by
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
        if not math.isfinite(self.data):  # "nan", "inf", "1e309"
            self.data = None
            raise ValidationError(_l("Write a number, for example 85 or 85,5."))

    def _value(self):
        if self.data is None:
            return getattr(self, "raw", "")
        return f"{self.data:g}".replace(".", ",")


# Every message of WTForms 3 (wtforms/locale/wtforms.pot); a test holds the two lists equal.
MESSAGES = (
    _l("Invalid field name '%s'."),
    _l("Field must be equal to %(other_name)s."),
    ngettext("Field must be at least %(min)d character long.",
             "Field must be at least %(min)d characters long.", 1),
    ngettext("Field cannot be longer than %(max)d character.",
             "Field cannot be longer than %(max)d characters.", 1),
    ngettext("Field must be exactly %(max)d character long.",
             "Field must be exactly %(max)d characters long.", 1),
    _l("Field must be between %(min)d and %(max)d characters long."),
    _l("Number must be at least %(min)s."),
    _l("Number must be at most %(max)s."),
    _l("Number must be between %(min)s and %(max)s."),
    _l("Date must be at least %(min)s."),
    _l("Date must be at most %(max)s."),
    _l("Date must be between %(min)s and %(max)s."),
    _l("This field is required."),
    _l("Invalid input."),
    _l("Invalid email address."),
    _l("Invalid IP address."),
    _l("Invalid Mac address."),
    _l("Invalid URL."),
    _l("Invalid UUID."),
    _l("Invalid value, must be one of: %(values)s."),
    _l("Invalid value, can't be any of: %(values)s."),
    _l("This field cannot be edited."),
    _l("This field is disabled and cannot have a value."),
    _l("Invalid CSRF Token."),
    _l("CSRF token missing."),
    _l("CSRF failed."),
    _l("CSRF token expired."),
    _l("Invalid Choice: could not coerce."),
    _l("Choices cannot be None."),
    _l("Not a valid choice."),
    _l("Invalid choice(s): one or more data inputs could not be coerced."),
    ngettext("'%(value)s' is not a valid choice for this field.",
             "'%(value)s' are not valid choices for this field.", 1),
    _l("Not a valid datetime value."),
    _l("Not a valid date value."),
    _l("Not a valid time value."),
    _l("Not a valid week value."),
    _l("Not a valid integer value."),
    _l("Not a valid decimal value."),
    _l("Not a valid float value."),
)


class FormTranslations:
    """The interface WTForms calls (``gettext``/``ngettext``, and Flask-WTF's ``u`` names).

    WTForms fills in the message's values itself, so the template is returned unformatted.
    """

    def gettext(self, string: str) -> str:
        return get_translations().ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return get_translations().ungettext(singular, plural, n)

    ugettext = gettext
    ungettext = ngettext
