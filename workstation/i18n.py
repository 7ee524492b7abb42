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
