"""Loading a directive file in the browser: upload, preview, confirm; the confirmation loads
exactly the file that was checked, once."""

import io
import re
from pathlib import Path

from sqlalchemy import func, select

from tests import factories
from tests.conftest import csrf_token, login
from tracker.directives.models import Directive, Task
from tracker.extensions import db

SHIPPED = Path(__file__).resolve().parent.parent / "seeds" / "directive_tasks.yaml"
DIGEST = re.compile(r'name="digest"[^>]*value="([0-9a-f]{64})"')


def upload(client) -> str:
    """Upload the shipped file; return the digest its preview asks to confirm."""
    response = client.post("/directives/import", data={
        "csrf_token": csrf_token(client, "/directives/import"),
        "file": (io.BytesIO(SHIPPED.read_bytes()), "directive_tasks.yaml"),
    }, content_type="multipart/form-data")
    assert response.status_code == 200
    match = DIGEST.search(response.get_data(as_text=True))
    assert match, "the preview has no confirmation form"
    return match.group(1)


def test_confirming_the_preview_loads_the_checked_file_once(client, app):
    with app.app_context():
        factories.user(role="admin", unit_code="VP", username="admin")
        db.session.commit()
    login(client, "admin")
    digest = upload(client)
    with app.app_context():
        assert db.session.scalar(select(func.count(Directive.id))) == 0  # a preview writes nothing
    token = csrf_token(client, "/directives/import")
    response = client.post("/directives/import/confirm",
                           data={"csrf_token": token, "digest": digest})
    assert response.status_code == 302
    with app.app_context():
        directive = db.session.scalar(select(Directive))
        assert response.headers["Location"].endswith(f"/directives/{directive.id}")
        assert db.session.scalar(select(func.count(Task.id)).where(
            Task.directive_id == directive.id)) > 0
    again = client.post("/directives/import/confirm", data={"csrf_token": token, "digest": digest})
    assert again.status_code == 302
    assert again.headers["Location"].endswith("/directives/import")  # the checked file is used up


def test_a_confirmation_without_a_proper_digest_is_refused(client, app):
    with app.app_context():
        factories.user(role="admin", unit_code="VP", username="admin")
        db.session.commit()
    login(client, "admin")
    token = csrf_token(client, "/directives/import")
    response = client.post("/directives/import/confirm",
                           data={"csrf_token": token, "digest": "../../etc/passwd"})
    assert response.status_code == 400
