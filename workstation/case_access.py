"""Who may see and change which case (least privilege, enforced in the core).

Village agents see and edit the cases they captured; clerks and admins see the
office's cases. Reads of a case by a named user are audited by the callers.
"""

from __future__ import annotations

from workstation.accounts import User
from workstation.errors import PermissionDenied
from workstation.i18n import t


def can_view(user: User, captured_by: str) -> bool:
    return user.role in ("clerk", "admin") or user.username == captured_by


def check_can_view(user: User, captured_by: str) -> None:
    if not can_view(user, captured_by):
        raise PermissionDenied(t("没有权限查看此办件", "Not allowed to see this case"),
                               t("代办员只能查看自己录入的办件。", "Village agents see only the cases they captured."))


def check_can_edit(user: User, captured_by: str) -> None:
    if user.role == "village_agent" and user.username != captured_by:
        raise PermissionDenied(t("没有权限修改此办件", "Not allowed to change this case"),
                               t("代办员只能修改自己录入的办件。", "Village agents change only the cases they captured."))
