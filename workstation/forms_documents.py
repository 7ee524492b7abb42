"""Required materials and handling rules of a service definition."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from workstation.forms_base import (
    FormDefinitionError,
    LocalText,
    check_keys,
    drop_none,
    expect_mapping,
    local_text,
    optional_bool,
    optional_int,
    snake_name,
)
from workstation.forms_conditions import Predicate, compile_condition
from workstation.forms_fields import FieldDef

# Kinds used by the built-in catalog; a county definition may add others.
KNOWN_DOCUMENT_KINDS = (
    "id_card", "household_register", "disability_certificate", "bank_card",
    "application_form", "authorization", "marriage_certificate", "birth_certificate",
    "income_statement", "photo", "other_proof", "special_group_proof", "medical_record",
    "divorce_certificate", "event_proof", "commitment", "low_income_certificate",
    "power_of_attorney", "agent_id_card",
)
HANDLING_KINDS = ("on_the_spot", "promised")

_DOC_KEYS = frozenset({"kind", "label", "help", "min_pages", "max_pages", "required", "visible_when"})
_HANDLING_KEYS = frozenset({"kind", "days", "public_notice_days", "note"})


@dataclass(frozen=True)
class DocumentRequirement:
    """A material the applicant hands in, scanned as ``min_pages`` or more pages."""

    kind: str
    label: LocalText
    min_pages: int = 1
    max_pages: int | None = None
    required: bool = True
    help: LocalText | None = None
    visible_when: dict[str, Any] | None = None
    _visible: Predicate | None = field(default=None, compare=False, repr=False)

    @classmethod
    def from_dict(
        cls, d: Any, where: str, fields: Mapping[str, FieldDef], strict: bool = False
    ) -> DocumentRequirement:
        d = expect_mapping(d, where)
        kind = snake_name(d, "kind", where)
        where = f"{where} '{kind}'"
        check_keys(d, _DOC_KEYS, where, strict)
        min_pages = optional_int(d, "min_pages", where, minimum=1) or 1
        max_pages = optional_int(d, "max_pages", where, minimum=min_pages)
        condition = d.get("visible_when")
        return cls(
            kind=kind, label=local_text(d, "label", where) or {},
            min_pages=min_pages, max_pages=max_pages,
            required=optional_bool(d, "required", where, default=True),
            help=local_text(d, "help", where, required=False),
            visible_when=copy.deepcopy(condition),
            _visible=None if condition is None else compile_condition(
                condition, fields, f"{where} visible_when"),
        )

    def to_dict(self) -> dict[str, Any]:
        return drop_none({
            "kind": self.kind, "label": dict(self.label), "help": self.help,
            "min_pages": self.min_pages, "max_pages": self.max_pages,
            "required": self.required, "visible_when": self.visible_when,
        })

    def is_visible(self, cleaned: Mapping[str, Any]) -> bool:
        return self._visible is None or self._visible(cleaned)


@dataclass(frozen=True)
class Handling:
    """On-the-spot (即办件) or promised (承诺件) within ``days`` working days.

    ``public_notice_days`` is the village notice period, during which the
    clock stops; ``note`` describes the route in words for the receipt.
    """

    kind: str = "on_the_spot"
    days: int | None = None
    public_notice_days: int | None = None
    note: LocalText | None = None

    @classmethod
    def from_dict(cls, d: Any, where: str, strict: bool = False) -> Handling:
        if d is None:
            raise FormDefinitionError(where, "缺少“handling”", "'handling' is missing")
        d = expect_mapping(d, where)
        check_keys(d, _HANDLING_KEYS, where, strict)
        kind = d.get("kind")
        if kind not in HANDLING_KINDS:
            raise FormDefinitionError(
                where, f"“kind”应为 {' 或 '.join(HANDLING_KINDS)}",
                f"'kind' must be one of {', '.join(HANDLING_KINDS)}",
            )
        days = optional_int(d, "days", where, minimum=1)
        if kind == "promised" and days is None:
            raise FormDefinitionError(where, "承诺件须给出“days”（工作日）", "a promised item needs 'days' (working days)")
        return cls(
            kind=str(kind), days=days,
            public_notice_days=optional_int(d, "public_notice_days", where, minimum=1),
            note=local_text(d, "note", where, required=False),
        )

    def to_dict(self) -> dict[str, Any]:
        return drop_none({
            "kind": self.kind, "days": self.days,
            "public_notice_days": self.public_notice_days, "note": self.note,
        })
