"""A watched folder (e.g. where a network scanner or phone drops files), by polling.

A file is taken only when its size and modification time have not changed
for ``settle_seconds`` (a file still being written keeps changing), and never
twice: processed files are remembered by (path, size, mtime, sha256) in a
small JSON state file (or any object with ``known``/``add``), and a file whose
content was already taken under another name is skipped as a duplicate.
Processed files are left in place or moved to ``done/`` (``failed/`` for files
the importer refused).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from workstation.errors import InputFileError

SUFFIXES = (".jpg", ".jpeg", ".png", ".tif", ".tiff", ".pdf")
_PARTIAL = (".part", ".tmp", ".crdownload", ".partial", ".download")


@dataclass(frozen=True)
class FileKey:
    path: str
    size: int
    mtime_ns: int
    sha256: str


@dataclass(frozen=True)
class WatchResult:
    path: Path               # where the file was found
    status: str              # done | failed | duplicate | retry
    sha256: str
    detail: str = ""
    moved_to: Path | None = None


class WatchState(Protocol):
    def known(self, key: FileKey) -> bool: ...

    def add(self, key: FileKey, status: str) -> None: ...


class JsonState:
    """Processed files in a JSON file (written atomically), or in memory if no path."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.entries: list[dict[str, Any]] = []
        if path is not None and path.exists():
            try:
                self.entries = list(json.loads(path.read_text("utf-8")).get("processed", []))
            except (ValueError, OSError, AttributeError):
                self.entries = []      # a damaged state file: start over, never crash
        self._stats = {(e["path"], e["size"], e["mtime_ns"]) for e in self.entries}
        self._shas = {e["sha256"] for e in self.entries}

    def known_stat(self, path: str, size: int, mtime_ns: int) -> bool:
        return (path, size, mtime_ns) in self._stats

    def known(self, key: FileKey) -> bool:
        return key.sha256 in self._shas or self.known_stat(key.path, key.size, key.mtime_ns)

    def add(self, key: FileKey, status: str) -> None:
        entry = {"path": key.path, "size": key.size, "mtime_ns": key.mtime_ns,
                 "sha256": key.sha256, "status": status, "at": time.time()}
        self.entries.append(entry)
        self._stats.add((key.path, key.size, key.mtime_ns))
        self._shas.add(key.sha256)
        if self.path is not None:
            tmp = self.path.with_name(self.path.name + ".tmp")
            tmp.write_text(json.dumps({"processed": self.entries}, ensure_ascii=False), "utf-8")
            os.replace(tmp, self.path)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class FolderWatcher:
    def __init__(self, folder: Path, *, settle_seconds: float = 5.0,
                 state: WatchState | None = None, state_path: Path | None = None,
                 after: str = "leave", done_dir: Path | None = None,
                 failed_dir: Path | None = None, suffixes: tuple[str, ...] = SUFFIXES,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if after not in ("leave", "move"):
            raise ValueError("after must be 'leave' or 'move'")
        self.folder = Path(folder)
        self.settle_seconds = settle_seconds
        self.state: WatchState = state if state is not None else JsonState(state_path)
        self.after = after
        self.done_dir = done_dir or self.folder / "done"
        self.failed_dir = failed_dir or self.folder / "failed"
        self.suffixes = tuple(s.lower() for s in suffixes)
        self.clock = clock
        self._pending: dict[Path, tuple[int, int, float]] = {}   # size, mtime_ns, since

    def _candidates(self) -> list[Path]:
        try:
            entries = list(os.scandir(self.folder))
        except OSError:
            return []
        names = []
        for entry in entries:
            name = entry.name
            if name.startswith((".", "~")) or name.lower().endswith(_PARTIAL):
                continue
            if entry.is_file(follow_symlinks=False) and name.lower().endswith(self.suffixes):
                names.append(Path(entry.path))
        return sorted(names)

    def ready(self) -> list[Path]:
        """Files whose size and mtime have been stable for the settle time."""
        now = self.clock()
        ready, present = [], set()
        for path in self._candidates():
            try:
                st = path.stat()
            except OSError:
                continue
            present.add(path)
            seen = self._pending.get(path)
            if seen is None or seen[:2] != (st.st_size, st.st_mtime_ns):
                self._pending[path] = (st.st_size, st.st_mtime_ns, now)
                continue
            if st.st_size > 0 and now - seen[2] >= self.settle_seconds:
                known = getattr(self.state, "known_stat", None)
                if known is not None and known(str(path), st.st_size, st.st_mtime_ns):
                    continue
                ready.append(path)
        for gone in set(self._pending) - present:
            del self._pending[gone]
        return ready

    def poll(self, handler: Callable[[Path], object]) -> list[WatchResult]:
        """One round: hand each settled, new file to ``handler``. A handler that
        raises InputFileError marks the file failed; any other error leaves it to
        be tried again next round (status ``retry``)."""
        results = []
        for path in self.ready():
            try:
                st = path.stat()
                key = FileKey(str(path), st.st_size, st.st_mtime_ns, file_sha256(path))
            except OSError:
                continue
            if (st.st_size, st.st_mtime_ns) != self._pending.get(path, (0, 0, 0))[:2]:
                continue                     # changed while hashing: wait again
            if self.state.known(key):
                self.state.add(key, "duplicate")
                results.append(self._finish(path, key, "duplicate", ""))
                continue
            try:
                handler(path)
            except InputFileError as exc:
                self.state.add(key, "failed")
                results.append(self._finish(path, key, "failed", str(exc)))
                continue
            except Exception as exc:  # e.g. the store is busy: try again next round
                results.append(WatchResult(path, "retry", key.sha256, str(exc)))
                continue
            self.state.add(key, "done")
            results.append(self._finish(path, key, "done", ""))
        return results

    def _finish(self, path: Path, key: FileKey, status: str, detail: str) -> WatchResult:
        self._pending.pop(path, None)
        moved = None
        if self.after == "move":
            target_dir = self.failed_dir if status == "failed" else self.done_dir
            moved = _move_unique(path, target_dir)
        return WatchResult(path, status, key.sha256, detail, moved)

    def run(self, handler: Callable[[Path], object], stop: threading.Event,
            interval: float = 2.0) -> None:
        """Poll until ``stop`` is set (run it in a background thread)."""
        while not stop.is_set():
            self.poll(handler)
            stop.wait(interval)


def _move_unique(path: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / path.name
    n = 1
    while target.exists():
        target = folder / f"{path.stem}-{n}{path.suffix}"
        n += 1
    shutil.move(str(path), str(target))
    return target
