"""One sync at a time per data directory.

The UI's worker, a scheduled ``workstation sync`` and a second window could
all start the engine at once. Batches and uploads are idempotent, so two
engines would not corrupt anything, but they would do the work twice and
fight over the same batches; an exclusive lock file makes the second one say
so instead. The operating system drops the lock when a process dies, so a
killed sync never leaves it stuck.
"""

from __future__ import annotations

import sys
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from sync.errors import SyncBusy
from workstation.i18n import t

LOCK_NAME = "sync.lock"


class SyncLock:
    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / LOCK_NAME
        self._handle: IO[Any] | None = None

    def __enter__(self) -> SyncLock:
        handle = open(self.path, "a+")  # noqa: SIM115 - held until __exit__
        try:
            _lock(handle)
        except OSError:
            handle.close()
            raise SyncBusy(t("同步已在进行", "A sync is already running"),
                           t("另一个窗口或命令正在同步此数据目录，请等它完成。",
                             "Another window or command is syncing this data directory; "
                             "wait for it to finish.")) from None
        self._handle = handle
        return self

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._handle is not None:
            _unlock(self._handle)
            self._handle.close()
            self._handle = None


def _lock(handle: IO[Any]) -> None:
    if sys.platform == "win32":
        import msvcrt

        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
    else:
        import fcntl

        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)


def _unlock(handle: IO[Any]) -> None:
    if sys.platform == "win32":
        import msvcrt

        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
    else:
        import fcntl

        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
