from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Regexp

from tracker.evidence import storage


class DocumentUploadForm(FlaskForm):
    file = FileField(_l("Signed document (DOCX or PDF)"))
    text = TextAreaField(_l("Or paste the text of the document"),
                         validators=[Length(max=200_000)])
    submit = SubmitField(_l("Read the document"))


class DraftConfirmForm(FlaskForm):
    digest = HiddenField(validators=[DataRequired(), Regexp(storage.DIGEST)])
    submit = SubmitField(_l("Create the draft directive"))
