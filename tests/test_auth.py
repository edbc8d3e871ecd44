"""Logging in and out, passwords, safe redirects, language switching."""

import pytest

from tests.conftest import PASSWORD, csrf_token, login, submit
from tracker.audit.models import AuditEntry
from tracker.extensions import db
from tracker.org.models import User


def test_login_page_is_vietnamese_by_default(client):
    html = client.get("/login").get_data(as_text=True)
    assert 'lang="vi"' in html
    assert "Đăng nhập" in html


def test_login_and_logout(client, make_user, app):
    make_user("office", "VP", username="vanphong")
    response = login(client, "vanphong")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "Nguyễn Văn vanphong" in client.get("/").get_data(as_text=True)
    token = csrf_token(client, "/")
    response = client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 302
    assert client.get("/tasks").status_code == 302  # back to the login page
    with app.app_context():
        user = db.session.query(User).filter_by(username="vanphong").one()
        assert user.last_login_at is not None
        assert db.session.query(AuditEntry).filter_by(action="user.login").count() == 1


def test_wrong_password_is_refused_in_vietnamese(client, make_user):
    make_user("office", "VP", username="vanphong")
    response = login(client, "vanphong", "sai-mat-khau")
    assert response.status_code == 200
    assert "Sai tên đăng nhập hoặc mật khẩu" in response.get_data(as_text=True)
    assert client.get("/tasks").status_code == 302


def test_locked_account_cannot_log_in(client, make_user, app):
    user_id = make_user("staff", "VP", username="bikhoa")
    with app.app_context():
        db.session.get(User, user_id).is_active = False
        db.session.commit()
    response = login(client, "bikhoa")
    assert response.status_code == 200
    assert client.get("/tasks").status_code == 302


def test_account_without_password_cannot_log_in(client, app):
    with app.app_context():
        db.session.add(User(username="chuaco", full_name="Chưa Có Mật Khẩu"))
        db.session.commit()
    response = login(client, "chuaco", "")
    assert response.status_code == 200
    assert client.get("/tasks").status_code == 302


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/tasks", "/tasks"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_next_only_goes_to_this_site(client, make_user, target, expected):
    make_user("office", "VP", username="vanphong")
    response = submit(
        client, "/login", {"username": "vanphong", "password": PASSWORD, "next": target}
    )
    assert response.headers["Location"] == expected


def test_login_without_csrf_token_changes_nothing(client, make_user, app):
    make_user("office", "VP", username="vanphong")
    response = client.post("/login", data={"username": "vanphong", "password": PASSWORD})
    assert response.status_code == 400
    assert "Không có thay đổi nào" in response.get_data(as_text=True)
    assert client.get("/tasks").status_code == 302


def test_change_own_password(client, make_user, app):
    make_user("staff", "VP", username="canbo")
    login(client, "canbo")
    response = submit(client, "/account/password", {
        "current_password": PASSWORD, "new_password": "mat-khau-moi-2026",
        "confirm": "mat-khau-moi-2026",
    })
    assert response.status_code == 302
    with app.app_context():
        user = db.session.query(User).filter_by(username="canbo").one()
        assert user.check_password("mat-khau-moi-2026")
        assert db.session.query(AuditEntry).filter_by(action="user.change_password").count() == 1


@pytest.mark.parametrize(
    ("current", "new", "message"),
    [
        ("sai", "mat-khau-moi-2026", "Mật khẩu hiện tại không đúng"),
        (PASSWORD, "ngan", "ít nhất 8 ký tự"),
        (PASSWORD, "1234567890", "không được chỉ gồm chữ số"),
    ],
)
def test_bad_password_change_is_explained(client, make_user, app, current, new, message):
    make_user("staff", "VP", username="canbo")
    login(client, "canbo")
    response = submit(client, "/account/password", {
        "current_password": current, "new_password": new, "confirm": new,
    })
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(User).filter_by(username="canbo").one().check_password(PASSWORD)


def test_switch_to_english_and_back(client):
    token = csrf_token(client, "/login")
    client.post("/language/en", data={"csrf_token": token})
    html = client.get("/login").get_data(as_text=True)
    assert 'lang="en"' in html
    assert "Log in" in html
    token = csrf_token(client, "/login")
    client.post("/language/vi", data={"csrf_token": token})
    assert "Đăng nhập" in client.get("/login").get_data(as_text=True)
