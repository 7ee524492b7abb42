"""Keep freed page memory in the process between pipeline steps.

Pillow stores a full page in 16 MB blocks. glibc gives blocks that large
their own mapping (or trims them off the heap when they are freed), so each
whitened, rotated or cropped copy of a page starts as fresh zeroed pages from
the kernel: about 23,000 page faults per 300 dpi colour page, a quarter of its
processing time. Serving such blocks from the heap and keeping up to
``KEEP_FREE`` of freed memory there lets the next copy reuse them. The cost,
the peak a page reached held between pages, lasts only while a batch runs:
:func:`release_freed_memory` gives it back at the end.

Pages must be processed in the main heap (glibc's main arena): a thread's
own arena holds at most 64 MB a heap and unmaps each heap as it empties,
whatever the thresholds, so a page processed on a worker thread (as the app
does) faulted in 8,000-16,000 fresh pages at 300 dpi in colour, every page. Hence
:func:`share_one_heap`, which must come before the process starts threads
(``cli.main`` calls it first thing, for the app and the command line alike);
threads started later use the main heap.

Linux with glibc only (``mallopt``); elsewhere nothing changes. Pillow's own
block cache (``PIL.Image.core.set_blocks_max``) was measured too: it helps
300 dpi pages less and 200 dpi pages not at all.
"""

from __future__ import annotations

import ctypes
import sys

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_M_ARENA_MAX = -8
HEAP_LIMIT = 32 * 1024 * 1024     # glibc's largest allowed mmap threshold (64-bit)
# freed memory kept before the heap is trimmed: a 300 dpi colour page skewed
# clockwise has four full-size copies alive at once; with 128 MB they were
# trimmed and faulted in again on every page (35,000 faults a page)
KEEP_FREE = 256 * 1024 * 1024

_done: list[bool] = []


def share_one_heap() -> bool:
    """Every thread started from now on allocates from the main heap
    (``M_ARENA_MAX`` 1). For the start of a process, before its first
    thread: an arena a thread already has stays its own. True when taken."""
    libc = _glibc()
    return libc is not None and bool(_mallopt(libc)(_M_ARENA_MAX, 1))


def reuse_freed_memory() -> bool:
    """Serve Pillow's blocks from the heap and keep freed ones for reuse.
    Once per process; True when the allocator took the settings."""
    if _done:
        return _done[0]
    _done.append(_set_glibc_thresholds())
    return _done[0]


def release_freed_memory() -> None:
    """Give the freed memory kept for the next page back to the system.

    For the end of a batch: the desktop app lives on after a scan, and a
    village laptop has little memory to spare."""
    libc = _glibc()
    if libc is not None and _done and _done[0]:
        libc.malloc_trim(0)


def _glibc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None)       # the process's own symbols: libc's among them
        libc.mallopt, libc.malloc_trim  # noqa: B018 - glibc's, absent from musl
    except (OSError, AttributeError):
        return None
    return libc


def _mallopt(libc: ctypes.CDLL) -> ctypes._NamedFuncPointer:
    mallopt = libc.mallopt
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return mallopt


def _set_glibc_thresholds() -> bool:
    libc = _glibc()
    if libc is None:
        return False
    mallopt = _mallopt(libc)
    # (and one heap for threads started from now on: the pipeline's own
    # thread that straightens colour pages, when share_one_heap came too late)
    return bool(mallopt(_M_MMAP_THRESHOLD, HEAP_LIMIT)) and \
        bool(mallopt(_M_TRIM_THRESHOLD, KEEP_FREE)) and bool(mallopt(_M_ARENA_MAX, 1))
