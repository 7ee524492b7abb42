"""WIA scanners on Windows, through comtypes, behind the same interface as SANE.

comtypes is imported only inside the worker process, so this module loads on
any platform; :func:`error_from_hresult` and :func:`error_from_com` (the
HRESULT → :class:`ScannerError` mapping) are pure and tested everywhere. The
scan itself cannot run on the Linux build machine and is kept small.
WIA objects need a single-threaded apartment: the worker's main thread is one
(comtypes initialises COM as STA on import).
"""

from __future__ import annotations

import sys
from typing import Any

from scanning import errors
from scanning.errors import ScannerError
from scanning.job import ScanJob, run_once
from scanning.sources import DeviceInfo, ProgressCallback, ScanRequest, device_from_tuple

DISP_E_EXCEPTION = 0x80020009
E_OUTOFMEMORY = 0x8007000E
E_ACCESSDENIED = 0x80070005
WIA_HRESULTS = {
    0x80210001: errors.UNKNOWN,        # WIA_ERROR_GENERAL_ERROR
    0x80210002: errors.PAPER_JAM,      # WIA_ERROR_PAPER_JAM
    0x80210003: errors.FEEDER_EMPTY,   # WIA_ERROR_PAPER_EMPTY
    0x80210004: errors.PAPER_JAM,      # WIA_ERROR_PAPER_PROBLEM
    0x80210005: errors.NOT_FOUND,      # WIA_ERROR_OFFLINE
    0x80210006: errors.BUSY,           # WIA_ERROR_BUSY
    0x80210007: errors.WARMING_UP,     # WIA_ERROR_WARMING_UP
    0x80210008: errors.UNKNOWN,        # WIA_ERROR_USER_INTERVENTION
    0x80210009: errors.NOT_FOUND,      # WIA_ERROR_ITEM_DELETED
    0x8021000A: errors.IO_ERROR,       # WIA_ERROR_DEVICE_COMMUNICATION
    0x8021000B: errors.UNSUPPORTED,    # WIA_ERROR_INVALID_COMMAND
    0x8021000C: errors.UNSUPPORTED,    # WIA_ERROR_INCORRECT_HARDWARE_SETTING
    0x8021000D: errors.LOCKED,         # WIA_ERROR_DEVICE_LOCKED
    0x8021000E: errors.CRASHED,        # WIA_ERROR_EXCEPTION_IN_DRIVER
    0x8021000F: errors.IO_ERROR,       # WIA_ERROR_INVALID_DRIVER_RESPONSE
    0x80210015: errors.NOT_FOUND,      # WIA_S_NO_DEVICE_AVAILABLE
    0x80210016: errors.COVER_OPEN,     # WIA_ERROR_COVER_OPEN
    0x80210017: errors.WARMING_UP,     # WIA_ERROR_LAMP_OFF
    E_OUTOFMEMORY: errors.NO_MEMORY,
    E_ACCESSDENIED: errors.ACCESS_DENIED,
}
# WIA property ids
DOCUMENT_HANDLING_SELECT = 3088
DOCUMENT_HANDLING_STATUS = 3087
FEEDER, FLATBED, DUPLEX = 0x001, 0x002, 0x004
CURRENT_INTENT = 6146
HORIZONTAL_RESOLUTION, VERTICAL_RESOLUTION = 6147, 6148
HORIZONTAL_START, VERTICAL_START = 6149, 6150
HORIZONTAL_EXTENT, VERTICAL_EXTENT = 6151, 6152
INTENT = {"color": 1, "gray": 2, "lineart": 4}
WIA_FORMAT_BMP = "{B96B3CAB-0728-11D3-9D7B-0000F81EF32E}"


def unsigned(hresult: int) -> int:
    """HRESULTs arrive signed from COM (-2145320958) or unsigned (0x80210002)."""
    return hresult & 0xFFFFFFFF


def kind_from_hresult(hresult: int, scode: int | None = None) -> str:
    """The error kind; for DISP_E_EXCEPTION the real code is the EXCEPINFO scode."""
    code = unsigned(hresult)
    if code == DISP_E_EXCEPTION and scode:
        code = unsigned(scode)
    return WIA_HRESULTS.get(code, errors.UNKNOWN)


def error_from_hresult(hresult: int, scode: int | None = None, text: str = "",
                       pages_done: int = 0) -> ScannerError:
    code = unsigned(scode) if unsigned(hresult) == DISP_E_EXCEPTION and scode else unsigned(hresult)
    detail = f"0x{code:08X}" + (f" {text}" if text else "")
    return ScannerError(kind_from_hresult(hresult, scode), detail, pages_done)


def com_codes(exc: BaseException) -> tuple[int | None, int | None]:
    """(hresult, scode) from a comtypes COMError or a pywin32 com_error.

    comtypes: ``args = (hresult, text, (descr, source, helpfile, helpctx, scode))``;
    pywin32: ``args = (hresult, text, (wcode, source, descr, helpfile, helpctx, scode), arg)``.
    """
    args: tuple[Any, ...] = tuple(getattr(exc, "args", ()))
    hresult = getattr(exc, "hresult", None)
    if hresult is None and args and isinstance(args[0], int):
        hresult = args[0]
    scode = None
    details: tuple[Any, ...] = args[2] if len(args) > 2 and isinstance(args[2], tuple) else ()
    if details and isinstance(details[-1], int):
        scode = details[-1]
    return hresult, scode


def error_from_com(exc: BaseException, pages_done: int = 0) -> ScannerError:
    hresult, scode = com_codes(exc)
    if hresult is None:
        return ScannerError(errors.UNKNOWN, str(exc), pages_done)
    return error_from_hresult(hresult, scode, "", pages_done)


# ---- worker side (Windows only) ----------------------------------------------------------

def _set_prop(item: Any, prop_id: int, value: Any) -> None:
    for prop in item.Properties:
        if prop.PropertyID == prop_id:
            prop.Value = value
            return


def list_main(request: dict[str, Any], out: Any, cancel: Any) -> None:
    try:
        import comtypes.client as cc

        manager = cc.CreateObject("WIA.DeviceManager")
        devices = []
        for i in range(1, manager.DeviceInfos.Count + 1):
            info = manager.DeviceInfos.Item(i)
            if info.Type == 1:  # ScannerDeviceType
                name = info.Properties.Item("Name").Value
                devices.append((info.DeviceID, "", str(name), "wia"))
        out.put(("devices", devices))
    except ImportError as exc:
        out.put(("error", errors.UNAVAILABLE, str(exc), 0))
    except Exception as exc:
        err = error_from_com(exc)
        out.put(("error", err.kind, err.detail, 0))


def scan_main(request: dict[str, Any], out: Any, cancel: Any) -> None:
    """Transfer pages until the feeder is empty (or one flatbed page)."""
    pages = 0
    try:
        import comtypes.client as cc
        from PIL import Image

        manager = cc.CreateObject("WIA.DeviceManager")
        device = next(manager.DeviceInfos.Item(i).Connect()
                      for i in range(1, manager.DeviceInfos.Count + 1)
                      if manager.DeviceInfos.Item(i).DeviceID == request["device"])
        source = request["source"]
        select = {"flatbed": FLATBED, "adf": FEEDER, "duplex": FEEDER | DUPLEX}[source]
        _set_prop(device, DOCUMENT_HANDLING_SELECT, select)
        item = device.Items.Item(1)
        dpi = int(request["dpi"])
        for prop_id, value in ((CURRENT_INTENT, INTENT[request["mode"]]),
                               (HORIZONTAL_RESOLUTION, dpi), (VERTICAL_RESOLUTION, dpi)):
            _set_prop(item, prop_id, value)
        out.put(("started", {"source": source, "dpi": dpi, "lineart": request["mode"] == "lineart"}))
        while pages < int(request.get("max_pages", 500)) and not cancel.is_set():
            try:
                image_file = item.Transfer(WIA_FORMAT_BMP)
            except Exception as exc:
                err = error_from_com(exc, pages)
                if err.kind == errors.FEEDER_EMPTY and pages > 0:
                    break
                out.put(("error", err.kind, err.detail, pages))
                return
            import io

            data = bytes(image_file.FileData.BinaryData)
            img: Image.Image = Image.open(io.BytesIO(data))
            img = img.convert("RGB" if img.mode not in ("1", "L") else "L")
            out.put(("page", {"index": pages, "mode": img.mode, "width": img.width,
                              "height": img.height, "dpi": dpi, "data": img.tobytes(),
                              "lineart": request["mode"] == "lineart", "source": source}))
            pages += 1
            if source == "flatbed":
                break
        if cancel.is_set():
            out.put(("error", errors.CANCELLED, "cancelled", pages))
        else:
            out.put(("done", pages))
    except ImportError as exc:
        out.put(("error", errors.UNAVAILABLE, str(exc), pages))
    except Exception as exc:
        err = error_from_com(exc, pages)
        out.put(("error", err.kind, err.detail, pages))


class WiaSource:
    backend = "wia"

    def __init__(self, *, stall_timeout: float = 120.0, cancel_grace: float = 3.0) -> None:
        if sys.platform != "win32":
            raise ScannerError(errors.UNAVAILABLE, "WIA exists only on Windows")
        self.stall_timeout: float = stall_timeout
        self.cancel_grace: float = cancel_grace

    def list_devices(self, include_test: bool = False) -> list[DeviceInfo]:
        msg = run_once(list_main, {}, timeout=self.stall_timeout)
        return [device_from_tuple(d, "wia") for d in msg[1]]

    def start(self, request: ScanRequest,
              on_progress: ProgressCallback | None = None) -> ScanJob:
        return ScanJob(scan_main, request.to_wire(), on_progress,
                       stall_timeout=self.stall_timeout, cancel_grace=self.cancel_grace)
