"""Case identifiers: UUIDs that sort in the order they were made (version 7, RFC 9562).

A case id is made offline and never changes. Version 7 puts the time (in
milliseconds) first and, within one millisecond, a counter, so ids made by
this process come out in increasing order. Lists sorted by creation time break
ties by case id: cases imported together (one time stamp) then keep the order
of the file, and the id index grows at its end instead of at random places.
Any UUID is a valid case id for the county, so older version-4 ids stay valid.
"""

from __future__ import annotations

import os
import threading
import time

_lock = threading.Lock()
_last = (0, 0)  # (milliseconds, counter) of the id made last
# Random bits are drawn from the OS a few thousand ids at a time: a system call
# per id cost more than the rest of making it (an import makes 100,000 at once).
_POOL_IDS = 4096
_pool = b""
_used = 0


def new_case_id() -> str:
    global _last, _pool, _used
    with _lock:
        ms = time.time_ns() // 1_000_000
        last_ms, counter = _last
        if _used == len(_pool):
            _pool, _used = os.urandom(9 * _POOL_IDS), 0
        random = int.from_bytes(_pool[_used:_used + 9], "big")  # 62 bits for the id, 8 for a counter
        _used += 9
        if ms <= last_ms:  # the same millisecond (or the clock went back): count on
            ms, counter = last_ms, counter + 1
            if counter >= 1 << 12:  # 4,096 in one millisecond: borrow the next one
                ms, counter = ms + 1, 0
        else:
            counter = random >> 64  # leaves room to count up within the millisecond
        _last = (ms, counter)
    value = (ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | counter << 64 | 0b10 << 62 | random & ((1 << 62) - 1)
    text = f"{value:032x}"  # as str(uuid.UUID(int=value)) writes it
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def _forget_pool() -> None:
    """A forked process must not make the ids its parent makes from the same bits."""
    global _pool, _used
    _pool, _used = b"", 0


os.register_at_fork(after_in_child=_forget_pool)
