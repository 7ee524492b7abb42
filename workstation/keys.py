"""The data key: kept in the operating system's keyring, never on disk in the clear.

One random 256-bit data key per data directory protects the database
(SQLCipher) and the blobs (AES-GCM); both keys are derived from it. The
keyring entry is named after the store's id (in ``store.json``, which holds no
secret). An administrator can export the key once as a recovery key to keep in
the office safe; without the keyring and without that recovery key the data
cannot be read by anyone, IT staff and developers included.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import uuid
from dataclasses import dataclass
from pathlib import Path

from workstation.errors import StoreError
from workstation.i18n import t

SERVICE = "township-workstation"
META_NAME = "store.json"
RECOVERY_GROUP = 4


@dataclass(frozen=True)
class StoreMeta:
    store_id: str
    encrypted: bool
    sealing: bool = False  # blobs still being encrypted after a migration


def load_meta(data_dir: Path) -> StoreMeta | None:
    try:
        raw = json.loads((data_dir / META_NAME).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise StoreError(t("数据目录描述文件已损坏", "The data directory's store.json is damaged"),
                         f"{data_dir / META_NAME}: {exc}") from exc
    return StoreMeta(str(raw["store_id"]), bool(raw.get("encrypted")), bool(raw.get("sealing")))


def write_meta(data_dir: Path, meta: StoreMeta) -> None:
    tmp = data_dir / (META_NAME + ".tmp")
    tmp.write_text(json.dumps({"store_id": meta.store_id, "encrypted": meta.encrypted,
                               "sealing": meta.sealing,
                               "cipher": "sqlcipher4+aes-256-gcm" if meta.encrypted else None},
                              indent=2), encoding="utf-8")
    with open(tmp, "rb") as f:
        os.fsync(f.fileno())
    os.replace(tmp, data_dir / META_NAME)


def new_meta(encrypted: bool) -> StoreMeta:
    return StoreMeta(str(uuid.uuid4()), encrypted)


def _entry(store_id: str) -> str:
    return f"data-key:{store_id}"


def _keyring():  # type: ignore[no-untyped-def]
    try:
        import keyring
        import keyring.errors
    except ImportError as exc:  # pragma: no cover - a dependency
        raise _no_keyring(str(exc)) from exc
    return keyring


def _no_keyring(detail: str) -> StoreError:
    return StoreError(
        t("无法使用系统密钥环", "The system keyring cannot be used"),
        t(f"数据加密密钥保存在系统密钥环中（{detail}）。请登录桌面会话并解锁密钥环后重试；"
          "如果这台电脑上的密钥环已丢失，请用保存在办公室保险柜里的恢复密钥恢复："
          "workstation keys restore。",
          f"The data key is kept in the system keyring ({detail}). Sign in to the desktop and unlock "
          "the keyring, then try again; if this computer's keyring is lost, use the recovery key "
          "kept in the office safe: 'workstation keys restore'."))


def load_key(store_id: str) -> bytes:
    keyring = _keyring()
    try:
        stored = keyring.get_password(SERVICE, _entry(store_id))
    except keyring.errors.KeyringError as exc:
        raise _no_keyring(type(exc).__name__) from exc
    if not stored:
        raise _no_keyring(t("未找到此数据目录的密钥", "no key for this data directory"))
    return base64.b64decode(stored)


def create_key(store_id: str) -> bytes:
    key = secrets.token_bytes(32)
    save_key(store_id, key)
    return key


def save_key(store_id: str, key: bytes) -> None:
    keyring = _keyring()
    try:
        keyring.set_password(SERVICE, _entry(store_id), base64.b64encode(key).decode())
    except keyring.errors.KeyringError as exc:
        raise _no_keyring(type(exc).__name__) from exc


def recovery_code(key: bytes) -> str:
    """The key as groups of letters and digits, easy to print and type back."""
    text = base64.b32encode(key).decode().rstrip("=")
    return "-".join(text[i:i + RECOVERY_GROUP] for i in range(0, len(text), RECOVERY_GROUP))


def key_from_recovery_code(code: str) -> bytes:
    text = code.replace("-", "").replace(" ", "").upper()
    try:
        key = base64.b32decode(text + "=" * (-len(text) % 8))
    except ValueError as exc:
        raise StoreError(t("恢复密钥格式不对", "The recovery key is malformed"),
                         t("请逐字核对打印的恢复密钥。", "Check the printed recovery key character by character.")) from exc
    if len(key) != 32:
        raise StoreError(t("恢复密钥格式不对", "The recovery key is malformed"),
                         t("恢复密钥长度不对，请逐字核对。", "The recovery key has the wrong length; check it."))
    return key
