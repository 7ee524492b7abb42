"""The content-addressed blob store."""

from __future__ import annotations

import hashlib
import os

import pytest

from workstation.blobs import BlobStore
from workstation.errors import BlobError


def test_put_bytes_is_content_addressed_and_stored_once(tmp_path):
    store = BlobStore(tmp_path)
    data = b"page one" * 1000
    sha = store.put_bytes(data)
    assert sha == hashlib.sha256(data).hexdigest()
    assert store.put_bytes(data) == sha
    assert list(store.stored()) == [sha]
    assert store.read(sha) == data
    assert store.path(sha).parent.parent.name == sha[:2]


def test_put_file_streams_and_matches(tmp_path):
    store = BlobStore(tmp_path / "b")
    src = tmp_path / "scan.bin"
    src.write_bytes(os.urandom(3 * 1024 * 1024 + 7))
    sha = store.put_file(src)
    assert sha == hashlib.sha256(src.read_bytes()).hexdigest()
    assert store.size(sha) == src.stat().st_size
    assert not any(store.tmp.iterdir())


def test_read_detects_damage_and_missing(tmp_path):
    store = BlobStore(tmp_path)
    sha = store.put_bytes(b"original")
    store.path(sha).write_bytes(b"tampered")
    with pytest.raises(BlobError) as info:
        store.read(sha)
    assert "损坏" in info.value.title
    assert store.verify_one(sha) == "corrupt"
    store.path(sha).unlink()
    with pytest.raises(BlobError):
        store.read(sha)
    assert store.verify_one(sha) == "missing"


def test_orphans_are_found_with_age_guard(tmp_path):
    store = BlobStore(tmp_path)
    kept = store.put_bytes(b"kept")
    orphan = store.put_bytes(b"orphan")
    assert store.orphans({kept}) == [orphan]
    assert store.orphans({kept}, older_than_s=3600) == []
    store.remove(orphan)
    assert list(store.stored()) == [kept]


def test_invalid_names_rejected(tmp_path):
    with pytest.raises(BlobError):
        BlobStore(tmp_path).path("../../etc/passwd")


def test_full_disk_is_a_clear_error(tmp_path):
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full on this system")
    store = BlobStore(tmp_path)
    # Point the temporary folder at a directory whose files cannot grow:
    # writing to /dev/full always fails with ENOSPC, like a full disk.
    import tempfile

    real_mkstemp = tempfile.mkstemp

    def full_mkstemp(dir=None, prefix=None):
        fd = os.open("/dev/full", os.O_WRONLY)
        return fd, str(tmp_path / "tmp" / "never-created")

    tempfile.mkstemp = full_mkstemp  # type: ignore[assignment]
    try:
        with pytest.raises(BlobError) as info:
            store.put_bytes(b"x" * 100_000)
    finally:
        tempfile.mkstemp = real_mkstemp  # type: ignore[assignment]
    assert "磁盘已满" in info.value.title
    assert list(store.stored()) == []
