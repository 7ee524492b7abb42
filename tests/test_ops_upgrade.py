"""Upgrades: an older data directory is migrated; a failed upgrade leaves it byte for byte."""

from __future__ import annotations

import json

import pytest

from cli.main import main
from tests.test_ops_helpers import make_store, reset_logging
from workstation.migrations import MIGRATIONS


@pytest.fixture(autouse=True)
def _clean_logging():
    yield
    reset_logging()


def _with_step(monkeypatch, migrate):
    newest = MIGRATIONS[-1][0]
    monkeypatch.setattr("workstation.migrations.MIGRATIONS",
                        [*MIGRATIONS, (newest + 1, "ops_test_step", migrate)])
    return newest


def test_failed_upgrade_leaves_the_database_identical_and_says_so(tmp_path, monkeypatch, capsys):
    data_dir = tmp_path / "d"
    make_store(data_dir)
    db_file = data_dir / "workstation.sqlite"
    before = db_file.read_bytes()

    def broken(db):
        db.execute("CREATE TABLE half_done (x INTEGER)")
        raise RuntimeError("disk said no")

    version = _with_step(monkeypatch, broken)
    code = main(["--data-dir", str(data_dir), "case", "list", "--json"])
    err = capsys.readouterr().err
    assert code == 1
    assert "数据库升级失败" in err and "ops_test_step" in err and f"版本 {version}" in err
    assert db_file.read_bytes() == before

    code = main(["--data-dir", str(data_dir), "doctor", "--json", "--skip", "scanners", "--skip", "county"])
    report = json.loads(capsys.readouterr().out)
    schema = next(c for c in report["checks"] if c["name"] == "schema")
    assert code == 2 and schema["status"] == "error"
    assert "ops_test_step" in schema["details"]["upgrade_error"] and "disk said no" in schema["details"]["upgrade_error"]
    assert "之前的工作站版本" in schema["advice"]
    assert db_file.read_bytes() == before  # the doctor tried the upgrade on a copy


def test_pending_upgrade_is_announced_then_applied(tmp_path, monkeypatch, capsys):
    data_dir = tmp_path / "d"
    make_store(data_dir)
    version = _with_step(monkeypatch, lambda db: db.execute("CREATE TABLE later (x INTEGER)"))
    main(["--data-dir", str(data_dir), "doctor", "--json", "--skip", "scanners", "--skip", "county"])
    report = json.loads(capsys.readouterr().out)
    schema = next(c for c in report["checks"] if c["name"] == "schema")
    assert schema["status"] == "ok" and f"升级到 {version + 1}" in schema["summary"]

    assert main(["--data-dir", str(data_dir), "case", "list", "--json"]) == 0
    capsys.readouterr()
    main(["--data-dir", str(data_dir), "doctor", "--json", "--skip", "scanners", "--skip", "county"])
    report = json.loads(capsys.readouterr().out)
    schema = next(c for c in report["checks"] if c["name"] == "schema")
    assert schema["details"]["schema_version"] == version + 1
