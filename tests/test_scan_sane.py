"""Scanning through SANE's real `test` backend, in a spawned worker process."""

from __future__ import annotations

import os
import signal
import time

import pytest

from scanning import errors
from scanning.errors import ScannerError
from scanning.sane_source import SaneSource
from scanning.sources import ScanProgress, ScanRequest
from workstation import i18n

from .scanning_helpers import require_sane, sane_config_dir

require_sane()

# The backend sleeps this long (µs) after each buffer (~64 KB) it hands over.
SLOW = {"read_delay": True, "read_delay_duration": 200000}


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> SaneSource:
    conf = sane_config_dir(tmp_path_factory.mktemp("sane"))
    return SaneSource(env={"SANE_CONFIG_DIR": str(conf)}, cancel_grace=5.0)


def mm_to_px(mm: float, dpi: int) -> int:
    return round(mm / 25.4 * dpi)


def test_flatbed_single_page_with_progress(source):
    seen: list[ScanProgress] = []
    job = source.start(ScanRequest("test", dpi=100, paper="a5",
                                   extra_options={"test_picture": "Grid"}), seen.append)
    pages = job.collect()
    assert len(pages) == 1
    page = pages[0]
    assert page.image.mode == "L" and page.dpi == 100 and page.source == "Flatbed"
    assert abs(page.image.width - mm_to_px(148, 100)) <= 2
    assert abs(page.image.height - mm_to_px(210, 100)) <= 2
    assert seen and seen[-1].bytes_done == seen[-1].bytes_total
    assert seen[-1].fraction == 1.0
    lo, hi = page.image.getextrema()
    assert lo < 50 and hi > 200           # the grid really came through
    assert not job.worker.process.is_alive()


def test_a4_needs_the_raised_geometry_limit(source, tmp_path):
    page = source.start(ScanRequest("test", dpi=50, paper="a4")).collect()[0]
    assert abs(page.image.width - mm_to_px(210, 50)) <= 2
    assert abs(page.image.height - mm_to_px(297, 50)) <= 2
    # The stock configuration stops at 200 mm: the area is clamped, not refused.
    stock = SaneSource(env={"SANE_CONFIG_DIR": str(sane_config_dir(tmp_path / "c", 200))})
    narrow = stock.start(ScanRequest("test", dpi=50, paper="a4")).collect()[0]
    assert abs(narrow.image.width - mm_to_px(200, 50)) <= 2


def test_feeder_batch_of_ten_ends_normally_on_empty_feeder(source):
    with source.start(ScanRequest("test", source="adf", dpi=25, paper="a5")) as job:
        pages = list(job.pages())
    assert [p.index for p in pages] == list(range(10))
    assert all(p.source == "Automatic Document Feeder" for p in pages)


def test_empty_feeder_before_any_page_is_an_error(source):
    request = ScanRequest("test", source="adf", dpi=25,
                          extra_options={"read_return_value": "SANE_STATUS_NO_DOCS"})
    with pytest.raises(ScannerError) as info:
        source.start(request).collect()
    assert info.value.kind == errors.FEEDER_EMPTY
    assert info.value.title == "送纸器里没有纸"
    assert info.value.pages_done == 0


@pytest.mark.parametrize("status, kind, english", [
    ("SANE_STATUS_JAMMED", errors.PAPER_JAM, "Paper jam"),
    ("SANE_STATUS_DEVICE_BUSY", errors.BUSY, "busy"),
    ("SANE_STATUS_COVER_OPEN", errors.COVER_OPEN, "cover is open"),
    ("SANE_STATUS_IO_ERROR", errors.IO_ERROR, "Communication"),
    ("SANE_STATUS_NO_MEM", errors.NO_MEMORY, "memory"),
])
def test_injected_scanner_errors_become_plain_language(source, status, kind, english):
    request = ScanRequest("test", dpi=25, extra_options={"read_return_value": status})
    with pytest.raises(ScannerError) as info:
        source.start(request).collect()
    assert info.value.kind == kind
    assert info.value.message                       # says what to do
    i18n.set_language("en")
    assert english in ScannerError(kind).title


def test_parameters_are_read_again_after_start(source):
    seen: list[ScanProgress] = []
    request = ScanRequest("test", dpi=50, paper="a5", extra_options={"fuzzy_parameters": True})
    page = source.start(request, seen.append).collect()[0]
    assert abs(page.image.height - mm_to_px(210, 50)) <= 2
    assert seen[-1].lines_total == page.image.height     # not the pre-start guess


def test_lineart_and_colour_modes(source):
    line = source.start(ScanRequest("test", mode="lineart", dpi=50, paper="a5",
                                    extra_options={"test_picture": "Grid"})).collect()[0]
    assert line.image.mode == "1" and line.lineart
    colour = source.start(ScanRequest("test", mode="color", dpi=25,
                                      extra_options={"test_picture": "Color pattern"})).collect()[0]
    assert colour.image.mode == "RGB"


def test_slow_scan_cancelled_halfway_leaves_no_worker(source):
    request = ScanRequest("test", dpi=150, paper="a5", extra_options=SLOW)   # ~3.5 s
    job = source.start(request)
    fractions = []

    def progress(p: ScanProgress) -> None:
        fractions.append(p.fraction)
        if p.fraction is not None and p.fraction >= 0.3:
            job.cancel()

    job.on_progress = progress
    started = time.monotonic()
    with pytest.raises(ScannerError) as info:
        job.collect()
    assert info.value.kind == errors.CANCELLED
    assert time.monotonic() - started < 3.0
    assert max(f for f in fractions if f is not None) < 0.9
    process = job.worker.process
    assert not process.is_alive()
    assert process.exitcode == 0            # it stopped when asked, no kill was needed
    with pytest.raises(ProcessLookupError):
        os.kill(process.pid, 0)


def test_a_crashing_driver_does_not_take_the_app_down(source):
    request = ScanRequest("test", dpi=100, paper="a5", extra_options=SLOW)
    job = source.start(request)

    def crash(p: ScanProgress) -> None:
        if p.fraction and p.fraction > 0.1 and job.worker.process.is_alive():
            os.kill(job.worker.process.pid, signal.SIGSEGV)

    job.on_progress = crash
    with pytest.raises(ScannerError) as info:
        job.collect()
    assert info.value.kind == errors.CRASHED
    assert not job.worker.process.is_alive()
    # ... and the next scan works
    assert len(source.start(ScanRequest("test", dpi=25)).collect()) == 1


def test_unknown_device_and_missing_duplex(source):
    with pytest.raises(ScannerError) as info:
        source.start(ScanRequest("nosuchscanner:0", dpi=25)).collect()
    assert info.value.kind == errors.NOT_FOUND
    assert "扫描仪" in info.value.title
    with pytest.raises(ScannerError) as info:
        source.start(ScanRequest("test", source="duplex", dpi=25)).collect()
    assert info.value.kind == errors.UNSUPPORTED


def test_test_device_hidden_unless_asked(source):
    assert not any(d.is_test for d in source.list_devices())
    shown = source.list_devices(include_test=True)
    assert any(d.name == "test" for d in shown)
