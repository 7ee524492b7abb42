"""The device token stays a secret; plain http only on loopback; TLS verified; keyring trouble."""

from __future__ import annotations

import logging
import random

import keyring
import keyring.backend
import keyring.errors
import pytest

from tests.sync_helpers import (
    CODES,
    enroll_and_prime,
    fast_config,
    jpeg_bytes,
    open_store,
    ready_case,
)
from tests.sync_tls import TlsFront, make_certs

pytest_plugins = ["tests.sync_fixtures"]


def stored_token(ctx) -> str:
    from sync import tokens
    from sync.config import DEVICE_ID
    from workstation import settings

    return tokens.load(ctx.data_dir, settings.get(ctx.db, DEVICE_ID))


@pytest.mark.parametrize("encrypt", [False, True])
def test_token_never_in_database_settings_logs_or_errors(keyring_file, county, caplog, tmp_path, encrypt):
    from sync import history, issues
    from sync.engine import SyncEngine
    from sync.status import sync_figures
    from workstation import settings

    # Unencrypted, the bytes of every file are readable: the real test of "not on disk".
    ctx = open_store(tmp_path / "store", encrypt)
    caplog.set_level(logging.DEBUG)  # everything, urllib3's request lines included
    enroll_and_prime(ctx, county)
    token = stored_token(ctx)
    assert len(token) >= 20
    rng = random.Random(1)
    ready_case(ctx, [jpeg_bytes(rng, 2_000_000)], rng=rng)  # parts, so many requests
    county.faults.add("status_500", path_prefix="/batches", times=1)
    assert SyncEngine(ctx, config=fast_config()).run_cycle().outcome == "ok"
    county.revoke_tokens()
    failed = SyncEngine(ctx, config=fast_config()).run_cycle()
    assert failed.outcome == "auth"

    texts = [caplog.text, failed.error or "", failed.summary(), repr(failed), str(sync_figures(ctx)),
             str(history.recent_runs(ctx.db)), str(issues.recent(ctx.db)), str(settings.all_settings(ctx.db))]
    for text in texts:
        assert token not in text
    ctx.db.execute("PRAGMA wal_checkpoint(PASSIVE)")
    for path in ctx.data_dir.rglob("*"):
        if path.is_file():
            assert token.encode() not in path.read_bytes(), path
    if not encrypt:  # the check can see into the database: settings and sync rows are there
        assert b"sync.device_id" in (ctx.data_dir / "workstation.sqlite").read_bytes() + \
            (ctx.data_dir / "workstation.sqlite-wal").read_bytes()
    ctx.close()


def test_client_repr_and_errors_hide_the_token(county):
    from sync.client import CountyClient
    from sync.errors import AuthError

    client = CountyClient(county.base_url, "s3cret-token-value-0123456789")
    with pytest.raises(AuthError) as caught:
        client.ping()
    assert "s3cret" not in repr(client) and "s3cret" not in str(caught.value)
    assert "s3cret" not in repr(client._session.__dict__)  # auth is added per request
    client.close()


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080/api/v1", "http://127.9.9.9/api", "http://[::1]:9/api",
                                 "http://localhost:1/api/v1/", "https://zwfw.example.gov.cn/api/v1"])
def test_loopback_http_and_any_https_allowed(url):
    from sync.config import check_url

    assert check_url(url) == url.rstrip("/")


@pytest.mark.parametrize("url", ["http://zwfw.example.gov.cn/api/v1", "http://10.0.0.5/api", "http://128.0.0.1/",
                                 "ftp://127.0.0.1/", "https://user:pw@example.cn/api", "zwfw.example.gov.cn",
                                 "http://localhost.example.cn/api"])
def test_other_urls_refused(url):
    from sync.config import check_url
    from sync.errors import ConfigError

    with pytest.raises(ConfigError):
        check_url(url)


def test_enroll_refuses_plain_http_before_sending_anything(keyring_file, ctx, county):
    from sync.enrollment import enroll
    from sync.errors import ConfigError

    with pytest.raises(ConfigError, match="http"):
        enroll(ctx, "http://county.example.cn/api/v1", CODES[0])
    assert CODES[0] in county.enrollment_codes


class LockedKeyring(keyring.backend.KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def get_password(self, service, username):
        raise keyring.errors.KeyringLocked("locked")

    def set_password(self, service, username, password):
        raise keyring.errors.KeyringLocked("locked")

    def delete_password(self, service, username):
        raise keyring.errors.KeyringLocked("locked")


@pytest.mark.parametrize(("backend", "words"), [("fail", "凭据库"), ("locked", "解锁")])
def test_missing_or_locked_keyring_is_a_clear_error_and_keeps_the_code(ctx, county, backend, words):
    from keyring.backends import fail

    from sync.enrollment import enroll
    from sync.errors import TokenStoreError

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring() if backend == "fail" else LockedKeyring())
    try:
        with pytest.raises(TokenStoreError) as caught:
            enroll(ctx, county.base_url, CODES[0])
    finally:
        keyring.set_keyring(previous)
    assert words in caught.value.message
    assert CODES[0] in county.enrollment_codes  # not used up: enrolling later still works


def test_lost_token_asks_for_enrollment(keyring_file, ctx, county):
    from sync import tokens
    from sync.config import DEVICE_ID
    from sync.engine import SyncEngine
    from workstation import settings

    enroll_and_prime(ctx, county)
    tokens.delete(ctx.data_dir, settings.get(ctx.db, DEVICE_ID))
    result = SyncEngine(ctx, config=fast_config()).run_cycle()
    assert result.outcome == "not_enrolled" and result.exit_code == 4
    assert "enroll" in (result.error or "")


def test_tls_is_verified_and_a_ca_bundle_makes_it_work(keyring_file, ctx, county, tmp_path):
    from sync.engine import SyncEngine
    from sync.enrollment import enroll
    from sync.errors import ConfigError, Unreachable

    ca, cert, key = make_certs(tmp_path)
    front = TlsFront(county.port, cert, key)
    url = f"https://127.0.0.1:{front.port}{county.base_path}"
    try:
        with pytest.raises(Unreachable, match="证书|ca-bundle"):
            enroll(ctx, url, CODES[0], config=fast_config())
        with pytest.raises(ConfigError):
            enroll(ctx, url, CODES[0], ca_bundle=str(tmp_path / "missing.pem"))
        assert CODES[0] in county.enrollment_codes
        enroll(ctx, url, CODES[0], ca_bundle=str(ca))
        assert SyncEngine(ctx, config=fast_config()).run_cycle().outcome == "ok"  # brings the catalog
        rng = random.Random(2)
        ready_case(ctx, [jpeg_bytes(rng, 2000)], rng=rng)
        assert SyncEngine(ctx, config=fast_config()).run_cycle().sent == 1
    finally:
        front.close()


def test_provisioned_county_and_ca_serve_a_later_enrollment_from_the_settings(keyring_file, ctx, county,
                                                                             tmp_path, qtbot):
    """Provisioned offline (no --enroll), enrolled later from Settings: same address, same CA."""
    import json

    from sync.engine import SyncEngine
    from ui.ops import OpRunner
    from ui.settings_dialog import SettingsDialog
    from ui.state import AppState
    from workstation import accounts
    from workstation.ops_provision import provision

    from .conftest import OFFICE, PASSWORD

    ca, cert, key = make_certs(tmp_path)
    front = TlsFront(county.port, cert, key)
    url = f"https://127.0.0.1:{front.port}{county.base_path}"
    plan = {"format": 1, "office": {"code": OFFICE, "name": "桃花村便民服务站"},
            "admin": {"username": "admin", "password": PASSWORD},
            "county": {"url": url, "enrollment_code": CODES[0], "ca_bundle": ca.read_text()}}
    (tmp_path / "provision.json").write_text(json.dumps(plan), encoding="utf-8")
    ops = OpRunner(ctx)
    try:
        provision(ctx, tmp_path / "provision.json")  # offline: the code is kept for later
        dialog = SettingsDialog(AppState(ctx, ops, accounts.authenticate(ctx.db, "admin", PASSWORD)))
        qtbot.addWidget(dialog)
        assert dialog.county_url.text() == url
        dialog.enroll_code.setText(CODES[0])
        dialog.enroll()
        qtbot.waitUntil(lambda: dialog.enroll_button.isEnabled(), timeout=15_000)
        assert "登记成功" in dialog.enroll_status.text(), dialog.enroll_status.text()
        assert SyncEngine(ctx, config=fast_config()).run_cycle().outcome == "ok"  # over TLS, verified
    finally:
        ops.close()
        front.close()
