"""Cold start to an interactive case list with 100,000 cases, against a bare PySide6 window.

Each start is a fresh subprocess (``--child bare`` or ``--child app``), timed
from spawn to the child's READY line, alternately, several times; the median
counts. "Interactive" means: signed in (scrypt included), the case list query
answered and its first rows painted. The app child then times searches: the
query alone, and as a typist sees it (with the 200 ms debounce).

    .venv/bin/python bench/bench_ui_start.py [--cases 100000] [--runs 5] [--data DIR]
"""

from __future__ import annotations

import argparse
import compileall
import importlib
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PASSWORD = "bench-pass-1"
SEARCHES = [("name, two characters", "王桂"), ("ID number prefix", "3408221958"),
            ("phone prefix", "13905"), ("no match", "赵钱孙")]


def make_store(data_dir: Path, n: int) -> None:
    from workstation import accounts
    from workstation.cases import insert_cases
    from workstation.context import Context
    from workstation.db import write
    from workstation.demo import fake_applicant, sample_fields_for
    from workstation.office import init_office

    with Context.open(data_dir) as ctx:
        if ctx.initialized:
            return
        init_office(ctx, "340822104201", "桃花村便民服务站", "admin", PASSWORD)
        actor = accounts.get_user(ctx.db, "admin")
        rng = random.Random(1)
        services = ctx.catalog.services()
        fields = {f.code: sample_fields_for(f.code, ctx) for f in services}
        for start in range(0, n, 10_000):
            batch = []
            for _ in range(min(10_000, n - start)):
                form = rng.choice(services)
                batch.append((str(uuid.uuid4()), form.code, form.version,
                              fake_applicant(rng, ctx.office_code), fields[form.code]))
            with write(ctx.db):
                insert_cases(ctx, batch, actor)


def child_bare() -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow, QTableView

    app = QApplication([])
    window = QMainWindow()
    window.setCentralWidget(QTableView())
    window.resize(1280, 760)
    window.show()
    QTimer.singleShot(0, lambda: (print("READY", flush=True), app.quit()))
    app.exec()


def child_app(data_dir: Path) -> None:
    importlib.import_module("cli.main")  # first, as the `workstation` command does before the GUI
    from PySide6.QtCore import QTimer

    from ui.app import _warm_keyring, make_application
    from ui.main_window import MainWindow
    from ui.ops import OpRunner
    from ui.state import AppState
    from ui.translations import install_language
    from workstation.context import Context

    keyring_ready = _warm_keyring()  # as run_app does
    app = make_application([])
    keyring_ready.wait()
    install_language("zh_CN")
    ctx = Context.open(data_dir)
    ops = OpRunner(ctx)
    window = MainWindow(AppState(ctx, ops))
    window.sync.sync_at_start = False
    window.show()
    print("SIGN_IN_SCREEN", flush=True)  # the first screen a person can use
    marks: dict[str, float] = {}

    def listed(rows: int) -> None:
        window.case_list.first_rows_shown.disconnect(listed)
        window.case_list.table.viewport().repaint()  # the first rows, loaded and painted
        print("READY", rows, flush=True)
        QTimer.singleShot(0, searches)

    def searches() -> None:
        page = window.case_list
        answers: list[int] = []
        page.results_shown.connect(lambda rows: answers.append(rows))
        for label, text in SEARCHES:
            for debounced in (False, True):
                _set_quietly(page, "")
                answers.clear()
                marks["t"] = time.perf_counter()
                if debounced:
                    page.search.setText(text)  # as typed: the 200 ms pause, then the query
                else:
                    _set_quietly(page, text)
                    page.reload()  # the query alone
                _wait(page, answers)
                ms = (time.perf_counter() - marks["t"]) * 1000
                print(f"SEARCH\t{label}\t{int(debounced)}\t{ms:.1f}\t{answers[0]}", flush=True)
        print("DONE", flush=True)
        window.close()
        app.quit()

    # The list's query is in flight when signed_in fires: its answer comes later.
    window.signed_in.connect(lambda _: window.case_list.first_rows_shown.connect(listed))
    window.login.username.setText("admin")
    window.login.password.setText(PASSWORD)
    window.login.submit()
    app.exec()
    ops.close()
    ctx.close()


def _set_quietly(page: object, text: str) -> None:
    page.search.blockSignals(True)  # type: ignore[attr-defined]
    page.search.setText(text)  # type: ignore[attr-defined]
    page.search.blockSignals(False)  # type: ignore[attr-defined]


def _wait(page: object, answers: list[int]) -> None:
    """Run the event loop until the list shows the answer, then paint it.

    A nested QEventLoop rather than a processEvents() poll: besides being the
    honest measure, PySide6 6.12.0 on Python 3.11 drops a reference to None on
    every call of a method returning void, and a poll loop makes that fatal.
    """
    from PySide6.QtCore import QEventLoop, QTimer

    if not answers:
        loop = QEventLoop()
        page.results_shown.connect(loop.quit)  # type: ignore[attr-defined]
        QTimer.singleShot(30_000, loop.quit)
        loop.exec()
        page.results_shown.disconnect(loop.quit)  # type: ignore[attr-defined]
    page.table.viewport().repaint()  # type: ignore[attr-defined]


def timed(mode: str, data_dir: Path) -> tuple[float, list[str]]:
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, __file__, "--child", mode, "--data", str(data_dir)],
                            stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    assert proc.stdout is not None
    ready, lines = None, []
    for line in proc.stdout:
        if line.startswith("READY") and ready is None:
            ready = time.perf_counter() - started
        if line.startswith("SIGN_IN_SCREEN"):
            line = f"SIGN_IN_SCREEN\t{(time.perf_counter() - started) * 1000:.1f}"
        lines.append(line.rstrip("\n"))
    proc.wait()
    if ready is None or proc.returncode:
        raise SystemExit(f"{mode} child failed ({proc.returncode}): {lines}")
    return ready * 1000, lines


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--child", choices=("bare", "app"))
    args = parser.parse_args()
    if args.child == "bare":
        child_bare()
        return 0
    if args.child == "app":
        child_app(args.data)
        return 0
    data_dir = args.data or Path(tempfile.gettempdir()) / f"ws-bench-ui-{args.cases}"
    # As installed (the bundle ships compiled modules), whatever PYTHONDONTWRITEBYTECODE says:
    # otherwise every start would compile the app's sources again.
    for package in ("cli", "ui", "workstation", "sync", "scanning"):
        compileall.compile_dir(ROOT / package, quiet=1)
    started = time.perf_counter()
    make_store(data_dir, args.cases)
    print(f"store: {data_dir} ({args.cases:,} cases, ready in {time.perf_counter() - started:.1f} s)")
    bare, app, screen, searches = [], [], [], []
    timed("app", data_dir)  # warm the disk cache for both, so neither pays for it alone
    for _ in range(args.runs):
        bare.append(timed("bare", data_dir)[0])
        ms, lines = timed("app", data_dir)
        app.append(ms)
        screen += [float(line.split("\t")[1]) for line in lines if line.startswith("SIGN_IN_SCREEN")]
        searches.append([line.split("\t") for line in lines if line.startswith("SEARCH")])
    report(bare, app, screen, searches)
    return 0


def report(bare: list[float], app: list[float], screen: list[float],
           searches: list[list[list[str]]]) -> None:
    b, a, s = statistics.median(bare), statistics.median(app), statistics.median(screen)
    print(f"\n{'start (median of ' + str(len(app)) + ')':<44}{'ms':>8}{'x bare':>9}")
    print(f"{'bare PySide6 window':<44}{b:>8.0f}{1:>9.2f}")
    print(f"{'workstation: sign-in screen usable':<44}{s:>8.0f}{s / b:>9.2f}")
    print(f"{'workstation: signed in, first rows painted':<44}{a:>8.0f}{a / b:>9.2f}")
    print("(target: interactive case list under 3x the bare window)")
    print(f"\n{'search':<26}{'rows':>8}{'query ms':>12}{'as typed ms':>14}")
    for label, _ in SEARCHES:
        query = [float(r[3]) for run in searches for r in run if r[1] == label and r[2] == "0"]
        typed = [float(r[3]) for run in searches for r in run if r[1] == label and r[2] == "1"]
        rows = next(r[4] for run in searches for r in run if r[1] == label)
        print(f"{label:<26}{rows:>8}{statistics.median(query):>12.1f}{statistics.median(typed):>14.1f}")


if __name__ == "__main__":
    sys.exit(main())
