"""Run a driver in a spawned process and stream its pages back.

The worker talks through a ``multiprocessing`` queue with plain tuples:

- ``("started", {"source": str | None, "dpi": int, "lineart": bool})``
- ``("progress", page, lines_done, lines_total | None, bytes_done, bytes_total | None)``
- ``("page", {"index", "mode", "width", "height", "dpi", "data", "lineart", "source"})``
- ``("devices", [(name, vendor, model, type), ...])``
- ``("done", pages)`` or ``("error", kind, detail, pages_done)``

:class:`ScanJob` turns these into :class:`~scanning.sources.RawPage` objects and
:class:`~scanning.errors.ScannerError`. Cancelling asks the worker to stop; a
worker that does not stop within a grace period is terminated, then killed. A
worker that dies without a last word (a driver crash) becomes ``crashed``.
"""

from __future__ import annotations

import multiprocessing
import queue
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from PIL import Image

from scanning import errors
from scanning.errors import ScannerError
from scanning.sources import ProgressCallback, RawPage, ScanProgress

Target = Callable[[dict[str, Any], Any, Any], None]


class WorkerProcess:
    """One spawned worker and its message queue."""

    def __init__(self, target: Target, request: dict[str, Any], *,
                 stall_timeout: float = 120.0, cancel_grace: float = 3.0) -> None:
        ctx = multiprocessing.get_context("spawn")
        self._queue = ctx.Queue()
        self._cancel_event = ctx.Event()
        self._cancelled = threading.Event()
        self.stall_timeout = stall_timeout
        self.cancel_grace = cancel_grace
        self.process = ctx.Process(target=target, args=(request, self._queue, self._cancel_event),
                                   daemon=True, name="scan-worker")
        self.process.start()

    @property
    def pid(self) -> int | None:
        return self.process.pid

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def cancel(self) -> None:
        """Ask the worker to stop (safe from any thread)."""
        self._cancelled.set()
        self._cancel_event.set()

    def messages(self) -> Iterator[tuple[Any, ...]]:
        """Messages until the worker ends. Raises ScannerError for a crash, a
        hang (no message for ``stall_timeout``) or a cancel it ignored."""
        last = time.monotonic()
        cancel_at: float | None = None
        while True:
            try:
                msg = self._queue.get(timeout=0.05)
            except queue.Empty:
                msg = None
            now = time.monotonic()
            if self.cancelled:
                cancel_at = cancel_at or now
                if now - cancel_at > self.cancel_grace:     # it ignores the request
                    self.stop(grace=0.0)
                    raise ScannerError(errors.CANCELLED, "worker terminated after cancel")
            if msg is not None:
                last = now
                yield msg
                if msg[0] in ("done", "error", "devices"):
                    return
                continue
            if not self.process.is_alive():
                try:  # a last message may still be in the pipe
                    msg = self._queue.get(timeout=0.5)
                except queue.Empty:
                    code = self.process.exitcode
                    kind = errors.CANCELLED if self.cancelled else errors.CRASHED
                    raise ScannerError(kind, f"worker exit code {code}") from None
                yield msg
                if msg[0] in ("done", "error", "devices"):
                    return
                continue
            if now - last > self.stall_timeout:
                self.stop()
                raise ScannerError(errors.TIMEOUT, f"no answer for {self.stall_timeout:.0f} s")

    def stop(self, grace: float | None = None) -> None:
        """Make sure the worker is gone: ask, then terminate, then kill."""
        proc = self.process
        if proc.is_alive():
            self._cancel_event.set()
            proc.join(self.cancel_grace if grace is None else grace)
        if proc.is_alive():
            proc.terminate()
            proc.join(2.0)
        if proc.is_alive():
            proc.kill()
            proc.join(2.0)
        self._queue.close()
        self._queue.cancel_join_thread()


def run_once(target: Target, request: dict[str, Any], timeout: float = 60.0) -> tuple[Any, ...]:
    """Run a worker that answers with one message (e.g. device discovery)."""
    worker = WorkerProcess(target, request, stall_timeout=timeout)
    try:
        for msg in worker.messages():
            if msg[0] == "error":
                raise ScannerError(msg[1], msg[2])
            if msg[0] in ("devices", "done"):
                return msg
        raise ScannerError(errors.CRASHED, "no answer")
    finally:
        worker.stop(grace=2.0)


class ScanJob:
    """A running scan. Iterate :meth:`pages`; call :meth:`cancel` from any thread.

    Use as a context manager (or call :meth:`close`) so the worker is always gone
    afterwards. Pages that arrived before an error stay with the caller; the
    error's ``pages_done`` says how many that was.
    """

    def __init__(self, target: Target, request: dict[str, Any],
                 on_progress: ProgressCallback | None = None, *,
                 stall_timeout: float = 120.0, cancel_grace: float = 3.0) -> None:
        self.on_progress = on_progress
        self.info: dict[str, Any] = {}
        self.pages_done = 0
        self.worker = WorkerProcess(target, request, stall_timeout=stall_timeout,
                                    cancel_grace=cancel_grace)

    def cancel(self) -> None:
        self.worker.cancel()

    def pages(self) -> Iterator[RawPage]:
        try:
            yield from self._pages()
        except ScannerError as exc:
            exc.pages_done = self.pages_done
            raise

    def _pages(self) -> Iterator[RawPage]:
        for msg in self.worker.messages():
            tag = msg[0]
            if tag == "started":
                self.info = dict(msg[1])
            elif tag == "progress" and self.on_progress is not None:
                _, page, lines, lines_total, done, total = msg
                self.on_progress(ScanProgress(page, lines, lines_total, done, total))
            elif tag == "page":
                self.pages_done += 1
                yield _raw_page(msg[1])
            elif tag == "error":
                kind = errors.CANCELLED if self.worker.cancelled else msg[1]
                self.worker.stop()
                raise ScannerError(kind, msg[2], self.pages_done)
            elif tag == "done":
                break

    def collect(self) -> list[RawPage]:
        with self:
            return list(self.pages())

    def close(self) -> None:
        self.worker.stop()

    def __enter__(self) -> ScanJob:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _raw_page(info: dict[str, Any]) -> RawPage:
    image = Image.frombytes(info["mode"], (info["width"], info["height"]), info["data"])
    if info.get("lineart"):
        image = image.point(lambda v: 255 if v >= 128 else 0).convert("1")
    image.info["dpi"] = (info["dpi"], info["dpi"])
    return RawPage(info["index"], image, int(info["dpi"]), info.get("source"),
                   bool(info.get("lineart")))
