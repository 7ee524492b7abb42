"""doctor, support-bundle, backup, restore, provision, hash-password."""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict
from pathlib import Path

from cli.common import read_password
from cli.main import print_json
from workstation.context import Context
from workstation.i18n import t
from workstation.ops_checks import CHECK_NAMES, Check, format_check, summary_line


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("doctor", help=t("检查本机和数据是否正常", "check this computer and its data"))
    _doctor_options(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_doctor, needs_store=False)

    p = sub.add_parser("support-bundle", help=t("生成给技术人员的支持包（不含群众信息）",
                                                "make a support file for IT staff (no citizen data)"))
    p.add_argument("out", type=Path, metavar="OUT.zip")
    _doctor_options(p)
    p.set_defaults(func=cmd_support_bundle, needs_store=False)

    p = sub.add_parser("backup", help=t("备份数据到文件夹（可在使用中进行）", "back up the data into a folder (while in use)"))
    p.add_argument("dir", type=Path, metavar="DIR")
    p.add_argument("--keep", type=int, default=None, help=t("只保留最新的 N 份", "keep only the newest N backups"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_backup, needs_store=False)

    p = sub.add_parser("restore", help=t("从备份恢复", "restore a backup"))
    p.add_argument("dir", type=Path, metavar="DIR")
    p.add_argument("--force", action="store_true",
                   help=t("替换已有数据（原数据移到旁边保留）", "replace existing data (kept aside, not deleted)"))
    p.add_argument("--recovery-key", action="store_true",
                   help=t("输入恢复密钥（加密备份恢复到新电脑时）", "ask for the recovery key (encrypted backup, new computer)"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_restore, needs_store=False)

    p = sub.add_parser("provision", help=t("按县级配置文件设置本机", "set up from the county's provisioning file"))
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument("--enroll", action="store_true", help=t("同时向县级平台注册（需联网）", "also enroll with the county (online)"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_provision, allow_uninitialized=True)

    p = sub.add_parser("hash-password", help=t("为配置文件生成密码散列", "make a password_hash for a provisioning file"))
    p.set_defaults(func=cmd_hash_password, needs_store=False)


def _doctor_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--skip", action="append", default=[], choices=CHECK_NAMES,
                   help=t("跳过某项检查（可重复）", "skip a check (repeatable)"))
    p.add_argument("--quick", action="store_true", help=t("只看文件是否存在，不校验内容", "check files exist, not their hashes"))
    p.add_argument("--timeout", type=float, default=5.0, help=t("联网检查的超时秒数", "network timeout in seconds"))


def cmd_doctor(args: argparse.Namespace, ctx: None) -> int:
    from workstation.ops_doctor import run_doctor

    def show(check: Check) -> None:
        print(format_check(check), flush=True)

    report = run_doctor(args.data_dir, skip=args.skip, quick=args.quick, timeout_s=args.timeout,
                        on_check=None if args.json else show)
    if args.json:
        print_json(report.to_dict())
    else:
        print(summary_line(report))
    return report.exit_code


def cmd_support_bundle(args: argparse.Namespace, ctx: None) -> int:
    from workstation.ops_bundle import make_bundle
    from workstation.ops_doctor import run_doctor

    print(t("正在自检……", "Running the checks…"), file=sys.stderr)
    report = run_doctor(args.data_dir, skip=args.skip, quick=args.quick, timeout_s=args.timeout)
    out = make_bundle(args.data_dir, args.out, report)
    print(t(f"支持包已生成：{out}（不含群众信息，可发给技术人员）",
            f"Support bundle written: {out} (no citizen data; send it to IT staff)"))
    return 0


def cmd_backup(args: argparse.Namespace, ctx: None) -> int:
    from workstation.ops_backup import backup

    result = backup(args.data_dir, args.dir, keep=args.keep)
    if args.json:
        print_json({"path": str(result.path), "complete": result.complete,
                    "pruned": [str(p) for p in result.pruned], "manifest": result.manifest})
        return 0 if result.complete else 1
    m = result.manifest
    print(t(f"备份完成：{result.path}（{m['counts'].get('cases')} 个办件，{m['blobs']['count']} 个文件）",
            f"Backup written: {result.path} ({m['counts'].get('cases')} cases, {m['blobs']['count']} files)"))
    for path in result.pruned:
        print(t(f"已删除旧备份：{path}", f"Removed old backup: {path}"))
    if not result.complete:
        print(t("警告：备份不完整（数据库或文件有损坏）。请保留以前的备份，并运行 workstation doctor。",
                "Warning: the backup is incomplete (damaged database or files). Keep older backups and "
                "run 'workstation doctor'."), file=sys.stderr)
        return 1
    return 0


def cmd_restore(args: argparse.Namespace, ctx: None) -> int:
    from workstation.ops_restore import restore

    code = read_secret(t("请输入恢复密钥：", "Recovery key: ")) if args.recovery_key else None
    result = restore(args.dir, args.data_dir, force=args.force, recovery_code=code)
    if args.json:
        print_json({"restored_from": str(args.dir), "data_dir": str(args.data_dir),
                    "moved_aside": str(result.moved_aside) if result.moved_aside else None,
                    "warnings": result.warnings, "manifest": result.manifest})
        return 0
    counts = result.manifest.get("counts", {})
    print(t(f"已从 {args.dir} 恢复到 {args.data_dir}（{counts.get('cases')} 个办件）。",
            f"Restored {args.dir} into {args.data_dir} ({counts.get('cases')} cases)."))
    if result.moved_aside:
        print(t(f"原有数据已移到 {result.moved_aside}，没有删除。", f"The previous data was moved to {result.moved_aside}, not deleted."))
    for warning in result.warnings:
        print(t("警告：", "Warning: ") + warning, file=sys.stderr)
    return 0


def read_secret(prompt: str) -> str:
    """One line from the terminal (not echoed) or from stdin when piped."""
    import getpass

    return getpass.getpass(prompt) if sys.stdin.isatty() else sys.stdin.readline().strip()


def cmd_provision(args: argparse.Namespace, ctx: Context) -> int:
    from workstation.ops_provision import provision

    result = provision(ctx, args.file, enroll=args.enroll)
    if args.json:
        print_json(asdict(result))
        return 0
    if result.changed:
        print(t("已设置：", "Set: ") + "，".join(result.changed))
    else:
        print(t("无需改动：本机已按此配置文件设置。", "Nothing to change: already set up from this file."))
    for note in result.notes:
        print(t("提示：", "Note: ") + note)
    return 0


def cmd_hash_password(args: argparse.Namespace, ctx: None) -> int:
    from workstation.accounts import check_password_rules, hash_password

    password = read_password(t("密码：", "Password: "))
    check_password_rules(password)
    print(hash_password(password))
    return 0
