"""Masking ID numbers and phones where the full ones are not needed (lists, exports, receipts).

Kept apart from ``validation`` so that a screen which only shows masked
numbers does not load the ID-number checks (python-stdnum) at start.
"""

from __future__ import annotations


def mask_id(number: str) -> str:
    """Keep the first and last four characters: ``3408**********0022``."""
    if len(number) <= 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def mask_phone(phone: str) -> str:
    """``139****1234`` for mobiles; a landline keeps its area code and last four."""
    area, dash, local = phone.rpartition("-")
    if dash:
        return f"{area}-{_mask_middle(local, 0)}"
    return _mask_middle(phone, 3)


def _mask_middle(text: str, keep_front: int) -> str:
    if len(text) <= keep_front + 4:
        return "*" * len(text)
    return text[:keep_front] + "*" * (len(text) - keep_front - 4) + text[-4:]
