"""Freed page memory reused between pages (Linux, glibc)."""

from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path

import pytest

from scanning.memory import reuse_freed_memory
from scanning.pipeline import process_image

from .scanning_helpers import text_page

# Each case runs in a fresh process, as the app and the command line start:
# whether a thread's memory comes from the main heap depends on what threads
# the process started before (a test run has started many).
_PAGES = """
import resource, sys, threading
sys.path.insert(0, {root!r})
from scanning.memory import reuse_freed_memory, share_one_heap
{start}
from PIL import Image
from scanning.pipeline import process_image
from tests.scanning_helpers import text_page
page = text_page(300, seal=True).rotate({angle}, expand=True, fillcolor=(245,) * 3)

def pages():
    bytearray(1 << 20)                    # the thread is in use before its first page
    for _ in range(3):
        before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        process_image(page, 300)
        print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)

{run}
"""
ON_A_THREAD = "worker = threading.Thread(target=pages)\nworker.start()\nworker.join()"


def _faults(angle: float, start: str = "share_one_heap()", run: str = "pages()") -> list[int]:
    root = str(Path(__file__).resolve().parent.parent)
    code = _PAGES.format(root=root, start=start, angle=angle, run=run)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, check=True).stdout
    return [int(n) for n in out.split()]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt")
def test_second_colour_page_reuses_the_first_ones_memory():
    assert reuse_freed_memory() and reuse_freed_memory()      # once, then remembered
    # skewed clockwise: four full-size copies, one made on the pipeline's own
    # thread; without the settings each 300 dpi colour page faults in
    # 20,000-35,000 fresh pages (80-140 MB); reused memory needs none of that
    faults = _faults(-1.5)
    assert len(faults) == 3 and max(faults[1:]) < 3000, faults
    faults = _faults(-1.5, start="")      # a script that never called share_one_heap
    assert len(faults) == 3 and max(faults[1:]) < 3000, faults


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt")
def test_pages_processed_on_a_worker_thread_reuse_memory_too():
    # in the app's order: threads start before the first page, and the app's
    # pipeline runs in its thread pool; skewed 5 degrees, all of the page's
    # work is on that thread (no early turn)
    faults = _faults(5, run=ON_A_THREAD)
    assert len(faults) == 3 and max(faults[1:]) < 3000, faults


def _resident_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim")
def test_memory_kept_between_pages_is_given_back_after_a_batch():
    from scanning.memory import release_freed_memory

    assert reuse_freed_memory()
    page = text_page(300, seal=True).rotate(-1.5, expand=True, fillcolor=(245,) * 3)
    process_image(page, 300)
    kept = _resident_mb()
    release_freed_memory()
    assert kept - _resident_mb() > 40  # the page's freed copies, tens of MB each
