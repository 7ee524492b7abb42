"""Scan profiles: how each kind of document is scanned and stored.

A :class:`ScanProfile` is plain data with defaults. An office can keep its own
variants as JSON dicts (the settings table stores them); :func:`profile_for`
merges such overrides over the built-in profile of a document kind.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from workstation.errors import ValidationFailed
from workstation.i18n import t

SOURCES = ("flatbed", "adf", "duplex")
MODES = ("color", "gray", "lineart")
STORE_AS = ("auto", "color", "gray", "bilevel")

# Paper sizes in millimetres (width, height).
PAPER_SIZES: dict[str, tuple[float, float]] = {
    "a4": (210.0, 297.0),
    "a5": (148.0, 210.0),
    "b5": (176.0, 250.0),
    "letter": (215.9, 279.4),
    "legal": (215.9, 355.6),
    "id_card": (85.6, 54.0),
}


def paper_area(paper: str) -> tuple[float, float, float, float]:
    """``(tl_x, tl_y, br_x, br_y)`` in mm for a paper name, from the top-left corner.

    ``"max"`` means the whole scan area (returned as ``(0, 0, inf, inf)``; the
    source clamps to what the device offers).
    """
    key = paper.lower().replace("-", "_").replace(" ", "_")
    if key in ("max", "full", "auto"):
        return (0.0, 0.0, float("inf"), float("inf"))
    if key not in PAPER_SIZES:
        raise ValidationFailed(t("未知的纸张尺寸", "Unknown paper size"), paper)
    width, height = PAPER_SIZES[key]
    return (0.0, 0.0, width, height)


@dataclass
class ScanProfile:
    """Settings for one kind of document; every field has a sensible default."""

    kind: str = "default"
    source: str = "flatbed"          # flatbed | adf | duplex
    mode: str = "gray"               # color | gray | lineart (what the scanner delivers)
    dpi: int = 200
    paper: str = "a4"                # a key of PAPER_SIZES or "max"
    deskew: bool = True
    auto_rotate: bool = True         # turn sideways / upside-down text pages upright
    crop: bool = True                # crop to the paper against a dark background
    detect_blank: bool = True
    blank_threshold: float = 0.002   # share of ink pixels below which a page is blank
    store_as: str = "auto"           # auto: colour only where it matters
    whiten: bool = True              # push the paper to pure white (text pages)
    jpeg_quality: int = 50
    bilevel_format: str = "png"      # png (1-bit) | g4 (CCITT G4 TIFF)
    raw_source_name: str | None = None   # the device's own source name, remembered
    device: str | None = None
    extra_options: dict[str, Any] = field(default_factory=dict)  # driver options by name

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ScanProfile:
        return _validated(ScanProfile(), data)


def _validated(base: ScanProfile, data: dict[str, Any]) -> ScanProfile:
    names = {f.name: f for f in dataclasses.fields(ScanProfile)}
    unknown = sorted(set(data) - set(names))
    errors: list[dict[str, str]] = [{"field": k, "error": "unknown"} for k in unknown]
    values = dataclasses.asdict(base)
    for key, value in data.items():
        if key in names:
            values[key] = value
    checks = (
        ("source", values["source"] in SOURCES),
        ("mode", values["mode"] in MODES),
        ("store_as", values["store_as"] in STORE_AS),
        ("bilevel_format", values["bilevel_format"] in ("png", "g4")),
        ("dpi", isinstance(values["dpi"], int) and 50 <= values["dpi"] <= 1200),
        ("jpeg_quality", isinstance(values["jpeg_quality"], int)
         and 10 <= values["jpeg_quality"] <= 95),
        ("blank_threshold", isinstance(values["blank_threshold"], int | float)
         and 0 <= values["blank_threshold"] < 1),
        ("paper", values["paper"] in PAPER_SIZES or values["paper"] in ("max",)),
        ("extra_options", isinstance(values["extra_options"], dict)),
    )
    errors += [{"field": name, "error": "invalid"} for name, ok in checks if not ok]
    if errors:
        raise ValidationFailed(t("扫描设置无效", "Invalid scan settings"),
                               ", ".join(e["field"] for e in errors), errors)
    values["extra_options"] = dict(values["extra_options"])
    return ScanProfile(**values)


_BUILTIN: dict[str, dict[str, Any]] = {
    "default": {},
    "text": {},
    "id_card": {"mode": "color", "dpi": 300, "paper": "id_card", "store_as": "color",
                "jpeg_quality": 75, "whiten": False, "auto_rotate": False},
    "household_register": {"mode": "gray", "dpi": 200},
    "certificate": {"mode": "color", "dpi": 200, "jpeg_quality": 65},
    "photo": {"mode": "color", "dpi": 300, "paper": "a5", "store_as": "color",
              "deskew": False, "whiten": False, "auto_rotate": False, "jpeg_quality": 80},
    "form": {"mode": "gray", "dpi": 200, "source": "adf"},
    "lineart": {"mode": "lineart", "dpi": 300, "store_as": "bilevel"},
}


def builtin_kinds() -> list[str]:
    return sorted(_BUILTIN)


def profile_for(kind: str, overrides: dict[str, Any] | None = None) -> ScanProfile:
    """The built-in profile for a document kind (text defaults for unknown kinds)
    with an office's ``overrides`` (a dict as stored by :meth:`ScanProfile.to_dict`)."""
    base = ScanProfile(kind=kind)
    base = _validated(base, _BUILTIN.get(kind, {}))
    return _validated(base, dict(overrides or {})) if overrides else base
