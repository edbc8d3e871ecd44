from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import (
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import URL, DataRequired, InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from tracker.forms import NumberField
from tracker.workflow.models import Cause, Decision

CAUSE_LABELS = {Cause.SUBJECTIVE: _l("Subjective (within our control)"),
                Cause.OBJECTIVE: _l("Objective (outside our control)")}
DECISION_LABELS = {
    Decision.NO_ACTION: _l("No action: the explanation is accepted"),
    Decision.REMINDER: _l("Reminder"),
    Decision.REVIEW: _l("Accountability review (kiểm điểm), draw lessons"),
    Decision.CRITICISM: _l("Criticism"),
    Decision.DISCIPLINE: _l("Propose disciplinary action"),
}


class VersionedForm(FlaskForm):
    """Carries the occurrence's version: a second editor gets a conflict, not an overwrite; a
    form without it (an old page, a hand-made request) is refused, never saved blind."""

    version = IntegerField(widget=HiddenInput(), validators=[InputRequired(message=_l(
        "This page is out of date: reload it, check the current version, then save again."))])


class ReportForm(VersionedForm):
    report = TextAreaField(_l("What was done"), validators=[Length(max=10000)])
    reported_value = NumberField(_l("Figure achieved"))
    files = MultipleFileField(_l("Evidence files (PDF, Word, Excel, OpenDocument, JPG, PNG)"))
    link = StringField(_l("Or a link to the evidence"),
                       validators=[Optional(), URL(message=_l("Write a full address, "
                                                              "starting with https://")),
                                   Length(max=2000)])
    link_description = StringField(_l("What the link shows"), validators=[Length(max=300)])
    cause = SelectField(
        _l("Cause of the delay"),
        choices=[SelectChoice("", "—")]
        + [SelectChoice(c.value, label) for c, label in CAUSE_LABELS.items()],
        default="",
    )
    explanation = TextAreaField(_l("Explanation of the delay"), validators=[Length(max=5000)])
    save = SubmitField(_l("Save without handing in"))
    submit = SubmitField(_l("Hand in for verification"))


class ReviewForm(VersionedForm):
    reason = TextAreaField(_l("Reason (required to return or skip)"),
                           validators=[Length(max=5000)])
    approve = SubmitField(_l("Approve"))
    send_back = SubmitField(_l("Return"))
    skip = SubmitField(_l("Not required this period"))


class DelegateForm(VersionedForm):
    person = SelectField(_l("Hand this period to"), choices=[])
    submit = SubmitField(_l("Assign"))


class DecisionForm(FlaskForm):
    decision = SelectField(
        _l("Decision"),
        choices=[SelectChoice(d.value, label) for d, label in DECISION_LABELS.items()],
    )
    person = SelectField(_l("Person concerned"), choices=[])
    outcome = TextAreaField(_l("Outcome and notes"), validators=[DataRequired(),
                                                                 Length(max=5000)])
    submit = SubmitField(_l("Record the decision"))
