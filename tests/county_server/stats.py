"""Traffic counters, so tests can assert what a client actually sent."""

from __future__ import annotations

import threading
from collections import Counter


class Stats:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self._requests: Counter = Counter()
            self._responses: Counter = Counter()
            self._paths: Counter = Counter()
            self._faults: Counter = Counter()
            self._rx = self._tx = self._connections = 0

    def add_rx(self, n: int) -> None:
        with self._lock:
            self._rx += n

    def add_tx(self, n: int) -> None:
        with self._lock:
            self._tx += n

    def connection(self) -> None:
        with self._lock:
            self._connections += 1

    def request(self, method: str, template: str, path: str, status: int | None,
                fault: str | None) -> None:
        """Count one API request; ``status`` None when no answer was sent (dropped, cut)."""
        with self._lock:
            self._requests[f"{method} {template}"] += 1
            self._paths[f"{method} {path}"] += 1
            self._responses[f"{method} {template} {status if status else 'none'}"] += 1
            if fault:
                self._faults[fault] += 1

    def snapshot(self) -> dict:
        with self._lock:
            return {
                "requests": dict(self._requests),
                "paths": dict(self._paths),
                "responses": dict(self._responses),
                "faults_fired": dict(self._faults),
                "bytes_received": self._rx,
                "bytes_sent": self._tx,
                "connections": self._connections,
            }
