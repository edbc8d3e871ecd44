"""Directive writes: load a checked directive (file, upload or editor), keep a draft, publish,
amend. One path for the command line, the upload page and the editor; every write is audited.

Only flushes: the caller commits, or rolls back when a change is refused.
"""

from __future__ import annotations

from typing import Any, NoReturn

from flask_babel import gettext as _
from sqlalchemy import select

from tracker.audit.services import jsonable, record
from tracker.db import utcnow
from tracker.directives import policies
from tracker.directives.applying import SeedSummary, apply_directive
from tracker.directives.models import Directive, DirectiveStatus, Task
from tracker.directives.problems import DirectiveFileError, Problem
from tracker.directives.schema import DirectiveSpec
from tracker.directives.signals import directive_published
from tracker.extensions import db
from tracker.org.models import Role, Unit, UnitKind, User
from tracker.schedule.calendar import WorkCalendar
from tracker.schedule.planning import sync_task, sync_tasks


class NotAllowedError(PermissionError):
    """The actor may not do this; the message says why."""


def _refuse(spec: DirectiveSpec, field: str, message: str) -> NoReturn:
    raise DirectiveFileError([Problem(spec.source, None, field, message)])


def existing_directive(spec: DirectiveSpec) -> Directive | None:
    return db.session.scalar(select(Directive).where(Directive.code == spec.code))


def check_roles(spec: DirectiveSpec, actor: User | None) -> None:
    """A file may not give anyone a role above the uploader's (an Office upload makes no admin)."""
    units = {unit.code: unit for unit in db.session.scalars(select(Unit))}
    declared = {item.code: item.kind for item in spec.units}
    problems = []
    for index, item in enumerate(spec.people):
        current = db.session.scalar(select(User).where(User.person_code == item.code))
        role = item.role
        if current is None and role is None:
            kind = declared.get(item.unit) or getattr(units.get(item.unit), "kind", None)
            role = Role.LEADER if kind == UnitKind.LEADERSHIP else Role.STAFF
        granted = role is not None and (current is None or current.role != role)
        if granted and not policies.can_grant(actor, role):
            problems.append(Problem(spec.source, None, f"people[{index}].role", _(
                "You may not give “%(code)s” the role %(role)s: a file cannot grant a role "
                "above yours.", code=item.code, role=role.value)))
    if problems:
        raise DirectiveFileError(problems)


def load_directive(spec: DirectiveSpec, actor: User | None, reason: str = "") -> SeedSummary:
    """Create or update the directive by its codes: the one act behind seed, upload and editor.

    A new directive is published unless the file says ``status: draft``. A change to a
    published directive is an amendment and needs a reason; without one it is refused (the
    caller rolls back). A draft plans nothing and notifies nobody.
    """
    reason = reason.strip()
    before = existing_directive(spec)
    was_published = before is not None and not before.is_draft
    if was_published and spec.directive.status == DirectiveStatus.DRAFT:
        _refuse(spec, "directive.status",
                _("This directive is already published; it cannot become a draft again."))
    check_roles(spec, actor)
    summary = apply_directive(spec, actor, reason if was_published else "")
    directive = summary.directive
    changes = summary.total_created + summary.total_updated + summary.total_deactivated
    if was_published and changes and not reason:
        _refuse(spec, "reason", _("This directive is published: a change to it needs a reason "
                                  "(what was amended and why)."))
    if was_published:
        sync_tasks(_tasks_of(directive))
        if changes:
            record(actor, "directive.amend", directive, after={
                "reason": reason, "created": summary.total_created,
                "updated": summary.total_updated, "deactivated": summary.total_deactivated},
                summary=f"{directive.code}: {reason}"[:300])
    elif spec.directive.status == DirectiveStatus.PUBLISHED:
        publish_directive(directive, actor, from_file=True)
    return summary


def create_draft(spec: DirectiveSpec, actor: User) -> SeedSummary:
    """Keep a directive as a draft (the editor's save, the document import's result)."""
    if not policies.can_edit_directives(actor):
        raise NotAllowedError(_("Only the Office or an administrator may draft directives."))
    info = spec.directive.model_copy(update={"status": DirectiveStatus.DRAFT})
    return load_directive(spec.model_copy(update={"directive": info}), actor)


def save_from_editor(spec: DirectiveSpec, actor: User, reason: str = "") -> SeedSummary:
    """The editor's save: a draft stays a draft; a published directive is amended."""
    if not policies.can_edit_directives(actor):
        raise NotAllowedError(_("Only the Office or an administrator may change directives."))
    current = existing_directive(spec)
    if current is None or current.is_draft:
        return create_draft(spec, actor)
    info = spec.directive.model_copy(update={"status": DirectiveStatus.PUBLISHED})
    return load_directive(spec.model_copy(update={"directive": info}), actor, reason)


def publish_directive(directive: Directive, actor: User | None, leader: User | None = None,
                      *, from_file: bool = False) -> None:
    """Publish: plan every task's periods and tell each owner unit what it was given.

    A leader publishes in person; the Office (or an administrator) names the leader it acts
    for. A file loaded by the command line (``actor`` None) or the upload page
    (``from_file``) is published for the signer it names, matched to a leader's account
    when one has that name.
    """
    if from_file or actor is None:
        leader = db.session.scalar(select(User).where(
            User.role == Role.LEADER, User.is_active, User.full_name == directive.signer_name))
    elif not policies.can_publish(actor):
        raise NotAllowedError(_("Only a leader, or the Office on a leader's behalf, may "
                                "publish a directive."))
    elif not policies.publishes_for_others(actor):
        leader = actor
    elif leader is None or leader.role != Role.LEADER or not leader.is_active:
        raise NotAllowedError(_("Choose the leader on whose behalf you publish."))
    if not directive.is_draft and directive.published_at is not None:
        raise NotAllowedError(_("This directive is already published."))
    directive.status = DirectiveStatus.PUBLISHED
    directive.published_at = utcnow()
    directive.published_by_id = actor.id if actor else None
    directive.published_for_id = leader.id if leader else None
    on_behalf = leader.display_name if leader else directive.signer_name
    record(actor, "directive.publish", directive,
           before={"status": DirectiveStatus.DRAFT.value},
           after={"status": DirectiveStatus.PUBLISHED.value, "on_behalf_of": on_behalf,
                  "in_person": actor is not None and leader is not None and actor.id == leader.id},
           summary=f"{directive.code}: {directive.title}"[:300])
    tasks = _tasks_of(directive)
    sync_tasks(tasks)
    # The owner units are told by tracker.notify (in the app and by e-mail).
    directive_published.send(directive, tasks=[task for task in tasks if task.is_active])


AMENDABLE = frozenset({
    "clause", "title", "description", "owner_unit_id", "assignee_id", "supervisor_id",
    "frequency", "due_rule", "starts_on", "ends_on", "outcome", "indicator_id",
})


def amend_task(task: Task, changes: dict[str, Any], reason: str, actor: User) -> bool:
    """Change one task; after publishing, with a reason. Started or done periods never move.

    Returns whether anything changed. Generic on purpose: quick assignments and transfers call
    it with their own changes.
    """
    if not policies.can_edit_directives(actor):
        raise NotAllowedError(_("Only the Office or an administrator may change directives."))
    unknown = set(changes) - AMENDABLE
    if unknown:
        raise ValueError(f"not amendable: {sorted(unknown)}")
    reason = reason.strip()
    published = not task.directive.is_draft
    if published and not reason:
        raise NotAllowedError(_("This directive is published: a change to it needs a reason "
                                "(what was amended and why)."))
    before = {key: jsonable(getattr(task, key)) for key in changes}
    after = {key: jsonable(value) for key, value in changes.items()}
    differing = [key for key in changes if before[key] != after[key]]
    if not differing:
        return False
    for key in differing:
        setattr(task, key, changes[key])
    db.session.flush()
    record(actor, "task.amend", task, before={key: before[key] for key in differing},
           after={**{key: after[key] for key in differing}, "reason": reason},
           summary=f"{task.directive.code} / {task.code}: {reason}"[:300])
    if published:
        sync_task(task, WorkCalendar.load(task.starts_on, task.ends_on))
    return True


def _tasks_of(directive: Directive) -> list[Task]:
    return list(db.session.scalars(select(Task).where(Task.directive_id == directive.id)))
