"""Injected faults: what a flaky county or a bad link does to a request.

A fault matches requests by path prefix (relative to the API base, e.g.
"/batches" or "/blobs") and optionally by method, and fires either the next
``times`` matching requests or each one with ``probability`` (from a seedable
RNG, so a random soak test can be replayed). Paths under /_test are never
faulted, so a test can always repair the server it broke.
"""

from __future__ import annotations

import builtins
import itertools
import random
import threading
from dataclasses import asdict, dataclass

# Faults that act instead of the handler: the request is never processed.
BEFORE_KINDS = ("drop_before", "status_500", "status_503", "status_429", "reset_mid_upload")
# Faults that act on the answer: the request was processed and committed.
AFTER_KINDS = ("drop_after_commit", "slow", "truncate", "invalid_json")
FAULT_KINDS = BEFORE_KINDS + AFTER_KINDS
BODY_KINDS = ("truncate", "invalid_json")


@dataclass
class Fault:
    id: int
    kind: str
    path_prefix: str = "/"
    method: str | None = None
    times: int | None = 1
    probability: float | None = None
    retry_after: float | None = None
    delay: float = 1.0
    after_bytes: int | None = None
    fired: int = 0

    @property
    def exhausted(self) -> bool:
        return self.times is not None and self.fired >= self.times

    def matches(self, method: str, path: str) -> bool:
        if self.method is not None and self.method != method:
            return False
        if method == "HEAD" and self.kind in BODY_KINDS:
            return False  # a HEAD answer has no body to mangle; its status alone would lie
        return path.startswith(self.path_prefix) and not self.exhausted

    def to_dict(self) -> dict:
        return asdict(self)


class FaultSet:
    def __init__(self, seed: int | None = None) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._ids = itertools.count(1)
        self._rng = random.Random(seed)

    def add(self, kind: str, path_prefix: str = "/", times: int | None = None,
            probability: float | None = None, retry_after: float | None = None,
            delay: float | None = None, method: str | None = None,
            after_bytes: int | None = None) -> Fault:
        """Arm a fault. ``times`` defaults to 1 for a plain fault and to unlimited
        with a probability; both together mean "at most ``times``, each at random"."""
        if kind not in FAULT_KINDS:
            raise ValueError(f"fault kind must be one of {FAULT_KINDS}, not {kind!r}")
        if probability is not None and not 0.0 <= probability <= 1.0:
            raise ValueError("probability must be between 0 and 1")
        if times is None and probability is None:
            times = 1
        if times is not None and times < 1:
            raise ValueError("times must be at least 1")
        if not path_prefix.startswith("/"):
            raise ValueError("path_prefix is relative to the base URL and starts with '/'")
        fault = Fault(next(self._ids), kind, path_prefix, method.upper() if method else None,
                      times, probability, retry_after, 1.0 if delay is None else delay,
                      after_bytes)
        with self._lock:
            self._faults.append(fault)
        return fault

    def pick(self, method: str, path: str) -> Fault | None:
        """The fault to apply to this request, counting it as fired; None for a clean run."""
        if path == "/_test" or path.startswith("/_test/"):
            return None
        with self._lock:
            for fault in self._faults:
                if not fault.matches(method, path):
                    continue
                if fault.probability is not None and self._rng.random() >= fault.probability:
                    continue
                fault.fired += 1
                return fault
        return None

    def seed(self, seed: int | None) -> None:
        with self._lock:
            self._rng.seed(seed)

    def remove(self, fault_id: int) -> None:
        with self._lock:
            self._faults = [f for f in self._faults if f.id != fault_id]

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def list(self) -> list[Fault]:
        with self._lock:
            return list(self._faults)

    def pending(self) -> builtins.list[Fault]:
        """Armed faults that have not yet fired their ``times``."""
        return [f for f in self.list() if not f.exhausted]
