from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import (
    DataRequired,
    EqualTo,
    Length,
    Optional,
    Regexp,
    ValidationError,
)

from tracker.org import services
from tracker.org.labels import ROLE_LABELS, UNIT_KIND_LABELS
from tracker.org.models import Role, UnitKind
from tracker.org.queries import unit_staff

# An address's shape (WTForms' Email() needs the email_validator package, and mail delivery is
# the real test of an address anyway).
EMAIL_PATTERN = Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$",
                       message=_l("Write an e-mail address, for example ten@ubnd.gov.vn."))
CODE_PATTERN = Regexp(r"^[A-Za-z0-9_.-]+$", message=_l("Use letters, digits, dots, dashes."))


def none_if_blank(value):
    return int(value) if value not in (None, "", "None") else None


class UnitForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=40), CODE_PATTERN])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(
        _l("Kind"), choices=[SelectChoice(k.value, label) for k, label in UNIT_KIND_LABELS.items()]
    )
    supervisor_id = SelectField(_l("Supervising leader"), coerce=none_if_blank)
    is_ranked = BooleanField(_l("Included in the monthly ranking"), default=True)
    is_active = BooleanField(_l("Active"), default=True)
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, unit_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit_id = unit_id
        self.supervisor_id.choices = [SelectChoice("", "—")] + [
            SelectChoice(str(user.id), user.display_name) for user in services.supervisors()
        ]

    def validate_code(self, field):
        if services.unit_code_taken(field.data, exclude_id=self.unit_id):
            raise ValidationError(_l("Another unit already uses this code."))

    def changes(self) -> dict:
        return {
            "code": self.code.data.strip(),
            "name": self.name.data.strip(),
            "kind": UnitKind(self.kind.data),
            "supervisor_id": self.supervisor_id.data,
            "is_ranked": self.is_ranked.data,
            "is_active": self.is_active.data,
        }


class UserForm(FlaskForm):
    username = StringField(
        _l("Username"),
        validators=[DataRequired(), Length(max=80), CODE_PATTERN],
    )
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    title = StringField(_l("Job title"), validators=[Optional(), Length(max=200)])
    email = StringField(_l("E-mail"), validators=[Optional(), Length(max=254), EMAIL_PATTERN])
    role = SelectField(
        _l("Role"), choices=[SelectChoice(r.value, label) for r, label in ROLE_LABELS.items()]
    )
    unit_id = SelectField(_l("Unit"), coerce=none_if_blank)
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, user_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user_id = user_id
        self.unit_id.choices = [SelectChoice("", "—")] + [
            SelectChoice(str(unit.id), unit.name) for unit in services.active_units()
        ]

    def validate_username(self, field):
        if services.username_taken(field.data, exclude_id=self.user_id):
            raise ValidationError(_l("This username is taken."))

    def validate_unit_id(self, field):
        # WTForms 3 turns only ValidationError into a message; role may be missing or forged.
        if self.role.data in (Role.UNIT_HEAD.value, Role.STAFF.value) and field.data is None:
            raise ValidationError(_l("A head of unit or an officer must belong to a unit."))

    def changes(self) -> dict:
        return {
            "username": self.username.data.strip(),
            "full_name": self.full_name.data.strip(),
            "title": (self.title.data or "").strip(),
            "email": (self.email.data or "").strip() or None,
            "role": Role(self.role.data),
            "unit_id": self.unit_id.data,
        }


class NewUserForm(UserForm):
    password = PasswordField(_l("Password"), validators=[DataRequired()])


class SetPasswordForm(FlaskForm):
    new_password = PasswordField(_l("New password"), validators=[DataRequired()])
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("The passwords differ."))],
    )
    submit = SubmitField(_l("Set password"))


def people_choices(unit_id: int, empty_label: str) -> list[SelectChoice]:
    """Who a unit's work can be handed to: its active officers and head."""
    return [SelectChoice("", empty_label)] + [
        SelectChoice(str(person.id), person.display_name) for person in unit_staff(unit_id)
    ]
