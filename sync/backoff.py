"""Exponential backoff with jitter and a cap, honouring the county's Retry-After.

Jitter matters because every workstation of a county goes back online at the
same moment after a county outage; spreading their retries keeps the county
from being knocked over again. Sleeping goes through a callable so the engine
can make every wait end at once when it is told to stop.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from sync.config import SyncConfig
from sync.errors import TransientError

T = TypeVar("T")
Sleep = Callable[[float], None]


@dataclass
class Backoff:
    base_s: float
    cap_s: float
    jitter: float = 0.5
    retry_after_cap_s: float = 3600.0
    rng: random.Random = field(default_factory=random.Random)
    attempt: int = 0

    @classmethod
    def from_config(cls, config: SyncConfig, rng: random.Random | None = None) -> Backoff:
        return cls(config.backoff_base_s, config.backoff_cap_s, config.jitter,
                   config.retry_after_cap_s, rng or random.Random())

    def next_delay(self, retry_after: float | None = None) -> float:
        """The wait before the next try; never shorter than ``retry_after``."""
        raw = min(self.cap_s, self.base_s * (2 ** min(self.attempt, 30)))
        self.attempt += 1
        delay = raw * (1.0 - self.jitter * self.rng.random())
        if retry_after is not None and retry_after > 0:
            delay = max(delay, min(retry_after, self.retry_after_cap_s))
        return delay

    def reset(self) -> None:
        self.attempt = 0


class Retrier:
    """Runs one request up to ``attempts`` times, sleeping between transient failures."""

    def __init__(self, config: SyncConfig, sleep: Sleep, rng: random.Random | None = None) -> None:
        self.config = config
        self.sleep = sleep
        self.rng = rng or random.Random()
        self.retries = 0  # how many retries this retrier made: shown in run figures

    def call(self, fn: Callable[[], T], attempts: int | None = None) -> T:
        backoff = Backoff.from_config(self.config, self.rng)
        tries = attempts or self.config.attempts
        for attempt in range(1, tries + 1):
            try:
                return fn()
            except TransientError as exc:
                if attempt >= tries or self._too_long(exc):
                    raise
                self.retries += 1
                self.sleep(backoff.next_delay(exc.retry_after))
        raise AssertionError("unreachable")

    def _too_long(self, exc: TransientError) -> bool:
        # A county that asks for a long pause gets it between cycles, not inside one.
        return exc.retry_after is not None and exc.retry_after > self.config.max_wait_in_cycle_s
