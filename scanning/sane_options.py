"""Choosing SANE option values: source, mode, resolution and scan area.

Pure functions on option descriptions, used inside the scan worker; kept free
of heavy imports because the worker is a freshly spawned interpreter.
Vendors name sources and modes differently and often translate them, so the
match is on SANE's standard values first, then on a keyword list.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

# SANE well-known option names (saneopts.h) and values.
OPT_SOURCE = "source"
OPT_MODE = "mode"
OPT_DEPTH = "depth"
OPT_RESOLUTION = "resolution"
OPT_DUPLEX = "duplex"
AREA_OPTIONS = ("tl_x", "tl_y", "br_x", "br_y")
VALUE_MODE_COLOR = "Color"
VALUE_MODE_GRAY = "Gray"
VALUE_MODE_LINEART = "Lineart"
VALUE_SOURCE_FLATBED = "Flatbed"
VALUE_SOURCE_ADF = "Automatic Document Feeder"
UNIT_PIXEL = 1
UNIT_MM = 3

SOURCE_KEYWORDS: dict[str, tuple[str, ...]] = {
    # Checked in this order: "ADF Duplex" is a duplex source, not a plain feeder.
    "duplex": ("duplex", "2-sided", "two-sided", "two sided", "double-sided", "both sides",
               "双面", "雙面", "两面", "兩面", "正反面"),
    "adf": ("adf", "automatic document feeder", "document feeder", "feeder", "simplex",
            "送纸器", "送紙器", "送稿器", "输稿器", "輸稿器", "进纸器", "進紙器", "自动进纸",
            "自動進紙", "馈纸", "饋紙", "自动文档", "自動文件", "单面", "單面"),
    "flatbed": ("flatbed", "flat bed", "platen", "glass", "document table", "normal",
                "平板", "平台", "稿台", "玻璃", "台式"),
}
MODE_KEYWORDS: dict[str, tuple[str, ...]] = {
    "lineart": ("lineart", "line art", "binary", "black & white", "black and white",
                "monochrome", "bw", "黑白", "二值", "线条"),
    "gray": ("gray", "grey", "grayscale", "greyscale", "灰度", "灰階", "灰阶"),
    "color": ("color", "colour", "24bit color", "rgb", "彩色"),
}


@dataclass(frozen=True)
class OptionInfo:
    """What the worker knows of one device option."""

    name: str
    type: int
    unit: int
    constraint: Any
    active: bool = True
    settable: bool = True


def classify_source(name: str) -> str | None:
    """``"flatbed"``, ``"adf"`` or ``"duplex"`` for a device's source name, else None."""
    low = name.strip().lower()
    if low == VALUE_SOURCE_FLATBED.lower():
        return "flatbed"
    if low == VALUE_SOURCE_ADF.lower():
        return "adf"
    for kind, words in SOURCE_KEYWORDS.items():
        if any(word in low for word in words):
            return kind
    return None


def match_source(wanted: str, available: list[str], raw_name: str | None = None) -> str | None:
    """The device's source value for ``wanted`` (flatbed | adf | duplex).

    A remembered ``raw_name`` wins when the device still offers it.
    """
    if raw_name and raw_name in available:
        return raw_name
    for value in available:
        if classify_source(value) == wanted:
            return value
    return None


def classify_mode(name: str) -> str | None:
    low = name.strip().lower()
    for kind, words in MODE_KEYWORDS.items():
        if low in words or any(word in low for word in words
                               if len(word) > 2 or not word.isascii()):
            return kind
    return None


def match_mode(wanted: str, available: list[str]) -> str | None:
    standard = {"color": VALUE_MODE_COLOR, "gray": VALUE_MODE_GRAY,
                "lineart": VALUE_MODE_LINEART}[wanted]
    if standard in available:
        return standard
    for value in available:
        if classify_mode(value) == wanted:
            return value
    return None


def nearest_resolution(wanted: int, constraint: Any) -> float:
    """The closest resolution the device allows (range or word list)."""
    if isinstance(constraint, tuple) and len(constraint) == 3:
        low, high, step = constraint
        value = min(max(float(wanted), float(low)), float(high))
        if step:
            value = float(low) + round((value - float(low)) / float(step)) * float(step)
        return value
    if isinstance(constraint, list) and constraint:
        return float(min(constraint, key=lambda v: (abs(float(v) - wanted), -float(v))))
    return float(wanted)


def clamp_area(area: tuple[float, float, float, float],
               ranges: dict[str, Any]) -> dict[str, float]:
    """Option values for the scan area, clamped to each option's range (mm)."""
    values: dict[str, float] = {}
    for name, value in zip(AREA_OPTIONS, area, strict=True):
        rng = ranges.get(name)
        if isinstance(rng, tuple) and len(rng) == 3:
            low, high = float(rng[0]), float(rng[1])
            value = high if math.isinf(value) else min(max(value, low), high)
        elif math.isinf(value):
            continue
        values[name] = float(value)
    return values


@dataclass
class Plan:
    """Option values to set, in order, and what will be delivered."""

    settings: list[tuple[str, Any]]
    source_value: str | None
    lineart_by_depth: bool
    threshold_later: bool
    duplex_flag: bool


def plan_options(options: dict[str, OptionInfo], source: str, mode: str, dpi: int,
                 area: tuple[float, float, float, float],
                 raw_source_name: str | None = None) -> Plan:
    """Decide what to set on the device. Raises ``LookupError(kind)`` when a
    wanted source does not exist (kind ``"unsupported"``)."""
    settings: list[tuple[str, Any]] = []
    src_value: str | None = None
    duplex_flag = False
    opt = options.get(OPT_SOURCE)
    if opt is not None and opt.active and isinstance(opt.constraint, list):
        src_value = match_source(source, [str(v) for v in opt.constraint], raw_source_name)
        if src_value is None and source == "duplex" and OPT_DUPLEX in options:
            src_value = match_source("adf", [str(v) for v in opt.constraint])
            duplex_flag = src_value is not None
        if src_value is None and source != "flatbed":
            raise LookupError("unsupported")
        if src_value is not None:
            settings.append((OPT_SOURCE, src_value))
    elif source != "flatbed":
        raise LookupError("unsupported")
    if duplex_flag:
        settings.append((OPT_DUPLEX, True))

    lineart_by_depth = False
    threshold_later = False
    mode_opt = options.get(OPT_MODE)
    if mode_opt is not None and isinstance(mode_opt.constraint, list):
        modes = [str(v) for v in mode_opt.constraint]
        value = match_mode(mode, modes)
        depth_opt = options.get(OPT_DEPTH)
        depths = depth_opt.constraint if depth_opt is not None else None
        if value is None and mode == "lineart":
            gray = match_mode("gray", modes)
            if gray is not None and isinstance(depths, list) and 1 in depths:
                value, lineart_by_depth = gray, True
            else:
                value, threshold_later = gray, True
        if value is not None:
            settings.append((OPT_MODE, value))
        if isinstance(depths, list):
            if lineart_by_depth:
                settings.append((OPT_DEPTH, 1))
            elif 8 in depths and mode != "lineart":
                settings.append((OPT_DEPTH, 8))
    res_opt = options.get(OPT_RESOLUTION)
    if res_opt is not None:
        value_f = nearest_resolution(dpi, res_opt.constraint)
        settings.append((OPT_RESOLUTION, int(value_f) if res_opt.type == 1 else value_f))
    ranges = {name: options[name].constraint for name in AREA_OPTIONS if name in options}
    if ranges and all(options[n].unit == UNIT_MM for n in ranges):
        settings.extend(clamp_area(area, ranges).items())
    return Plan(settings, src_value, lineart_by_depth, threshold_later, duplex_flag)
