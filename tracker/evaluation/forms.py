from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Regexp

from tracker.evaluation.scoring import Level

LEVEL_LABELS = {
    Level.EXCELLENT: _l("Excellent (Hoàn thành xuất sắc nhiệm vụ)"),
    Level.GOOD: _l("Good (Hoàn thành tốt nhiệm vụ)"),
    Level.DONE: _l("Done (Hoàn thành nhiệm vụ)"),
    Level.NOT_DONE: _l("Not done (Không hoàn thành nhiệm vụ)"),
}


class ComputeForm(FlaskForm):
    month = StringField(_l("Month (YYYY-MM)"),
                        validators=[DataRequired(), Regexp(r"^\d{4}-(0[1-9]|1[0-2])$",
                                                           message=_l("Write YYYY-MM."))])
    reason = TextAreaField(_l("Reason (required to correct an issued month)"),
                           validators=[Length(max=2000)])
    submit = SubmitField(_l("Compute the draft"))


class OverrideForm(FlaskForm):
    level = SelectField(_l("Level decided"),
                        choices=[SelectChoice(level.value, label)
                                 for level, label in LEVEL_LABELS.items()])
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=1000)])
    submit = SubmitField(_l("Change the level"))


class IssueForm(FlaskForm):
    number = StringField(_l("Document number"), validators=[Length(max=60)],
                         description=_l("A bare number (45) gets the configured symbol; a full "
                                        "symbol (45/BC-VP) is printed as typed."))
    signer = SelectField(_l("Signed by"), coerce=int)
    authority = StringField(_l("Authority line (TM., KT., TL.; empty if none)"),
                            validators=[Length(max=200)])
    allow_pending = BooleanField(_l("Issue although periods await verification"))
    pending_reason = TextAreaField(_l("Reason for issuing with periods awaiting verification"),
                                  validators=[Length(max=2000)])
    preview = SubmitField(_l("Preview the number and signature"))
    submit = SubmitField(_l("Approve and issue"))


class KeepExcellentForm(FlaskForm):
    reason = StringField(_l("Reason for keeping the excellent rating"),
                         validators=[DataRequired(), Length(max=1000)])
    submit = SubmitField(_l("Keep above the cap"))

STATUS_LABELS = {"draft": _l("Draft"), "issued": _l("Issued"), "superseded": _l("Superseded")}
REASON_LABELS = {"late": _l("done late"), "overdue": _l("overdue, not done"),
                 "returned": _l("returned by the Office"), "unverified": _l("not yet verified")}
STATE_LABELS = {"open": _l("Not started"), "in_progress": _l("In progress"),
                "submitted": _l("Awaiting verification"), "returned": _l("Returned"),
                "verified": _l("Verified"), "not_applicable": _l("Not required")}
