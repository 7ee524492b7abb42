"""Freed page memory reused between pages (Linux, glibc)."""

from __future__ import annotations

import resource
import sys
import threading

import pytest
from PIL import Image

from scanning.memory import reuse_freed_memory
from scanning.pipeline import process_image

from .scanning_helpers import text_page


def _faults_of(page: Image.Image, dpi: int) -> int:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    process_image(page, dpi)
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt")
def test_second_colour_page_reuses_the_first_ones_memory():
    assert reuse_freed_memory() and reuse_freed_memory()      # once, then remembered
    page = text_page(300, seal=True).rotate(-1.5, expand=True, fillcolor=(245,) * 3)
    _faults_of(page, 300)
    # without the settings each 300 dpi colour page faults in 20,000-35,000
    # fresh pages (80-140 MB); reused memory needs none of that
    assert _faults_of(page, 300) < 3000


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt")
def test_pages_processed_off_the_main_thread_reuse_memory_too():
    # as in the app, where a worker runs the pipeline (and the pipeline turns
    # colour pages on a thread of its own)
    page = text_page(300, seal=True).rotate(-1.5, expand=True, fillcolor=(245,) * 3)
    faults: list[int] = []
    worker = threading.Thread(target=lambda: faults.extend(_faults_of(page, 300)
                                                           for _ in range(3)))
    worker.start()
    worker.join()
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
