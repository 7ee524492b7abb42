"""Content-addressed file store for scanned pages and imported files.

A blob is stored once per SHA-256 under ``blobs/ab/cd/<sha256>``. It is written
to a temporary file, fsynced, renamed into place and the folder fsynced before
the function returns, so a row that names a blob is only ever committed after
the blob is durable. A crash can leave a file that no row names (an orphan);
:meth:`BlobStore.orphans` finds those and :meth:`BlobStore.remove_orphans`
deletes them. Reading checks the hash, so a damaged file is never passed on as
a good one. With a :class:`~workstation.crypto.BlobCipher` the files are sealed
with AES-GCM; names stay the SHA-256 of the plaintext, and :meth:`open` gives a
seekable plaintext stream either way.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from workstation.crypto import CHUNK as SEAL_CHUNK
from workstation.crypto import BlobCipher, DecryptError, SealedReader, is_sealed
from workstation.errors import BlobError
from workstation.i18n import t

SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
CHUNK = 1024 * 1024


class BlobStore:
    def __init__(self, root: Path, cipher: BlobCipher | None = None) -> None:
        self.root = root
        self.cipher = cipher
        self.tmp = root / "tmp"
        self.tmp.mkdir(parents=True, exist_ok=True)

    def path(self, sha256: str) -> Path:
        if not SHA256_RE.match(sha256):
            raise BlobError(t("文件名无效", "Invalid blob name"), sha256)
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def has(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def size(self, sha256: str) -> int:
        """The plaintext size."""
        if self.cipher is None:
            return self.path(sha256).stat().st_size
        with self.open(sha256) as f:
            return int(f.size)  # type: ignore[attr-defined]

    def put_bytes(self, data: bytes) -> str:
        sha = hashlib.sha256(data).hexdigest()
        if self.has(sha):
            return sha
        fd, tmp_name = tempfile.mkstemp(dir=self.tmp, prefix="put-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(self.cipher.seal(data) if self.cipher else data)
                out.flush()
                os.fsync(out.fileno())
            self._install(Path(tmp_name), sha)
        except OSError as exc:
            _unlink_quietly(Path(tmp_name))
            raise _write_error(exc) from exc
        return sha

    def put_file(self, source: Path) -> str:
        """Copy a file into the store, hashing as it streams (never read whole)."""
        digest = hashlib.sha256()
        fd, tmp_name = tempfile.mkstemp(dir=self.tmp, prefix="put-")
        try:
            with os.fdopen(fd, "wb") as out, open(source, "rb") as src:
                for piece in self._stored_form(src, digest):
                    out.write(piece)
                out.flush()
                os.fsync(out.fileno())
            sha = digest.hexdigest()
            if self.has(sha):
                _unlink_quietly(Path(tmp_name))
            else:
                self._install(Path(tmp_name), sha)
        except (OSError, DecryptError) as exc:
            _unlink_quietly(Path(tmp_name))
            raise _write_error(exc) from exc
        return sha

    def _stored_form(self, src: BinaryIO, digest: hashlib._Hash) -> Iterator[bytes]:
        """The bytes to write for ``src``: as they are, or sealed; hashing the plaintext."""
        def pieces(size: int) -> Iterator[bytes]:
            while chunk := src.read(size):
                digest.update(chunk)
                yield chunk

        if self.cipher is None:
            yield from pieces(CHUNK)
        else:
            yield from self.cipher.seal_chunks(pieces(SEAL_CHUNK), os.fstat(src.fileno()).st_size)

    def _install(self, tmp: Path, sha: str) -> None:
        final = self.path(sha)
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp, final)
        _fsync_dir(final.parent)

    def open(self, sha256: str) -> BinaryIO:
        """The plaintext as a seekable stream (callers that need a guarantee use :meth:`verify_one`)."""
        try:
            raw = open(self.path(sha256), "rb")
        except FileNotFoundError as exc:
            raise _missing(sha256) from exc
        if self.cipher is None:
            return raw
        if not is_sealed(raw.read(4)):  # left plain by an encryption still under way
            raw.seek(0)
            return raw
        raw.seek(0)
        try:
            return SealedReader(raw, self.cipher)  # type: ignore[return-value]
        except DecryptError as exc:
            raw.close()
            raise _corrupt(sha256) from exc

    def read(self, sha256: str) -> bytes:
        try:
            with self.open(sha256) as f:
                data = f.read()
        except DecryptError as exc:
            raise _corrupt(sha256) from exc
        if hashlib.sha256(data).hexdigest() != sha256:
            raise _corrupt(sha256)
        return data

    def verify_one(self, sha256: str) -> str | None:
        """``None`` when the file is present and intact, else ``"missing"`` or ``"corrupt"``."""
        digest = hashlib.sha256()
        try:
            with self.open(sha256) as f:
                while chunk := f.read(CHUNK):
                    digest.update(chunk)
        except BlobMissing:
            return "missing"
        except (BlobError, DecryptError):
            return "corrupt"
        return None if digest.hexdigest() == sha256 else "corrupt"

    def is_sealed_file(self, sha256: str) -> bool:
        with open(self.path(sha256), "rb") as f:
            return is_sealed(f.read(4))

    def seal_in_place(self, sha256: str) -> bool:
        """Encrypt a blob stored in the clear (the migration of an older store)."""
        if self.cipher is None or self.is_sealed_file(sha256):
            return False
        data = self.read(sha256)
        fd, tmp_name = tempfile.mkstemp(dir=self.tmp, prefix="seal-")
        with os.fdopen(fd, "wb") as out:
            out.write(self.cipher.seal(data))
            out.flush()
            os.fsync(out.fileno())
        self._install(Path(tmp_name), sha256)
        return True

    def stored(self) -> Iterator[str]:
        """Every blob file present on disk."""
        for path in self.root.glob("??/??/*"):
            if SHA256_RE.match(path.name):
                yield path.name

    def orphans(self, referenced: Iterable[str], older_than_s: float = 0) -> list[str]:
        """Files on disk that no row names, at least ``older_than_s`` seconds old.

        The age guard lets a clean-up run while another process has written a
        blob but not yet committed the row that names it.
        """
        known = set(referenced)
        cutoff = time.time() - older_than_s
        return [sha for sha in self.stored()
                if sha not in known and self.path(sha).stat().st_mtime <= cutoff]

    def remove(self, sha256: str) -> None:
        _unlink_quietly(self.path(sha256))

    def clean_tmp(self, older_than_s: float = 0) -> int:
        """Delete half-written temporary files a crash left behind."""
        cutoff = time.time() - older_than_s
        removed = 0
        for path in self.tmp.iterdir():
            if path.stat().st_mtime <= cutoff:
                _unlink_quietly(path)
                removed += 1
        return removed


def _fsync_dir(path: Path) -> None:
    if os.name == "nt":  # directories cannot be opened for fsync on Windows
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _unlink_quietly(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass


class BlobMissing(BlobError):
    """The row names a blob whose file is not there."""


def _missing(sha: str) -> BlobError:
    return BlobMissing(t("扫描文件丢失", "A stored file is missing"),
                     t(f"{sha[:12]}… 不在数据目录中。请运行 workstation doctor 或从备份恢复。",
                       f"{sha[:12]}… is not in the data directory. Run 'workstation doctor' or restore a backup."))


def _corrupt(sha: str) -> BlobError:
    return BlobError(t("扫描文件已损坏", "A stored file is damaged"),
                     t(f"{sha[:12]}… 的内容与其校验值不符。请重新扫描该页或从备份恢复。",
                       f"{sha[:12]}… does not match its hash. Re-scan the page or restore a backup."))


def _write_error(exc: OSError | DecryptError) -> BlobError:
    import errno

    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return BlobError(t("磁盘已满", "The disk is full"),
                         t("文件未保存，已有数据未受影响。请清理磁盘空间后重试。",
                           "The file was not saved and nothing else was affected. Free disk space and try again."))
    return BlobError(t("无法保存文件", "Cannot save the file"), str(exc))
