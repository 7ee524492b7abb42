"""Scan profiles and matching vendors' source and mode names."""

from __future__ import annotations

import json

import pytest

from scanning import sane_options as so
from scanning.profiles import ScanProfile, paper_area, profile_for
from scanning.sources import ScanRequest
from workstation.errors import ValidationFailed


def test_builtin_profiles():
    card = profile_for("id_card")
    assert (card.mode, card.dpi, card.paper, card.crop) == ("color", 300, "id_card", True)
    register = profile_for("household_register")
    assert (register.mode, register.dpi) == ("gray", 200)
    text = profile_for("some_new_kind")
    assert (text.kind, text.mode, text.dpi) == ("some_new_kind", "gray", 200)


def test_overrides_and_json_round_trip():
    office = profile_for("id_card", {"dpi": 400, "source": "adf",
                                     "raw_source_name": "ADF Front"})
    assert (office.dpi, office.source, office.mode) == (400, "adf", "color")
    stored = json.loads(json.dumps(office.to_dict()))
    assert ScanProfile.from_dict(stored) == office
    assert profile_for("id_card", stored) == office


@pytest.mark.parametrize("bad", [{"dpi": 5}, {"mode": "sepia"}, {"source": "tray"},
                                 {"paper": "a0"}, {"colour": "x"}, {"jpeg_quality": 100}])
def test_bad_overrides_refused(bad):
    with pytest.raises(ValidationFailed):
        profile_for("default", bad)


def test_paper_areas_in_mm():
    assert paper_area("A4") == (0.0, 0.0, 210.0, 297.0)
    assert paper_area("a5") == (0.0, 0.0, 148.0, 210.0)
    assert paper_area("id-card") == (0.0, 0.0, 85.6, 54.0)
    assert paper_area("letter")[2:] == (215.9, 279.4)
    with pytest.raises(ValidationFailed):
        paper_area("napkin")


def test_request_from_profile():
    req = ScanRequest.from_profile(profile_for("id_card"), "test", dpi=None, mode="gray")
    assert (req.device, req.dpi, req.mode, req.paper) == ("test", 300, "gray", "id_card")
    wire = req.to_wire({"SANE_CONFIG_DIR": "/x"})
    assert wire["area"] == (0.0, 0.0, 85.6, 54.0) and wire["env"]["SANE_CONFIG_DIR"] == "/x"


@pytest.mark.parametrize("name, kind", [
    ("Flatbed", "flatbed"), ("FlatBed", "flatbed"), ("平板", "flatbed"), ("Document Table", "flatbed"),
    ("Automatic Document Feeder", "adf"), ("ADF", "adf"), ("ADF Front", "adf"),
    ("送纸器", "adf"), ("自动进纸器", "adf"), ("ADF Duplex", "duplex"), ("2-sided", "duplex"),
    ("双面", "duplex"), ("送纸器(双面)", "duplex"), ("Duplex", "duplex"), ("Transparency", None),
])
def test_source_names(name, kind):
    assert so.classify_source(name) == kind


def test_match_prefers_remembered_raw_name():
    offered = ["Flatbed", "ADF Front", "ADF Back", "ADF Duplex"]
    assert so.match_source("adf", offered) == "ADF Front"
    assert so.match_source("duplex", offered) == "ADF Duplex"
    assert so.match_source("adf", offered, raw_name="ADF Back") == "ADF Back"
    assert so.match_source("duplex", ["Flatbed"]) is None


def test_modes_and_resolutions():
    assert so.match_mode("lineart", ["Lineart", "Gray", "Color"]) == "Lineart"
    assert so.match_mode("color", ["黑白", "灰度", "24位彩色"]) == "24位彩色"
    assert so.match_mode("gray", ["Binary", "Grayscale", "Color"]) == "Grayscale"
    assert so.nearest_resolution(200, (1.0, 1200.0, 1.0)) == 200.0
    assert so.nearest_resolution(200, [75, 150, 300, 600]) == 150.0
    assert so.nearest_resolution(225, [150, 300]) == 300.0          # a tie goes up
    assert so.nearest_resolution(250, [75, 150, 300, 600]) == 300.0
    assert so.nearest_resolution(2000, (50.0, 600.0, 0.0)) == 600.0


def opt(name, constraint, type_=3, unit=0):
    return so.OptionInfo(name, type_, unit, constraint)


def test_plan_for_a_test_like_device():
    options = {
        "mode": opt("mode", ["Gray", "Color"]),
        "depth": opt("depth", [1, 8, 16], 1),
        "source": opt("source", ["Flatbed", "Automatic Document Feeder"]),
        "resolution": opt("resolution", (1.0, 1200.0, 1.0), 2, 4),
        **{n: opt(n, (0.0, 200.0, 1.0), 2, 3) for n in so.AREA_OPTIONS},
    }
    plan = so.plan_options(options, "adf", "lineart", 300, paper_area("a4"))
    values = dict(plan.settings)
    assert values["source"] == "Automatic Document Feeder"
    assert (values["mode"], values["depth"]) == ("Gray", 1) and plan.lineart_by_depth
    assert values["br_x"] == 200.0 and values["br_y"] == 200.0       # clamped to the device
    with pytest.raises(LookupError):
        so.plan_options(options, "duplex", "gray", 200, paper_area("a4"))


def test_plan_duplex_through_a_switch():
    options = {"source": opt("source", ["Flatbed", "ADF"]), "duplex": opt("duplex", None, 0)}
    plan = so.plan_options(options, "duplex", "gray", 200, paper_area("a4"))
    assert ("source", "ADF") in plan.settings and ("duplex", True) in plan.settings
