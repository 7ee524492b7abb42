"""Helpers shared by the command modules."""

from __future__ import annotations

import getpass
import sys

from workstation.errors import ValidationFailed
from workstation.i18n import t


def read_password(prompt: str) -> str:
    """From the terminal (asked twice), or the first line of stdin when piped."""
    if not sys.stdin.isatty():
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass(prompt)
        if getpass.getpass(t("再输入一次：", "Again: ")) != password:
            raise ValidationFailed(t("两次输入的密码不一致", "The passwords differ"))
    if not password:
        raise ValidationFailed(t("没有提供密码", "No password given"),
                               t("请在终端输入密码，或通过标准输入提供。", "Type it, or pipe it on stdin."))
    return password
