"""Scanner states as errors a clerk can act on, in Chinese and English.

A driver reports a status (SANE) or an HRESULT (WIA); both end up here as a
:class:`ScannerError` whose ``kind`` is one of the constants below, with
a short title and a message that says what to do next.
"""

from __future__ import annotations

from workstation.errors import WorkstationError
from workstation.i18n import t

FEEDER_EMPTY = "feeder_empty"
PAPER_JAM = "paper_jam"
COVER_OPEN = "cover_open"
BUSY = "busy"
NOT_FOUND = "not_found"
NO_MEMORY = "no_memory"
IO_ERROR = "io_error"
WARMING_UP = "warming_up"
CANCELLED = "cancelled"
ACCESS_DENIED = "access_denied"
LOCKED = "locked"
UNSUPPORTED = "unsupported"
CRASHED = "crashed"
UNAVAILABLE = "unavailable"
TIMEOUT = "timeout"
UNKNOWN = "unknown"


def _texts(kind: str) -> tuple[str, str]:
    """(title, message) in the current language for ``kind``."""
    table: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {
        FEEDER_EMPTY: (
            ("送纸器里没有纸", "The document feeder is empty"),
            ("请把要扫描的材料正面朝下放入送纸器，再点“扫描”。",
             "Put the pages into the feeder and press Scan again."),
        ),
        PAPER_JAM: (
            ("扫描仪卡纸", "Paper jam in the scanner"),
            ("打开扫描仪盖板，轻轻取出卡住的纸，检查有无订书钉，再重新扫描这一页。",
             "Open the scanner, gently remove the stuck page, check for staples, "
             "then scan that page again."),
        ),
        COVER_OPEN: (
            ("扫描仪盖板没有盖好", "The scanner cover is open"),
            ("请盖好扫描仪盖板（或送纸器盖），再重新扫描。",
             "Close the scanner lid or feeder cover, then scan again."),
        ),
        BUSY: (
            ("扫描仪正在被占用", "The scanner is busy"),
            ("可能有别的程序正在使用扫描仪。请关闭其他扫描软件，稍等片刻再试。",
             "Another program may be using the scanner. Close other scanning "
             "programs, wait a moment and try again."),
        ),
        NOT_FOUND: (
            ("找不到扫描仪", "Scanner not found"),
            ("请检查扫描仪电源是否打开、数据线是否插好，然后重新选择扫描仪。",
             "Check that the scanner is switched on and its cable is plugged in, "
             "then choose the scanner again."),
        ),
        NO_MEMORY: (
            ("内存不足，无法完成扫描", "Not enough memory for this scan"),
            ("请降低分辨率（例如 200 dpi）或选择更小的纸张尺寸后重试。",
             "Lower the resolution (for example 200 dpi) or choose a smaller paper "
             "size, then try again."),
        ),
        IO_ERROR: (
            ("与扫描仪通信出错", "Communication with the scanner failed"),
            ("请重新插拔扫描仪数据线，关掉扫描仪电源再打开，然后重试。",
             "Unplug and replug the scanner cable, switch the scanner off and on, "
             "then try again."),
        ),
        WARMING_UP: (
            ("扫描仪正在预热", "The scanner is warming up"),
            ("请等待半分钟左右，扫描仪灯管预热后再扫描。",
             "Wait about half a minute for the lamp to warm up, then scan again."),
        ),
        CANCELLED: (
            ("扫描已取消", "Scan cancelled"),
            ("已扫描好的页面会保留，可以继续扫描剩下的页面。",
             "Pages already scanned are kept; you can scan the rest again."),
        ),
        ACCESS_DENIED: (
            ("没有使用扫描仪的权限", "No permission to use the scanner"),
            ("请联系管理员检查扫描仪权限设置。",
             "Ask the administrator to check the scanner's permissions."),
        ),
        LOCKED: (
            ("扫描仪的运输锁没有打开", "The scanner's transport lock is on"),
            ("请打开扫描仪底部或侧面的运输锁开关，再重试。",
             "Release the transport lock on the scanner, then try again."),
        ),
        UNSUPPORTED: (
            ("扫描仪不支持这个设置", "The scanner does not support this setting"),
            ("请换一种扫描来源、颜色模式或分辨率再试。",
             "Choose another source, colour mode or resolution and try again."),
        ),
        CRASHED: (
            ("扫描仪驱动程序意外停止", "The scanner driver stopped unexpectedly"),
            ("工作站本身没有受影响。请关掉扫描仪电源再打开，然后重新扫描。",
             "The workstation itself is fine. Switch the scanner off and on, then "
             "scan again."),
        ),
        UNAVAILABLE: (
            ("这台电脑上没有可用的扫描组件", "Scanning is not available on this computer"),
            ("请联系技术支持安装扫描仪驱动（Linux 上为 SANE）。",
             "Ask support to install the scanner drivers (SANE on Linux)."),
        ),
        TIMEOUT: (
            ("扫描仪长时间没有响应", "The scanner stopped responding"),
            ("请关掉扫描仪电源再打开，检查数据线后重试。",
             "Switch the scanner off and on, check the cable and try again."),
        ),
    }
    default = (
        ("扫描失败", "Scanning failed"),
        ("请关掉扫描仪电源再打开后重试；问题仍在时请联系技术支持。",
         "Switch the scanner off and on and try again; if it keeps failing, "
         "contact support."),
    )
    title, message = table.get(kind, default)
    return t(*title), t(*message)


class ScannerError(WorkstationError):
    """A scanner or driver problem; ``kind`` is one of this module's kind constants
    (``FEEDER_EMPTY``, ``PAPER_JAM``, ...).

    ``detail`` keeps the driver's own words (for the log); ``pages_done`` tells
    how many pages of the batch had already arrived when it happened.
    """

    def __init__(self, kind: str, detail: str = "", pages_done: int = 0) -> None:
        title, message = _texts(kind)
        super().__init__(title, message)
        self.kind = kind
        self.detail = detail
        self.pages_done = pages_done


# sane_strstatus() texts (sanei/sane_strstatus.c), lower case.
_SANE_TEXTS = {
    "document feeder out of documents": FEEDER_EMPTY,
    "document feeder jammed": PAPER_JAM,
    "scanner cover is open": COVER_OPEN,
    "device busy": BUSY,
    "out of memory": NO_MEMORY,
    "error during device i/o": IO_ERROR,
    "lamp not ready, please retry": WARMING_UP,
    "operation was canceled": CANCELLED,
    "operation was cancelled": CANCELLED,
    "access to resource has been denied": ACCESS_DENIED,
    "scanner mechanism locked for transport": LOCKED,
    "operation not supported": UNSUPPORTED,
}


def kind_from_sane(text: str) -> str:
    """The error kind for a SANE status text (``str(_sane.error)``)."""
    return _SANE_TEXTS.get(text.strip().lower(), UNKNOWN)


def from_sane(text: str, pages_done: int = 0) -> ScannerError:
    return ScannerError(kind_from_sane(text), text, pages_done)
