from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, StopValidation, ValidationError

from tracker.months import FIRST_YEAR, LAST_YEAR
from tracker.schedule.models import DayKind

DAY_KIND_LABELS = {
    DayKind.DAY_OFF: _l("Day off"),
    DayKind.WORKING_DAY: _l("Make-up working day"),
}


class VietnameseDateField(StringField):
    """A date typed as dd/mm/yyyy, the way people here write it."""

    def process_formdata(self, valuelist):
        self.data = None
        self.raw = valuelist[0].strip() if valuelist else ""
        if not self.raw:
            return
        try:
            self.data = datetime.strptime(self.raw, "%d/%m/%Y").date()  # noqa: DTZ007
        except ValueError:
            raise ValidationError(_l("Write the date as dd/mm/yyyy, for example 30/04/2026.")) \
                from None
        if not FIRST_YEAR <= self.data.year <= LAST_YEAR:
            self.data = None
            raise ValidationError(_l("Give a date between %(first)d and %(last)d.",
                                     first=FIRST_YEAR, last=LAST_YEAR))

    def pre_validate(self, form):
        """A date written wrongly says so, not also "this field is required"."""
        if self.process_errors:
            raise StopValidation

    def _value(self):
        if self.data:
            return self.data.strftime("%d/%m/%Y")
        return getattr(self, "raw", "")


class CalendarDayForm(FlaskForm):
    day = VietnameseDateField(_l("Date (dd/mm/yyyy)"), validators=[DataRequired()])
    kind = SelectField(
        _l("Kind"), choices=[SelectChoice(k.value, label) for k, label in DAY_KIND_LABELS.items()]
    )
    reason = StringField(_l("Reason (the decision that sets it)"),
                         validators=[DataRequired(), Length(max=300)])
    submit = SubmitField(_l("Save and re-plan"))


class EventForm(FlaskForm):
    day = VietnameseDateField(_l("Date it arose (dd/mm/yyyy)"), validators=[DataRequired()])
    note = StringField(_l("What happened"), validators=[DataRequired(), Length(max=300)])
    submit = SubmitField(_l("Record the event"))
