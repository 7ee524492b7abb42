"""Enrolling this workstation with the county (POST /devices).

The keyring is checked before the county is asked, because the county uses
up the one-time code on success: a token that cannot be kept would waste it.
The token goes to the keyring, everything else (device id, address, CA
bundle) to the settings table. Re-enrolling replaces the device and keeps
every case, batch and cursor: open batches go out again under the new token.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sync import tokens
from sync.client import CountyClient
from sync.config import (
    AUTH_FAILED_AT,
    CA_BUNDLE,
    COUNTY_OFFICE_NAME,
    COUNTY_URL,
    DEVICE_ID,
    ENROLLED_AT,
    SyncConfig,
    check_ca_bundle,
    check_url,
)
from sync.errors import EnrollmentRefused, RequestRejected, SyncError
from workstation import settings
from workstation.clock import now_iso
from workstation.db import write
from workstation.i18n import t

if TYPE_CHECKING:
    from workstation.context import Context


@dataclass(frozen=True)
class Enrollment:
    device_id: str
    office_name: str
    url: str


def enroll(ctx: Context, url: str, code: str, device_name: str | None = None,
           ca_bundle: str | None = None, config: SyncConfig | None = None) -> Enrollment:
    ctx.require_initialized()
    # Without a CA given, the county's CA from the provisioning file (if any):
    # a county with its own CA is reached the same way however enrollment starts.
    base, ca = check_url(url), check_ca_bundle(ca_bundle or settings.get(ctx.db, settings.PROVISIONED_COUNTY_CA))
    tokens.check_available()
    name = device_name or _default_name(ctx)
    client = CountyClient(base, ca_bundle=ca, config=config)
    try:
        answer = client.enroll(code.strip(), name, ctx.office_code)
    except RequestRejected as exc:
        raise _refused(exc) from None
    finally:
        client.close()
    device_id, office_name = answer["device_id"], answer.get("office_name") or ""
    old_device = settings.get(ctx.db, DEVICE_ID)
    tokens.save(ctx.data_dir, device_id, answer["device_token"])
    _remember(ctx, base, ca, device_id, office_name)
    if old_device and old_device != device_id:
        _forget_old_token(ctx, old_device)
    return Enrollment(device_id, office_name, base)


def _remember(ctx: Context, base: str, ca: str | None, device_id: str, office_name: str) -> None:
    with write(ctx.db):
        settings.put(ctx.db, COUNTY_URL, base)
        settings.put(ctx.db, CA_BUNDLE, ca)
        settings.put(ctx.db, DEVICE_ID, device_id)
        settings.put(ctx.db, COUNTY_OFFICE_NAME, office_name)
        settings.put(ctx.db, ENROLLED_AT, now_iso())
        settings.put(ctx.db, AUTH_FAILED_AT, None)


def _forget_old_token(ctx: Context, device_id: str) -> None:
    try:
        tokens.delete(ctx.data_dir, device_id)
    except SyncError:
        pass  # a stale entry in the keyring is harmless; the new one is in place


def _default_name(ctx: Context) -> str:
    office = settings.get(ctx.db, settings.OFFICE_NAME) or ctx.office_code
    return f"{office} {socket.gethostname()}"[:100]


def _refused(exc: RequestRejected) -> EnrollmentRefused:
    if exc.code == "invalid_enrollment_code":
        return EnrollmentRefused(t("注册码无效", "Enrollment code not accepted"),
                                 t("县级平台不认可此注册码（不存在、已用过或已过期）。请向县级平台申请新的注册码。",
                                   "The county does not accept this code (unknown, used or expired). "
                                   "Ask the county for a new enrollment code."))
    return EnrollmentRefused(exc.title, exc.message)
