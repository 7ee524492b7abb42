"""Is the county there? Decided by asking it (GET /ping), never by the OS.

An operating system that reports "connected" says nothing about a county
platform behind a government extranet, a captive portal or a dead VPN; only
an answer from /ping does. The ping also shows a workstation clock that is
far off, which staff should fix before receipts carry wrong times.
"""

from __future__ import annotations

from dataclasses import dataclass

from sync.backoff import Retrier
from sync.client import CountyClient
from workstation.clock import now, parse_iso


@dataclass(frozen=True)
class Ping:
    server_time: str
    clock_skew_s: float  # local minus county, in seconds


def probe(client: CountyClient, retry: Retrier, attempts: int | None = None) -> Ping:
    """One answered ping; raises TransientError (unreachable) or AuthError."""
    answer = retry.call(client.ping, attempts=attempts)
    county = parse_iso(answer["server_time"])
    # Half the round trip is the best guess of when the county read its clock.
    local = now().timestamp() - client.last_elapsed_s / 2
    return Ping(answer["server_time"], round(local - county.timestamp(), 1))
