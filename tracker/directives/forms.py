from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    HiddenField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Regexp

from tracker.directives.labels import FREQUENCY_LABELS
from tracker.evidence import storage


class TaskFilterForm(FlaskForm):
    """The task list's filters, read from the query string."""

    class Meta:
        csrf = False  # a GET search changes nothing

    q = StringField(_l("Search"))
    unit = SelectField(_l("Unit"), coerce=str, validate_choice=False)
    frequency = SelectField(
        _l("Frequency"),
        choices=[SelectChoice("", _l("All frequencies"))]
        + [SelectChoice(f.value, label) for f, label in FREQUENCY_LABELS.items()],
        validate_choice=False,
    )
    status = SelectField(_l("Status"), validate_choice=False)


class DirectiveUploadForm(FlaskForm):
    file = FileField(_l("Directive file (YAML)"), validators=[FileRequired()])
    reason = TextAreaField(
        _l("Reason for the change (needed when the file changes a published directive)"),
        validators=[Length(max=1000)],
    )
    submit = SubmitField(_l("Check the file"))


class DirectiveConfirmForm(FlaskForm):
    digest = HiddenField(validators=[DataRequired(), Regexp(storage.DIGEST)])
    reason = TextAreaField(
        _l("Reason for the change (needed when the file changes a published directive)"),
        validators=[Length(max=1000)],
    )
    submit = SubmitField(_l("Load this directive"))


class TaskDelegateForm(FlaskForm):
    person = SelectField(_l("Hand the whole task to"), choices=[])
    submit = SubmitField(_l("Assign"))


class DirectiveEditorForm(FlaskForm):
    """Only the CSRF token: the editor's fields are the schema's paths, read by editing.py."""


class PublishForm(FlaskForm):
    leader = SelectField(_l("On behalf of"), coerce=str, validate_choice=False)
    submit = SubmitField(_l("Publish the directive"))
