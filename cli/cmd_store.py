"""init, user, services, status, audit."""

from __future__ import annotations

import argparse
from typing import Any

from cli.common import read_password
from cli.main import print_json
from workstation import accounts, audit, statuses
from workstation.case_queries import counts_by_status
from workstation.context import Context
from workstation.i18n import pick, t
from workstation.office import init_office
from workstation.recovery import missing_blobs


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("init", help=t("初始化工作站", "set up this workstation"))
    p.add_argument("--office-code", required=True)
    p.add_argument("--office-name", default="")
    p.add_argument("--admin", required=True)
    p.add_argument("--demo", action="store_true", help=t("添加演示数据", "add demo cases"))
    p.set_defaults(func=cmd_init, allow_uninitialized=True)

    user = sub.add_parser("user", help=t("员工账号", "staff accounts")).add_subparsers(dest="user_cmd", required=True)
    p = user.add_parser("add")
    p.add_argument("name")
    p.add_argument("--role", required=True, choices=accounts.ROLES)
    p.add_argument("--display-name", default="")
    p.add_argument("--by", default=None, help=t("操作的管理员", "the admin doing this"))
    p.set_defaults(func=cmd_user_add)
    p = user.add_parser("list")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_user_list)

    p = sub.add_parser("services", help=t("事项目录", "the service catalog"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_services)

    p = sub.add_parser("status", help=t("办件统计与数据健康", "case counts and store health"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("audit", help=t("审计日志", "the audit log"))
    a = p.add_subparsers(dest="audit_cmd", required=True)
    v = a.add_parser("verify")
    v.add_argument("--json", action="store_true")
    v.set_defaults(func=cmd_audit_verify)


def cmd_init(args: argparse.Namespace, ctx: Context) -> int:
    password = read_password(t("管理员密码：", "Admin password: "))
    init_office(ctx, args.office_code, args.office_name, args.admin, password)
    if args.demo:
        from workstation.demo import add_demo_cases

        add_demo_cases(ctx, args.admin)
    print(t(f"已初始化：办公点 {args.office_code}，管理员 {args.admin}，数据目录 {ctx.data_dir}",
            f"Set up: office {args.office_code}, admin {args.admin}, data directory {ctx.data_dir}"))
    return 0


def cmd_user_add(args: argparse.Namespace, ctx: Context) -> int:
    ctx.require_initialized()
    actor = args.by or _first_admin(ctx)
    accounts.require_role(accounts.acting_user(ctx.db, actor), "admin")
    password = read_password(t("新用户密码：", "New user's password: "))
    accounts.add_user(ctx.db, args.name, args.role, password, actor=actor, display_name=args.display_name)
    print(t(f"已添加用户 {args.name}（{args.role}）", f"Added user {args.name} ({args.role})"))
    return 0


def _first_admin(ctx: Context) -> str:
    row = ctx.db.execute("SELECT username FROM users WHERE role = 'admin' AND active = 1"
                         " ORDER BY created_at LIMIT 1").fetchone()
    return row[0] if row else "admin"


def cmd_user_list(args: argparse.Namespace, ctx: Context) -> int:
    users = [{"username": u.username, "role": u.role, "display_name": u.display_name, "active": u.active}
             for u in accounts.list_users(ctx.db)]
    if args.json:
        print_json(users)
    else:
        for u in users:
            print(f"{u['username']}\t{u['role']}\t{u['display_name']}")
    return 0


def cmd_services(args: argparse.Namespace, ctx: Context) -> int:
    services = ctx.catalog.services()
    if args.json:
        print_json([s.to_dict() for s in services])
        return 0
    for s in services:
        docs = ", ".join(d.kind for d in s.documents)
        print(f"{s.code}\tv{s.version}\t{pick(s.name)}\t[{docs}]")
    return 0


def status_report(ctx: Context) -> dict[str, Any]:
    counts = counts_by_status(ctx.db)
    problems = missing_blobs(ctx)
    report: dict[str, Any] = {
        "data_dir": str(ctx.data_dir), "office_code": ctx.office_code,
        "counts": {s: counts.get(s, 0) for s in statuses.ALL},
        "total": sum(counts.values()),
        "store": {"blobs": ctx.db.execute("SELECT COUNT(*) FROM blobs").fetchone()[0],
                  "blob_problems": problems,
                  "integrity": ctx.db.execute("PRAGMA quick_check").fetchone()[0],
                  "recovery": ctx.recovery},
    }
    try:
        from sync.status import sync_figures
    except ImportError:
        return report
    report["sync"] = sync_figures(ctx)
    return report


def cmd_status(args: argparse.Namespace, ctx: Context) -> int:
    report = status_report(ctx)
    if args.json:
        print_json(report)
        return 0
    for s in statuses.ALL:
        print(f"{statuses.label(s)}\t{report['counts'][s]}")
    store = report["store"]
    ok = store["integrity"] == "ok" and not store["blob_problems"]
    print(t(f"数据：{'正常' if ok else '有问题'}（{store['blobs']} 个文件）",
            f"Store: {'healthy' if ok else 'problems'} ({store['blobs']} files)"))
    for p in store["blob_problems"]:
        print(f"  {p['sha256'][:12]}… {p['problem']}")
    _print_sync(report.get("sync"))
    return 0 if ok else 1


def _print_sync(figures: dict[str, Any] | None) -> None:
    if not figures:
        return
    if figures.get("needs_enrollment"):
        print(t("同步：尚未注册到县级平台（workstation enroll）",
                "Sync: not enrolled with the county (workstation enroll)"))
        return
    print(t(f"同步：待上报 {figures['waiting']}，上报中 {figures['sending']}，已上报 {figures['sent']}，"
            f"待处理问题 {len(figures['quarantined']) + len(figures['blocked'])}，"
            f"待上传文件 {figures['blobs_pending']}，上次成功 {figures['last_success'] or '—'}",
            f"Sync: waiting {figures['waiting']}, sending {figures['sending']}, sent {figures['sent']}, "
            f"problems {len(figures['quarantined']) + len(figures['blocked'])}, "
            f"files pending {figures['blobs_pending']}, last success {figures['last_success'] or '—'}"))


def cmd_audit_verify(args: argparse.Namespace, ctx: Context) -> int:
    result = audit.verify(ctx.db)
    if args.json:
        print_json(result.__dict__)
    elif result.ok:
        print(t(f"审计日志完整：{result.entries} 条记录", f"Audit log intact: {result.entries} entries"))
    else:
        print(t(f"审计日志被改动：第 {result.broken_at} 条（{result.reason}）",
                f"Audit log tampered with at entry {result.broken_at} ({result.reason})"))
    return 0 if result.ok else 1
