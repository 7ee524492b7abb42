"""retention: delete the scans of completed cases once the keeping period is over."""

from __future__ import annotations

import argparse

from cli.main import print_json
from workstation import settings
from workstation.context import Context
from workstation.i18n import t
from workstation.retention import DEFAULT_DAYS, SETTING, due_cases, purge_scans


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("retention", help=t("删除已办结办件的扫描件（超过保存期）",
                                           "delete scans of completed cases past the keeping period"))
    p.add_argument("--days", type=int, default=None, help=t("设置保存天数", "set the keeping period"))
    p.add_argument("--dry-run", action="store_true", help=t("只列出，不删除", "list only"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_retention)


def cmd_retention(args: argparse.Namespace, ctx: Context) -> int:
    if args.days is not None:
        settings.put(ctx.db, SETTING, max(1, args.days))
    ids = due_cases(ctx) if args.dry_run else purge_scans(ctx)
    days = settings.get(ctx.db, SETTING, DEFAULT_DAYS)
    if args.json:
        print_json({"days": days, "cases": ids, "deleted": not args.dry_run})
    else:
        verb = t("将删除", "would delete") if args.dry_run else t("已删除", "deleted")
        print(t(f"保存期 {days} 天：{verb} {len(ids)} 件办结办件的扫描件",
                f"keeping period {days} days: {verb} the scans of {len(ids)} completed cases"))
    return 0
