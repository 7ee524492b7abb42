"""keys: recovery code export and restore, encrypting an older data directory."""

from __future__ import annotations

import argparse
import sys

from workstation import audit, settings
from workstation.accounts import acting_user, require_role
from workstation.clock import now_iso
from workstation.context import Context
from workstation.db import write
from workstation.encryption import encrypt_store, export_recovery_code, restore_from_recovery_code
from workstation.i18n import t


def register(sub: argparse._SubParsersAction) -> None:
    keys = sub.add_parser("keys", help=t("数据加密密钥", "the data encryption key")).add_subparsers(
        dest="keys_cmd", required=True)
    p = keys.add_parser("export-recovery", help=t("打印恢复密钥（仅管理员）", "print the recovery key (admins)"))
    p.add_argument("--user", required=True)
    p.set_defaults(func=cmd_export)
    p = keys.add_parser("restore", help=t("用恢复密钥恢复访问", "restore access with the recovery key"))
    p.set_defaults(func=cmd_restore, needs_store=False)
    p = keys.add_parser("encrypt", help=t("加密旧的未加密数据目录", "encrypt an older unencrypted data directory"))
    p.set_defaults(func=cmd_encrypt, needs_store=False)


def cmd_export(args: argparse.Namespace, ctx: Context) -> int:
    require_role(acting_user(ctx.db, args.user), "admin")
    code = export_recovery_code(ctx.data_dir)
    with write(ctx.db):
        audit.append(ctx.db, args.user, "keys.export_recovery")
        settings.put(ctx.db, "keys.recovery_exported_at", now_iso())
    print(t("恢复密钥（请打印后锁进办公室保险柜，不要拍照或存入电脑）：",
            "Recovery key (print it and lock it in the office safe; do not photograph or store it):"))
    print(code)
    return 0


def cmd_restore(args: argparse.Namespace, ctx: None) -> int:
    if sys.stdin.isatty():
        code = input(t("请输入恢复密钥：", "Recovery key: "))
    else:
        code = sys.stdin.readline()
    restore_from_recovery_code(args.data_dir, code.strip())
    print(t("密钥已恢复到本机密钥环，可以正常使用了。", "The key is back in this computer's keyring."))
    return 0


def cmd_encrypt(args: argparse.Namespace, ctx: None) -> int:
    result = encrypt_store(args.data_dir)
    print(t(f"数据目录已加密（{result['blobs_sealed']} 个文件）。请立即导出恢复密钥：workstation keys export-recovery",
            f"The data directory is encrypted ({result['blobs_sealed']} files). Export the recovery key "
            "now: workstation keys export-recovery"))
    return 0
