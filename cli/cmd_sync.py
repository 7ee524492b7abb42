"""enroll, sync (one cycle or --watch), and sync history.

Exit codes of ``workstation sync``: 0 everything that could be sent was sent
(cases the county rejected wait for staff and do not count as a failure);
3 try again later (the county was unreachable or failing, or another sync of
this data directory was running); 4 authorization (not enrolled, or the
county refused the device token: run ``workstation enroll``); 1 any other error.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from types import FrameType
from typing import Any

from cli.main import print_json
from sync import history, outbox
from sync.config import SyncConfig
from sync.engine import SyncEngine
from sync.enrollment import enroll
from sync.outcome import CycleResult
from sync.progress import Progress, ProgressState
from sync.watch import watch
from workstation.context import Context
from workstation.i18n import t


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("enroll", help=t("注册到县级平台", "enroll with the county platform"))
    p.add_argument("--url", required=True, help=t("县级平台接口地址", "the county API address"))
    p.add_argument("--code", required=True, help=t("一次性注册码", "one-time enrollment code"))
    p.add_argument("--device-name", default=None)
    p.add_argument("--ca-bundle", default=None, help=t("县级平台根证书文件", "the county's CA certificate file"))
    p.set_defaults(func=cmd_enroll)

    p = sub.add_parser("sync", help=t("与县级平台同步", "sync with the county platform"))
    p.add_argument("--watch", action="store_true",
                   help=t("持续运行，有网即同步（Ctrl-C 停止）", "keep syncing whenever the county is reachable"))
    p.add_argument("--json", action="store_true")
    p.add_argument("--progress", action="store_true", help=t("在标准错误上显示进度", "show progress on stderr"))
    p.add_argument("--history", action="store_true", help=t("显示最近的同步记录", "show recent sync runs"))
    p.add_argument("--release", nargs="+", metavar="CASE_ID",
                   help=t("把被退回的办件原样再发一次（all 表示全部）",
                          "send rejected cases again unchanged ('all' for every one)"))
    p.add_argument("--fast", action="store_true", help=argparse.SUPPRESS)  # tiny delays: tests, rehearsals
    p.set_defaults(func=cmd_sync)


def cmd_enroll(args: argparse.Namespace, ctx: Context) -> int:
    done = enroll(ctx, args.url, args.code, args.device_name, args.ca_bundle)
    print(t(f"已注册：设备 {done.device_id}，县级平台 {done.url}，办事点 {done.office_name}",
            f"Enrolled: device {done.device_id} at {done.url}, office {done.office_name}"))
    return 0


def cmd_sync(args: argparse.Namespace, ctx: Context) -> int:
    if args.history:
        return _print_history(args, ctx)
    if args.release:
        released = outbox.release(ctx, None if args.release == ["all"] else args.release)
        print(t(f"已放行 {released} 件，下次同步时发送", f"{released} cases released; they go with the next sync"))
        return 0
    stop = threading.Event()
    progress = Progress(min_interval_s=0.5)
    if args.progress:
        progress.subscribe(_progress_printer())
    engine = SyncEngine(ctx, stop=stop, config=SyncConfig.fast() if args.fast else SyncConfig(),
                        progress=progress)
    with _stop_on_signals(stop):
        if args.watch:
            last = watch(engine, on_result=lambda r: _report(r, args.json))
            return 0 if stop.is_set() or last is None else last.exit_code
        result = engine.run_cycle()
    _report(result, args.json)
    return result.exit_code


def _report(result: CycleResult, as_json: bool) -> None:
    if as_json:
        print_json({"outcome": result.outcome, "exit_code": result.exit_code, **asdict(result)})
    else:
        print(result.summary(), flush=True)


def _progress_printer() -> Callable[[ProgressState], None]:
    def show(s: ProgressState) -> None:
        parts = [s.step]
        if s.files_total:
            parts.append(f"files {s.files_done}/{s.files_total}")
        if s.bytes_total:
            parts.append(f"{s.bytes_done / 1e6:.1f}/{s.bytes_total / 1e6:.1f} MB")
        if s.cases_total:
            parts.append(f"cases {s.cases_done}/{s.cases_total}")
        print("  ".join(parts), file=sys.stderr, flush=True)

    return show


@contextmanager
def _stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """SIGINT/SIGTERM end the run at the next safe point instead of mid-transaction."""
    def handler(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous: dict[signal.Signals, Any] = {}
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            previous[sig] = signal.signal(sig, handler)
        except ValueError:  # not the main thread: the caller owns the signals
            pass
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def _print_history(args: argparse.Namespace, ctx: Context) -> int:
    runs = history.recent_runs(ctx.db, 20)
    if args.json:
        print_json(runs)
        return 0
    for run in runs:
        print(f"{run['started_at']}\t{run['outcome']}\t{run['summary']}")
    return 0
