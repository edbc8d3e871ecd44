"""Command-line entry points. Each command calls the same services the web pages use."""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext
from flask_babel import gettext as _
from sqlalchemy import func, select

from tracker.audit.cli import audit_cli
from tracker.db import LOCAL_TZ
from tracker.demo import simulate as simulate_history
from tracker.directives import seeding
from tracker.directives import services as directive_services
from tracker.directives.cli import directive_cli
from tracker.evaluation import authority as authority_lines
from tracker.evaluation import documents as evaluation_documents
from tracker.evaluation import issuing
from tracker.evaluation import services as evaluation
from tracker.evaluation import spreadsheet as evaluation_spreadsheet
from tracker.evaluation.forms import LEVEL_LABELS
from tracker.evaluation.scoring import Level
from tracker.extensions import db
from tracker.formatting import document_number
from tracker.indicators.cli import indicators_cli
from tracker.intake.cli import draft_command
from tracker.notify.services import run_reminders
from tracker.ops.cli import register_ops_commands
from tracker.org import services as org
from tracker.org.models import Role, Unit, UnitKind, User
from tracker.schedule import agenda
from tracker.schedule import services as schedule_services
from tracker.schedule.models import DayKind
from tracker.schedule.planning import sync_tasks
from tracker.schedule.status import CATEGORY_LABELS

DEMO_PASSWORD = "demo@2026"  # noqa: S105 (printed to the person running `make run`, by design)

users_cli = AppGroup("users", help="Manage user accounts.")


@click.command("seed")
@with_appcontext
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--reason", default="", help="Why, when the file changes a published directive.")
def seed_command(path: Path, reason: str) -> None:
    """Load a directive file (YAML): check all of it, then create or update by codes."""
    try:
        spec = seeding.load_file(path)
        summary = directive_services.load_directive(spec, actor=None, reason=reason)
    except seeding.DirectiveFileError as error:
        db.session.rollback()
        for problem in error.problems:
            click.echo(str(problem), err=True)
        click.echo(_("%(n)d problem(s) found; nothing was written.", n=len(error.problems)),
                   err=True)
        raise SystemExit(1) from None
    db.session.commit()
    click.echo(
        _("Directive %(code)s: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.",
          code=summary.directive.code, created=summary.total_created,
          updated=summary.total_updated, unchanged=summary.total_unchanged)
    )


@users_cli.command("create")
@click.argument("username")
@click.option("--name", "full_name", required=True, help="Full name.")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--unit", "unit_code", help="Unit code (required for unit_head and staff).")
@click.option("--title", default="", help="Job title.")
@click.option("--email", default=None)
@click.password_option()
def create_user_command(username, full_name, role, unit_code, title, email, password) -> None:
    """Create an account."""
    unit = None
    if unit_code:
        unit = db.session.scalar(select(Unit).where(Unit.code == unit_code))
        if unit is None:
            raise click.BadParameter(_("No unit has the code %(code)s.", code=unit_code))
    elif Role(role) in (Role.UNIT_HEAD, Role.STAFF):
        raise click.BadParameter(_("A head of unit or an officer must belong to a unit."))
    if org.username_taken(username):
        raise click.BadParameter(_("This username is taken."))
    try:
        org.create_user(None, username=username, full_name=full_name, role=Role(role),
                        unit=unit, title=title, email=email, password=password)
    except org.PasswordRejectedError as problem:
        raise click.BadParameter(str(problem)) from None
    db.session.commit()
    click.echo(_("Account %(username)s created.", username=username))


def demo_accounts(units: list[Unit]) -> list[dict]:
    """One account per role, one head per unit that does the work (the leadership has none)."""
    office = next((u for u in units if u.kind == UnitKind.OFFICE), None)
    working = [u for u in units if u.kind != UnitKind.LEADERSHIP]
    leadership = next((u for u in units if u.kind == UnitKind.LEADERSHIP), None)
    accounts = [
        {"username": "admin", "full_name": "Quản trị hệ thống (demo)", "role": Role.ADMIN,
         "unit": office, "title": "Quản trị hệ thống"},
        {"username": "lanhdao", "full_name": "Lãnh đạo UBND xã (demo)", "role": Role.LEADER,
         "unit": leadership, "title": "Chủ tịch UBND xã"},
        {"username": "vanphong", "full_name": "Chuyên viên Văn phòng (demo)", "role": Role.OFFICE,
         "unit": office, "title": "Chuyên viên"},
    ]
    for unit in working:
        accounts.append(
            {"username": f"truong.{unit.code.lower()}", "full_name": f"Trưởng {unit.name} (demo)",
             "role": Role.UNIT_HEAD, "unit": unit, "title": "Trưởng đơn vị"}
        )
    if working:
        staff_unit = next((u for u in working if u.kind == UnitKind.CENTER), working[0])
        accounts.append(
            {"username": f"canbo.{staff_unit.code.lower()}",
             "full_name": f"Cán bộ {staff_unit.name} (demo)", "role": Role.STAFF,
             "unit": staff_unit, "title": "Công chức"}
        )
    return accounts


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Create demo accounts (one per role, one head per unit), simulate months of work
    (marked as demo data) and print the logins."""
    real_accounts = db.session.scalar(
        select(func.count(User.id)).where(~User.is_demo, User.password_hash.is_not(None))
    )
    if real_accounts:
        raise click.ClickException(
            _("This database has real accounts: demo data is only for a trial installation.")
        )
    units = list(db.session.scalars(select(Unit).where(Unit.is_active).order_by(Unit.id)))
    if not units:
        raise click.ClickException(_("Load a directive first: flask --app tracker seed FILE"))
    rows = []
    for account in demo_accounts(units):
        user = db.session.scalar(select(User).where(User.username == account["username"]))
        if user is None:
            user = org.create_user(None, password=DEMO_PASSWORD, is_demo=True, **account)
        rows.append(user)
    db.session.commit()
    history = simulate_history()
    db.session.commit()
    if history.periods:
        click.echo(_("Demo history: %(periods)d periods, %(rounds)d inspection rounds, "
                     "%(rankings)d issued rankings.", periods=history.periods,
                     rounds=history.rounds, rankings=history.rankings))
    click.echo(_("Demo accounts (password for all: %(password)s):", password=DEMO_PASSWORD))
    for user in rows:
        unit = user.unit.name if user.unit else ""
        click.echo(f"  {user.username:<22} {user.role.value:<10} {unit}")


def parse_day(value: str) -> date:
    """Accept 30/04/2026 (as people write it) or 2026-04-30 (ISO)."""
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(value, pattern).date()  # noqa: DTZ007 (a date, no time)
        except ValueError:
            continue
    raise click.BadParameter(_("%(value)s is not a date (dd/mm/yyyy).", value=value))


class DayParam(click.ParamType):
    name = "DATE"

    def convert(self, value, param, ctx):
        return value if isinstance(value, date) else parse_day(value)


schedule_cli = AppGroup("schedule", help="Plan occurrences.")
calendar_cli = AppGroup("calendar", help="Edit the working-day calendar.")


@schedule_cli.command("extend")
def schedule_extend() -> None:
    """Plan every active task up to its end (or the horizon); safe to run every day."""
    result = sync_tasks(schedule_services.active_tasks())
    db.session.commit()
    click.echo(_("%(created)d planned, %(moved)d moved, %(removed)d removed.",
                 created=result.created, moved=result.moved, removed=result.removed))


def _calendar_change(day: date, kind: DayKind, reason: str) -> None:
    try:
        result = schedule_services.set_calendar_day(None, day, kind, reason)
    except schedule_services.ScheduleError as problem:
        raise click.ClickException(str(problem)) from None
    db.session.commit()
    click.echo(_("%(day)s saved: %(created)d planned, %(moved)d moved, %(removed)d removed.",
                 day=day.strftime("%d/%m/%Y"), created=result.created, moved=result.moved,
                 removed=result.removed))


@calendar_cli.command("day-off")
@click.argument("day", type=DayParam())
@click.argument("reason")
def calendar_day_off(day: date, reason: str) -> None:
    """Declare DAY a day off (REASON: the decision that sets it)."""
    _calendar_change(day, DayKind.DAY_OFF, reason)


@calendar_cli.command("working-day")
@click.argument("day", type=DayParam())
@click.argument("reason")
def calendar_working_day(day: date, reason: str) -> None:
    """Declare DAY a make-up working day (REASON: the decision that sets it)."""
    _calendar_change(day, DayKind.WORKING_DAY, reason)


@click.command("agenda")
@with_appcontext
@click.option("--from", "start", type=DayParam(), required=True)
@click.option("--to", "end", type=DayParam(), required=True)
@click.option("--unit", "unit_code", default=None, help="Only this unit (its code).")
@click.option("--csv", "as_csv", is_flag=True, help="CSV with a header row.")
def agenda_command(start: date, end: date, unit_code: str | None, as_csv: bool) -> None:
    """List occurrences due from --from to --to (inclusive, local dates)."""
    if end < start:
        raise click.BadParameter(_("--to is before --from."))
    rows = agenda.agenda(start, end, unit_code)
    if as_csv:
        buffer = io.StringIO()
        agenda.write_csv(rows, buffer)
        click.echo(buffer.getvalue(), nl=False)
        return
    for row in rows:
        occurrence = row.occurrence
        click.echo(
            f"{occurrence.due_at.astimezone(LOCAL_TZ):%d/%m/%Y %H:%M}  "
            f"{occurrence.task.owner_unit.code:<10} {occurrence.task.code:<16} "
            f"{CATEGORY_LABELS[row.category]}  {occurrence.task.title[:60]}"
        )


@click.command("remind")
@with_appcontext
def remind_command() -> None:
    """Send today's digests and escalate overdue work (run once a day from a timer)."""
    report = run_reminders()
    db.session.commit()
    click.echo(_("%(digests)d digest(s); escalated to heads of unit: %(first)d, to supervising "
                 "leaders: %(second)d; e-mails sent: %(sent)d, failed: %(failed)d.",
                 digests=report.digests, first=report.escalations[1],
                 second=report.escalations[2], sent=report.emails_sent,
                 failed=report.emails_failed))


@click.command("evaluate")
@with_appcontext
@click.option("--month", "month_text", required=True, help="YYYY-MM")
@click.option("--issue", "issue_it", is_flag=True, help="Issue (freeze) the computed draft.")
@click.option("--reason", default="", help="Why, when correcting an issued month.")
@click.option("--number", default="", help="The report's number: 45 or 45/BC-VP.")
@click.option("--signer", "signer_name", help="Username of the person who signs.")
@click.option("--authority", default="", help="Authority line, e.g. \"KT. CHÁNH VĂN PHÒNG\".")
@click.option("--allow-pending", "pending_reason", default="",
              help="Issue although periods await verification, for this reason.")
@click.option("--by", "leader_name", help="Username of the leader who approves and issues.")
@click.option("--keep-excellent", "keep_reason", default="",
              help="The leader (--by) keeps every excellent rating above the cap, for this "
                   "reason (default with --by: the --reason given).")
@click.option("--lower-excess", "lower_reason", default="",
              help="The leader rates the lowest excellent units above the cap as good.")
@click.option("--pdf", "pdf_path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--xlsx", "xlsx_path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--docx", "docx_path", type=click.Path(dir_okay=False, path_type=Path))
def evaluate_command(month_text, issue_it, reason, number, signer_name, authority,
                     pending_reason, leader_name, keep_reason, lower_reason, pdf_path,
                     xlsx_path, docx_path) -> None:
    """Compute the month's evaluation and ranking; optionally issue it and write the reports.

    Without --issue, an already issued month is not recomputed: its frozen reports are written.
    Nothing is written when issuing is refused.
    """
    try:
        month = evaluation.requested_month(month_text)
        first = month.first_day
        leader = _account(leader_name) if leader_name else None
        signer = (authority_lines.signer_of(_account(signer_name), authority)
                  if signer_name else None)
        if issue_it:
            issuing.check_month_over(month.stored)
        current = evaluation.latest_issued(month.stored)
        if issue_it or current is None or reason:
            current = evaluation.compute(None, first, reason)
            if issue_it:
                if leader is not None and not lower_reason:
                    keep_reason = keep_reason or reason
                if keep_reason or lower_reason:
                    if leader is None:
                        raise evaluation.EvaluationError(
                            _("Name the leader who decides on the cap: --by USERNAME."))
                    issuing.resolve_cap(leader, current, keep_reason, lower_reason)
                issuing.issue(leader, current, number, signer, pending_reason)
    except evaluation.EvaluationError as problem:
        db.session.rollback()
        raise click.ClickException(str(problem)) from None
    except PermissionError:
        db.session.rollback()
        raise click.ClickException(_("Only a leader approves and issues the ranking.")) from None
    db.session.commit()
    for row in current.rows:
        kept = _(" (kept above the cap by %(who)s: %(why)s)", who=row.decided_by.full_name,
                 why=row.override_reason) if row.keeps_excellent and row.decided_by else ""
        click.echo(f"{row.rank:>3}. {row.unit_name:<45} {document_number(row.total):>6}  "
                   f"{LEVEL_LABELS[Level(row.final_level)]}{kept}")
    if pdf_path:
        pdf_path.write_bytes(current.pdf or evaluation_documents.report_pdf(current))
    if xlsx_path:
        xlsx_path.write_bytes(evaluation_spreadsheet.report_xlsx(current))
    if docx_path:
        docx_path.write_bytes(evaluation_documents.report_docx(current))


def _account(username: str) -> User:
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise evaluation.EvaluationError(_("No account named %(name)s.", name=username))
    return user


def register_commands(app: Flask) -> None:
    directive_cli.add_command(draft_command)
    for command in (seed_command, demo_command, users_cli, schedule_cli, calendar_cli,
                    agenda_command, remind_command, audit_cli, indicators_cli, evaluate_command,
                    directive_cli):
        app.cli.add_command(command)
    register_ops_commands(app)
