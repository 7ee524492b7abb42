"""The watched folder: settled files only, never twice, moved or left as configured."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from scanning.watch import FolderWatcher, JsonState
from workstation.errors import InputFileError

from .scanning_helpers import jpeg_bytes, text_page


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def tick(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    return folder


def grow(path: Path, data: bytes, mtime: float) -> None:
    with path.open("ab") as fh:
        fh.write(data)
    os.utime(path, (mtime, mtime))


def test_growing_file_waits_until_size_and_mtime_settle(inbox, tmp_path, clock):
    watcher = FolderWatcher(inbox, settle_seconds=5, state_path=tmp_path / "state.json",
                            clock=clock)
    taken: list[Path] = []
    path = inbox / "scan.jpg"
    grow(path, b"\xff\xd8\xff" + b"x" * 100, 1)
    assert watcher.poll(taken.append) == []           # first sight
    clock.tick(3)
    grow(path, b"y" * 100, 2)                         # still being written
    assert watcher.poll(taken.append) == []
    clock.tick(4)
    assert watcher.poll(taken.append) == []           # 4 s stable: not yet
    clock.tick(2)
    [result] = watcher.poll(taken.append)
    assert result.status == "done" and taken == [path]


def test_never_the_same_file_twice(inbox, tmp_path, clock):
    state = tmp_path / "state.json"
    watcher = FolderWatcher(inbox, settle_seconds=1, state_path=state, clock=clock)
    taken: list[Path] = []
    (inbox / "a.jpg").write_bytes(b"\xff\xd8\xff one")
    watcher.poll(taken.append)
    clock.tick(2)
    assert len(watcher.poll(taken.append)) == 1
    for _ in range(3):
        clock.tick(2)
        assert watcher.poll(taken.append) == []
    # A new watcher with the same state file (after a restart) does not take it either.
    again = FolderWatcher(inbox, settle_seconds=1, state_path=state, clock=clock)
    again.poll(taken.append)
    clock.tick(2)
    assert again.poll(taken.append) == []
    # The same content under another name is a duplicate, not a second import.
    (inbox / "copy.jpg").write_bytes(b"\xff\xd8\xff one")
    again.poll(taken.append)
    clock.tick(2)
    [dup] = again.poll(taken.append)
    assert dup.status == "duplicate"
    assert taken == [inbox / "a.jpg"]
    assert {e["status"] for e in JsonState(state).entries} == {"done", "duplicate"}


def test_move_done_and_failed_files(inbox, clock):
    watcher = FolderWatcher(inbox, settle_seconds=0, after="move", clock=clock)
    (inbox / "good.jpg").write_bytes(b"\xff\xd8\xff good")
    (inbox / "bad.pdf").write_bytes(b"not a pdf")
    (inbox / "half.jpg.part").write_bytes(b"partial")
    (inbox / "notes.txt").write_bytes(b"ignored")

    def handler(path: Path) -> None:
        if path.suffix == ".pdf":
            raise InputFileError("坏文件")

    watcher.poll(handler)
    results = {r.path.name: r for r in watcher.poll(handler)}
    assert set(results) == {"good.jpg", "bad.pdf"}
    assert results["good.jpg"].moved_to == inbox / "done" / "good.jpg"
    assert results["bad.pdf"].status == "failed"
    assert (inbox / "failed" / "bad.pdf").exists()
    assert sorted(p.name for p in inbox.iterdir() if p.is_file()) == ["half.jpg.part", "notes.txt"]


def test_other_errors_are_retried(inbox, clock):
    watcher = FolderWatcher(inbox, settle_seconds=0, clock=clock)
    (inbox / "a.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    calls = []

    def flaky(path: Path) -> None:
        calls.append(path)
        if len(calls) == 1:
            raise OSError("store busy")

    assert watcher.poll(flaky) == []                 # first sight
    [first] = watcher.poll(flaky)
    assert first.status == "retry" and "busy" in first.detail
    [second] = watcher.poll(flaky)
    assert second.status == "done"
    assert watcher.poll(flaky) == [] and len(calls) == 2


def test_state_file_damage_does_not_crash(inbox, tmp_path, clock):
    state = tmp_path / "state.json"
    state.write_text("{not json")
    watcher = FolderWatcher(inbox, settle_seconds=0, state_path=state, clock=clock)
    (inbox / "a.jpg").write_bytes(b"\xff\xd8\xff a")
    watcher.poll(lambda p: None)
    assert len(watcher.poll(lambda p: None)) == 1


def test_watched_folder_feeds_the_importer(inbox, clock):
    from scanning.importer import load_pages

    stored = []
    watcher = FolderWatcher(inbox, settle_seconds=0, after="move", clock=clock)
    (inbox / "page.jpg").write_bytes(jpeg_bytes(text_page(100), dpi=(100, 100)))
    buf = io.BytesIO(jpeg_bytes(text_page(100))[:500])
    (inbox / "cut.jpg").write_bytes(buf.getvalue())
    watcher.poll(lambda p: stored.extend(load_pages(p)))
    results = {r.path.name: r.status for r in watcher.poll(lambda p: stored.extend(load_pages(p)))}
    assert results == {"page.jpg": "done", "cut.jpg": "failed"}
    assert len(stored) == 1 and stored[0].dpi == 100
