"""Moving cases through their statuses: ready, shortfall acceptance, sending, county results."""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING, Any

from workstation import audit, statuses
from workstation.accounts import acting_user, require_role
from workstation.case_access import check_can_edit
from workstation.cases import Case, load_case
from workstation.clock import now_iso, parse_iso
from workstation.db import write
from workstation.errors import ValidationFailed
from workstation.i18n import pick, t

if TYPE_CHECKING:
    from workstation.context import Context


def pages_by_kind(ctx: Context, case_id: str) -> dict[str, int]:
    rows = ctx.db.execute(
        "SELECT d.kind, COUNT(p.position) FROM documents d LEFT JOIN pages p ON p.doc_id = d.doc_id"
        " WHERE d.case_id = ? GROUP BY d.kind", [case_id])
    return {kind: count for kind, count in rows}


def readiness_problems(ctx: Context, service_code: str, form_version: str,
                       applicant: dict[str, Any], fields: dict[str, Any], case_id: str,
                       shortfall: dict[str, Any] | None) -> list[dict[str, str]]:
    """Everything that keeps a case from being ready, as ``{"path", "message"}``."""
    form = ctx.catalog.get(service_code, form_version)
    _, _, errors = form.validate_case(applicant, fields)
    problems = [{"path": e.path, "message": e.message} for e in errors if e.blocking]
    waived = set((shortfall or {}).get("missing", []))
    for doc in form.missing_documents(fields, pages_by_kind(ctx, case_id)):
        if doc.kind not in waived:
            problems.append({"path": f"documents.{doc.kind}",
                             "message": t(f"缺少材料：{pick(doc.label)}", f"Missing material: {pick(doc.label)}")})
    return problems


def mark_ready(ctx: Context, case_id: str, user: str) -> Case:
    """``draft``/``returned`` → ``ready`` when everything validates; a returned case gets a new revision."""
    actor = acting_user(ctx.db, user)
    with write(ctx.db):
        case = load_case(ctx.db, case_id)
        check_can_edit(actor, case.captured_by)
        statuses.check_move(case.status, statuses.READY)
        problems = readiness_problems(ctx, case.service_code, case.form_version, case.applicant,
                                      case.fields, case_id, case.shortfall)
        if problems:
            raise ValidationFailed(
                t("办件还不能提交", "The case is not complete"),
                "; ".join(p["message"] for p in problems[:5]) + (" …" if len(problems) > 5 else ""),
                problems)
        _store_clean_values(ctx, case)
        revision = case.revision + 1 if case.status == statuses.RETURNED else case.revision
        ctx.db.execute("UPDATE cases SET status = 'ready', revision = ?, ready_at = ?, updated_at = ?,"
                       " edit_seq = edit_seq + 1 WHERE case_id = ?",
                       [revision, now_iso(), now_iso(), case_id])
        audit.append(ctx.db, actor.username, "case.ready", case_id, {"revision": revision})
    return load_case(ctx.db, case_id)


def _store_clean_values(ctx: Context, case: Case) -> None:
    """Save the normalized values (phone digits, ISO dates, money strings) the county gets."""
    form = ctx.catalog.get(case.service_code, case.form_version)
    applicant, fields, _ = form.validate_case(case.applicant, case.fields)
    ctx.db.execute("UPDATE cases SET applicant = ?, fields = ?, phone = ? WHERE case_id = ?",
                   [json.dumps({**case.applicant, **applicant}, ensure_ascii=False),
                    json.dumps(fields, ensure_ascii=False), applicant.get("phone", ""), case.case_id])


def accept_with_shortfall(ctx: Context, case_id: str, user: str, missing: list[str],
                          due: date, note: str = "") -> Case:
    """容缺受理: a clerk accepts a case whose main materials are there, recording what is owed."""
    actor = acting_user(ctx.db, user)
    require_role(actor, "clerk", "admin")
    if not missing:
        raise ValidationFailed(t("请说明缺少的材料", "Name the missing materials"),
                               t("容缺受理需要列出申请人承诺补交的材料。",
                                 "Accepting with a shortfall needs the materials the applicant will bring."))
    if due <= date.today():
        raise ValidationFailed(t("补交期限无效", "Invalid due date"),
                               t("补交期限必须晚于今天。", "The due date must be after today."))
    shortfall = {"missing": sorted(set(missing)), "due": due.isoformat(), "note": note,
                 "accepted_by": actor.username, "accepted_at": now_iso()}
    with write(ctx.db):
        case = load_case(ctx.db, case_id)
        statuses.check_move(case.status, statuses.READY)
        ctx.db.execute("UPDATE cases SET shortfall = ? WHERE case_id = ?",
                       [json.dumps(shortfall, ensure_ascii=False), case_id])
        audit.append(ctx.db, actor.username, "case.shortfall", case_id, shortfall)
        return mark_ready(ctx, case_id, user)


def withdraw(ctx: Context, case_id: str, user: str) -> Case:
    """Undo "ready" before the case is sent: back to draft for more changes."""
    actor = acting_user(ctx.db, user)
    with write(ctx.db):
        case = load_case(ctx.db, case_id)
        check_can_edit(actor, case.captured_by)
        statuses.check_move(case.status, statuses.DRAFT)
        ctx.db.execute("UPDATE cases SET status = 'draft', ready_at = NULL, updated_at = ?,"
                       " edit_seq = edit_seq + 1 WHERE case_id = ?", [now_iso(), case_id])
        audit.append(ctx.db, actor.username, "case.withdraw", case_id)
    return load_case(ctx.db, case_id)


def set_sync_status(ctx: Context, case_id: str, new: str, actor: str = "sync",
                    county_ref: str | None = None) -> None:
    """The sync engine's moves: ``ready``→``sending``→``sent`` or back to ``ready``.

    Call inside a write transaction so that the move and the engine's own
    bookkeeping commit together.
    """
    case = load_case(ctx.db, case_id)
    statuses.check_move(case.status, new)
    ctx.db.execute("UPDATE cases SET status = ?, county_ref = COALESCE(?, county_ref), updated_at = ?"
                   " WHERE case_id = ?", [new, county_ref, now_iso(), case_id])
    audit.append(ctx.db, actor, f"case.{new}", case_id,
                 {"county_ref": county_ref} if county_ref else None)


def apply_county_status(ctx: Context, case_id: str, status: str, reason: str | None, at: str,
                        county_ref: str | None = None, actor: str = "county") -> bool:
    """Apply a status the county reported; applying the same update again changes nothing.

    Returns whether anything changed. Call inside a write transaction.
    """
    case = load_case(ctx.db, case_id)
    if _already_applied(case, status, at):
        return False
    if case.status in (statuses.DRAFT, statuses.READY, statuses.SENDING) and \
            case.county_status is not None:
        # Being corrected or resent after a return: record the county's word, keep local work.
        _record_county(ctx, case_id, status, reason, at, county_ref, case.status)
        return True
    new = status if status in statuses.COUNTY else case.status
    if new != case.status and new not in statuses.ALLOWED.get(case.status, set()):
        _record_county(ctx, case_id, status, reason, at, county_ref, case.status)
        return True
    _record_county(ctx, case_id, status, reason, at, county_ref, new)
    audit.append(ctx.db, actor, "case.county_status", case_id, {"status": status, "reason": reason})
    return True


# Where a status stands in a case's life at the county, to order two updates
# stamped with the same second (a re-delivered "received" must not undo the
# "in_review" that came after it in the same second).
_PROGRESS = {"received": 0, "in_review": 1, "returned": 2, "approved": 3, "rejected": 3, "completed": 4}


def _already_applied(case: Case, status: str, at: str) -> bool:
    """An update older than the last applied one, or not newer at the same second."""
    if not case.county_updated_at:
        return False
    last, new = parse_iso(case.county_updated_at), parse_iso(at)
    if new != last:
        return new < last
    return _PROGRESS.get(status, 0) <= _PROGRESS.get(case.county_status or "", -1)


def _record_county(ctx: Context, case_id: str, status: str, reason: str | None, at: str,
                   county_ref: str | None, new_status: str) -> None:
    ctx.db.execute("UPDATE cases SET county_status = ?, county_reason = ?, county_updated_at = ?,"
                   " county_ref = COALESCE(?, county_ref), status = ?, updated_at = ?"
                   " WHERE case_id = ?", [status, reason, at, county_ref, new_status, now_iso(), case_id])
