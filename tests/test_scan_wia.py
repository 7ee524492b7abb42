"""WIA's HRESULTs become the same plain-language errors as SANE's statuses."""

from __future__ import annotations

import subprocess
import sys

import pytest

from scanning import errors, wia
from scanning.errors import ScannerError
from workstation import i18n


def signed(code: int) -> int:
    return code - (1 << 32) if code & 0x80000000 else code


CASES = [
    (0x80210002, errors.PAPER_JAM, "卡纸", "jam"),
    (0x80210003, errors.FEEDER_EMPTY, "送纸器里没有纸", "feeder is empty"),
    (0x80210005, errors.NOT_FOUND, "找不到扫描仪", "not found"),
    (0x80210006, errors.BUSY, "占用", "busy"),
    (0x80210007, errors.WARMING_UP, "预热", "warming up"),
    (0x8021000A, errors.IO_ERROR, "通信", "Communication"),
    (0x80210016, errors.COVER_OPEN, "盖板", "cover"),
    (0x8007000E, errors.NO_MEMORY, "内存", "memory"),
]


@pytest.mark.parametrize("code, kind, zh, en", CASES)
def test_hresult_mapping_signed_and_unsigned(code, kind, zh, en):
    assert wia.kind_from_hresult(code) == kind
    assert wia.kind_from_hresult(signed(code)) == kind
    err = wia.error_from_hresult(signed(code))
    assert isinstance(err, ScannerError) and err.kind == kind
    assert zh in err.title and f"0x{code:08X}" in err.detail
    i18n.set_language("en")
    assert en.lower() in wia.error_from_hresult(code).title.lower()


@pytest.mark.parametrize("code, kind, _zh, _en", CASES)
def test_wrapped_in_disp_e_exception(code, kind, _zh, _en):
    assert wia.kind_from_hresult(signed(wia.DISP_E_EXCEPTION), signed(code)) == kind
    assert wia.kind_from_hresult(wia.DISP_E_EXCEPTION, code) == kind
    assert wia.error_from_hresult(wia.DISP_E_EXCEPTION, code).detail.startswith(f"0x{code:08X}")


class COMError(Exception):
    """Shaped like comtypes.COMError: (hresult, text, (descr, source, helpfile, ctx, scode))."""

    def __init__(self, hresult: int, text: str, details: tuple) -> None:
        super().__init__(hresult, text, details)
        self.hresult = hresult


class com_error(Exception):  # noqa: N801 - as pywin32 names it
    """Shaped like pywintypes.com_error: (hr, text, (wcode, src, descr, file, ctx, scode), arg)."""


def test_errors_from_comtypes_and_pywin32_exceptions():
    jam = COMError(signed(wia.DISP_E_EXCEPTION), "Exception occurred.",
                   ("", "WIA", None, 0, signed(0x80210002)))
    assert wia.error_from_com(jam, pages_done=3).kind == errors.PAPER_JAM
    assert wia.error_from_com(jam, pages_done=3).pages_done == 3
    empty = com_error(signed(wia.DISP_E_EXCEPTION), "Exception occurred.",
                      (0, "WIA", "No documents", None, 0, signed(0x80210003)), None)
    assert wia.error_from_com(empty).kind == errors.FEEDER_EMPTY
    direct = COMError(signed(0x80210006), "busy", (None, None, None, 0, None))
    assert wia.error_from_com(direct).kind == errors.BUSY
    assert wia.error_from_com(RuntimeError("odd")).kind == errors.UNKNOWN


def test_unknown_codes_are_unknown_not_misread():
    assert wia.kind_from_hresult(0x80004005) == errors.UNKNOWN       # E_FAIL
    assert wia.kind_from_hresult(wia.DISP_E_EXCEPTION) == errors.UNKNOWN
    assert wia.kind_from_hresult(wia.DISP_E_EXCEPTION, 0x80004005) == errors.UNKNOWN


def test_module_loads_without_comtypes_and_refuses_off_windows():
    code = "import sys, scanning.wia; print('comtypes' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"
    if sys.platform != "win32":
        with pytest.raises(ScannerError) as info:
            wia.WiaSource()
        assert info.value.kind == errors.UNAVAILABLE
