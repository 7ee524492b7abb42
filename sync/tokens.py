"""The device token, kept in the operating system's credential store (keyring).

The token is the one secret of an installation. It is never written to the
database, the settings, a log or an error message: it goes from the
enrollment answer straight into the keyring, and from there into the
``Authorization`` header of each request. The keyring entry's user name ties
it to this data directory and device, so two data directories on one machine
(a training copy and the live one) never share a token.
"""

from __future__ import annotations

from pathlib import Path

import keyring
import keyring.errors

from sync.errors import NotEnrolled, TokenStoreError
from workstation.i18n import t

SERVICE = "township-workstation"
_PROBE_USER = "availability-check"


def account(data_dir: Path, device_id: str) -> str:
    return f"device:{device_id}@{Path(data_dir).resolve()}"


def _store_error(exc: Exception) -> TokenStoreError:
    # The keyring's own text names the backend and the problem, never the secret.
    detail = type(exc).__name__
    if isinstance(exc, keyring.errors.KeyringLocked):
        return TokenStoreError(t("系统凭据库已锁定", "The credential store is locked"),
                               t("请解锁系统钥匙串（或重新登录 Windows），然后再试。",
                                 "Unlock the system keychain (or log in to Windows again), then try again."))
    if isinstance(exc, keyring.errors.NoKeyringError):
        return TokenStoreError(t("没有可用的系统凭据库", "No credential store available"),
                               t("本机没有可保存设备密钥的凭据库。请让技术人员启用 Windows 凭据管理器"
                                 "或 Secret Service（GNOME 钥匙串/KWallet），然后再试。",
                                 "This computer has no store for the device key. Ask IT staff to enable "
                                 "Windows Credential Manager or a Secret Service (GNOME Keyring, "
                                 "KWallet), then try again."))
    return TokenStoreError(t("无法使用系统凭据库", "The credential store cannot be used"),
                           t(f"凭据库报告 {detail}。请解锁或修复系统钥匙串后再试。",
                             f"The credential store reported {detail}. Unlock or repair the system "
                             "keychain, then try again."))


def check_available() -> None:
    """Fail before enrolling (which uses up the code) when the token could not be kept."""
    try:
        keyring.get_password(SERVICE, _PROBE_USER)
    except (keyring.errors.KeyringError, RuntimeError) as exc:
        raise _store_error(exc) from None


def save(data_dir: Path, device_id: str, token: str) -> None:
    try:
        keyring.set_password(SERVICE, account(data_dir, device_id), token)
    except (keyring.errors.KeyringError, RuntimeError) as exc:
        raise _store_error(exc) from None


def load(data_dir: Path, device_id: str) -> str:
    try:
        token = keyring.get_password(SERVICE, account(data_dir, device_id))
    except (keyring.errors.KeyringError, RuntimeError) as exc:
        raise _store_error(exc) from None
    if not token:
        raise NotEnrolled(t("找不到设备密钥", "The device key is missing"),
                          t("系统凭据库中没有本工作站的设备密钥。请向县级平台申请新的注册码，"
                            "然后运行 workstation enroll。本机数据不受影响。",
                            "The credential store holds no key for this workstation. Ask the county "
                            "for a new enrollment code and run 'workstation enroll'. "
                            "Local data is not affected."))
    return token


def delete(data_dir: Path, device_id: str) -> None:
    try:
        keyring.delete_password(SERVICE, account(data_dir, device_id))
    except keyring.errors.PasswordDeleteError:
        pass  # already gone
    except (keyring.errors.KeyringError, RuntimeError) as exc:
        raise _store_error(exc) from None
