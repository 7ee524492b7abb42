"""Opening the SQLite store: pragmas, the write transaction, migrations.

Connections are opened in autocommit mode so that transactions are only the
ones we begin. Writers begin with ``BEGIN IMMEDIATE``: the sync engine, the UI
and a CLI may write at once, and an immediate lock makes the second writer wait
(``busy_timeout``) instead of failing half-way when its snapshot goes stale.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from itertools import chain
from pathlib import Path
from typing import Any

import sqlite_utils

from workstation.errors import StoreError
from workstation.i18n import t
from workstation.migrations import MIGRATIONS, apply_migrations

BUSY_TIMEOUT_MS = 10_000
WAL_SIZE_LIMIT = 64 * 1024 * 1024  # above the sync cycle's 40 MiB working log


def _database_errors() -> tuple[type[Exception], ...]:
    try:
        import sqlcipher3
    except ImportError:
        return (sqlite3.DatabaseError,)
    return (sqlite3.DatabaseError, sqlcipher3.DatabaseError)


# An encrypted store runs on sqlcipher3, whose exceptions are its own classes:
# catch database errors with this tuple, not with sqlite3's alone.
DATABASE_ERRORS = _database_errors()


SQLITE_MAGIC = b"SQLite format 3\x00"


def is_encrypted_file(path: Path) -> bool:
    """An existing database file whose header is not SQLite's is a SQLCipher one."""
    try:
        with open(path, "rb") as f:
            head = f.read(16)
    except FileNotFoundError:
        return False
    return len(head) == 16 and head != SQLITE_MAGIC


def _open_connection(path: Path, key: bytes | None) -> sqlite3.Connection:
    if key is None:
        return sqlite3.connect(str(path), isolation_level=None, check_same_thread=False,
                               timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        import sqlcipher3
    except ImportError as exc:
        raise StoreError(t("缺少数据库加密组件", "The database encryption component is missing"),
                         t("请重新安装工作站（需要 sqlcipher3）。", "Reinstall the workstation (it needs sqlcipher3).")) from exc
    conn = keyed(lambda: sqlcipher3.connect(str(path), isolation_level=None, check_same_thread=False,
                                            timeout=BUSY_TIMEOUT_MS / 1000), key)
    # Wiping freed memory costs much time; the key itself lives in the keyring.
    conn.execute("PRAGMA cipher_memory_security = OFF")
    return conn  # type: ignore[no-any-return]  # the same DB-API as sqlite3


# Every page read is checked by an HMAC. HMAC-SHA256 runs on the CPU's SHA
# instructions and costs about 40 % less a page than SQLCipher 4's default,
# HMAC-SHA512, which stores encrypted before this choice still use: opening
# tries the new one first and the old one second.
HMAC_ALGORITHMS = ("HMAC_SHA256", "HMAC_SHA512")


def keyed(connect: Callable[[], Any], key: bytes) -> Any:
    """A SQLCipher connection from ``connect()`` opened with ``key`` and the store's HMAC."""
    for hmac in HMAC_ALGORITHMS[:-1]:
        conn = _with_key(connect(), key, hmac)
        if _readable(conn):
            return conn
        conn.close()
    # The last one unchecked: a wrong key fails later, where the caller reports it.
    return _with_key(connect(), key, HMAC_ALGORITHMS[-1])


def _with_key(conn: Any, key: bytes, hmac: str) -> Any:
    # A raw key: no passphrase stretching needed, the key is random and 256 bits.
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    conn.execute(f"PRAGMA cipher_hmac_algorithm = {hmac}")
    return conn


def _readable(conn: Any) -> bool:
    # A try with the other HMAC is expected to fail: keep SQLCipher from logging it.
    level = conn.execute("PRAGMA cipher_log_level").fetchone()[0]
    conn.execute("PRAGMA cipher_log_level = NONE")
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return True
    except DATABASE_ERRORS:
        return False
    finally:
        conn.execute(f"PRAGMA cipher_log_level = {level}")


def connect(path: Path, key: bytes | None = None) -> sqlite_utils.Database:
    """Open (creating if needed) the database at ``path`` and bring its schema up to date.

    With ``key`` the file is a SQLCipher database encrypted with it.
    """
    try:
        conn = _open_connection(path, key)
    except DATABASE_ERRORS as exc:
        raise StoreError(t("无法打开数据库", "Cannot open the database"), f"{path}: {exc}") from exc
    db = database(conn)
    try:
        _configure(db)
        apply_migrations(db, path)
    except DATABASE_ERRORS as exc:
        conn.close()
        raise StoreError(
            t("数据库已损坏、密钥不对或不是工作站数据库",
              "The database is damaged, the key is wrong, or it is not a workstation database"),
            t(f"{path}：{exc}。请运行 workstation doctor，或从备份恢复。",
              f"{path}: {exc}. Run 'workstation doctor' or restore from a backup."),
        ) from exc
    except BaseException:
        conn.close()
        raise
    return db


def database(conn: sqlite3.Connection) -> sqlite_utils.Database:
    """sqlite-utils over ``conn``, without its plugins.

    sqlite-utils would otherwise run every plugin installed beside it on each
    connection (its ``prepare_connection`` hook): code that is not ours must
    not touch an open store of citizens' data. Finding them also reads every
    installed package's metadata, about 25 ms of each start.
    """
    return sqlite_utils.Database(conn, execute_plugins=False)


def _configure(db: sqlite_utils.Database) -> None:
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    # A 64 MiB page cache holds the hot part of 100,000 cases; for an encrypted
    # store it also holds pages already decrypted, which is most of its cost.
    db.execute("PRAGMA cache_size = -65536")
    db.execute("PRAGMA foreign_keys = ON")
    # The write-ahead log keeps the size of the largest transaction (an import
    # of 40,000 cases leaves ~90 MB); after a checkpoint, cut it back to this.
    db.execute(f"PRAGMA journal_size_limit = {WAL_SIZE_LIMIT}")
    if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        db.execute("PRAGMA journal_mode = WAL")
    # NORMAL is durable in WAL mode except for the last transactions before a
    # power cut; FULL makes every commit survive that too, which is what a
    # clerk who has handed over a receipt expects.
    db.execute("PRAGMA synchronous = FULL")


@contextmanager
def write(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """One write transaction, taken with an immediate lock; nests as a savepoint."""
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        with db.atomic():  # inside our BEGIN this is a savepoint
            yield db
    except BaseException:
        if db.conn.in_transaction:
            db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


@contextmanager
def temp_store_in_memory(db: sqlite_utils.Database) -> Iterator[None]:
    """``temp_store = MEMORY`` on this connection for a while, then as it was.

    For work that stages rows in a temporary table (an import) or keeps many
    savepoint copies of pages (a sync cycle): in memory it costs no file, and
    an encrypted store's data stays off temporary files.
    Not changed inside a transaction, where SQLite refuses it; changing it
    drops the connection's temporary tables, which are scratch here.
    """
    previous = None
    if not db.conn.in_transaction:
        previous = int(db.execute("PRAGMA temp_store").fetchone()[0])
        db.execute("PRAGMA temp_store = MEMORY")
    try:
        yield
    finally:
        if previous is not None and not db.conn.in_transaction:
            db.execute(f"PRAGMA temp_store = {previous}")


# Many rows go in one statement: row by row, SQLite journals every page each
# row touches once more (a statement journal per row). 100 rows of up to nine
# values stays under the 999 variables of the oldest SQLite.
ROWS_PER_STATEMENT = 100


def row_chunks(rows: Sequence[tuple[Any, ...]]) -> Iterator[tuple[str, list[Any]]]:
    """``(placeholders, values)`` for each statement's share of ``rows``: ``"(?, ?),(?, ?)"``
    and the values in order, for ``VALUES ...`` or ``FROM (VALUES ...)``."""
    for start in range(0, len(rows), ROWS_PER_STATEMENT):
        chunk = rows[start:start + ROWS_PER_STATEMENT]
        row = "(" + ", ".join("?" * len(chunk[0])) + ")"
        yield ",".join([row] * len(chunk)), list(chain.from_iterable(chunk))


def schema_version(db: sqlite_utils.Database) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def latest_version() -> int:
    return MIGRATIONS[-1][0]
