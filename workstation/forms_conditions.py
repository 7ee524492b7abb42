"""``visible_when`` conditions, compiled once into plain functions.

A condition is evaluated against *cleaned* values (typed, normalized), so its
operands are normalized at load time by the field they refer to: a condition
``{"field": "category", "equals": "newbron"}`` fails to load instead of silently
never matching. Only fields defined earlier may be referenced (see
:class:`~workstation.forms_fields.FieldDef`), which rules out cycles and lets the
engine decide visibility in one pass.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

from workstation.forms_base import FormDefinitionError

Predicate = Callable[[Mapping[str, Any]], bool]

_LEAF_KEYS = ("equals", "in", "not_empty")


class Referable(Protocol):
    """What a condition needs from the field it refers to."""

    @property
    def name(self) -> str: ...

    @property
    def type(self) -> str: ...

    def normalize_operand(self, value: Any, where: str) -> Any: ...


def compile_condition(
    spec: Any, fields: Mapping[str, Referable], where: str
) -> Predicate:
    """Turn a condition dict into a predicate over cleaned values."""
    if not isinstance(spec, Mapping) or len(spec) == 0:
        raise FormDefinitionError(where, "条件应为非空JSON对象", "a condition must be a non-empty object")
    if "all" in spec or "any" in spec or "not" in spec:
        return _compile_group(spec, fields, where)
    return _compile_leaf(spec, fields, where)


def _compile_group(
    spec: Mapping[str, Any], fields: Mapping[str, Referable], where: str
) -> Predicate:
    if len(spec) != 1:
        raise FormDefinitionError(
            where, "“all”“any”“not”须单独使用", "'all', 'any' and 'not' must stand alone"
        )
    (op, arg), = spec.items()
    if op == "not":
        inner = compile_condition(arg, fields, f"{where}.not")
        return lambda values: not inner(values)
    if not isinstance(arg, list) or not arg:
        raise FormDefinitionError(
            where, f"“{op}”应为非空条件列表", f"'{op}' must be a non-empty list of conditions"
        )
    parts = tuple(
        compile_condition(sub, fields, f"{where}.{op}[{i}]") for i, sub in enumerate(arg)
    )
    if op == "all":
        return lambda values: all(p(values) for p in parts)
    return lambda values: any(p(values) for p in parts)


def _compile_leaf(
    spec: Mapping[str, Any], fields: Mapping[str, Referable], where: str
) -> Predicate:
    name = spec.get("field")
    ops = [k for k in _LEAF_KEYS if k in spec]
    if not isinstance(name, str) or len(ops) != 1 or len(spec) != 2:
        raise FormDefinitionError(
            where,
            "条件应为 {\"field\": 名称, 以及 equals、in、not_empty 之一}，或 all、any、not",
            "a condition needs 'field' plus exactly one of 'equals', 'in', 'not_empty', "
            "or is an 'all', 'any' or 'not' group",
        )
    target = fields.get(name)
    if target is None:
        raise FormDefinitionError(
            where,
            f"条件引用的字段“{name}”不存在（字段的条件只能引用排在它前面的字段）",
            f"the condition refers to '{name}', which is not a field of this form "
            "(a field's condition may refer only to fields listed before it)",
        )
    op = ops[0]
    multi = target.type == "multi_choice"
    if op == "not_empty":
        return _not_empty(name, spec["not_empty"], where)
    if op == "equals":
        wanted = target.normalize_operand(spec["equals"], f"{where}.equals")
        return _contains(name, wanted) if multi else _equals(name, wanted)
    options = spec["in"]
    if not isinstance(options, list) or not options:
        raise FormDefinitionError(where, "“in”应为非空列表", "'in' must be a non-empty list")
    allowed = frozenset(target.normalize_operand(v, f"{where}.in") for v in options)
    return _overlaps(name, allowed) if multi else _member(name, allowed)


def _not_empty(name: str, flag: Any, where: str) -> Predicate:
    if not isinstance(flag, bool):
        raise FormDefinitionError(where, "“not_empty”应为 true 或 false", "'not_empty' must be true or false")
    # Cleaned values never hold "" or []: an empty answer is simply absent.
    if flag:
        return lambda values: values.get(name) is not None
    return lambda values: values.get(name) is None


def _equals(name: str, wanted: Any) -> Predicate:
    return lambda values: values.get(name) == wanted


def _contains(name: str, wanted: Any) -> Predicate:
    return lambda values: wanted in (values.get(name) or ())


def _member(name: str, allowed: frozenset[Any]) -> Predicate:
    return lambda values: values.get(name) in allowed


def _overlaps(name: str, allowed: frozenset[Any]) -> Predicate:
    return lambda values: not allowed.isdisjoint(values.get(name) or ())
