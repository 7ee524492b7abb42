"""workstation provision FILE: a new workstation set up from the county's file, twice harmlessly."""

from __future__ import annotations

import json
import sys
import types
from datetime import UTC, datetime, timedelta

import pytest

from cli.main import main
from tests.conftest import OFFICE, PASSWORD
from tests.test_ops_helpers import reset_logging
from workstation import accounts, settings
from workstation.context import Context
from workstation.errors import StoreError, ValidationFailed
from workstation.ops_provision import provision


@pytest.fixture(autouse=True)
def _clean_logging():
    yield
    reset_logging()


def _certificate(days: int = 365) -> str:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "County CA")])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=400))
            .not_valid_after(now + timedelta(days=days)).sign(key, hashes.SHA256()))
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def _file(tmp_path, **changes):
    data = {
        "format": 1,
        "office": {"code": OFFICE, "name": "桃花村便民服务站"},
        "admin": {"username": "wang", "display_name": "王主任", "password": PASSWORD},
        "county": {"url": "https://zwfw.example.gov.cn/api/v1/", "enrollment_code": "K7Q2-9XHM",
                   "ca_bundle": _certificate()},
        "device_name": "桃花村-窗口1",
        "scan_profiles": {"id_card": {"dpi": 300}, "household_register": {"mode": "gray"}},
        "backup": {"dir": "/media/usb/备份", "daily_at": "17:30", "keep": 7},
    }
    for key, value in changes.items():
        if value is None:
            data.pop(key)
        else:
            data[key] = value
    path = tmp_path / "provision.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def store(tmp_path):
    with Context.open(tmp_path / "data") as ctx:
        yield ctx


def test_provision_sets_up_a_new_workstation(tmp_path, store):
    result = provision(store, _file(tmp_path))
    assert store.office_code == OFFICE
    user = accounts.authenticate(store.db, "wang", PASSWORD)
    assert user.role == "admin" and user.display_name == "王主任"
    assert settings.get(store.db, "county.url") == "https://zwfw.example.gov.cn/api/v1"
    ca = settings.get(store.db, "county.ca_bundle")
    assert ca.startswith(str(store.data_dir)) and "BEGIN CERTIFICATE" in open(ca).read()
    assert settings.get(store.db, "scan.profiles")["id_card"] == {"dpi": 300}
    assert settings.get(store.db, "backup.daily_at") == "17:30"
    assert any("--enroll" in n for n in result.notes)  # offline: the code waits
    assert any("明文密码" in n for n in result.notes)


def test_provisioning_twice_changes_nothing(tmp_path, store):
    path = _file(tmp_path)
    provision(store, path)
    entries = store.db.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0]
    again = provision(store, path)
    assert again.changed == []
    assert store.db.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0] == entries
    assert accounts.authenticate(store.db, "wang", PASSWORD)


def test_existing_admin_is_untouched_and_settings_follow_the_file(tmp_path, store):
    provision(store, _file(tmp_path))
    accounts.set_password(store.db, "wang", "another pass 9", actor="wang")
    changed = _file(tmp_path, admin={"username": "wang", "password": "a new one 123"},
                    county={"url": "https://new.example.gov.cn/api/v1"})
    result = provision(store, changed)
    assert "county.url" in result.changed
    assert accounts.authenticate(store.db, "wang", "another pass 9")  # not reset by the file


def test_conflicting_office_code_is_refused_and_nothing_changes(tmp_path, store):
    provision(store, _file(tmp_path))
    other = _file(tmp_path, office={"code": "340822104202", "name": "杏花村"},
                  county={"url": "https://other.example.gov.cn"})
    with pytest.raises(StoreError) as info:
        provision(store, other)
    assert "340822104201" in info.value.message and "340822104202" in info.value.message
    assert settings.get(store.db, "county.url") == "https://zwfw.example.gov.cn/api/v1"


def test_precomputed_password_hash(tmp_path, store):
    hashed = accounts.hash_password("from county it 7")
    provision(store, _file(tmp_path, admin={"username": "wang", "password_hash": hashed}))
    assert accounts.authenticate(store.db, "wang", "from county it 7").role == "admin"
    actions = [r[0] for r in store.db.execute("SELECT action FROM audit_log ORDER BY seq")]
    assert actions[:2] == ["office.init", "user.add"]


def test_ca_bundle_from_a_file_next_to_the_provisioning_file(tmp_path, store):
    (tmp_path / "county-ca.pem").write_text(_certificate(), encoding="ascii")
    county = {"url": "https://zwfw.example.gov.cn", "ca_bundle": "county-ca.pem"}
    provision(store, _file(tmp_path, county=county))
    assert (store.data_dir / "ca" / "county-ca.pem").read_text() == (tmp_path / "county-ca.pem").read_text()


@pytest.mark.parametrize("changes, where", [
    ({"offfice": {}}, "offfice"),
    ({"office": {"code": "12345"}}, "office.code"),
    ({"admin": {"username": "wang"}}, "admin"),
    ({"admin": {"username": "wang", "password_hash": "md5$abc"}}, "admin.password_hash"),
    ({"county": {"url": "http://county.example.gov.cn"}}, "county.url"),
    ({"county": {"url": "https://c.example", "ca_bundle": "-----BEGIN CERTIFICATE-----\nnope\n"}}, "ca_bundle"),
    ({"scan_profiles": {"id_card": {"dpi": 5}}}, "dpi"),
    ({"backup": {"dir": "/media/usb", "daily_at": "25:00"}}, "backup.daily_at"),
])
def test_wrong_files_are_refused_before_anything_changes(tmp_path, store, changes, where):
    with pytest.raises(ValidationFailed) as info:
        provision(store, _file(tmp_path, **changes))
    assert where in info.value.message or where in info.value.title or any(
        where in str(e) for e in info.value.errors)
    assert not store.initialized


def test_expired_certificate_is_a_note(tmp_path, store):
    county = {"url": "https://zwfw.example.gov.cn", "ca_bundle": _certificate(days=-1)}
    result = provision(store, _file(tmp_path, county=county))
    assert any("过期" in n for n in result.notes)


def test_enroll_only_when_asked(tmp_path, store, monkeypatch):
    calls = []

    def enroll(ctx, url, code, device_name=None, ca_bundle=None):
        calls.append((url, code, device_name, ca_bundle))
        return {"device_id": "dev-1"}

    monkeypatch.setitem(sys.modules, "sync.enrollment", types.SimpleNamespace(enroll=enroll))
    path = _file(tmp_path)
    provision(store, path)
    assert calls == []
    result = provision(store, path, enroll=True)
    url, code, name, ca = calls[0]
    assert (url, code, name) == ("https://zwfw.example.gov.cn/api/v1", "K7Q2-9XHM", "桃花村-窗口1")
    assert ca == settings.get(store.db, "county.ca_bundle")
    assert result.enrolled == {"device_id": "dev-1"}


def test_enroll_without_a_sync_layer_keeps_the_rest(tmp_path, store, monkeypatch):
    monkeypatch.setitem(sys.modules, "sync.enrollment", None)
    with pytest.raises(StoreError) as info:
        provision(store, _file(tmp_path), enroll=True)
    assert "--enroll" in info.value.message
    assert store.office_code == OFFICE  # provisioned all the same


def test_enroll_against_the_reference_county(tmp_path, store):
    pytest.importorskip("sync.enrollment")
    from tests.county_server.server import CountyServer

    with CountyServer(tmp_path / "county.sqlite", enrollment_codes=["K7Q2-9XHM"]) as county:
        county_section = {"url": county.base_url, "enrollment_code": "K7Q2-9XHM"}
        result = provision(store, _file(tmp_path, county=county_section), enroll=True)
        again = provision(store, _file(tmp_path, county=county_section), enroll=True)
    assert result.enrolled is not None
    assert settings.get(store.db, "sync.device_id")
    assert again.enrolled is None and any("未再次注册" in n for n in again.notes)


def test_cli_provision_and_hash_password(tmp_path, capsys, monkeypatch):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("county secret 42\n"))
    assert main(["hash-password"]) == 0
    hashed = capsys.readouterr().out.strip()
    assert hashed.startswith("scrypt$") and "county secret" not in hashed
    path = _file(tmp_path, admin={"username": "wang", "password_hash": hashed})
    data_dir = str(tmp_path / "data2")
    assert main(["--data-dir", data_dir, "provision", str(path)]) == 0
    assert "已设置" in capsys.readouterr().out
    assert main(["--data-dir", data_dir, "provision", str(path)]) == 0
    assert "无需改动" in capsys.readouterr().out
    assert main(["--data-dir", data_dir, "provision", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["changed"] == []
