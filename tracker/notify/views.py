"""The in-app inbox and the personal calendar feed."""


from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from tracker.extensions import db
from tracker.forms import ConfirmForm
from tracker.notify import services
from tracker.notify.ical import feed_for
from tracker.notify.models import Notification
from tracker.org.models import User

bp = Blueprint("notify", __name__)


@bp.route("/inbox")
@login_required
def inbox():
    query = (
        select(Notification)
        .where(Notification.user_id == current_user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )
    page = db.paginate(query, per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("notify/inbox.html", page=page, form=ConfirmForm())


@bp.route("/inbox/read", methods=["POST"])
@login_required
def mark_all_read():
    if ConfirmForm().validate_on_submit():
        services.mark_all_read(current_user)
    return redirect(url_for("notify.inbox"))


@bp.route("/calendar-feed", methods=["GET", "POST"])
@login_required
def calendar_feed():
    form = ConfirmForm()
    if form.validate_on_submit():
        services.renew_calendar_token(current_user)
        flash(_("A new secret address was made; the old one no longer works."), "success")
        return redirect(url_for("notify.calendar_feed"))
    feed_url = None
    if current_user.ical_token:
        feed_url = url_for("notify.ical", token=current_user.ical_token, _external=True)
    return render_template("notify/calendar_feed.html", form=form, feed_url=feed_url)


@bp.route("/calendar-feed/revoke", methods=["POST"])
@login_required
def revoke_calendar_feed():
    if ConfirmForm().validate_on_submit() and services.revoke_calendar_token(current_user):
        flash(_("The calendar address was revoked."), "info")
    return redirect(url_for("notify.calendar_feed"))


@bp.route("/ical/<token>.ics")
def ical(token: str):
    """No login: the unguessable token is the key, and its owner can revoke it."""
    if len(token) < 32:
        abort(404)
    user = db.session.scalar(select(User).where(User.ical_token == token, User.is_active))
    if user is None:
        abort(404)
    return Response(feed_for(user), mimetype="text/calendar",
                    headers={"Content-Disposition": "inline; filename=ro-viec.ics"})
