from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, SelectChoice, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import URL, DataRequired, InputRequired, Length, Optional, Regexp

from tracker.evidence import storage
from tracker.forms import NumberField
from tracker.indicators import periods
from tracker.months import Month


class ReadingForm(FlaskForm):
    period = SelectField(_l("Month"), choices=[])
    value = NumberField(_l("Figure"), validators=[InputRequired(message=_l("Write the figure."))])
    note = TextAreaField(
        _l("Source of the figure"),
        validators=[DataRequired(message=_l("Say where the figure comes from.")),
                    Length(max=2000)],
    )
    evidence_url = StringField(
        _l("Link to the evidence (optional)"),
        validators=[Optional(), URL(message=_l("Write a full address, starting with https://")),
                    Length(max=2000)],
    )
    submit = SubmitField(_l("Save the figure"))

    def set_months(self, first: str, last: str) -> None:
        """Offer the months from ``first`` to ``last``, newest first."""
        self.period.choices = [SelectChoice(month, Month.parse(month).label)
                               for month in reversed(periods.months_between(first, last))]


class ReadingReviewForm(FlaskForm):
    reason = TextAreaField(_l("Reason (required to return)"), validators=[Length(max=5000)])
    approve = SubmitField(_l("Verify"))
    send_back = SubmitField(_l("Return"))


class ReadingsUploadForm(FlaskForm):
    file = FileField(_l("Readings file (CSV)"), validators=[FileRequired()])
    submit = SubmitField(_l("Check the file"))


class ReadingsConfirmForm(FlaskForm):
    digest = HiddenField(validators=[DataRequired(), Regexp(storage.DIGEST)])
    name = HiddenField(validators=[Length(max=255)])
    submit = SubmitField(_l("Import these readings"))
