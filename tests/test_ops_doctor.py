"""workstation doctor: each check finds what it is for, on real (and really damaged) stores."""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import threading
import time
import types
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from cli.main import main
from tests.test_ops_helpers import (
    blob_file,
    damage_table_page,
    make_store,
    page_shas,
    reset_logging,
)
from workstation.ops_checks import ERROR, OK, SKIPPED, WARNING
from workstation.ops_doctor import run_doctor

OFFLINE = ("scanners", "county")


@pytest.fixture(autouse=True)
def _clean_logging():
    yield
    reset_logging()


def checks(data_dir, skip=OFFLINE, **kw):
    report = run_doctor(data_dir, skip=skip, **kw)
    return report, {c.name: c for c in report.checks}


def test_healthy_store_passes(tmp_path):
    make_store(tmp_path / "d")
    report, by_name = checks(tmp_path / "d")
    for name in ("data_dir", "database", "schema", "blobs", "audit", "disk"):
        assert by_name[name].status == OK, by_name[name]
    assert by_name["blobs"].details["referenced"] == 6
    assert report.status in (OK, WARNING)  # the test keyring is a plain-text one: a warning


def test_damaged_database_page_is_an_error(tmp_path, capsys):
    data_dir = tmp_path / "d"
    make_store(data_dir)
    damage_table_page(data_dir / "workstation.sqlite")
    code = main(["--data-dir", str(data_dir), "doctor", "--json", "--skip", "scanners", "--skip", "county"])
    report = json.loads(capsys.readouterr().out)
    database = next(c for c in report["checks"] if c["name"] == "database")
    assert code == 2 and report["status"] == ERROR
    assert database["status"] == ERROR and "restore" in database["advice"]
    skipped = {c["name"] for c in report["checks"] if c["status"] == SKIPPED}
    assert {"schema", "blobs", "audit"} <= skipped  # not run on an unreadable database


def test_missing_corrupt_and_orphan_blobs(tmp_path):
    data_dir = tmp_path / "d"
    make_store(data_dir)
    shas = page_shas(data_dir / "workstation.sqlite")
    blob_file(data_dir, shas[0]).unlink()
    blob_file(data_dir, shas[1]).write_bytes(b"not the scanned page")
    orphan = blob_file(data_dir, "ab" * 32)
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_bytes(b"left by a crash")
    os.utime(orphan, (time.time() - 7200, time.time() - 7200))

    _, by_name = checks(data_dir)
    blobs = by_name["blobs"]
    assert blobs.status == ERROR
    assert blobs.details["missing"] == [shas[0]] and blobs.details["corrupt"] == [shas[1]]
    assert blobs.details["orphans"] == 1
    assert blobs.details["affected_cases"]  # local case numbers, so the clerk knows what to re-scan
    assert all(no.startswith("340822104201") or "-" in no for no in blobs.details["affected_cases"])

    _, quick = checks(data_dir, quick=True)
    assert quick["blobs"].details["missing"] == [shas[0]] and quick["blobs"].details["corrupt"] == []


def test_orphans_alone_are_a_warning(tmp_path):
    data_dir = tmp_path / "d"
    make_store(data_dir)
    orphan = blob_file(data_dir, "cd" * 32)
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_bytes(b"x")
    os.utime(orphan, (time.time() - 7200, time.time() - 7200))
    assert checks(data_dir)[1]["blobs"].status == WARNING


def test_tampered_audit_log_is_an_error(tmp_path):
    data_dir = tmp_path / "d"
    make_store(data_dir)
    raw = sqlite3.connect(data_dir / "workstation.sqlite")
    raw.execute("DROP TRIGGER audit_no_update")
    raw.execute("UPDATE audit_log SET actor = 'someone' WHERE seq = 3")
    raw.commit()
    raw.close()
    audit = checks(data_dir)[1]["audit"]
    assert audit.status == ERROR and audit.details["broken_at"] == 3


def test_database_from_a_newer_version(tmp_path):
    data_dir = tmp_path / "d"
    make_store(data_dir)
    raw = sqlite3.connect(data_dir / "workstation.sqlite")
    raw.execute("PRAGMA user_version = 99")
    raw.close()
    schema = checks(data_dir)[1]["schema"]
    assert schema.status == ERROR and "最新版本" in schema.advice


def test_missing_data_directory_is_reported_not_created(tmp_path, capsys):
    data_dir = tmp_path / "nowhere"
    code = main(["--data-dir", str(data_dir), "doctor", "--skip", "scanners"])
    out = capsys.readouterr().out
    assert code == 2 and "[错误] 数据目录" in out
    assert not data_dir.exists()


def test_empty_directory_says_how_to_set_up(tmp_path):
    (tmp_path / "new").mkdir()
    database = checks(tmp_path / "new")[1]["database"]
    assert database.status == WARNING and "provision" in database.advice


def test_english_output(tmp_path, capsys):
    make_store(tmp_path / "d")
    main(["--data-dir", str(tmp_path / "d"), "--lang", "en", "doctor", "--skip", "scanners"])
    out = capsys.readouterr().out
    assert "[ok] Database integrity: Integrity check passed." in out
    assert "[skipped] County platform" in out


def test_low_disk_space(tmp_path, monkeypatch):
    make_store(tmp_path / "d")
    usage = types.SimpleNamespace(total=10**12, used=0, free=100 * 1024 * 1024)
    monkeypatch.setattr("workstation.ops_doctor_env.shutil.disk_usage", lambda path: usage)
    assert checks(tmp_path / "d")[1]["disk"].status == ERROR
    usage.free = 500 * 1024 * 1024
    assert checks(tmp_path / "d")[1]["disk"].status == WARNING


def test_keyring_without_backend_is_an_error(tmp_path):
    import keyring
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        check = checks(tmp_path)[1]["keyring"]
    finally:
        keyring.set_keyring(previous)
    assert check.status == ERROR and "gnome-keyring" in check.advice


def test_plain_text_keyring_is_a_warning(tmp_path):
    check = checks(tmp_path)[1]["keyring"]
    assert check.status == WARNING and "PlaintextKeyring" in check.details["backend"]


def test_scanners_absent_listed_or_broken(tmp_path, monkeypatch):
    from scanning.sources import DeviceInfo

    def source(devices=None, error=None):
        class Source:
            def list_devices(self):
                if error:
                    raise error
                return devices

        return types.SimpleNamespace(default_source=lambda **kw: Source())

    monkeypatch.setitem(sys.modules, "scanning.sources", source([DeviceInfo("genesys:001", "Canon", "LiDE 300")]))
    check = checks(tmp_path, skip=["county"])[1]["scanners"]
    assert check.status == OK and "Canon LiDE 300" in check.summary
    monkeypatch.setitem(sys.modules, "scanning.sources", source(error=RuntimeError("no SANE")))
    assert checks(tmp_path, skip=["county"])[1]["scanners"].status == WARNING
    monkeypatch.setitem(sys.modules, "scanning.sources", source(devices=[]))
    assert checks(tmp_path, skip=["county"])[1]["scanners"].status == WARNING
    monkeypatch.setitem(sys.modules, "scanning.sources", None)  # import fails: not installed
    assert checks(tmp_path, skip=["county"])[1]["scanners"].status == SKIPPED


# --- the county ---------------------------------------------------------------------------


class _Ping(BaseHTTPRequestHandler):
    offset = timedelta(0)
    seen_auth: list[str | None] = []

    def do_GET(self):  # noqa: N802 - the name http.server calls
        type(self).seen_auth.append(self.headers.get("Authorization"))
        body = json.dumps({"server_time": (datetime.now(UTC) + self.offset).isoformat()}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def ping_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Ping)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    _Ping.offset = timedelta(0)
    _Ping.seen_auth = []


def _set(data_dir, **values):
    from workstation import settings
    from workstation.context import Context

    with Context.open(data_dir) as ctx:
        for key, value in values.items():
            settings.put(ctx.db, key.replace("__", "."), value)


def _county(data_dir):
    return checks(data_dir, skip=["scanners"], timeout_s=2)[1]["county"]


def test_county_not_configured_is_skipped(tmp_path):
    make_store(tmp_path / "d")
    assert _county(tmp_path / "d").status == SKIPPED


def test_county_reachable_and_clock_skew(tmp_path, ping_server):
    data_dir = tmp_path / "d"
    make_store(data_dir)
    _set(data_dir, county__url=f"http://127.0.0.1:{ping_server.server_address[1]}/api/v1")
    assert _county(data_dir).status == OK
    _Ping.offset = timedelta(minutes=2)
    assert _county(data_dir).status == WARNING
    _Ping.offset = timedelta(minutes=-20)
    check = _county(data_dir)
    assert check.status == ERROR and check.details["clock_skew_s"] < -1100
    assert "时间" in check.advice


def test_enrolled_workstation_pings_with_its_token(tmp_path, ping_server, monkeypatch):
    data_dir = tmp_path / "d"
    make_store(data_dir)
    url = f"http://127.0.0.1:{ping_server.server_address[1]}/api/v1"
    _set(data_dir, sync__county_url=url, sync__device_id="dev-1")
    fake_tokens = types.SimpleNamespace(load=lambda d, device: "tok-" + device)
    monkeypatch.setitem(sys.modules, "sync.tokens", fake_tokens)
    check = _county(data_dir)
    assert check.status == OK and check.details["with_device_token"]
    assert _Ping.seen_auth[-1] == "Bearer tok-dev-1"
    assert "tok-dev-1" not in json.dumps(check.details)


def test_county_server_without_token_is_reachable(tmp_path):
    from tests.county_server.server import CountyServer

    data_dir = tmp_path / "d"
    make_store(data_dir)
    with CountyServer(tmp_path / "county.sqlite") as county:
        _set(data_dir, county__url=county.base_url)
        check = _county(data_dir)
    assert check.status == OK and check.details["http_status"] == 401


def test_county_unreachable_is_a_warning(tmp_path):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed once the block ends: nothing listens there
    data_dir = tmp_path / "d"
    make_store(data_dir)
    _set(data_dir, county__url=f"http://127.0.0.1:{port}")
    check = _county(data_dir)
    assert check.status == WARNING and "联网后" in check.advice


def test_missing_ca_bundle_is_an_error(tmp_path):
    data_dir = tmp_path / "d"
    make_store(data_dir)
    _set(data_dir, county__url="https://county.example", county__ca_bundle=str(tmp_path / "gone.pem"))
    assert _county(data_dir).status == ERROR


def test_untrusted_certificate_is_an_error(tmp_path, monkeypatch):
    import requests

    def refuse(*args, **kwargs):
        raise requests.exceptions.SSLError("certificate verify failed")

    monkeypatch.setattr("workstation.ops_county.requests.get", refuse)
    data_dir = tmp_path / "d"
    make_store(data_dir)
    _set(data_dir, county__url="https://county.example")
    check = _county(data_dir)
    assert check.status == ERROR and "provision" in check.advice


def test_encrypted_store_is_checked_with_its_key(tmp_path):
    from workstation.ops_store import store_keys

    data_dir = tmp_path / "d"
    make_store(data_dir, encrypt=True)
    _, by_name = checks(data_dir)
    assert [by_name[n].status for n in ("database", "schema", "blobs", "audit")] == [OK] * 4
    sha = page_shas(data_dir / "workstation.sqlite", store_keys(data_dir).db_key)[0]
    sealed = bytearray(blob_file(data_dir, sha).read_bytes())
    sealed[-5] ^= 0x01  # one flipped bit fails the authentication tag
    blob_file(data_dir, sha).write_bytes(bytes(sealed))
    assert checks(data_dir)[1]["blobs"].details["corrupt"] == [sha]
