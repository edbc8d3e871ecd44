"""One form per use case: quick assignment, deadline request and decision, transfer,
withdrawal, contribution."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectChoice, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import URL, DataRequired, Length, Optional, ValidationError

from tracker.assignments import queries
from tracker.assignments.services import QUICK_FREQUENCIES
from tracker.directives.labels import FREQUENCY_LABELS, WEEKDAY_LABELS
from tracker.schedule.forms import VietnameseDateField

TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def _none_choice(label: str = "—") -> list[SelectChoice]:
    return [SelectChoice("", label)]


def leader_choices(empty_label: str) -> list[SelectChoice]:
    return _none_choice(empty_label) + [SelectChoice(str(person.id), person.display_name)
                                        for person in queries.leaders()]


class QuickAssignForm(FlaskForm):
    title = TextAreaField(_l("What is to be done"), validators=[DataRequired(), Length(max=2000)])
    unit = SelectField(_l("Unit in charge"), validators=[DataRequired()], choices=[])
    person = SelectField(_l("Responsible person (optional)"), choices=[])
    frequency = SelectField(
        _l("How often"),
        choices=[SelectChoice(f.value, FREQUENCY_LABELS[f]) for f in QUICK_FREQUENCIES])
    due_on = VietnameseDateField(_l("Deadline, or last day if recurring (dd/mm/yyyy)"),
                                 validators=[DataRequired()])
    time = StringField(_l("Time of the deadline (hh:mm)"), default="17:00",
                       validators=[DataRequired(), Length(max=5)])
    weekday = SelectField(_l("Day of the week (weekly)"), default="fri",
                          choices=[SelectChoice(k, v) for k, v in WEEKDAY_LABELS.items()])
    day_of_month = SelectField(
        _l("Day of the month (monthly)"), default="last",
        choices=[SelectChoice("last", _l("Last day of the month"))]
        + [SelectChoice(str(day), str(day)) for day in range(1, 29)])
    outcome = TextAreaField(_l("Expected result"), validators=[DataRequired(), Length(max=2000)])
    directive = SelectField(_l("Under a directive (optional)"), choices=[])
    # Only the Office sees this field (a leader acts in their own name): absent is fine.
    leader = SelectField(_l("On behalf of leader"), choices=[], validate_choice=False)
    submit = SubmitField(_l("Assign the work"))

    def fill_choices(self) -> None:
        self.unit.choices = _none_choice() + [SelectChoice(str(unit.id), unit.name)
                                              for unit in queries.assignable_units()]
        self.person.choices = _none_choice(_l("Head of unit")) + [
            SelectChoice(str(person.id), f"{person.display_name} · "
                         f"{person.unit.name if person.unit else ''}")
            for person in queries.assignable_people()]
        self.directive.choices = _none_choice(_l("Ad-hoc work of this month")) + [
            SelectChoice(str(item.id), f"{item.code} · {item.title}"[:120])
            for item in queries.active_directives()]
        self.leader.choices = leader_choices("—")

    def validate_time(self, field) -> None:
        if not TIME.match(field.data or ""):
            raise ValidationError(_l("Write the time as hh:mm, for example 17:00."))


class DeadlineRequestForm(FlaskForm):
    new_due_on = VietnameseDateField(_l("Proposed new deadline (dd/mm/yyyy)"),
                                     validators=[DataRequired()])
    reason = TextAreaField(_l("Why the work cannot be finished on time"),
                           validators=[DataRequired(), Length(max=5000)])
    submit = SubmitField(_l("Request a deadline change"))


class DeadlineDecisionForm(FlaskForm):
    note = TextAreaField(_l("Note on the decision (required to refuse)"),
                         validators=[Length(max=5000)])
    approve = SubmitField(_l("Approve the new deadline"))
    refuse = SubmitField(_l("Refuse"))


class TransferForm(FlaskForm):
    unit = SelectField(_l("New unit in charge"), validators=[DataRequired()], choices=[])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=5000)])
    # Only the Office sees this field (a leader acts in their own name): absent is fine.
    leader = SelectField(_l("On behalf of leader"), choices=[], validate_choice=False)
    submit = SubmitField(_l("Transfer the task"))


class WithdrawForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=5000)])
    # Only the Office sees this field (a leader acts in their own name): absent is fine.
    leader = SelectField(_l("On behalf of leader"), choices=[], validate_choice=False)
    submit = SubmitField(_l("Withdraw the task"))


class ContributionForm(FlaskForm):
    text = TextAreaField(_l("What your unit did"), validators=[DataRequired(), Length(max=5000)])
    file = FileField(_l("Evidence file (PDF, Word, Excel, OpenDocument, JPG, PNG)"))
    link = StringField(_l("Or a link to the evidence"),
                       validators=[Optional(), URL(message=_l("Write a full address, "
                                                              "starting with https://")),
                                   Length(max=1000)])
    submit = SubmitField(_l("Add the contribution"))
