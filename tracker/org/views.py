"""Administration of units and users (role: admin)."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker.extensions import db
from tracker.forms import ConfirmForm
from tracker.org import services
from tracker.org.forms import NewUserForm, SetPasswordForm, UnitForm, UserForm
from tracker.org.models import Role, Unit, User
from tracker.org.policies import roles_required

bp = Blueprint("org", __name__, url_prefix="/admin")


@bp.before_request
@login_required
@roles_required(Role.ADMIN)
def require_admin():
    """Every page here is for administrators only."""


def get_or_404(model, object_id: int):
    obj = db.session.get(model, object_id)
    if obj is None:
        abort(404)
    return obj


@bp.route("/units")
def units():
    query = select(Unit).options(selectinload(Unit.supervisor)).order_by(Unit.code)
    return render_template("org/units.html", units=db.session.scalars(query).all())


@bp.route("/units/new", methods=["GET", "POST"])
def new_unit():
    form = UnitForm()
    if form.validate_on_submit():
        unit = services.create_unit(current_user, **form.changes())
        flash(_("Unit %(name)s created.", name=unit.name), "success")
        return redirect(url_for("org.units"))
    return render_template("org/unit_form.html", form=form, unit=None)


@bp.route("/units/<int:unit_id>", methods=["GET", "POST"])
def edit_unit(unit_id: int):
    unit = get_or_404(Unit, unit_id)
    form = UnitForm(obj=unit, unit_id=unit.id)
    if form.validate_on_submit():
        services.update_unit(current_user, unit, **form.changes())
        flash(_("Unit %(name)s saved.", name=unit.name), "success")
        return redirect(url_for("org.units"))
    return render_template("org/unit_form.html", form=form, unit=unit)


@bp.route("/users")
def users():
    query = select(User).options(selectinload(User.unit)).order_by(User.full_name)
    return render_template(
        "org/users.html", users=db.session.scalars(query).all(), toggle_form=ConfirmForm()
    )


@bp.route("/users/new", methods=["GET", "POST"])
def new_user():
    form = NewUserForm()
    if form.validate_on_submit():
        try:
            user = services.create_user(current_user, password=form.password.data, **form.changes())
        except services.PasswordRejectedError as problem:
            form.password.errors.append(str(problem))
        else:
            flash(_("Account %(username)s created.", username=user.username), "success")
            return redirect(url_for("org.users"))
    return render_template("org/user_form.html", form=form, user=None)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def edit_user(user_id: int):
    user = get_or_404(User, user_id)
    form = UserForm(obj=user, user_id=user.id)
    if not form.is_submitted():
        form.role.data = user.role.value
    if form.validate_on_submit():
        try:
            services.update_user(current_user, user, **form.changes())
        except services.SelfLockoutError as problem:
            flash(str(problem), "danger")
        else:
            flash(_("Account %(username)s saved.", username=user.username), "success")
            return redirect(url_for("org.users"))
    return render_template("org/user_form.html", form=form, user=user)


@bp.route("/users/<int:user_id>/password", methods=["GET", "POST"])
def reset_password(user_id: int):
    user = get_or_404(User, user_id)
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            services.set_password(current_user, user, form.new_password.data)
        except services.PasswordRejectedError as problem:
            form.new_password.errors.append(str(problem))
        else:
            flash(_("New password set for %(username)s.", username=user.username), "success")
            return redirect(url_for("org.users"))
    return render_template("org/reset_password.html", form=form, user=user)


@bp.route("/users/<int:user_id>/active", methods=["POST"])
def toggle_active(user_id: int):
    user = get_or_404(User, user_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.set_active(current_user, user, not user.is_active)
    except services.SelfLockoutError as problem:
        flash(str(problem), "danger")
    else:
        if user.is_active:
            flash(_("Account %(username)s unlocked.", username=user.username), "success")
        else:
            flash(_("Account %(username)s locked.", username=user.username), "warning")
    return redirect(url_for("org.users"))
