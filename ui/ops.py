"""Running work off the main thread, with the result reported back on it.

As in Anki, the GUI never calls slow core functions directly. It asks the
:class:`OpRunner` to run a function in the thread pool; the function gets a
:class:`~workstation.context.Context` of its own (SQLite connections belong to
one thread), and its result or error comes back on the main thread through a
queued signal. Errors become a readable message box unless the caller handles
them; a traceback is logged, never shown.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from workstation.context import Context
from workstation.errors import WorkstationError
from workstation.i18n import t

log = logging.getLogger(__name__)


class _Signals(QObject):
    succeeded = Signal(object)
    failed = Signal(object)
    progress = Signal(object)


class _Task(QRunnable):
    def __init__(self, runner: OpRunner, work: Callable[..., Any], signals: _Signals,
                 wants_progress: bool) -> None:
        super().__init__()
        self.runner, self.work, self.signals, self.wants_progress = runner, work, signals, wants_progress

    def run(self) -> None:
        ctx = None
        try:
            ctx = self.runner.take_context()
            args: list[Any] = [ctx]
            if self.wants_progress:
                args.append(self.signals.progress.emit)
            result = self.work(*args)
        except BaseException as exc:  # reported on the main thread, never lost
            if not isinstance(exc, WorkstationError):
                log.exception("background operation failed")
            self.signals.failed.emit(exc)
        else:
            self.signals.succeeded.emit(result)
        finally:
            if ctx is not None:
                self.runner.give_back(ctx)


class OpRunner(QObject):
    """Runs ``work(ctx)`` in a pool thread; calls ``on_success(result)`` on the main thread."""

    def __init__(self, ctx: Context, parent: QObject | None = None, max_threads: int = 2) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(max_threads)
        self._contexts: list[Context] = []  # every one opened, to close at the end
        self._free: list[Context] = []  # those no task is using
        self._lock = threading.Lock()
        self._live: set[_Signals] = set()

    def take_context(self) -> Context:
        """A context of its own for one task: a free one, or a new one on the same store.

        Contexts go back to a shared list rather than living with a thread:
        Qt ends idle pool threads (and ``waitForDone`` ends them all), and a
        context per thread would leave a connection open for each one ended.
        A context moves between threads only between tasks, never during one.
        """
        with self._lock:
            if self._free:
                return self._free.pop()
        ctx = self.ctx.reopen()
        with self._lock:
            self._contexts.append(ctx)
        return ctx

    def give_back(self, ctx: Context) -> None:
        with self._lock:
            self._free.append(ctx)

    def warm(self) -> None:
        """Open the tasks' contexts now, while nobody waits for them."""
        for _ in range(self.pool.maxThreadCount()):
            self.run(lambda ctx: None, on_failure=lambda _: None)  # a failure shows on real work

    def run(self, work: Callable[..., Any], on_success: Callable[[Any], None] | None = None,
            on_failure: Callable[[BaseException], None] | None = None,
            on_progress: Callable[[Any], None] | None = None,
            parent: QWidget | None = None) -> None:
        """``work(ctx)`` or, with ``on_progress``, ``work(ctx, report)``."""
        signals = _Signals()
        self._live.add(signals)  # keep the QObject alive until the task reports

        def done(result: Any) -> None:
            self._live.discard(signals)
            if on_success and not _owner_gone(on_success, parent):
                on_success(result)

        def failed(exc: BaseException) -> None:
            self._live.discard(signals)
            handler = on_failure or (lambda e: show_error(parent, e))
            if not _owner_gone(handler, parent):
                handler(exc)

        signals.succeeded.connect(done)
        signals.failed.connect(failed)
        if on_progress:
            signals.progress.connect(on_progress)
        self.pool.start(_Task(self, work, signals, on_progress is not None))

    def wait(self, msecs: int = 30_000) -> bool:
        return self.pool.waitForDone(msecs)

    def close(self) -> None:
        self.pool.waitForDone(30_000)
        with self._lock:
            for ctx in self._contexts:
                ctx.close()
            self._contexts.clear()
            self._free.clear()


def _owner_gone(callback: Callable[..., Any], parent: QWidget | None) -> bool:
    """Whether the widget a callback reports to was deleted while the work ran.

    A page can be closed, or a list rebuilt, before its background work ends;
    calling into the deleted C++ object would raise in the event loop. The
    owner is ``parent``, the object of a bound method, or a Qt object the
    callback's closure holds (``self`` in a nested function).
    """
    owners: list[Any] = [parent]
    target = callback.func if isinstance(callback, functools.partial) else callback
    owners.append(getattr(target, "__self__", None))
    owners.extend(cell.cell_contents for cell in getattr(target, "__closure__", None) or ()
                  if _cell_filled(cell))
    return any(isinstance(o, QObject) and not shiboken6.isValid(o) for o in owners)


def _cell_filled(cell: Any) -> bool:
    try:
        cell.cell_contents  # noqa: B018 - an empty cell raises
    except ValueError:
        return False
    return True


def error_text(exc: BaseException) -> tuple[str, str]:
    if isinstance(exc, WorkstationError):
        return exc.title, exc.message
    return (t("出现了意外错误", "Something unexpected went wrong"),
            t("操作没有完成，已输入的内容没有丢失。请重试；如果问题持续，请运行“诊断”并联系技术人员。",
              "The action did not finish and nothing you entered was lost. Try again; if it keeps "
              "happening, run the diagnostics and contact IT staff."))


def show_error(parent: QWidget | None, exc: BaseException) -> None:
    title, message = error_text(exc)
    QMessageBox.warning(parent, title, f"{title}\n\n{message}" if message else title)
