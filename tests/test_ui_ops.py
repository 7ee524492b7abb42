"""The background-work runner: results come back on the main thread, never to a deleted widget."""

from __future__ import annotations

import shiboken6
from PySide6.QtWidgets import QLabel

from ui.ops import OpRunner


def test_result_to_a_deleted_widget_is_dropped(qtbot, ctx):
    ops = OpRunner(ctx)
    label = QLabel("before")
    calls: list[str] = []

    def show(value: str) -> None:
        calls.append(value)
        label.setText(value)  # would raise if the label were gone

    ops.run(lambda c: "first", show)
    qtbot.waitUntil(lambda: calls == ["first"])
    shiboken6.delete(label)
    ops.run(lambda c: "second", show)
    ops.wait()
    qtbot.wait(100)
    assert calls == ["first"]
    ops.close()


def test_failure_reaches_the_handler_on_the_main_thread(qtbot, ctx):
    import threading

    ops = OpRunner(ctx)
    seen: list[tuple[str, bool]] = []

    def boom(c):
        raise ValueError("nope")

    ops.run(boom, lambda r: None, lambda exc: seen.append((str(exc), threading.current_thread()
                                                            is threading.main_thread())))
    qtbot.waitUntil(lambda: bool(seen))
    assert seen == [("nope", True)]
    ops.close()


def test_warm_opens_the_worker_contexts_and_tasks_reuse_them(qtbot, ctx):
    ops = OpRunner(ctx)
    ops.warm()
    ops.wait()
    opened = list(ops._contexts)
    assert 1 <= len(opened) <= ops.pool.maxThreadCount()
    for _ in range(5):  # waitForDone ends the pool's threads: the next ones reuse the contexts
        ops.run(lambda c: c.db.execute("SELECT COUNT(*) FROM cases").fetchone()[0])
        ops.wait()
    assert ops._contexts == opened
    ops.close()
