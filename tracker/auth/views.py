"""Log in and out, change one's own password, switch language."""

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from tracker.auth.forms import ChangePasswordForm, LoginForm
from tracker.forms import ConfirmForm
from tracker.org import services
from tracker.security import limit_login_attempts, safe_referrer

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str:
    """Follow ``next`` only to a path on this site; anything else goes home.

    A path has exactly one leading slash: browsers read "//host", "///host" and "/\\host" as
    another site, after dropping tabs and newlines ("/\\n/host"), so those are refused too.
    """
    if (target and target.startswith("/") and not target.startswith("//")
            and "\\" not in target and target.isprintable()):
        return target
    return url_for("dashboard.home")


@bp.route("/login", methods=["GET", "POST"])
@limit_login_attempts
def login():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.home"))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = services.authenticate(form.username.data.strip(), form.password.data)
        if user is None:
            flash(_("Wrong username or password, or the account is locked."), "danger")
        else:
            login_user(user, remember=form.remember.data)
            services.note_login(user)
            return redirect(safe_next(form.next.data))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    form = ConfirmForm()
    if form.validate_on_submit():
        if current_user.is_authenticated:
            # The copied cookie and the remember-me token must not outlive the logout; the
            # account's logins on other devices go on.
            services.end_login(current_user, current_user, session.get("_user_id"))
        logout_user()
        flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))


def stay_logged_in_here() -> None:
    """After ending all of the account's sessions, give this browser a fresh one."""
    remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies
    login_user(current_user._get_current_object(), remember=remembered)


@bp.route("/account/sessions/end-others", methods=["POST"])
@login_required
def end_other_sessions():
    form = ConfirmForm()
    if form.validate_on_submit():
        services.end_sessions(current_user, current_user)
        stay_logged_in_here()
        flash(_("You have been logged out on every other device."), "success")
    return redirect(url_for("auth.change_password"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.current_password.data):
            form.current_password.errors.append(_("The current password is wrong."))
        else:
            try:
                services.set_password(current_user, current_user, form.new_password.data)
            except services.PasswordRejectedError as problem:
                form.new_password.errors.append(str(problem))
            else:
                stay_logged_in_here()
                flash(_("Your password has been changed."), "success")
                return redirect(url_for("dashboard.home"))
    return render_template("auth/password.html", form=form, end_form=ConfirmForm())


@bp.route("/language/<code>", methods=["POST"])
def set_language(code: str):
    form = ConfirmForm()
    if form.validate_on_submit() and code in current_app.config["LANGUAGES"]:
        session["lang"] = code
    return redirect(safe_referrer() or url_for("dashboard.home"))
