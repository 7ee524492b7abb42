"""The context object passed to every operation: data directory, database, blobs, catalog.

There is no global app object (as in git-cola): the CLI, the UI and the tests
each open a :class:`Context` and pass it in. A context's database connection
belongs to one thread; a worker thread opens its own with :meth:`Context.reopen`.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO, TYPE_CHECKING, Any

import sqlite_utils

from workstation import settings
from workstation.blobs import BlobStore
from workstation.db import connect
from workstation.errors import StoreError
from workstation.i18n import os_error, t
from workstation.paths import BLOB_DIR, db_path

if TYPE_CHECKING:
    from workstation.catalog import Catalog

LOCK_NAME = "store.lock"


@dataclass
class Context:
    data_dir: Path
    db: sqlite_utils.Database
    blobs: BlobStore
    _lock: IO[Any] | None = None
    _catalog: Catalog | None = field(default=None, repr=False)
    recovery: dict[str, int] = field(default_factory=dict)
    _master: bytes | None = field(default=None, repr=False)  # an encrypted store's data key

    @classmethod
    def open(cls, data_dir: Path, recover: bool = True, encrypt: bool | None = None,
             master: bytes | None = None) -> Context:
        """Open a data directory, creating it if new.

        A new directory is encrypted unless ``encrypt`` is false (default: the
        ``WORKSTATION_ENCRYPT`` environment variable, on unless it is "0").
        """
        data_dir = Path(data_dir)
        try:
            data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(t("无法创建数据目录", "Cannot create the data directory"),
                             f"{data_dir}: {os_error(exc, with_file=False)}") from exc
        lock, alone = _take_lock(data_dir)
        try:
            db, blobs, master = _open_store(data_dir, encrypt, master)
        except BaseException:
            if lock is not None:
                lock.close()
            raise
        ctx = cls(data_dir, db, blobs, lock, _master=master)
        if recover:
            from workstation.recovery import recover_store

            ctx.recovery = recover_store(ctx, alone=alone)
            if alone:
                from workstation.encryption import finish_sealing

                ctx.recovery["blobs_sealed"] = finish_sealing(ctx)
        _share_lock(lock)
        return ctx

    def reopen(self) -> Context:
        """A second context on the same store, for another thread.

        It reuses this context's data key: asking the OS keyring again costs a
        round trip (D-Bus on Linux) for every worker thread.
        """
        return Context.open(self.data_dir, recover=False, master=self._master)

    def close(self) -> None:
        self.db.close()
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    def __enter__(self) -> Context:
        return self

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    @property
    def office_code(self) -> str:
        return str(settings.get(self.db, settings.OFFICE_CODE, ""))

    @property
    def initialized(self) -> bool:
        return bool(self.office_code)

    def require_initialized(self) -> None:
        if not self.initialized:
            raise StoreError(t("工作站尚未初始化", "The workstation is not set up yet"),
                             t(f"请先运行 workstation --data-dir {self.data_dir} init。",
                               f"Run 'workstation --data-dir {self.data_dir} init' first."))

    @property
    def catalog(self) -> Catalog:
        if self._catalog is None:
            from workstation.catalog_store import load_catalog

            self._catalog = load_catalog(self.db)
        return self._catalog

    def forget_catalog(self) -> None:
        """Drop the cached catalog after the county sent a new one."""
        self._catalog = None


def _open_store(data_dir: Path, encrypt: bool | None,
                master: bytes | None = None) -> tuple[sqlite_utils.Database, BlobStore, bytes | None]:
    from workstation import keys
    from workstation.crypto import BlobCipher, derive_key
    from workstation.db import is_encrypted_file

    path = db_path(data_dir)
    meta = keys.load_meta(data_dir)
    if meta is None:
        fresh = not path.exists()
        wanted = encryption_default() if encrypt is None else encrypt
        meta = keys.new_meta(encrypted=fresh and wanted)
        if meta.encrypted:
            keys.create_key(meta.store_id)
        keys.write_meta(data_dir, meta)
    if not (meta.encrypted or is_encrypted_file(path)):
        return connect(path), BlobStore(data_dir / BLOB_DIR), None
    master = master or keys.load_key(meta.store_id)
    db = connect(path, derive_key(master, b"workstation database"))
    return db, BlobStore(data_dir / BLOB_DIR, BlobCipher(derive_key(master, b"workstation blobs"))), master


def store_key(data_dir: Path) -> bytes | None:
    """The database key of an encrypted data directory (from the keyring), else ``None``."""
    from workstation import keys
    from workstation.crypto import derive_key
    from workstation.db import is_encrypted_file

    meta = keys.load_meta(data_dir)
    if meta is None or not (meta.encrypted or is_encrypted_file(db_path(data_dir))):
        return None
    return derive_key(keys.load_key(meta.store_id), b"workstation database")


def raw_connection(path: Path, key: bytes | None) -> Any:
    """A bare DB-API connection (no migrations, no checks), plain or SQLCipher.

    For tools that must look at a database that may be damaged (doctor) or
    copy it (backup): a backup of an encrypted store must stay encrypted.
    """
    from workstation.db import _open_connection

    return _open_connection(path, key)


def only_user(data_dir: Path) -> bool:
    """Whether no process has this data directory open."""
    handle, alone = _take_lock(data_dir)
    if handle is not None:
        handle.close()
    return alone


def encryption_default() -> bool:
    return os.environ.get("WORKSTATION_ENCRYPT", "1") != "0"


def _take_lock(data_dir: Path) -> tuple[IO[Any] | None, bool]:
    """Open the store's lock file; report whether no other process has the store open.

    Every open context holds a shared lock. Whoever can take it exclusively is
    alone, and may clean up what a crashed process left without racing anyone.
    """
    handle = open(data_dir / LOCK_NAME, "a+")
    if sys.platform == "win32":  # no shared flock: always clean up with an age guard
        return handle, False
    import fcntl

    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        return handle, True
    except OSError:
        fcntl.flock(handle.fileno(), fcntl.LOCK_SH)
        return handle, False


def _share_lock(handle: IO[Any] | None) -> None:
    if handle is None or sys.platform == "win32":
        return
    import fcntl

    fcntl.flock(handle.fileno(), fcntl.LOCK_SH)


def process_id() -> int:
    return os.getpid()
