"""scanners, scan: list scanners and scan straight into a case's document."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from cli.main import print_json
from scanning.attach import store_pages
from scanning.errors import NOT_FOUND, ScannerError
from scanning.pipeline import ProcessedPage, process_image
from scanning.profiles import MODES, SOURCES, profile_for
from scanning.sources import ScanProgress, ScanRequest, default_source
from workstation import settings
from workstation.context import Context
from workstation.i18n import t

PROFILES_SETTING = "scan.profiles"   # {kind: overrides}, as an office stores them


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("scanners", help=t("列出扫描仪", "list scanners"))
    p.add_argument("--all", action="store_true",
                   help=t("也列出 SANE 测试设备", "include SANE's test device"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_scanners, needs_store=False)

    p = sub.add_parser("scan", help=t("扫描到办件的材料中", "scan into a document of a case"))
    p.add_argument("case_id")
    p.add_argument("--kind", required=True, help=t("材料种类", "document kind"))
    p.add_argument("--user", required=True)
    p.add_argument("--device", default=None)
    p.add_argument("--source", choices=SOURCES, default=None)
    p.add_argument("--dpi", type=int, default=None)
    p.add_argument("--mode", choices=MODES, default=None)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_scan)


def cmd_scanners(args: argparse.Namespace, ctx: Context | None) -> int:
    devices = default_source().list_devices(include_test=args.all)
    if args.json:
        print_json([d.to_dict() for d in devices])
        return 0
    if not devices:
        print(t("没有找到扫描仪", "No scanner found"), file=sys.stderr)
    for d in devices:
        print(f"{d.name}\t{d.label}\t{d.type}")
    return 0


def _office_overrides(ctx: Context, kind: str) -> dict[str, Any] | None:
    stored = settings.get(ctx.db, PROFILES_SETTING, {}) or {}
    value = stored.get(kind) if isinstance(stored, dict) else None
    return value if isinstance(value, dict) else None


def _progress_printer(enabled: bool) -> Any:
    def show(p: ScanProgress) -> None:
        if p.fraction is not None:
            print(f"\r{t('第', 'page ')}{p.page + 1}{t(' 页', '')} {p.fraction:4.0%}",
                  end="", file=sys.stderr, flush=True)
    return show if enabled else None


def cmd_scan(args: argparse.Namespace, ctx: Context) -> int:
    profile = profile_for(args.kind, _office_overrides(ctx, args.kind))
    source = default_source()
    device = args.device or profile.device
    if not device:
        found = source.list_devices()
        if not found:
            raise ScannerError(NOT_FOUND, "no scanner")
        device = found[0].name
    request = ScanRequest.from_profile(profile, device, source=args.source, dpi=args.dpi,
                                       mode=args.mode)
    pages: list[ProcessedPage] = []
    failure: ScannerError | None = None
    with source.start(request, _progress_printer(not args.json and sys.stderr.isatty())) as job:
        try:
            for raw in job.pages():
                pages.append(process_image(raw.image, raw.dpi, profile))
        except ScannerError as exc:
            failure = exc
    if not args.json and sys.stderr.isatty():
        print(file=sys.stderr)
    doc_id = store_pages(ctx, args.case_id, args.kind, pages, args.user) if pages else None
    if args.json:
        print_json({"case_id": args.case_id, "doc_id": doc_id, "device": device,
                    "pages": [p.summary() for p in pages],
                    "error": None if failure is None else
                    {"kind": failure.kind, "title": failure.title, "message": failure.message}})
    else:
        for p in pages:
            flag = t("  可能是空白页", "  maybe blank") if p.is_blank else ""
            print(f"{p.sha256}\t{p.size}\t{p.width}x{p.height}\t{p.dpi}dpi{flag}")
    if failure is not None:
        if pages:
            print(t(f"已保存 {len(pages)} 页。", f"{len(pages)} pages were stored."), file=sys.stderr)
        raise failure
    return 0
