"""``--watch``: keep syncing whenever the county is reachable and there is work.

While the county is unreachable the loop probes /ping with backoff (jittered,
capped, never sooner than a Retry-After) and starts a cycle the moment a
probe is answered. While all is sent it looks for new local work every few
seconds and pulls county updates every few minutes. It ends when the stop
flag is set, or on an authorization failure (which needs a person).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from sync.backoff import Backoff
from sync.engine import SyncEngine
from sync.outcome import CycleResult

STOP_OUTCOMES = ("auth", "not_enrolled")
RETRY_OUTCOMES = ("offline", "partial", "busy", "error")


class Watcher:
    def __init__(self, engine: SyncEngine, on_result: Callable[[CycleResult], None] | None = None) -> None:
        self.engine = engine
        self.on_result = on_result
        self.wake = threading.Event()  # set by "sync now" in the UI
        self.config = engine.config
        self.backoff = Backoff.from_config(self.config.with_(backoff_cap_s=self.config.probe_cap_s))

    def request_sync(self) -> None:
        self.wake.set()

    def run(self) -> CycleResult | None:
        last: CycleResult | None = None
        last_cycle_at, now_please = float("-inf"), True
        while not self.engine.stop.is_set():
            due = time.monotonic() - last_cycle_at >= self.config.watch_refresh_s
            if now_please or due or self.wake.is_set() or self.engine.has_local_work():
                self.wake.clear()
                last, last_cycle_at = self._cycle(), time.monotonic()
                if last.outcome in STOP_OUTCOMES:
                    return last
                now_please = last.outcome in RETRY_OUTCOMES
                if now_please:
                    self._until_reachable(last.retry_after)  # then a cycle at once
                    continue
                self.backoff.reset()
            self._wait(self.config.watch_poll_s)
        return last

    def _cycle(self) -> CycleResult:
        result = self.engine.run_cycle()
        if self.on_result is not None:
            self.on_result(result)
        return result

    def _until_reachable(self, retry_after: float | None) -> None:
        """Probe with growing pauses; return as soon as the county answers."""
        while not self.engine.stop.is_set():
            if self._wait(self.backoff.next_delay(retry_after)):
                return
            retry_after = None
            if self.engine.probe_once():
                return

    def _wait(self, seconds: float) -> bool:
        """Sleep; True when woken early by a request to sync or to stop."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            if self.engine.stop.wait(min(left, 0.25)) or self.wake.is_set():
                return True
        return False


def watch(engine: SyncEngine, on_result: Callable[[CycleResult], None] | None = None) -> CycleResult | None:
    return Watcher(engine, on_result).run()
