"""Background sync for the window: one worker thread, its own Context, a stop Event.

The sync engine (package ``sync``, no Qt) runs in a plain thread with a
context from ``ctx.reopen()`` (SQLite connections belong to one thread) and a
``threading.Event`` that asks it to stop at the next safe point. Its progress
callables are plain functions; they emit signals of a small bridge QObject
that lives on the main thread, so Qt queues them there and the window never
waits on the network. Figures for the indicator (waiting cases, quarantine,
last success) are read through the OpRunner.

Everything that touches the ``sync`` package is in the adapter functions at
the end of this file, guarded so that the window works before sync exists.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from ui.state import AppState
from workstation import statuses
from workstation.context import Context

log = logging.getLogger(__name__)
FIGURES_EVERY_MS = 30_000
FIRST_FIGURES_MS = 1_500  # after sign-in the case list goes first
ATTEMPT_EVERY_MS = 5 * 60_000  # a village link comes and goes: retry while cases wait
UPDATES_EVERY_TICKS = 6  # with nothing to send, pull county updates every half hour

NOT_ENROLLED, ONLINE, OFFLINE, SYNCING, PROBLEM = "not_enrolled", "online", "offline", "syncing", "problem"
UNKNOWN = "unknown"  # until the first figures are read


@dataclass
class SyncFigures:
    """What the indicator and the panel show, whatever the engine calls it."""

    enrolled: bool = False
    online: bool | None = None  # None: not known yet
    waiting: int = 0  # cases ready to send
    sending: int = 0
    quarantined: list[dict[str, Any]] = field(default_factory=list)
    problems: int = 0
    last_success: str | None = None
    last_attempt: str | None = None
    last_error: str | None = None
    county_url: str = ""
    history: list[dict[str, Any]] = field(default_factory=list)


class _Bridge(QObject):
    progress = Signal(object)
    finished = Signal(object, object)  # result, error


class SyncController(QObject):
    state_changed = Signal(str)
    figures_changed = Signal(object)  # SyncFigures
    progress = Signal(object)  # dict: phase, done, total, text
    run_finished = Signal(object, object)  # engine result or None, error or None

    def __init__(self, state: AppState, parent: QObject | None = None,
                 attempt_every_ms: int = ATTEMPT_EVERY_MS) -> None:
        super().__init__(parent)
        self.app_state = state
        self.figures = SyncFigures()
        self.state = UNKNOWN
        self.last_error: BaseException | None = None  # the run itself failed (a bug, no store)
        self.last_result: Any = None  # the engine's CycleResult of the last run
        self.engine_options: dict[str, Any] = {}  # e.g. {"config": SyncConfig.fast()} in tests
        self.sync_at_start = True
        self._seen_figures = False
        self._ticks = 0
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._bridge = _Bridge(self)
        self._bridge.progress.connect(self.progress)
        self._bridge.finished.connect(self._finished)
        self._figures_timer = QTimer(self, interval=FIGURES_EVERY_MS)
        self._figures_timer.timeout.connect(self.refresh)
        self._first_timer = QTimer(self, singleShot=True)
        self._first_timer.timeout.connect(self.refresh)
        self._attempt_timer = QTimer(self, interval=attempt_every_ms)
        self._attempt_timer.timeout.connect(self._periodic)

    def start(self, first_after_ms: int = FIRST_FIGURES_MS) -> None:
        """Begin the periodic work; the first figures shortly after the list is up."""
        self._figures_timer.start()
        self._attempt_timer.start()
        self._first_timer.start(first_after_ms)

    @property
    def available(self) -> bool:
        return sync_available()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def refresh(self) -> None:
        self.app_state.ops.run(read_figures, self._got_figures, on_failure=self._figures_failed)

    def _got_figures(self, figures: SyncFigures) -> None:
        first = not self._seen_figures
        self._seen_figures = True
        self.figures = figures
        self.figures_changed.emit(figures)
        self._set_state(self._derive_state())
        if first and self.sync_at_start and figures.enrolled:
            self.sync_now()  # pick up the county's news as soon as someone signs in

    def _figures_failed(self, exc: BaseException) -> None:
        log.warning("reading sync figures failed: %s", exc)

    def _derive_state(self) -> str:
        if self.running:
            return SYNCING
        if not self.figures.enrolled:
            return NOT_ENROLLED
        if self.last_error is not None or self.figures.online is False:
            return OFFLINE
        if self.figures.problems or self.figures.quarantined:
            return PROBLEM
        return ONLINE if self.figures.online else OFFLINE

    def _set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            self.state_changed.emit(state)

    def _periodic(self) -> None:
        """Send whenever cases wait; otherwise ask for the county's news now and then."""
        self._ticks += 1
        due = self.figures.waiting or self._ticks % UPDATES_EVERY_TICKS == 0
        if self.figures.enrolled and due and not self.running:
            self.sync_now()

    def sync_now(self) -> bool:
        """Start a run in the background; False if one is running or sync is missing."""
        if self.running or not self.available:
            return False
        self._stop.clear()
        self.last_error = None
        main_ctx, options = self.app_state.ctx, self.engine_options
        bridge, stop = self._bridge, self._stop

        def body() -> None:
            try:
                ctx = main_ctx.reopen()
            except BaseException as exc:
                bridge.finished.emit(None, exc)
                return
            try:
                result = run_engine(ctx, stop, bridge.progress.emit, options)
            except BaseException as exc:  # reported on the main thread as a message
                log.exception("sync run failed")
                bridge.finished.emit(None, exc)
            else:
                bridge.finished.emit(result, None)
            finally:
                ctx.close()

        self._thread = threading.Thread(target=body, name="sync", daemon=True)
        self._thread.start()
        self._set_state(SYNCING)
        return True

    def _finished(self, result: Any, error: BaseException | None) -> None:
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._thread = None
        self.last_error = error
        self.last_result = result
        self.run_finished.emit(result, error)
        self.refresh()

    def stop(self, timeout: float = 15.0) -> None:
        """Ask a running sync to stop and wait for it (closing the window)."""
        for timer in (self._first_timer, self._figures_timer, self._attempt_timer):
            timer.stop()
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)


# -- adapter to the sync package (imports guarded: the window works without it) ----

def _sync_module(name: str) -> Any | None:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def _installed(name: str) -> bool:
    """Without importing it: the engine pulls in requests, too slow for start-up."""
    try:
        return importlib.util.find_spec(name) is not None
    except ImportError:
        return False


def sync_available() -> bool:
    return _installed("sync.engine")


def enrollment_available() -> bool:
    return _installed("sync.enrollment")


def enroll_device(ctx: Context, url: str, code: str) -> Any:
    """Enroll this workstation with the county (call it off the main thread)."""
    module = _sync_module("sync.enrollment")
    if module is None:
        from workstation.errors import WorkstationError
        from workstation.i18n import t

        raise WorkstationError(t("本版本还不能登记", "This version cannot enroll yet"),
                               t("同步模块尚未安装。", "The sync module is not installed."))
    return module.enroll(ctx, url, code)


def run_engine(ctx: Context, stop: threading.Event, report: Callable[[Any], None],
               options: dict[str, Any] | None = None) -> Any:
    """One sync cycle; ``report`` gets dicts (phase, done, total, text) from the engine's thread."""
    engine_module, progress_module = _sync_module("sync.engine"), _sync_module("sync.progress")
    if engine_module is None or progress_module is None:
        return None
    progress = progress_module.Progress()
    progress.subscribe(lambda state: report(_progress_dict(state)))
    engine = engine_module.SyncEngine(ctx, stop=stop, progress=progress, **(options or {}))
    return engine.run_cycle()


def _progress_dict(state: Any) -> dict[str, Any]:
    done, total = 0, 0
    if state.step == "blobs":
        done, total = state.files_done, state.files_total
    elif state.step == "batches":
        done, total = state.cases_done, state.cases_total
    return {"phase": state.step, "done": done, "total": total, "text": state.message,
            "finished": state.finished, "outcome": state.outcome}


def read_figures(ctx: Context) -> SyncFigures:
    """Figures from ``sync.status.sync_figures`` if present, else from the case table."""
    status, history = _sync_module("sync.status"), _sync_module("sync.history")
    if status is None or history is None:
        row = ctx.db.execute("SELECT SUM(status = ?), SUM(status = ?) FROM cases",
                             [statuses.READY, statuses.SENDING]).fetchone()
        return SyncFigures(waiting=int(row[0] or 0), sending=int(row[1] or 0))
    raw = status.sync_figures(ctx)
    last = raw.get("last_run") or {}
    outcome = last.get("outcome")
    online = None if not last else outcome not in ("offline", "running", "interrupted", "busy")
    problems = [_problem(ctx, item, "quarantined") for item in raw.get("quarantined") or []]
    problems += [_problem(ctx, item, "blocked") for item in raw.get("blocked") or []]
    return SyncFigures(
        enrolled=bool(raw.get("enrolled")) and not raw.get("needs_enrollment"),
        online=online, waiting=int(raw.get("waiting") or 0), sending=int(raw.get("sending") or 0),
        quarantined=problems, last_success=raw.get("last_success"),
        last_attempt=last.get("finished_at") or last.get("started_at"),
        last_error=last.get("error") if outcome not in (None, "ok") else None,
        county_url=raw.get("county_url") or "", history=history.recent_runs(ctx.db, 5))


def _problem(ctx: Context, item: dict[str, Any], kind: str) -> dict[str, Any]:
    """One outbox row as the panel shows it: who, what the county said, which rule."""
    error = item.get("error") or {}
    details = error.get("errors") or []
    code = "blocked" if kind == "blocked" else next(
        (d.get("code") for d in details if d.get("code")), "")
    # The county's own words on what is wrong; the panel adds what to do about it.
    said = [str(d.get("message") or "") for d in details] or [str(error.get("message") or ""),
                                                              str(error.get("title") or "")]
    row = ctx.db.execute("SELECT applicant_name FROM cases WHERE case_id = ?",
                         [item.get("case_id")]).fetchone()
    return {"case_id": item.get("case_id"), "local_no": item.get("local_no") or "",
            "applicant_name": row[0] if row else "", "code": code, "kind": kind,
            "message": "；".join(dict.fromkeys(p for p in said if p))}
