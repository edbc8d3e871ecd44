"""Every GET route with odd query parameters, for every role: a clear answer, never a 500.

Property-based (Hypothesis), a bounded number of examples per route so the suite stays quick;
it runs on SQLite and again on PostgreSQL with the rest of the suite (``make test``).
"""

import io
import os
import re
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from tests import factories
from tests.conftest import login
from tracker import create_app
from tracker.db import utcnow
from tracker.evidence import storage
from tracker.evidence.models import Evidence, EvidenceKind
from tracker.extensions import db
from tracker.workflow.models import Occurrence, OccurrenceState

ROLES = ["admin", "leader", "office", "unit_head", "staff"]
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
       b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
       b"\x00\x00\x00\x00IEND\xaeB`\x82")
EXAMPLES = int(os.environ.get("GET_FUZZ_EXAMPLES", "300"))
# Every query parameter a view reads (request.args, paginate, filter forms), and a few more.
PARAMETERS = ["page", "per_page", "month", "year", "unit", "person", "next", "all", "q",
              "frequency", "status", "state", "as_of", "day", "directive", "kind", "lang"]
NASTY = ["", " ", "0", "-1", "1", "2", str(2**63), str(2**64 + 1), "9" * 30, "1e309", "nan",
         "inf", "-0", "9999-12", "0001-01", "0000-00", "2026-13", "2026-02", "10000", "-1",
         "31/12/9999", "01/01/0001", "2026-02-30", "\x00", "\r\n", "\x0b", "<script>",
         "' OR '1'='1", "../../etc/passwd", "//evil.example", "ａｄｍｉｎ", "Đ" * 300,
         "DVA", "DVB", "on", "true", "daily", "open", "verified", "overdue"]
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)


def make_probe_app():
    """An application built at collection time, only to read its URL map."""
    return create_app({"TESTING": True, "SECRET_KEY": "collection-only-key-0123456789",
                       "SQLALCHEMY_DATABASE_URI": "sqlite://", "AUDIT_KEY": "collection-only"})


GET_RULES = sorted((rule for rule in make_probe_app().url_map.iter_rules()
                    if "GET" in (rule.methods or ()) and rule.endpoint != "static"),
                   key=lambda rule: rule.rule)


def path_argument(name: str) -> str:
    """A real row for ``<..._id>``; a language code or 1 for other arguments."""
    if not name.endswith("_id"):
        return "vi" if name == "code" else "1"
    return factories.first_row_id(name)


@pytest.fixture
def world(app):
    """Two units, one account per role, open and handed-in work, a stored file."""
    with app.app_context():
        task_a = factories.task("DVA", code="A-01")
        task_b = factories.task("DVB", code="B-01", parent=task_a.directive)
        users = {role: factories.user(role=role, unit_code="DVA", username=role) for role in ROLES}
        for task, days, state in ((task_a, 2, OccurrenceState.OPEN),
                                  (task_a, -3, OccurrenceState.SUBMITTED),
                                  (task_b, 1, OccurrenceState.OPEN)):
            db.session.add(Occurrence(task_id=task.id, unit_id=task.owner_unit_id,
                                      period_start=(utcnow() + timedelta(days=days)).date(),
                                      period_end=(utcnow() + timedelta(days=days)).date(),
                                      due_at=utcnow() + timedelta(days=days), state=state,
                                      submitted_at=utcnow() if days < 0 else None))
        db.session.flush()
        stored = storage.store(io.BytesIO(PNG), "anh.png")
        first = db.session.scalar(select(Occurrence).order_by(Occurrence.id).limit(1))
        db.session.add(Evidence(occurrence_id=first.id, kind=EvidenceKind.FILE,
                                sha256=stored.sha256, original_name="ảnh.png",
                                media_type=stored.media_type, size=stored.size,
                                uploaded_by_id=users["unit_head"].id))
        db.session.commit()


VALUES = st.one_of(st.sampled_from(NASTY), TEXT, st.integers(-(2**70), 2**70).map(str))
# What the review found, tried on every route: each must be a clear answer.
KNOWN = [{"page": str(2**63)}, {"page": "-1", "per_page": str(2**63)}, {"month": "9999-12"},
         {"month": "0001-01"}, {"year": "-1"}, {"year": "10000"}, {"as_of": "9999-12"},
         {"day": "31/12/9999"}, {"day": "01/01/0001"}]


def concrete_path(rule) -> str:
    path = rule.rule
    for name in rule.arguments:
        path = re.sub(rf"<(?:[^:<>]+:)?{name}>", path_argument(name), path)
    return path


@pytest.fixture
def clients(app, world):
    """A logged-in browser per role, and one anonymous."""
    made = {role: app.test_client() for role in [*ROLES, None]}
    for role in ROLES:
        login(made[role], role)
    return made


def test_known_odd_values_on_every_get_route(app, clients):
    with app.app_context():
        paths = [concrete_path(rule) for rule in GET_RULES]
    for path in paths:
        for query in KNOWN:
            response = clients["admin"].get(path, query_string=query)
            response.close()
            assert response.status_code < 500, (path, query, response.status_code)


def test_fuzz_get_query_parameters(app, clients):
    with app.app_context():
        paths = [concrete_path(rule) for rule in GET_RULES]

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(path=st.sampled_from(paths), role=st.sampled_from([*ROLES, None]),
           query=st.dictionaries(st.one_of(st.sampled_from(PARAMETERS), TEXT), VALUES,
                                 max_size=4))
    def get_anything(path, role, query):
        response = clients[role].get(path, query_string=query)
        response.close()
        assert response.status_code < 500, (role, path, query, response.status_code)

    get_anything()
