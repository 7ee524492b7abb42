"""Case identifiers: UUIDs that sort in the order they were made (version 7, RFC 9562).

A case id is made offline and never changes. Version 7 puts the time (in
milliseconds) first and, within one millisecond, a counter, so ids made by
this process come out in increasing order. Lists sorted by creation time break
ties by case id: cases imported together (one time stamp) then keep the order
of the file, and the id index grows at its end instead of at random places.
Any UUID is a valid case id for the county, so older version-4 ids stay valid.
"""

from __future__ import annotations

import secrets
import threading
import time
import uuid

_lock = threading.Lock()
_last = (0, 0)  # (milliseconds, counter) of the id made last


def new_case_id() -> str:
    global _last
    with _lock:
        ms = time.time_ns() // 1_000_000
        last_ms, counter = _last
        if ms <= last_ms:  # the same millisecond (or the clock went back): count on
            ms, counter = last_ms, counter + 1
            if counter >= 1 << 12:  # 4,096 in one millisecond: borrow the next one
                ms, counter = ms + 1, 0
        else:
            counter = secrets.randbits(8)  # leaves room to count up within the millisecond
        _last = (ms, counter)
    value = (ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | counter << 64 | 0b10 << 62 | secrets.randbits(62)
    return str(uuid.UUID(int=value))
