"""Copying a store's files with checks: the database snapshot, blobs against their hashes.

Shared by backups and restores. A plain blob is checked by hashing it while it
is copied; a sealed one (encrypted store) by decrypting the copy, as the app
does when it reads it.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import Any

from workstation.blobs import BlobStore
from workstation.db import DATABASE_ERRORS
from workstation.errors import StoreError
from workstation.i18n import t
from workstation.keys import META_NAME
from workstation.ops_store import connect_file, counts, open_readonly, setting
from workstation.paths import DB_NAME

CA_DIR = "ca"
CHUNK = 1024 * 1024


def copy_small_files(data_dir: Path, target: Path) -> None:
    """store.json (which key, if encrypted) and the county CA travel with the data."""
    if (data_dir / META_NAME).is_file():
        shutil.copy2(data_dir / META_NAME, target / META_NAME)
    if (data_dir / CA_DIR).is_dir():
        shutil.copytree(data_dir / CA_DIR, target / CA_DIR)


def copy_database(source: Path, target: Path,
                   key: bytes | None) -> tuple[dict[str, Any], list[str], dict[str, Any]]:
    src = open_readonly(source, key)
    dst = connect_file(target, key, readonly=False)
    try:
        src.backup(dst)  # one step: a single consistent snapshot
        dst.execute("PRAGMA journal_mode = DELETE")  # a self-contained file, no -wal beside it
        rows = [r[0] for r in dst.execute("PRAGMA integrity_check(20)")]
        referenced = [r[0] for r in dst.execute("SELECT sha256 FROM blobs ORDER BY sha256")]
        figures = counts(dst)
        figures["office_code"] = setting(dst, "office.code", "")
    except DATABASE_ERRORS as exc:
        raise StoreError(t("数据库无法备份", "The database cannot be backed up"),
                         t(f"{exc}。请运行 workstation doctor。", f"{exc}. Run 'workstation doctor'.")) from exc
    finally:
        src.close()
        dst.close()
    fsync_file(target)
    info = {"file": DB_NAME, "sha256": file_sha256(target), "bytes": target.stat().st_size,
            "integrity": "ok" if rows == ["ok"] else "; ".join(rows)}
    return info, referenced, figures


def copy_blobs(store_root: Path, dest_root: Path, shas: list[str],
                verifier: BlobStore | None) -> dict[str, Any]:
    missing, corrupt, total = [], [], 0
    for sha in shas:
        rel = Path(sha[:2], sha[2:4], sha)
        problem = copy_verified(store_root / rel, dest_root / rel, sha, verifier)
        if problem == "missing":
            missing.append(sha)
        elif problem == "corrupt":
            corrupt.append(sha)
        else:
            total += (dest_root / rel).stat().st_size
    return {"count": len(shas) - len(missing) - len(corrupt), "bytes": total,
            "missing": missing, "corrupt": corrupt}


def copy_hashing(source: Path, target: Path) -> str:
    """Copy and hash in one read, fsynced: what is checked is exactly what gets installed."""
    digest = hashlib.sha256()
    with open(source, "rb") as src, open(target, "wb") as out:
        while chunk := src.read(CHUNK):
            digest.update(chunk)
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    return digest.hexdigest()


def copy_verified(source: Path, target: Path, sha256: str,
                  verifier: BlobStore | None = None) -> str | None:
    """Copy a blob file; ``None`` if the copy is intact, else "missing" or "corrupt" (nothing left behind).

    A plain file is checked by hashing it as it is copied. A sealed one (encrypted
    store) is checked by ``verifier``, a blob store on the target folder, which
    decrypts the copy and hashes the plaintext, as the app will when reading it.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    try:
        digest = copy_hashing(source, tmp)
    except FileNotFoundError:
        tmp.unlink(missing_ok=True)
        return "missing"
    if verifier is None and digest != sha256:
        tmp.unlink()
        return "corrupt"
    os.replace(tmp, target)
    problem = verifier.verify_one(sha256) if verifier is not None else None
    if problem:
        target.unlink()
    return problem


def write_json(path: Path, value: dict[str, Any]) -> None:
    with open(path, "w", encoding="utf-8") as out:
        json.dump(value, out, ensure_ascii=False, indent=2)
        out.flush()
        os.fsync(out.fileno())


def fsync_file(path: Path) -> None:
    with open(path, "rb+") as f:
        os.fsync(f.fileno())


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
