"""The SANE side of a scan, run in a spawned worker process.

Entry points take ``(request: dict, out: Queue, cancel: Event)`` and talk back
with plain tuples (see :mod:`scanning.job` for the protocol). Nothing here may
raise into the parent: a driver that crashes kills only this process.
Only the standard library and :mod:`scanning.sane_options` are imported, to
keep the spawn fast.
"""

from __future__ import annotations

import os
import time
from typing import Any

from scanning import sane_options as so
from scanning.errors import kind_from_sane

_NO_DOCS = "document feeder out of documents"


class _Cancelled(Exception):
    pass


def _setup(request: dict[str, Any]) -> Any:
    os.environ.update(request.get("env") or {})
    import sane  # only ever imported in the worker

    sane.init()
    return sane


def list_main(request: dict[str, Any], out: Any, cancel: Any) -> None:
    """Reply ``("devices", [(name, vendor, model, type), ...])``."""
    try:
        sane = _setup(request)
        devices = [tuple(str(x) for x in d) for d in sane.get_devices(False)]
        if request.get("include_test") and not any(d[0].startswith("test") for d in devices):
            try:
                sane.open("test").close()
                devices.append(("test", "Noname", "frontend-tester", "virtual device"))
            except Exception:  # the test backend is optional
                pass
        out.put(("devices", devices))
    except ImportError as exc:
        out.put(("error", "unavailable", str(exc), 0))
    except Exception as exc:
        out.put(("error", "unknown", f"{type(exc).__name__}: {exc}", 0))


def _options(dev: Any) -> dict[str, so.OptionInfo]:
    infos = {}
    for name, opt in dev.opt.items():
        infos[name] = so.OptionInfo(name, opt.type, opt.unit, opt.constraint,
                                    bool(opt.is_active()), bool(opt.is_settable()))
    return infos


def _error_kind(exc: Exception, opening: bool = False) -> str:
    text = str(exc).strip().lower()
    if opening and text == "invalid argument":
        return "not_found"
    return kind_from_sane(text)


def scan_main(request: dict[str, Any], out: Any, cancel: Any) -> None:
    """Scan one page (flatbed) or a batch (feeder) and stream the pages back."""
    pages = 0
    try:
        sane = _setup(request)
    except ImportError as exc:
        out.put(("error", "unavailable", str(exc), 0))
        return
    except Exception as exc:
        out.put(("error", _error_kind(exc), str(exc), 0))
        return
    try:
        dev = sane.open(request["device"])
    except Exception as exc:
        out.put(("error", _error_kind(exc, opening=True), str(exc), 0))
        return
    try:
        pages = _scan(dev, request, out, cancel)
        out.put(("done", pages))
    except _Cancelled:
        out.put(("error", "cancelled", "cancelled", pages))
    except _ScanFailed as failed:
        out.put(("error", failed.kind, failed.detail, failed.pages))
    except Exception as exc:
        out.put(("error", _error_kind(exc), f"{type(exc).__name__}: {exc}", pages))
    finally:
        try:
            dev.cancel()
            dev.close()
        except Exception:  # closing a broken device
            pass


class _ScanFailed(Exception):
    def __init__(self, kind: str, detail: str, pages: int) -> None:
        super().__init__(detail)
        self.kind, self.detail, self.pages = kind, detail, pages


def _configure(dev: Any, request: dict[str, Any]) -> so.Plan:
    try:
        plan = so.plan_options(_options(dev), request["source"], request["mode"],
                               int(request["dpi"]), tuple(request["area"]),
                               request.get("raw_source_name"))
    except LookupError as exc:
        raise _ScanFailed(str(exc), f"no {request['source']} source", 0) from exc
    for name, value in plan.settings:
        _set(dev, name, value)
    for name, value in (request.get("extra_options") or {}).items():
        _set(dev, name.replace("-", "_"), value)
    return plan


def _set(dev: Any, name: str, value: Any) -> None:
    try:
        setattr(dev, name, value)
    except Exception as exc:
        raise _ScanFailed("unsupported", f"cannot set {name}={value!r}: {exc}", 0) from exc


def _scan(dev: Any, request: dict[str, Any], out: Any, cancel: Any) -> int:
    plan = _configure(dev, request)
    feeder = request["source"] in ("adf", "duplex")
    dpi = _read(dev, "resolution", request["dpi"])
    out.put(("started", {"source": plan.source_value, "dpi": dpi,
                         "lineart": plan.lineart_by_depth or plan.threshold_later}))
    interval = float(request.get("progress_interval", 0.1))
    pages = 0
    while pages < int(request.get("max_pages", 500)):
        if cancel.is_set():
            raise _Cancelled
        try:
            dev.start()
        except Exception as exc:
            if _ends_batch(exc, feeder, pages):
                break
            raise _ScanFailed(_error_kind(exc), str(exc), pages) from exc
        # Parameters again *after* start: before it they may be guesses.
        fmt, _last, (ppl, lines), depth, bpl = dev.get_parameters()
        total = bpl * lines if lines > 0 else None
        report = _Reporter(dev, out, cancel, pages, bpl, lines if lines > 0 else None, interval)
        try:
            data, width, height, samples, _size = dev.dev.snap(True, False, report)
        except Exception as exc:
            if report.cancelled or cancel.is_set():
                raise _Cancelled from exc
            if _ends_batch(exc, feeder, pages):
                break
            raise _ScanFailed(_error_kind(exc), str(exc), pages) from exc
        if not data or height == 0:
            if feeder and pages > 0:
                break
            kind = "feeder_empty" if feeder else "io_error"
            raise _ScanFailed(kind, "the scanner sent no image data", pages)
        out.put(("progress", pages, height, height, bpl * height, total or bpl * height))
        out.put(("page", {"index": pages, "mode": "RGB" if samples == 3 else "L",
                          "width": width, "height": height, "dpi": dpi, "data": bytes(data),
                          "lineart": depth == 1 or plan.threshold_later,
                          "format": fmt, "source": plan.source_value}))
        pages += 1
        if not feeder:
            break
    return pages


def _ends_batch(exc: Exception, feeder: bool, pages: int) -> bool:
    """An empty feeder after at least one page is the normal end of a batch."""
    return feeder and pages > 0 and str(exc).strip().lower() == _NO_DOCS


def _read(dev: Any, name: str, default: Any) -> int:
    try:
        return int(round(float(getattr(dev, name))))
    except Exception:
        return int(default)


class _Reporter:
    """snap()'s per-line callback: reports progress now and then, and cancels.

    It must never raise: python-sane 2.9 crashes when the callback raises. To
    cancel it calls ``sane_cancel``, after which the driver's next read returns
    SANE_STATUS_CANCELLED and snap() ends with an error.
    """

    def __init__(self, dev: Any, out: Any, cancel: Any, page: int, bpl: int,
                 lines: int | None, interval: float) -> None:
        self.dev, self.out, self.cancel, self.page = dev, out, cancel, page
        self.bpl, self.lines, self.interval = bpl, lines, interval
        self.last = 0.0
        self.cancelled = False

    def __call__(self, done: int, _expected: int) -> None:
        if self.cancelled:
            return
        if self.cancel.is_set():
            self.cancelled = True
            try:
                self.dev.cancel()
            except Exception:  # the read that follows reports it anyway
                pass
            return
        now = time.monotonic()
        if now - self.last >= self.interval:
            self.last = now
            total = self.bpl * self.lines if self.lines else None
            self.out.put(("progress", self.page, done, self.lines, done * self.bpl, total))
