"""workstation support-bundle: useful to IT staff, and free of citizen data and secrets."""

from __future__ import annotations

import json
import logging
import zipfile

import pytest

from cli.main import main
from tests.conftest import PASSWORD
from tests.test_ops_helpers import APPLICANTS, damage_table_page, make_store, reset_logging
from workstation import settings
from workstation.context import Context
from workstation.ops_logging import configure_logging


@pytest.fixture(autouse=True)
def _clean_logging():
    reset_logging()
    yield
    reset_logging()


def _bundle(data_dir, out, capsys) -> dict[str, str]:
    code = main(["--data-dir", str(data_dir), "support-bundle", str(out), "--skip", "scanners"])
    assert code == 0, capsys.readouterr().err
    with zipfile.ZipFile(out) as zf:
        return {name.split("/", 1)[1]: zf.read(name).decode("utf-8") for name in zf.namelist()}


def test_bundle_holds_no_citizen_data(tmp_path, capsys):
    data_dir = tmp_path / "d"
    make_store(data_dir)
    with Context.open(data_dir) as ctx:
        settings.put(ctx.db, "sync.device_token", "tok-should-never-leave")  # a stray secret
        settings.put(ctx.db, "county.url", "http://127.0.0.1:9/api/v1")
    configure_logging(data_dir, "app")
    careless = logging.getLogger("ui.case_form")
    for a in APPLICANTS:  # what a careless log call might write
        careless.info("saved case for %s (%s) at %s, phone %s", a["name"], a["id_number"],
                      a["address"], a["phone"])
        careless.info("raw applicant %s", json.dumps(a, ensure_ascii=False))
    careless.info("login password=%s", PASSWORD)

    files = _bundle(data_dir, tmp_path / "support.zip", capsys)
    assert {"README.txt", "versions.json", "settings.json", "counts.json", "doctor.json",
            "logs/app.log"} <= set(files)
    forbidden = [PASSWORD, "tok-should-never-leave"]
    for a in APPLICANTS:
        forbidden += [a["name"], a["id_number"], a["phone"], a["address"], a["address"][:5]]
    for name, text in files.items():
        for value in forbidden:
            assert value not in text, (name, value)

    counts = json.loads(files["counts.json"])
    assert counts["cases"] == 3 and counts["users_by_role"] == {"admin": 1, "clerk": 1, "village_agent": 1}
    assert counts["cases_by_status"] == {"draft": 3}
    safe = json.loads(files["settings.json"])
    assert "sync.device_token" not in safe and safe["office.code"] == "340822104201"
    assert json.loads(files["doctor.json"])["checks"]
    versions = json.loads(files["versions.json"])
    assert versions["app"] and versions["libraries"]["sqlite-utils"]
    assert "saved case for" in files["logs/app.log"]  # the log itself is kept, only values masked


def test_bundle_from_a_damaged_store(tmp_path, capsys):
    data_dir = tmp_path / "d"
    make_store(data_dir)
    damage_table_page(data_dir / "workstation.sqlite")
    files = _bundle(data_dir, tmp_path / "support.zip", capsys)
    doctor = json.loads(files["doctor.json"])
    assert doctor["status"] == "error"
    for a in APPLICANTS:
        assert all(a["id_number"] not in text for text in files.values())


def test_bundle_without_a_data_directory(tmp_path, capsys):
    files = _bundle(tmp_path / "never-set-up", tmp_path / "out" / "support.zip", capsys)
    assert json.loads(files["data_dir.json"])["exists"] is False
    assert not (tmp_path / "never-set-up").exists()
