"""Translatable names of the actions the audit log records, shown on every history."""

from flask_babel import lazy_gettext as _l

AUDIT_ACTION_LABELS = {
    "occurrence.save": _l("saved the report"),
    "occurrence.submit": _l("handed in for verification"),
    "occurrence.verify": _l("approved"),
    "occurrence.close_by_inspection": _l("closed by signing off the inspection round"),
    "occurrence.return": _l("returned the work"),
    "occurrence.skip": _l("marked as not required"),
    "occurrence.delegate": _l("assigned the period"),
    "occurrence.evidence_add": _l("added evidence"),
    "occurrence.evidence_remove": _l("removed evidence"),
    "occurrence.accountability": _l("recorded an accountability decision"),
    "occurrence.open_event": _l("recorded an event"),
    "task.create": _l("created the task"),
    "task.update": _l("updated the task"),
    "task.deactivate": _l("deactivated the task"),
    "task.delegate": _l("assigned the task"),
    "task.amend": _l("amended the task"),
    "directive.create": _l("created the directive"),
    "directive.update": _l("updated the directive"),
    "directive.publish": _l("published the directive"),
    "directive.amend": _l("amended the directive"),
    "indicator.create": _l("created the indicator"),
    "indicator.update": _l("updated the indicator"),
    "schedule.sync": _l("planned the periods"),
    "indicator.reading_enter": _l("entered a figure"),
    "indicator.reading_verify": _l("verified a figure"),
    "indicator.reading_return": _l("returned a figure"),
    "indicator.reading_from_period": _l("recorded the figure of a period"),
    "indicator.import": _l("imported figures"),
    "inspection.open": _l("opened the round"),
    "inspection.mark": _l("marked an item"),
    "inspection.mark_rest": _l("marked the remaining items met"),
    "inspection.follow_up": _l("created a follow-up task"),
    "inspection.complete": _l("signed off the round"),
    "inspection.reopen": _l("reopened the round"),
    "inspection.publish": _l("published the round"),
    "occurrence.deadline_request": _l("requested a deadline change"),
    "occurrence.deadline_decide": _l("decided on a deadline change"),
    "occurrence.contribution_add": _l("added a cooperating unit's contribution"),
    "occurrence.withdraw": _l("closed the period: task withdrawn"),
    "task.assign": _l("assigned the work"),
    "task.transfer": _l("transferred the task to another unit"),
    "task.withdraw": _l("withdrew the task"),
    "demo.simulate": _l("simulated (demo data)"),
}


def audit_label(action: str) -> str:
    return str(AUDIT_ACTION_LABELS.get(action, action))
