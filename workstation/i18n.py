"""Bilingual text for the core library (zh_CN first, English available).

The core has no Qt, so it cannot use Qt's translators. Messages that reach a
person are written in both languages at the place they are raised with
:func:`t`, which picks the language chosen for this process. The UI sets the
language from its settings; the CLI from ``--lang`` or ``WORKSTATION_LANG``.
Like gettext, this is process-wide state: a language is a property of the
person at the screen, not of a data directory.
"""

from __future__ import annotations

import os

SUPPORTED = ("zh_CN", "en")
_current = os.environ.get("WORKSTATION_LANG", "zh_CN")


def set_language(lang: str) -> None:
    global _current
    _current = "en" if lang.lower().startswith("en") else "zh_CN"


def language() -> str:
    return "en" if _current.lower().startswith("en") else "zh_CN"


def t(zh: str, en: str) -> str:
    """Return the text for the current language."""
    return en if language() == "en" else zh


def pick(texts: dict[str, str] | str | None) -> str:
    """Pick the current language from a ``{"zh_CN": ..., "en": ...}`` mapping."""
    if texts is None:
        return ""
    if isinstance(texts, str):
        return texts
    return texts.get(language()) or texts.get("zh_CN") or next(iter(texts.values()), "")


# what an office worker reads for the system errors a store, a USB drive or a
# share gives; Python's own text (English, from the C library) says the rest
_OS_ERRORS = {
    "ENOSPC": "磁盘空间不足", "EDQUOT": "磁盘配额已用完", "EACCES": "没有权限",
    "EPERM": "不允许此操作", "ENOENT": "找不到文件或文件夹", "EROFS": "磁盘是只读的",
    "EIO": "读写出错，U盘或磁盘可能有问题", "ENOTDIR": "路径中有一部分不是文件夹",
    "EISDIR": "这是一个文件夹，不是文件", "EEXIST": "已经存在", "EBUSY": "正被其他程序占用",
    "ENODEV": "设备不存在或已拔出", "ENXIO": "设备不存在或已拔出",
    "ETIMEDOUT": "连接超时", "EHOSTUNREACH": "无法连到这台电脑",
    "ENAMETOOLONG": "文件名太长", "EMFILE": "打开的文件太多", "ENOTEMPTY": "文件夹不是空的",
}


def os_error(exc: OSError, with_file: bool = True) -> str:
    """The system's reason for ``exc`` in the current language, with the
    file it names: ``"没有权限（/media/u盘）"``, ``"Permission denied (/media/usb)"``."""
    import errno

    name = errno.errorcode.get(exc.errno or 0, "")
    reason = exc.strerror or str(exc)
    if language() != "en":
        code = name or exc.errno or ""
        reason = _OS_ERRORS.get(name) or f"系统错误{f' {code}' if code else ''}：{reason}"
    where = exc.filename
    if where is None or not with_file or not exc.strerror:
        return reason
    return t(f"{reason}（{where}）", f"{reason} ({where})")
