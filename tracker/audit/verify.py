"""Everything ``audit verify`` checks: the keyed chain, the checkpoints kept outside the
database, and the security-relevant values of rows against what the log last said of them."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from tracker.audit import checkpoints, keys
from tracker.audit.models import AuditEntry
from tracker.audit.services import verify_chain
from tracker.extensions import db
from tracker.org.models import User
from tracker.workflow.models import Occurrence

# Per audited type: the columns a change made behind the application's back must not escape.
WATCHED = {
    "User": ("role", "is_active", "password_fingerprint"),
    "Occurrence": ("state",),
}


def user_values(user: User) -> dict[str, Any]:
    """The watched values of a user as the log writes them."""
    return {"role": user.role.value, "is_active": user.is_active,
            "password_fingerprint": keys.password_fingerprint(user.password_hash)}


def checkpoint_problems() -> list[str]:
    """Each checkpoint names an entry that must still be there, with the same hash."""
    found = []
    every = checkpoints.from_file() + checkpoints.from_issued_reports()
    hashes = dict(db.session.execute(
        select(AuditEntry.id, AuditEntry.entry_hash)
        .where(AuditEntry.id.in_({point.entry_id for point in every}))).all()) if every else {}
    for point in every:
        current = hashes.get(point.entry_id)
        if current is None:
            found.append(_("entry %(id)d of %(day)s (checkpoint in %(source)s) is missing: the "
                           "newest entries were deleted or the log was wiped",
                           id=point.entry_id, day=point.day, source=point.source))
        elif not keys.same(current, point.entry_hash):
            found.append(_("entry %(id)d differs from its checkpoint of %(day)s in %(source)s",
                           id=point.entry_id, day=point.day, source=point.source))
    return found


def last_audited() -> dict[tuple[str, int], dict[str, Any]]:
    """The watched values of each row, as the newest entries about it left them."""
    state: dict[tuple[str, int], dict[str, Any]] = {}
    rows = db.session.execute(
        select(AuditEntry.object_type, AuditEntry.object_id, AuditEntry.after)
        .where(AuditEntry.object_type.in_(WATCHED), AuditEntry.object_id.is_not(None))
        .order_by(AuditEntry.id))
    for object_type, object_id, after in rows:
        if not isinstance(after, dict):
            continue
        values = {name: after[name] for name in WATCHED[object_type] if name in after}
        if values:
            state.setdefault((object_type, object_id), {}).update(values)
    return state


def _audited_ids(object_type: str):
    return select(AuditEntry.object_id).where(AuditEntry.object_type == object_type)


def drift_problems() -> list[str]:
    """Name each account the log never saw created, and each watched value that differs from
    the last audited one (a change made by SQL)."""
    audited = last_audited()
    found = [_("user %(user)s is in no entry of the log: the account was added outside the "
               "application", user=username)
             for username in db.session.scalars(
                 select(User.username).where(User.id.not_in(_audited_ids("User")))
                 .order_by(User.username))]
    for user in db.session.scalars(select(User).where(User.id.in_(_audited_ids("User")))):
        now = user_values(user)
        for name, value in audited.get(("User", user.id), {}).items():
            if now[name] != value:
                shown = _("(changed)") if name == "password_fingerprint" else now[name]
                found.append(_("user %(user)s: %(field)s is %(now)s but the log last recorded "
                               "%(logged)s", user=user.username, field=name, now=shown,
                               logged=_("another") if name == "password_fingerprint"
                               else value))
    states = db.session.execute(select(Occurrence.id, Occurrence.state)
                                .where(Occurrence.id.in_(_audited_ids("Occurrence"))))
    for occurrence_id, state in states:
        logged = audited.get(("Occurrence", occurrence_id), {}).get("state")
        if logged is not None and state.value != logged:
            found.append(_("period %(id)d: state is %(now)s but the log last recorded "
                           "%(logged)s", id=occurrence_id, now=state.value, logged=logged))
    return found


def verify_everything() -> tuple[int, list[str]]:
    """How many entries the chain holds, and every problem found (empty: intact)."""
    checked, chain_break = verify_chain()
    problems = []
    if chain_break is not None:
        problems.append(_("the chain is broken at entry %(id)d: %(reason)s",
                          id=chain_break.entry_id, reason=chain_break.reason))
    problems += checkpoint_problems()
    problems += drift_problems()
    return checked, problems
