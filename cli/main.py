"""The ``workstation`` command: the one place that wires the packages together.

Each command group lives in its own ``cli/cmd_*.py`` module with a
``register(subparsers)`` function. A handler is ``handler(args, ctx) -> int``
where ``ctx`` is an open :class:`workstation.context.Context`, unless the parser
sets ``needs_store=False`` (then ``ctx`` is ``None`` and the handler opens what
it needs from ``args.data_dir``). With no command, the desktop app starts; the
GUI is imported lazily so that the command line works without a display.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from pathlib import Path

from workstation import i18n
from workstation.errors import WorkstationError
from workstation.ops_logging import configure_logging

COMMAND_MODULES = [
    "cli.cmd_store",
    "cli.cmd_cases",
    "cli.cmd_sync",
    "cli.cmd_scan",
    "cli.cmd_ops",
    "cli.cmd_keys",
    "cli.cmd_privacy",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="workstation",
        description=i18n.t("乡镇便民服务工作站", "Township government-service workstation"),
    )
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="data directory (else $WORKSTATION_DATA_DIR, else the user data dir)")
    parser.add_argument("--lang", default=None, help="zh_CN or en")
    sub = parser.add_subparsers(dest="command")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue  # a command group not built yet
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    from scanning.memory import share_one_heap

    share_one_heap()  # before the first thread: scanned pages reuse freed memory
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.lang:
        i18n.set_language(args.lang)
    configure_logging(args.data_dir, "cli" if getattr(args, "command", None) else "app")
    if not getattr(args, "command", None):
        return _start_gui(args)
    try:
        return _run(args)
    except WorkstationError as exc:
        print(f"error: {exc.title}" + (f": {exc.message}" if exc.message else ""), file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def _run(args: argparse.Namespace) -> int:
    from workstation.context import Context
    from workstation.paths import resolve_data_dir

    args.data_dir = resolve_data_dir(args.data_dir)
    if not getattr(args, "needs_store", True):
        return int(args.func(args, None))
    with Context.open(args.data_dir) as ctx:
        if not getattr(args, "allow_uninitialized", False):
            ctx.require_initialized()
        return int(args.func(args, ctx))


def _start_gui(args: argparse.Namespace) -> int:
    if _no_display():
        print(i18n.t("error: 没有图形界面：请在桌面上启动工作站，或使用命令行命令（workstation --help）。",
                     "error: no display: start the workstation on a desktop, or use a command "
                     "(workstation --help)."), file=sys.stderr)
        return 2
    from ui.app import run_app  # lazy: the CLI must work without Qt's display
    from workstation.paths import resolve_data_dir

    return run_app(resolve_data_dir(args.data_dir), lang=args.lang)


def _no_display() -> bool:
    """On Linux without X11 or Wayland, Qt would abort with a long plugin message."""
    import os

    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return False
    return not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def print_json(value: object) -> None:
    """Machine-readable output: UTF-8, not ASCII-escaped, stable key order."""
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


if __name__ == "__main__":
    sys.exit(main())
