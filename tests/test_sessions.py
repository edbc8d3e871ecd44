"""Sessions can be ended: logout, other devices, password change, role change, locking."""

from sqlalchemy import func, select

from tests.conftest import csrf_token, login, submit
from tracker.audit.models import AuditEntry
from tracker.extensions import db
from tracker.org import services as org
from tracker.org.models import EndedLogin, Role, User

HOME = "/"


def signed_in(client) -> bool:
    response = client.get(HOME)
    return response.status_code == 200


def copy_of(app, client, *names: str):
    """A second browser holding copies of the first one's cookies."""
    other = app.test_client()
    for name in names:
        cookie = client.get_cookie(name)
        if cookie is not None:
            other.set_cookie(name, cookie.value)
    return other


def remember_login(client, username: str):
    return submit(client, "/login", {"username": username, "password": "mat-khau-thu-nghiem",
                                     "remember": "y"})


def test_a_copied_session_cookie_stops_working_after_logout(app, client, make_user):
    make_user("staff", "PKT", username="canbo")
    login(client, "canbo")
    thief = copy_of(app, client, "session")
    assert signed_in(thief)
    client.post("/logout", data={"csrf_token": csrf_token(client, HOME)})
    assert not signed_in(thief)


def test_logout_ends_this_login_only(app, client, make_user):
    make_user("office", "VP", username="vanphong")
    login(client, "vanphong")
    phone = app.test_client()
    remember_login(phone, "vanphong")
    thief = copy_of(app, phone, "session", "remember_token")
    phone.post("/logout", data={"csrf_token": csrf_token(phone, HOME)})
    assert not signed_in(thief)
    assert signed_in(client)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "vanphong"))
        actions = db.session.scalars(select(AuditEntry.action).where(
            AuditEntry.object_type == "User", AuditEntry.object_id == user.id)
            .order_by(AuditEntry.id)).all()
    assert actions[-1] == "user.logout"


def test_the_remember_me_token_changes_per_login_and_dies_at_logout(app, client, make_user):
    make_user("staff", "PKT", username="canbo")
    remember_login(client, "canbo")
    first = client.get_cookie("remember_token").value
    client.post("/logout", data={"csrf_token": csrf_token(client, HOME)})
    remember_login(client, "canbo")
    second = client.get_cookie("remember_token").value
    assert first != second
    stale = app.test_client()
    stale.set_cookie("remember_token", first)
    assert not signed_in(stale)
    fresh = app.test_client()
    fresh.set_cookie("remember_token", second)
    assert signed_in(fresh)


def test_log_out_other_devices_keeps_this_one(app, client, make_user):
    make_user("office", "VP", username="vanphong")
    login(client, "vanphong")
    phone = app.test_client()
    login(phone, "vanphong")
    assert signed_in(phone)
    response = client.post("/account/sessions/end-others",
                           data={"csrf_token": csrf_token(client, "/account/password")})
    assert response.status_code == 302
    assert not signed_in(phone)
    assert signed_in(client)


def test_a_password_change_ends_every_other_session(app, client, make_user):
    make_user("staff", "PKT", username="canbo")
    login(client, "canbo")
    other = app.test_client()
    remember_login(other, "canbo")
    remembered = copy_of(app, other, "remember_token")
    response = submit(client, "/account/password", {
        "current_password": "mat-khau-thu-nghiem", "new_password": "Cay-bang-xanh-1975",
        "confirm": "Cay-bang-xanh-1975"})
    assert response.status_code == 302
    assert signed_in(client)
    assert not signed_in(other)
    assert not signed_in(remembered)


def test_a_role_change_and_locking_end_the_sessions(app, client, make_user):
    admin_id = make_user("admin", username="quantri")
    make_user("office", "VP", username="vanphong")
    make_user("staff", "PKT", username="canbo")
    office, staff = app.test_client(), app.test_client()
    login(office, "vanphong")
    login(staff, "canbo")
    with app.app_context():
        admin = db.session.get(User, admin_id)
        clerk = db.session.scalar(select(User).where(User.username == "vanphong"))
        officer = db.session.scalar(select(User).where(User.username == "canbo"))
        org.update_user(admin, clerk, role=Role.STAFF)
        org.update_user(admin, officer, title="Công chức")  # no new role: stays signed in
        db.session.commit()
    assert not signed_in(office)
    assert signed_in(staff)
    with app.app_context():
        admin = db.session.get(User, admin_id)
        officer = db.session.scalar(select(User).where(User.username == "canbo"))
        org.set_active(admin, officer, False)
        org.set_active(admin, officer, True)
        db.session.commit()
    assert not signed_in(staff)


def test_a_forged_user_id_in_the_session_finds_no_one(app, client, make_user):
    user_id = make_user("admin", username="quantri")
    with client.session_transaction() as session:
        session["_user_id"] = str(user_id)  # the old form: the row id alone
        session["_fresh"] = True
    assert not signed_in(client)


def test_ending_every_login_drops_the_rows_of_logins_ended_one_by_one(app, client, make_user):
    make_user("staff", "PKT", username="canbo")
    thieves = []
    for _ in range(3):
        remember_login(client, "canbo")
        thieves.append(copy_of(app, client, "session", "remember_token"))
        client.post("/logout", data={"csrf_token": csrf_token(client, HOME)})

    def ended() -> int:
        with app.app_context():
            return db.session.scalar(select(func.count(EndedLogin.id)))

    assert ended() == 3
    login(client, "canbo")
    client.post("/account/sessions/end-others",
                data={"csrf_token": csrf_token(client, "/account/password")})
    assert ended() == 0  # the new nonce ends them all: the rows are moot
    assert signed_in(client)
    assert not any(signed_in(thief) for thief in thieves)
