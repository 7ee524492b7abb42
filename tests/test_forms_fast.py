"""The quick path agrees with the full clean: same values, and it never accepts what clean rejects."""

from __future__ import annotations

import random
from contextlib import contextmanager
from datetime import date, timedelta

from workstation import forms_applicant
from workstation.catalog import load_builtin_catalog
from workstation.demo import fake_applicant, fake_id_number, sample_fields_for
from workstation.forms import FieldDef
from workstation.forms_fast import SLOW

TODAY = date(2026, 11, 24)
CATALOG = load_builtin_catalog()
RNG = random.Random(3)
IDS = [fake_id_number(RNG, date(1958, 3, 15), False), "340822195803150022", "34082219580315002X",
       "34082219580315002x", "340822195803150023", "340822202801010020", "340822187001010023",
       "340822195802300022", "990000195803150022", " 340822195803150022", "3408 2219 5803 1500 22",
       "34082219580315002"]
RAWS = [None, "", "  ", [], "abc", "示例内容", " 示例内容 ", "示例", "示" * 40, "张桂英", "张·桂英",
        "1200.00", " 1200.00", "1,200.00", "01200.00", "1200.5", "1200.005", "0.00", "0.50", "-1.00",
        "¥1200.00", "100001.00", 0, 1, 2, 20, 21, -1, 2024, 2101, 1.0, 1.5, "2", True, False, "是", "否",
        "2026-11-24", "2026-02-30", "0000-01-01", "2026/11/24", "20261124", "2026-1-5",
        (TODAY - timedelta(days=100)).isoformat(), (TODAY + timedelta(days=1)).isoformat(),
        (TODAY - timedelta(days=400)).isoformat(), "13905561234", "139 0556 1234", "12905561234",
        "0556-5123456", "+8613905561234", "340822104201", "000000104201", "340000104201", "99082210420",
        "6217002020001234567", "62170020", "A123456789", "34082219580315002211", "ABCDEFGHJK",
        *IDS]


def _fields() -> list[tuple[str, FieldDef]]:
    out = [("applicant." + f.name, f) for f in forms_applicant._FIELDS]
    for form in CATALOG.services():
        out += [("fields." + f.name, f) for f in form.fields]
    return out


def _raws_for(f: FieldDef) -> list:
    choices = []
    for c in f.choices:
        labels = list(c.label.values())
        choices += [c.value, " " + c.value, c.value.upper(), *labels, [c.value], [c.value, c.value],
                    [labels[0]], [c.value, "nonsense"]]
    return RAWS + choices + [[c.value for c in f.choices]]


def test_quick_value_is_what_clean_gives_and_clean_finds_no_error():
    accepted = 0
    for path, f in _fields():
        for raw in _raws_for(f):
            quick = f.quick(raw, TODAY)
            if quick is SLOW:
                continue
            accepted += 1
            value, errors = f.clean(raw, path, TODAY)
            assert errors == [], (path, raw)
            assert value == quick and type(value) is type(quick), (path, raw, value, quick)
    assert accepted > 300  # the quick path does take the common values


def test_quick_path_leaves_errors_and_warnings_to_clean():
    ids = {f.type: f for _path, f in _fields()}
    assert ids["id_number"].quick("340822195803150023", TODAY) is SLOW  # check digit
    assert ids["id_number"].quick("990000195803150022", TODAY) is SLOW  # unknown area: a warning
    assert ids["phone"].quick("0556-5123456", TODAY) is SLOW  # landline: normalized by clean


@contextmanager
def _reference_only(fields: list[FieldDef]):
    """Switch the quick path off: every value goes through the full clean."""
    saved = [f.quick for f in fields]
    for f in fields:
        object.__setattr__(f, "quick", lambda raw, today: SLOW)
    try:
        yield
    finally:
        for f, quick in zip(fields, saved, strict=True):
            object.__setattr__(f, "quick", quick)


def _cases() -> list[tuple[str, dict, dict]]:
    rng = random.Random(9)
    cases = []
    for i in range(400):
        form = CATALOG.services()[i % len(CATALOG.services())]
        applicant = fake_applicant(rng, "340822104201")
        fields = sample_fields_for(form.code)
        for _ in range(rng.randrange(0, 4)):  # spoil a few values, as real files do
            if rng.random() < 0.5 and fields:
                fields[rng.choice(list(fields))] = rng.choice(RAWS)
            else:
                applicant[rng.choice(list(applicant))] = rng.choice(RAWS)
        if rng.random() < 0.3:
            fields["by_proxy"] = True
        cases.append((form.code, applicant, fields))
    return cases


def test_whole_cases_validate_the_same_with_and_without_the_quick_path():
    cases = _cases()
    quick = [CATALOG.get(code).validate_case(a, f, today=TODAY) for code, a, f in cases]
    everything = list(forms_applicant._FIELDS) + [f for form in CATALOG.services() for f in form.fields]
    with _reference_only(everything):
        reference = [CATALOG.get(code).validate_case(a, f, today=TODAY) for code, a, f in cases]
    for got, want in zip(quick, reference, strict=True):
        assert got[0] == want[0] and got[1] == want[1]
        assert [e.to_dict() for e in got[2]] == [e.to_dict() for e in want[2]]
    assert sum(1 for r in reference if r[2]) > 50  # the spoiled values did produce errors
