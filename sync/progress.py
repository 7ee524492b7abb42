"""Progress of a sync run, for whoever wants to watch: plain callables, no Qt.

The engine calls the observers from its own thread. A Qt window subscribes a
function that emits a signal (queued to the GUI thread); the command line
subscribes one that redraws a status line. Byte counts change many times a
second during an upload, so those notifications are throttled; step changes
and the end of a run always go out at once.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

log = logging.getLogger(__name__)

STEPS = ("probe", "catalog", "blobs", "batches", "updates", "done")


@dataclass(frozen=True)
class ProgressState:
    step: str = "idle"
    cases_done: int = 0     # cases the county has answered for in this run
    cases_total: int = 0    # cases waiting when the run started
    files_done: int = 0     # files checked or uploaded in the blob step
    files_total: int = 0
    bytes_done: int = 0     # bytes of those files at the county
    bytes_total: int = 0
    updates: int = 0        # county updates applied
    message: str = ""
    finished: bool = False
    outcome: str | None = None

    @property
    def fraction(self) -> float | None:
        """Share done in the current step, when it is known."""
        if self.step == "blobs" and self.bytes_total:
            return min(1.0, self.bytes_done / self.bytes_total)
        if self.step == "batches" and self.cases_total:
            return min(1.0, self.cases_done / self.cases_total)
        return None


Observer = Callable[[ProgressState], None]


class Progress:
    def __init__(self, min_interval_s: float = 0.1) -> None:
        self._observers: list[Observer] = []
        self._lock = threading.Lock()
        self._state = ProgressState()
        self._last_emit = 0.0
        self.min_interval_s = min_interval_s

    def subscribe(self, observer: Observer) -> Callable[[], None]:
        """Call ``observer`` with each new state; returns a function that unsubscribes."""
        with self._lock:
            self._observers.append(observer)

        def unsubscribe() -> None:
            with self._lock:
                if observer in self._observers:
                    self._observers.remove(observer)

        return unsubscribe

    @property
    def state(self) -> ProgressState:
        return self._state

    def begin(self) -> None:
        self._set(ProgressState("probe"), force=True)

    def step(self, name: str, message: str = "", *, cases_total: int | None = None,
             files_total: int | None = None, bytes_total: int | None = None) -> None:
        """A new step; giving a total also starts its count from zero."""
        s = replace(self._state, step=name, message=message)
        if cases_total is not None:
            s = replace(s, cases_total=cases_total, cases_done=0)
        if files_total is not None:
            s = replace(s, files_total=files_total, files_done=0)
        if bytes_total is not None:
            s = replace(s, bytes_total=bytes_total, bytes_done=0)
        self._set(s, force=True)

    def add(self, cases: int = 0, files: int = 0, bytes_: int = 0, updates: int = 0) -> None:
        s = self._state
        self._set(replace(s, cases_done=s.cases_done + cases, files_done=s.files_done + files,
                          bytes_done=max(0, s.bytes_done + bytes_), updates=s.updates + updates),
                  force=bool(cases or files or updates))

    def finish(self, outcome: str, message: str) -> None:
        self._set(replace(self._state, step="done", message=message, finished=True,
                          outcome=outcome), force=True)

    def _set(self, state: ProgressState, force: bool = False) -> None:
        self._state = state
        now = time.monotonic()
        if not force and now - self._last_emit < self.min_interval_s:
            return
        self._last_emit = now
        with self._lock:
            observers = list(self._observers)
        for observer in observers:
            try:
                observer(state)
            except Exception:  # a broken progress bar must not stop a sync
                log.exception("progress observer failed")
