"""Load a checked directive and plan its work: one path for the CLI and the upload page."""

from sqlalchemy import select

from tracker.directives.applying import SeedSummary, apply_directive
from tracker.directives.models import Task
from tracker.directives.schema import DirectiveSpec
from tracker.extensions import db
from tracker.org.models import User
from tracker.schedule.planning import sync_tasks


def load_directive(spec: DirectiveSpec, actor: User | None) -> SeedSummary:
    """Create or update the directive by its codes, then plan the occurrences of its tasks."""
    summary = apply_directive(spec, actor)
    tasks = db.session.scalars(select(Task).where(Task.directive_id == summary.directive.id))
    sync_tasks(list(tasks))
    return summary
