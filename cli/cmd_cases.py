"""case import / list / show / set / ready / shortfall, and attach."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

from cli.main import print_json
from workstation import case_flow, statuses
from workstation.accounts import acting_user
from workstation.case_queries import CaseFilter, list_cases
from workstation.cases import get_case, update_case, view_case
from workstation.context import Context
from workstation.documents import PageInput, attach_pages
from workstation.errors import ValidationFailed, WorkstationError
from workstation.export import COLUMNS, DEFAULT_COLUMNS, export_csv
from workstation.i18n import t
from workstation.importer import PageLoader, describe_row_problem, import_file, raw_page_loader
from workstation.masking import mask_id


def register(sub: argparse._SubParsersAction) -> None:
    case = sub.add_parser("case", help=t("办件", "cases")).add_subparsers(dest="case_cmd", required=True)
    p = case.add_parser("import")
    p.add_argument("file", type=Path)
    p.add_argument("--user", required=True)
    p.add_argument("--ready", action="store_true")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_import)

    p = case.add_parser("list")
    p.add_argument("--status", default=None, choices=statuses.ALL)
    p.add_argument("--search", default=None)
    p.add_argument("--service", default=None)
    p.add_argument("--user", default=None, help=t("只显示此用户可见的办件", "show what this user may see"))
    p.add_argument("--limit", type=int, default=None)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_list)

    p = case.add_parser("show")
    p.add_argument("case_id")
    p.add_argument("--user", default=None)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_show)

    p = case.add_parser("set")
    p.add_argument("case_id")
    p.add_argument("assignments", nargs="+", metavar="FIELD=VALUE")
    p.add_argument("--user", required=True)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_set)

    p = case.add_parser("ready")
    p.add_argument("case_ids", nargs="+")
    p.add_argument("--user", required=True)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_ready)

    p = case.add_parser("shortfall", help=t("容缺受理", "accept with a recorded shortfall"))
    p.add_argument("case_id")
    p.add_argument("--missing", required=True, help=t("缺少的材料种类，逗号分隔", "missing kinds, comma-separated"))
    p.add_argument("--due", required=True, type=date.fromisoformat)
    p.add_argument("--note", default="")
    p.add_argument("--user", required=True)
    p.set_defaults(func=cmd_shortfall)

    p = case.add_parser("export", help=t("导出办件列表（CSV）", "export the case list (CSV)"))
    p.add_argument("out", type=Path)
    p.add_argument("--user", required=True)
    p.add_argument("--status", default=None, choices=statuses.ALL)
    p.add_argument("--search", default=None)
    p.add_argument("--columns", default=",".join(DEFAULT_COLUMNS),
                   help=", ".join(COLUMNS))
    p.add_argument("--full-numbers", action="store_true",
                   help=t("导出完整身份证号和电话（仅窗口人员和管理员）", "full ID and phone numbers (clerks, admins)"))
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("attach", help=t("把文件作为材料页面添加到办件", "add files as pages of a document"))
    p.add_argument("case_id")
    p.add_argument("files", nargs="+", type=Path)
    p.add_argument("--kind", required=True)
    p.add_argument("--user", required=True)
    p.add_argument("--raw", action="store_true", help=t("不处理图像，按原样保存", "store files as they are"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_attach)


def page_loader(raw: bool = False) -> PageLoader:
    """The scanning layer's loader (deskew, compression, thumbnails) unless ``raw``."""
    if raw:
        return raw_page_loader
    from scanning.attach import page_input
    from scanning.importer import load_pages

    def load(ctx: Context, path: Path) -> list[PageInput]:
        # Every page is processed before any is stored: a broken file stores nothing.
        return [page_input(ctx, page) for page in load_pages(path)]

    return load


def cmd_import(args: argparse.Namespace, ctx: Context) -> int:
    result = import_file(ctx, args.file, args.user, ready=args.ready, load_pages=page_loader())
    for problem in result.problems:
        print(describe_row_problem(problem), file=sys.stderr)
    if args.json:
        print_json({"case_ids": result.case_ids, "ready": result.ready,
                    "problems": [p.__dict__ for p in result.problems]})
    else:
        for case_id in result.case_ids:
            print(case_id)
    if result.problems:
        print(t(f"导入 {len(result.case_ids)} 件，{len(result.problems)} 行有误未导入",
                f"imported {len(result.case_ids)}, {len(result.problems)} rows refused"), file=sys.stderr)
        return 2
    return 0


def cmd_list(args: argparse.Namespace, ctx: Context) -> int:
    viewer = acting_user(ctx.db, args.user) if args.user else None
    rows = list_cases(ctx.db, CaseFilter(status=args.status, search=args.search,
                                         service_code=args.service, viewer=viewer), limit=args.limit)
    for row in rows:
        row["id_number"] = mask_id(row["id_number"]) if row["id_number"] else ""
    if args.json:
        print_json(rows)
        return 0
    for r in rows:
        print(f"{r['case_id']}\t{r['local_no']}\t{statuses.label(r['status'])}\t{r['service_code']}"
              f"\t{r['applicant_name']}\t{r['id_number']}\t{r['county_ref'] or ''}")
    return 0


def case_json(ctx: Context, case_id: str, user: str | None) -> dict[str, Any]:
    case = view_case(ctx, case_id, user) if user else get_case(ctx, case_id)
    data = case.to_dict()
    data["status_label"] = statuses.label(case.status)
    data["county"] = {"ref": case.county_ref, "status": case.county_status,
                      "reason": case.county_reason, "at": case.county_updated_at}
    return data


def cmd_show(args: argparse.Namespace, ctx: Context) -> int:
    data = case_json(ctx, args.case_id, args.user)
    if args.json:
        print_json(data)
        return 0
    a = data["applicant"]
    print(f"{data['local_no']}  {data['status_label']}  {data['service_code']} v{data['form_version']}"
          f"  r{data['revision']}")
    print(f"{a.get('name', '')}  {a.get('id_number', '')}  {a.get('phone', '')}  {a.get('address', '')}")
    for key, value in data["fields"].items():
        print(f"  {key}: {value}")
    for doc in data["documents"]:
        print(f"  [{doc['kind']}] {len(doc['pages'])} " + t("页", "pages"))
    if data["county_ref"] or data["county_status"]:
        print(f"  county: {data['county_ref'] or ''} {data['county_status'] or ''} {data['county_reason'] or ''}")
    return 0


def _parse_assignments(items: list[str]) -> dict[str, str]:
    changes = {}
    for item in items:
        path, sep, value = item.partition("=")
        if not sep:
            raise ValidationFailed(t("参数格式应为 字段=值", "Use FIELD=VALUE"), item)
        changes[path.strip()] = value
    return changes


def cmd_set(args: argparse.Namespace, ctx: Context) -> int:
    case = update_case(ctx, args.case_id, _parse_assignments(args.assignments), args.user)
    if args.json:
        print_json(case.to_dict())
    else:
        print(f"{case.case_id}\t{statuses.label(case.status)}")
    return 0


def cmd_ready(args: argparse.Namespace, ctx: Context) -> int:
    failed = 0
    results = []
    for case_id in args.case_ids:
        try:
            case = case_flow.mark_ready(ctx, case_id, args.user)
            results.append({"case_id": case_id, "status": case.status, "revision": case.revision})
        except WorkstationError as exc:
            failed += 1
            problems = getattr(exc, "errors", [])
            results.append({"case_id": case_id, "error": exc.title, "problems": problems})
            print(f"{case_id}: {exc.title}: {exc.message}", file=sys.stderr)
    if args.json:
        print_json(results)
    else:
        for r in results:
            if "status" in r:
                print(f"{r['case_id']}\t{statuses.label(r['status'])}")
    return 1 if failed else 0


def cmd_shortfall(args: argparse.Namespace, ctx: Context) -> int:
    missing = [m.strip() for m in args.missing.split(",") if m.strip()]
    case = case_flow.accept_with_shortfall(ctx, args.case_id, args.user, missing, args.due, args.note)
    print(f"{case.case_id}\t{statuses.label(case.status)}")
    return 0


def cmd_export(args: argparse.Namespace, ctx: Context) -> int:
    columns = tuple(c.strip() for c in args.columns.split(",") if c.strip())
    count = export_csv(ctx, args.out, args.user, CaseFilter(status=args.status, search=args.search),
                       columns, args.full_numbers)
    print(t(f"已导出 {count} 件到 {args.out}", f"Exported {count} cases to {args.out}"))
    return 0


def cmd_attach(args: argparse.Namespace, ctx: Context) -> int:
    loader = page_loader(args.raw)
    pages = [page for path in args.files for page in loader(ctx, path)]
    doc_id = attach_pages(ctx, args.case_id, args.kind, pages, args.user)
    out = [{"sha256": p.sha256, "bytes": p.size, "content_type": p.content_type} for p in pages]
    if args.json:
        print_json({"doc_id": doc_id, "pages": out})
    else:
        for row in out:
            print(f"{row['sha256']}\t{row['content_type']}\t{row['bytes']}")
    return 0
