"""What the period and task pages show of deadline changes, contributions and transfers."""

from __future__ import annotations

from typing import Any

from tracker.assignments import policies, queries
from tracker.assignments.forms import ContributionForm, DeadlineDecisionForm, DeadlineRequestForm
from tracker.directives.models import Task
from tracker.org.models import User
from tracker.workflow.models import Occurrence


def occurrence_panel(user: User, occurrence: Occurrence) -> dict[str, Any]:
    requests = queries.requests_of(occurrence)
    pending = next((r for r in requests if r.state.value == "pending"), None)
    leader = policies.deciding_leader(occurrence.task)
    return {
        "deadline_requests": requests,
        "deadline_decider": leader,
        "deadline_request_form": DeadlineRequestForm()
        if pending is None and policies.can_request_deadline(user, occurrence)
        and policies.request_in_time(occurrence) else None,
        "pending_deadline_request": pending,
        "deadline_decision_form": DeadlineDecisionForm()
        if pending is not None and policies.can_decide_deadline(user, pending) else None,
        "contributions": queries.contributions_of(occurrence),
        "contribution_form": ContributionForm()
        if policies.can_contribute(user, occurrence) else None,
    }


def task_panel(user: User, task: Task) -> dict[str, Any]:
    return {"task_changes": queries.changes_of(task),
            "can_change_owner": policies.can_change_owner(user, task)}
