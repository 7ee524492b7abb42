"""Village-link emulation: a slow shared line that drops connections.

``rate_bytes_per_s`` paces every byte the server reads from or writes to any
client socket, each direction shared by all connections like one physical
line. ``cut_after_s`` shuts each connection down once it has existed that long,
whatever it is doing: mid-request, mid-answer or idle in keep-alive. Both
take effect at once, for connections already open too.

Every socket is wrapped in the meters below even with no limits set, because
the same wrappers count the bytes for ``stats()``.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable


class _Pacer:
    """Spaces chunks so that one direction carries at most ``rate`` bytes per second."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._next_free = 0.0

    def consume(self, n: int, rate: float | None) -> None:
        if not rate or n <= 0:
            return
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next_free)
            self._next_free = start + n / rate
            wait = self._next_free - now
        time.sleep(wait)


class Link:
    def __init__(self) -> None:
        self.rate_bytes_per_s: float | None = None
        self.cut_after_s: float | None = None
        self.cuts = 0
        self._rx, self._tx = _Pacer(), _Pacer()
        self._born: dict[socket.socket, float] = {}
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._watchdog: threading.Thread | None = None

    def set(self, rate_bytes_per_s: float | None = None, cut_after_s: float | None = None) -> None:
        """New conditions, in force at once for every connection, open or not."""
        if rate_bytes_per_s is not None and rate_bytes_per_s <= 0:
            raise ValueError("rate_bytes_per_s must be positive, or None for no limit")
        if cut_after_s is not None and cut_after_s <= 0:
            raise ValueError("cut_after_s must be positive, or None for no cut")
        self.rate_bytes_per_s, self.cut_after_s = rate_bytes_per_s, cut_after_s

    def to_dict(self) -> dict:
        return {"rate_bytes_per_s": self.rate_bytes_per_s, "cut_after_s": self.cut_after_s,
                "cuts": self.cuts}

    def step(self) -> int:
        # Small steps keep pacing smooth (about 20 per second) and let a cut land mid-body.
        rate = self.rate_bytes_per_s
        return 256 * 1024 if not rate else max(256, int(rate // 20))

    def pace_rx(self, n: int) -> None:
        self._rx.consume(n, self.rate_bytes_per_s)

    def pace_tx(self, n: int) -> None:
        self._tx.consume(n, self.rate_bytes_per_s)

    # --- connection lifetimes -------------------------------------------------------

    def attach(self, sock: socket.socket) -> None:
        with self._lock:
            self._born[sock] = time.monotonic()

    def detach(self, sock: socket.socket) -> None:
        with self._lock:
            self._born.pop(sock, None)

    def connections(self) -> list[socket.socket]:
        with self._lock:
            return list(self._born)

    def start(self) -> None:
        # One watchdog for all connections, rather than a timer each, so that a cut
        # set while a client holds a pooled keep-alive connection still applies to it.
        self._stopped.clear()
        self._watchdog = threading.Thread(target=self._watch, name="county-link", daemon=True)
        self._watchdog.start()

    def stop(self) -> None:
        self._stopped.set()
        if self._watchdog is not None:
            self._watchdog.join(timeout=2)

    def _watch(self) -> None:
        while not self._stopped.wait(0.05):
            limit = self.cut_after_s
            if limit is None:
                continue
            now = time.monotonic()
            with self._lock:
                doomed = [s for s, born in self._born.items() if now - born >= limit]
                for sock in doomed:
                    del self._born[sock]
            for sock in doomed:
                self._cut(sock)

    def _cut(self, sock: socket.socket) -> None:
        self.cuts += 1
        try:
            # shutdown, not close: it wakes the handler thread blocked in recv/send,
            # and the peer sees the line go dead as it would when the radio drops.
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


class MeteredReader:
    """The request stream, paced by the link and counted."""

    def __init__(self, raw, link: Link, count: Callable[[int], None]) -> None:
        self._raw, self._link, self._count = raw, link, count

    def _took(self, data: bytes) -> bytes:
        self._count(len(data))
        self._link.pace_rx(len(data))
        return data

    def read(self, n: int = -1) -> bytes:
        if n is None or n < 0:
            return b"".join(iter(lambda: self.read(self._link.step()), b""))
        parts, left = [], n
        while left > 0:
            chunk = self._took(self._raw.read(min(left, self._link.step())))
            if not chunk:
                break
            parts.append(chunk)
            left -= len(chunk)
        return b"".join(parts)

    def readline(self, limit: int = -1) -> bytes:
        return self._took(self._raw.readline(limit))

    @property
    def closed(self) -> bool:
        return self._raw.closed

    def close(self) -> None:
        self._raw.close()


class MeteredWriter:
    """The answer stream, paced by the link and counted."""

    def __init__(self, raw, link: Link, count: Callable[[int], None]) -> None:
        self._raw, self._link, self._count = raw, link, count

    def write(self, data: bytes) -> int:
        view, step = memoryview(data), self._link.step()
        for start in range(0, len(view), step):
            chunk = view[start:start + step]
            self._link.pace_tx(len(chunk))
            self._raw.write(chunk)
            self._count(len(chunk))
        return len(data)

    def flush(self) -> None:
        self._raw.flush()

    @property
    def closed(self) -> bool:
        return self._raw.closed

    def close(self) -> None:
        self._raw.close()
