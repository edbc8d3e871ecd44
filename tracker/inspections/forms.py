from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length

from tracker.inspections.models import ItemResult
from tracker.schedule.forms import VietnameseDateField

RESULT_LABELS = {
    ItemResult.PENDING: _l("Not marked"),
    ItemResult.PASS: _l("Met"),
    ItemResult.FAIL: _l("Not met"),
    ItemResult.NOT_APPLICABLE: _l("Not applicable"),
    ItemResult.NOT_YET_DUE: _l("Not yet due"),
}


class OpenRoundForm(FlaskForm):
    window = SelectField(_l("Half-month"), choices=[])
    units = SelectMultipleField(_l("Units (none chosen: the whole commune)"), choices=[])
    submit = SubmitField(_l("Open the round"))


class MarkForm(FlaskForm):
    result = SelectField(
        _l("Result"),
        choices=[SelectChoice(r.value, label) for r, label in RESULT_LABELS.items()
                 if r not in (ItemResult.PENDING, ItemResult.NOT_YET_DUE)],
    )
    note = StringField(_l("Finding"), validators=[Length(max=2000)])
    photo = FileField(_l("Photo (JPG, PNG)"))
    submit = SubmitField(_l("Save"))


class FollowUpForm(FlaskForm):
    owner = SelectField(_l("Unit in charge"), choices=[])
    title = StringField(_l("What must be done"), validators=[DataRequired(), Length(max=500)])
    due_on = VietnameseDateField(_l("Deadline (dd/mm/yyyy)"), validators=[DataRequired()])
    submit = SubmitField(_l("Create the follow-up task"))


class CompleteForm(FlaskForm):
    inspector = SelectField(_l("Inspector"), choices=[])
    signed_on = VietnameseDateField(_l("Signed on (dd/mm/yyyy)"), validators=[DataRequired()])
    minutes_number = StringField(_l("Number of the minutes"), validators=[Length(max=60)],
                                 description=_l("A bare number (25) gets the configured symbol "
                                                "(25/BB-VP); a full symbol is printed as typed."))
    conclusion = TextAreaField(_l("Conclusion"), validators=[DataRequired(), Length(max=10000)])
    submit = SubmitField(_l("Sign off the round"))


class ReasonForm(FlaskForm):
    reason = StringField(_l("Reason for reopening"), validators=[DataRequired(),
                                                               Length(max=500)])
    submit = SubmitField(_l("Reopen"))


class CriterionForm(FlaskForm):
    text = StringField(_l("New standing criterion"), validators=[DataRequired(),
                                                                Length(max=500)])
    submit = SubmitField(_l("Add"))
