"""CSV export of case lists: only the columns asked for, ID numbers masked by default.

Full ID numbers and phones leave the workstation only when a clerk or an
administrator asks for them; every export is audited with what it contained.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING

from workstation import audit, statuses
from workstation.accounts import acting_user, require_role
from workstation.case_queries import CaseFilter, list_cases
from workstation.db import write
from workstation.errors import ValidationFailed
from workstation.i18n import pick, t
from workstation.masking import mask_id, mask_phone

if TYPE_CHECKING:
    from workstation.context import Context

COLUMNS = {
    "local_no": ("受理编号", "Case number"), "county_ref": ("县级办件编号", "County number"),
    "status": ("状态", "Status"), "service": ("事项", "Service"),
    "applicant_name": ("申请人", "Applicant"), "id_number": ("身份证号码", "ID number"),
    "phone": ("联系电话", "Phone"), "created_at": ("登记时间", "Registered"),
    "captured_by": ("录入人", "Captured by"),
}
DEFAULT_COLUMNS = ("local_no", "status", "service", "applicant_name", "created_at")


def export_csv(ctx: Context, path: Path, user: str, f: CaseFilter, columns: tuple[str, ...] = DEFAULT_COLUMNS,
               full_numbers: bool = False) -> int:
    actor = acting_user(ctx.db, user)
    unknown = [c for c in columns if c not in COLUMNS]
    if unknown:
        raise ValidationFailed(t("未知的列", "Unknown column"), ", ".join(unknown))
    if full_numbers:
        require_role(actor, "clerk", "admin")
    rows = list_cases(ctx.db, CaseFilter(**{**f.__dict__, "viewer": actor}))
    with open(path, "w", newline="", encoding="utf-8-sig") as out:  # BOM: Excel reads UTF-8
        writer = csv.writer(out)
        writer.writerow([t(*COLUMNS[c]) for c in columns])
        for row in rows:
            writer.writerow([_value(ctx, row, c, full_numbers) for c in columns])
    with write(ctx.db):
        audit.append(ctx.db, actor.username, "case.export", None,
                     {"rows": len(rows), "columns": list(columns), "full_numbers": full_numbers})
    return len(rows)


def _value(ctx: Context, row: dict, column: str, full: bool) -> str:
    value = row.get(column)
    if column == "id_number":
        return str(value) if full else mask_id(str(value or ""))
    if column == "phone":
        return str(value) if full else mask_phone(str(value or ""))
    if column == "status":
        return statuses.label(str(value))
    if column == "service":
        try:
            return pick(ctx.catalog.get(row["service_code"], row["form_version"]).name)
        except Exception:  # a form version no longer in the catalog: show its code
            return str(row["service_code"])
    return "" if value is None else str(value)
