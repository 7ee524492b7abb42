"""Quick acceptance of values that are already clean, compiled once per field.

An import checks every cell of tens of thousands of rows, and nearly all of
them hold a well-formed value (``"1200.00"``, ``"2026-11-24"``, a choice's
value, a valid ID number). For each field a closure is built once that accepts
such a value with a few operations and returns exactly what
:meth:`FieldDef.clean <workstation.forms_fields.FieldDef.clean>` would return
for it. Anything else (an empty answer, another spelling, a wrong value, a
value that earns a warning) gives :data:`SLOW`, and the field's full
:meth:`clean` decides: every error and every message comes from one place.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from workstation.validation import area_known, ric

if TYPE_CHECKING:
    from workstation.forms_fields import FieldDef

SLOW: Any = object()  # "not decided here": run the field's full clean
Quick = Callable[[Any, date], Any]

# Only the canonical spellings, the ones the full clean would give back unchanged.
_MONEY_RE = re.compile(r"(?:0|[1-9][0-9]*)\.[0-9]{2}")
_ISO_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ID_RE = re.compile(r"[0-9]{17}[0-9X]")
_MOBILE_RE = re.compile(r"1[3-9][0-9]{9}")
_DIVISION_RE = re.compile(r"[0-9]{12}")
_PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 "
    "50 51 52 53 54 61 62 63 64 65 71 81 82".split()
)
_EARLIEST_BIRTH_YEAR = 1880
# Birth dates repeat across an import (and the area codes of one office even
# more): parse each 8-digit date once. None marks one that is no real date.
_birth_cache: dict[str, date | None] = {}


def quick_cleaner(f: FieldDef) -> Quick:
    """The quick path for one field; see the module docstring."""
    make = _MAKERS.get(f.type)
    inner = make(f) if make is not None else _always_slow
    if f.required:
        return inner

    def optional(raw: Any, today: date) -> Any:
        return None if raw is None else inner(raw, today)

    return optional


def _always_slow(raw: Any, today: date) -> Any:
    return SLOW


def _text(f: FieldDef) -> Quick:
    shortest = f.min_length or 1
    longest = f.max_length or 1 << 62
    fullmatch = f._regex.fullmatch if f._regex is not None else None

    def text(raw: Any, today: date) -> Any:
        if type(raw) is not str:
            return SLOW
        value = raw.strip()
        if not shortest <= len(value) <= longest:
            return SLOW
        if fullmatch is not None and fullmatch(value) is None:
            return SLOW
        return value

    return text


def _exact_lookup(f: FieldDef) -> dict[str, str]:
    """Keys the full clean would find unchanged (it strips what it is given)."""
    from workstation.forms_fields import _choice_lookup

    return {k: v for k, v in _choice_lookup(f.choices).items() if k == k.strip()}


def _choice(f: FieldDef) -> Quick:
    get = _exact_lookup(f).get

    def choice(raw: Any, today: date) -> Any:
        if type(raw) is not str:
            return SLOW
        value = get(raw)
        return SLOW if value is None else value

    return choice


def _multi_choice(f: FieldDef) -> Quick:
    from workstation.forms_fields import _choice_lookup

    lookup = _exact_lookup(f)
    order = tuple(dict.fromkeys(_choice_lookup(f.choices).values()))  # as the full clean orders them

    def multi(raw: Any, today: date) -> Any:
        if type(raw) is not list or not raw:
            return SLOW
        picked = set()
        for item in raw:
            value = lookup.get(item) if type(item) is str else None
            if value is None:
                return SLOW
            picked.add(value)
        return [v for v in order if v in picked]

    return multi


def _yes_no(f: FieldDef) -> Quick:
    def yes_no(raw: Any, today: date) -> Any:
        return raw if type(raw) is bool else SLOW

    return yes_no


def _within(f: FieldDef) -> Callable[[Any, date], bool]:
    low, high = f._low, f._high
    if low is None and high is None:
        return lambda native, today: True
    if high is None:
        return lambda native, today: not native < low(today)  # type: ignore[misc]
    if low is None:
        return lambda native, today: not native > high(today)
    return lambda native, today: not native < low(today) and not native > high(today)


def _integer(f: FieldDef) -> Quick:
    within = _within(f)

    def integer(raw: Any, today: date) -> Any:
        if type(raw) is not int or not within(raw, today):
            return SLOW
        return raw

    return integer


def _money(f: FieldDef) -> Quick:
    within = _within(f)
    match = _MONEY_RE.fullmatch

    def money(raw: Any, today: date) -> Any:
        if type(raw) is not str or match(raw) is None or not within(Decimal(raw), today):
            return SLOW
        return raw

    return money


def _date(f: FieldDef) -> Quick:
    within = _within(f)
    match = _ISO_DATE_RE.fullmatch

    def iso_date(raw: Any, today: date) -> Any:
        if type(raw) is not str or match(raw) is None:
            return SLOW
        try:
            native = date.fromisoformat(raw)
        except ValueError:
            return SLOW
        return raw if within(native, today) else SLOW

    return iso_date


def _id_number(f: FieldDef) -> Quick:
    return quick_id_number


def quick_id_number(raw: Any, today: date) -> Any:
    """A valid 18-character ID number as written, from a known area; else SLOW."""
    if type(raw) is not str or _ID_RE.fullmatch(raw) is None:
        return SLOW
    if ric.calc_check_digit(raw) != raw[17]:
        return SLOW
    birth = _birth_date(raw[6:14])
    if birth is None or birth > today or not area_known(raw[:6]):
        return SLOW
    return raw


def _birth_date(digits: str) -> date | None:
    try:
        return _birth_cache[digits]
    except KeyError:
        pass
    try:
        birth: date | None = date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        birth = None
    if birth is not None and birth.year < _EARLIEST_BIRTH_YEAR:
        birth = None
    _birth_cache[digits] = birth
    return birth


def _phone(f: FieldDef) -> Quick:
    match = _MOBILE_RE.fullmatch

    def mobile(raw: Any, today: date) -> Any:
        return raw if type(raw) is str and match(raw) is not None else SLOW

    return mobile


def _division_code(f: FieldDef) -> Quick:
    match = _DIVISION_RE.fullmatch

    def division(raw: Any, today: date) -> Any:
        if type(raw) is not str or match(raw) is None:
            return SLOW
        if raw[:2] not in _PROVINCES or raw[2:6] == "0000":
            return SLOW
        return raw

    return division


_MAKERS: Mapping[str, Callable[[FieldDef], Quick]] = {
    "text": _text,
    "choice": _choice,
    "multi_choice": _multi_choice,
    "yes_no": _yes_no,
    "integer": _integer,
    "money": _money,
    "date": _date,
    "id_number": _id_number,
    "phone": _phone,
    "division_code": _division_code,
}
