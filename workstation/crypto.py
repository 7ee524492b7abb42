"""Authenticated encryption of blob files (AES-256-GCM in fixed-size chunks).

A blob file is a header and a run of chunks. Each chunk is sealed on its own
with a nonce made of a per-file random prefix and the chunk's number, and with
the header, the chunk number and a last-chunk flag as associated data, so that
chunks cannot be swapped, dropped or the file cut short without the tag check
failing. Chunks let a reader seek (the sync engine resumes an upload in the
middle of a scan) and stream without holding a whole scan in memory. The file
keeps the SHA-256 of the plaintext as its name, as the county contract needs.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import os
import struct
from collections.abc import Iterator
from typing import TYPE_CHECKING, BinaryIO

from workstation.deferred import lazy_module

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

# cryptography (its Rust module alone is about 4 ms to load) is needed only
# when a blob is sealed or opened, not to open the store at every start.
_exceptions = lazy_module("cryptography.exceptions")

MAGIC = b"WSB1"
HEADER = struct.Struct(">4sIQ8s")  # magic, chunk size, plaintext size, nonce prefix
CHUNK = 64 * 1024
TAG = 16


class DecryptError(Exception):
    """The file is not an intact blob sealed with this key."""


def derive_key(master: bytes, purpose: bytes) -> bytes:
    """Separate keys for the database and the blobs, from the one data key.

    HKDF-SHA256 (RFC 5869) without salt, 32 bytes: one extract and one expand
    step, each an HMAC (the same bytes as cryptography's ``HKDF``).
    """
    pseudo_random_key = hmac.digest(bytes(32), master, hashlib.sha256)
    return hmac.digest(pseudo_random_key, purpose + b"\x01", hashlib.sha256)


class BlobCipher:
    def __init__(self, key: bytes) -> None:
        if len(key) not in (16, 24, 32):  # as AESGCM checks, here rather than at first use
            raise ValueError("AESGCM key must be 128, 192, or 256 bits.")
        self._key = key
        self._cipher: AESGCM | None = None

    @property
    def _aead(self) -> AESGCM:
        if self._cipher is None:
            from cryptography.hazmat.primitives.ciphers.aead import AESGCM

            self._cipher = AESGCM(self._key)
        return self._cipher

    def _aad(self, header: bytes, index: int, last: bool) -> bytes:
        return header + struct.pack(">I?", index, last)

    def seal_chunks(self, chunks: Iterator[bytes], size: int) -> Iterator[bytes]:
        """Header then sealed chunks for a plaintext of ``size`` bytes given as CHUNK-sized pieces."""
        header = HEADER.pack(MAGIC, CHUNK, size, os.urandom(8))
        yield header
        count = max(1, -(-size // CHUNK))
        seen = 0
        for index, piece in enumerate(chunks):
            seen += len(piece)
            last = index == count - 1
            yield self._aead.encrypt(self._nonce(header, index), piece, self._aad(header, index, last))
        if seen != size:
            raise DecryptError("the file changed while it was being stored")
        if size == 0:
            yield self._aead.encrypt(self._nonce(header, 0), b"", self._aad(header, 0, True))

    def seal(self, data: bytes) -> bytes:
        pieces = (data[i:i + CHUNK] for i in range(0, len(data), CHUNK))
        return b"".join(self.seal_chunks(pieces, len(data)))

    def open_chunk(self, header: bytes, index: int, sealed: bytes, last: bool) -> bytes:
        try:
            return self._aead.decrypt(self._nonce(header, index), sealed, self._aad(header, index, last))
        except _exceptions.InvalidTag as exc:
            raise DecryptError(f"chunk {index} failed its check") from exc

    @staticmethod
    def _nonce(header: bytes, index: int) -> bytes:
        return header[16:24] + struct.pack(">I", index)


def is_sealed(head: bytes) -> bool:
    return head[:4] == MAGIC


class SealedReader(io.RawIOBase):
    """A seekable, read-only plaintext view of a sealed blob file."""

    def __init__(self, raw: BinaryIO, cipher: BlobCipher) -> None:
        super().__init__()
        self._raw = raw
        self._cipher = cipher
        self._header = raw.read(HEADER.size)
        if len(self._header) != HEADER.size or not is_sealed(self._header):
            raise DecryptError("not a sealed blob")
        _, self._chunk, self.size, _ = HEADER.unpack(self._header)
        self._count = max(1, -(-self.size // self._chunk))
        self._pos = 0
        self._cache: tuple[int, bytes] | None = None

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self.size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def _plain_chunk(self, index: int) -> bytes:
        if self._cache and self._cache[0] == index:
            return self._cache[1]
        self._raw.seek(HEADER.size + index * (self._chunk + TAG))
        last = index == self._count - 1
        want = (self.size - index * self._chunk if last else self._chunk) + TAG
        sealed = self._raw.read(want)
        if len(sealed) != want:
            raise DecryptError(f"chunk {index} is cut short")
        plain = self._cipher.open_chunk(self._header, index, sealed, last)
        self._cache = (index, plain)
        return plain

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            size = self.size - self._pos
        out = bytearray()
        while size > 0 and self._pos < self.size:
            index, offset = divmod(self._pos, self._chunk)
            piece = self._plain_chunk(index)[offset:offset + size]
            out += piece
            self._pos += len(piece)
            size -= len(piece)
        return bytes(out)

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)

    def close(self) -> None:
        self._raw.close()
        super().close()
