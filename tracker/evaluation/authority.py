"""Who a report speaks for: its signer, and the directive it carries out.

Official documents print a signature block (authority line, position, name: never empty) and
open by naming the document they carry out.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from tracker.directives.models import Directive, Frequency, Task
from tracker.evaluation.services import EvaluationError
from tracker.extensions import db
from tracker.org.models import Role, Unit, UnitKind, User
from tracker.reports.numbers import AUTHORITIES

SIGNER_ROLES = (Role.OFFICE, Role.LEADER)
# The kind of a document, read from its symbol ("/TB-VP": Thông báo), as clerks do.
KIND_BY_SYMBOL = {"TB": "Thông báo", "KH": "Kế hoạch", "CT": "Chỉ thị", "QĐ": "Quyết định",
                  "BC": "Báo cáo", "CV": "Công văn"}


@dataclass(frozen=True)
class Signer:
    """A signature block as printed: the authority line, the position, the name."""

    name: str
    title: str
    authority: str = ""
    user_id: int | None = None


def signer_candidates() -> list[User]:
    """Who may sign the Office's report: active Office staff and leaders."""
    return list(db.session.scalars(
        select(User).where(User.is_active, User.role.in_(SIGNER_ROLES))
        .order_by(User.full_name)))


def signer_of(user: User, authority: str = "") -> Signer:
    authority = " ".join(authority.split())
    if authority and not authority.upper().startswith(AUTHORITIES):
        raise EvaluationError(_("The authority line starts with TM., KT. or TL. (for example "
                                "“KT. CHÁNH VĂN PHÒNG”), or is left empty."))
    if user.role not in SIGNER_ROLES or not user.is_active:
        raise EvaluationError(_("%(name)s cannot sign the report: choose a leader or a member "
                                "of the Office.", name=user.full_name))
    if not user.title:
        raise EvaluationError(_("%(name)s has no title to print above the signature.",
                                name=user.full_name))
    return Signer(user.full_name, user.title, authority, user.id)


def default_signer() -> Signer | None:
    """``REPORT_SIGNER_USERNAME`` or ``REPORT_SIGNER_NAME`` and ``_TITLE`` if set, else the
    Office member whose title begins with ``REPORT_SIGNER_TITLE`` (Chánh Văn phòng)."""
    config = current_app.config
    authority = config.get("REPORT_SIGNER_AUTHORITY") or ""
    username = config.get("REPORT_SIGNER_USERNAME")
    if username:
        user = db.session.scalar(select(User).where(User.username == username))
        return signer_of(user, authority) if user is not None else None
    title = config.get("REPORT_SIGNER_TITLE") or "Chánh Văn phòng"
    if config.get("REPORT_SIGNER_NAME"):
        return Signer(config["REPORT_SIGNER_NAME"], title, authority)
    # Compared in Python: SQLite lowers only ASCII letters ("CHÁNH" would not match).
    wanted = title.casefold()
    user = next((user for user in sorted(signer_candidates(),
                                         key=lambda user: (user.role != Role.OFFICE, user.id))
                 if (user.title or "").casefold().startswith(wanted)), None)
    return signer_of(user, authority) if user is not None else None


def ranking_task() -> Task | None:
    """The Office's monthly evaluation and ranking duty (task 5-01 in the shipped directive):
    an active monthly task of the Office, due in the month after its period."""
    tasks = db.session.scalars(
        select(Task).join(Unit, Unit.id == Task.owner_unit_id)
        .where(Task.is_active, Task.frequency == Frequency.MONTHLY, Unit.kind == UnitKind.OFFICE)
        .order_by(Task.position, Task.id))
    return next((task for task in tasks if (task.due_rule or {}).get("next_month")), None)


def directive_line(directive: Directive | None) -> str:
    """"Thông báo số /TB-VP tháng 4 năm 2026 của Văn phòng HĐND và UBND xã Cẩm Giang về
    …": the document a report carries out, as the opening sentence names it."""
    if directive is None:
        return "các văn bản chỉ đạo của Chủ tịch UBND xã"
    symbol = directive.number.split("/", 1)[-1].split("-", 1)[0].upper()
    kind = KIND_BY_SYMBOL.get(symbol, "văn bản")
    parts = [kind]
    if directive.number:
        parts.append(f"số {directive.number}")
    issued = directive.issued_on
    if issued is not None:
        day = f"ngày {issued.day:02d} " if directive.issued_day_known else ""
        parts.append(f"{day}tháng {issued.month} năm {issued.year}")
    parts.append(f"của {directive.issuer}")
    return " ".join(parts) + f" về {directive.title[:1].lower()}{directive.title[1:]}"
