"""Translatable names of roles and kinds of unit, so every page and form agrees."""

from flask_babel import lazy_gettext as _l

from tracker.org.models import Role, UnitKind

ROLE_LABELS = {
    Role.ADMIN: _l("Administrator"),
    Role.LEADER: _l("Leader"),
    Role.OFFICE: _l("Office staff"),
    Role.UNIT_HEAD: _l("Head of unit"),
    Role.STAFF: _l("Officer"),
}

UNIT_KIND_LABELS = {
    UnitKind.LEADERSHIP: _l("Leadership"),
    UnitKind.OFFICE: _l("Office"),
    UnitKind.DEPARTMENT: _l("Department"),
    UnitKind.CENTER: _l("Centre"),
    UnitKind.OTHER: _l("Other"),
}
