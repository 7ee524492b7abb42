"""Setting up an installation: the office and the first administrator."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from workstation import accounts, audit, settings
from workstation.db import write
from workstation.errors import StoreError, ValidationFailed
from workstation.i18n import t

if TYPE_CHECKING:
    from workstation.context import Context

DIVISION_RE = re.compile(r"^\d{12}$")


def init_office(ctx: Context, office_code: str, office_name: str, admin: str, password: str) -> None:
    """Create the office and its first admin; refuse to run twice."""
    if ctx.initialized:
        raise StoreError(t("工作站已经初始化", "The workstation is already set up"),
                         t(f"办公点代码为 {ctx.office_code}。如需重新开始，请使用新的数据目录。",
                           f"Its office code is {ctx.office_code}. Use a new data directory to start over."))
    if not DIVISION_RE.match(office_code) or office_code.startswith("000000"):
        raise ValidationFailed(t("办公点代码无效", "Invalid office code"),
                               t("办公点代码是 12 位统计用区划代码，例如 340822104201。",
                                 "The office code is the 12-digit division code, e.g. 340822104201."))
    accounts.check_password_rules(password)
    with write(ctx.db):
        settings.put(ctx.db, settings.OFFICE_CODE, office_code)
        settings.put(ctx.db, settings.OFFICE_NAME, office_name or office_code)
        audit.append(ctx.db, admin, "office.init", detail={"office_code": office_code})
        accounts.add_user(ctx.db, admin, "admin", password, actor=admin)
