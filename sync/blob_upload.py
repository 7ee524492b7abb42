"""Uploading scanned files: HEAD first, then a streamed PUT, or resumable parts.

A file is never read whole into memory: :class:`FileSlice` hands the HTTP
library one block at a time. Before any byte leaves, the local file is hashed
and compared with its name, so a damaged file becomes an error on its cases
instead of an upload. Files larger than what the line carries in about
``part_target_s`` seconds (and all over 1 MiB) go in ``Content-Range`` parts;
after a broken connection the upload asks the county how far it got
(``Upload-Offset``) and goes on from there. Part size follows the measured
speed of the line, so that a cut costs at most a couple of seconds of sending.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, BinaryIO

from sync import blob_state, outbox, shapes
from sync.backoff import Backoff, Retrier
from sync.blob_state import NeededBlob
from sync.client import CountyClient
from sync.config import SyncConfig
from sync.errors import RequestRejected, Stopped, TransientError, describe
from sync.progress import Progress
from workstation.crypto import DecryptError
from workstation.errors import BlobError
from workstation.i18n import t

if TYPE_CHECKING:
    from workstation.context import Context


class FileSlice:
    """``length`` bytes of a blob from ``start``, read lazily; reports each block read.

    It reads through ``BlobStore.open``, so an encrypted store is decrypted
    block by block on the way out; a block that fails to read or decrypt
    ends the request with :class:`BlobDamaged`.
    """

    def __init__(self, stream: BinaryIO, sha: str, start: int, length: int,
                 on_read: Callable[[int], None] | None = None) -> None:
        self._stream = stream
        self._stream.seek(start)
        self._sha = sha
        self._left = length
        self._length = length
        self._on_read = on_read
        self.sent = 0

    def __len__(self) -> int:
        return self._length

    def read(self, n: int = -1) -> bytes:
        if self._left <= 0:
            return b""
        want = self._left if n is None or n < 0 else min(n, self._left)
        try:
            data = self._stream.read(want)
        except (OSError, DecryptError, BlobError) as exc:
            raise BlobDamaged(self._sha, "corrupt") from exc
        if not data:  # the file got shorter since it was checked
            raise BlobDamaged(self._sha, "corrupt")
        self._left -= len(data)
        self.sent += len(data)
        if self._on_read:
            self._on_read(len(data))
        return data

    def close(self) -> None:
        self._stream.close()


@dataclass
class PartSizer:
    """Part size from the measured line speed: large on a LAN, a few KiB on a village line."""

    config: SyncConfig
    rate: float | None = None  # bytes per second, smoothed
    size: int = 0

    def __post_init__(self) -> None:
        self.size = self.config.part_initial_bytes

    def part_size(self) -> int:
        return self.size

    def record(self, nbytes: int, seconds: float) -> None:
        sample = nbytes / max(seconds, 1e-4)
        self.rate = sample if self.rate is None else 0.5 * self.rate + 0.5 * sample
        wanted = int(self.rate * self.config.part_target_s)
        # Grow by at most 4x per part: one fast sample must not make a huge part.
        self.size = self._clamp(min(wanted, self.size * 4))

    def failed(self) -> None:
        self.size = self._clamp(self.size // 2)
        if self.rate is not None:
            self.rate /= 2

    def _clamp(self, n: int) -> int:
        return max(self.config.part_min_bytes, min(self.config.part_max_bytes, n))


class BlobDamaged(Exception):  # noqa: N818 - reported on the cases, not raised to staff
    def __init__(self, sha: str, problem: str) -> None:
        super().__init__(problem)
        self.sha, self.problem = sha, problem


@dataclass
class BlobTally:
    uploaded: int = 0
    skipped: int = 0          # already at the county
    bytes_sent: int = 0
    damaged: int = 0
    refused: int = 0
    present: list[str] = field(default_factory=list)


class BlobUploader:
    def __init__(self, ctx: Context, client: CountyClient, retry: Retrier, progress: Progress,
                 stop: threading.Event, sizer: PartSizer) -> None:
        self.ctx, self.client, self.retry = ctx, client, retry
        self.progress, self.stop, self.sizer = progress, stop, sizer
        self.config = retry.config
        self.tally = BlobTally()

    def upload_needed(self) -> BlobTally:
        blob_state.block_refused(self.ctx.db)
        needed = blob_state.needed(self.ctx.db)
        self.progress.step("blobs", files_total=len(needed), bytes_total=sum(b.size for b in needed))
        try:
            for blob in needed:
                if self.stop.is_set():
                    raise Stopped()
                self._one(blob)
                self.progress.add(files=1)
        finally:
            self.flush()
        return self.tally

    def flush(self) -> None:
        blob_state.mark_present(self.ctx.db, self.tally.present)
        self.tally.present = []

    def _one(self, blob: NeededBlob) -> None:
        try:
            self.upload(blob)
        except BlobDamaged as exc:
            self.tally.damaged += 1
            blob_state.mark_bad(self.ctx.db, blob.sha256, blob_state.DAMAGED, _damaged_error(exc))
            return
        except RequestRejected as exc:
            self.tally.refused += 1
            info = describe(exc)
            blob_state.mark_bad(self.ctx.db, blob.sha256, blob_state.REFUSED,
                                outbox.error_record(info["title"], info["message"], source="county"))
            return
        self.tally.present.append(blob.sha256)
        if len(self.tally.present) >= self.config.mark_present_every:
            self.flush()

    def upload(self, blob: NeededBlob) -> None:
        """Make sure the county holds this file; raises BlobDamaged, RequestRejected, TransientError."""
        size = self._verify(blob.sha256)
        present, offset = self.retry.call(lambda: self.client.head_blob(blob.sha256))
        if present:
            self.tally.skipped += 1
            self.progress.add(bytes_=size)
            return
        whole_limit = min(self.config.whole_upload_max_bytes, self.sizer.part_size())
        if offset == 0 and size <= whole_limit:
            self._put_whole(blob, size)
        else:
            self._put_parts(blob, size, offset)
        self.tally.uploaded += 1

    def _verify(self, sha: str) -> int:
        problem = self.ctx.blobs.verify_one(sha)
        if problem:
            raise BlobDamaged(sha, problem)
        return self.ctx.blobs.size(sha)

    def _put_whole(self, blob: NeededBlob, size: int) -> None:
        def attempt() -> None:
            body = self._slice(blob.sha256, 0, size)
            started = time.monotonic()
            try:
                self.client.put_blob(blob.sha256, body, blob.content_type)
            except Exception:
                self.progress.add(bytes_=-body.sent)
                raise
            finally:
                body.close()
            self.sizer.record(size, time.monotonic() - started)

        self.retry.call(attempt)
        self.tally.bytes_sent += size

    def _put_parts(self, blob: NeededBlob, size: int, offset: int) -> None:
        self.progress.add(bytes_=offset)  # what the county already holds counts as done
        backoff = Backoff.from_config(self.config, self.retry.rng)
        failures = 0
        while offset < size:
            if self.stop.is_set():
                raise Stopped()
            try:
                offset, done = self._part(blob, size, offset)
            except TransientError as exc:
                failures += 1
                self.sizer.failed()
                if failures >= self.config.attempts:
                    raise
                self.retry.sleep(backoff.next_delay(exc.retry_after))
                offset = self._resume_point(blob, size, offset)
                continue
            if done:
                return
            failures = 0  # the county moved forward: keep going however often the line drops
            backoff.reset()

    def _part(self, blob: NeededBlob, size: int, offset: int) -> tuple[int, bool]:
        n = min(self.sizer.part_size(), size - offset)
        body = self._slice(blob.sha256, offset, n)
        started = time.monotonic()
        try:
            answer = self.client.put_part(blob.sha256, body, blob.content_type, offset,
                                          offset + n - 1, size)
        except Exception:
            self.progress.add(bytes_=-body.sent)
            raise
        finally:
            body.close()
        self.sizer.record(n, time.monotonic() - started)
        self.tally.bytes_sent += n
        new_offset = size if answer.complete else _checked(answer.offset, size)
        self.progress.add(bytes_=new_offset - (offset + n))
        return new_offset, answer.complete

    def _slice(self, sha: str, start: int, length: int) -> FileSlice:
        try:
            stream = self.ctx.blobs.open(sha)
        except (OSError, BlobError) as exc:
            raise BlobDamaged(sha, "missing") from exc
        return FileSlice(stream, sha, start, length, lambda n: self.progress.add(bytes_=n))

    def _resume_point(self, blob: NeededBlob, size: int, offset: int) -> int:
        present, county_offset = self.retry.call(lambda: self.client.head_blob(blob.sha256))
        new = size if present else _checked(county_offset, size)
        self.progress.add(bytes_=new - offset)
        return new


def _checked(offset: int, size: int) -> int:
    if not 0 <= offset <= size:
        raise shapes.invalid(t(f"Upload-Offset {offset} 超出文件大小", f"Upload-Offset {offset} is beyond the file"))
    return offset


def _damaged_error(exc: BlobDamaged) -> str:
    what = {"missing": ("文件丢失", "is missing"), "corrupt": ("文件已损坏", "is damaged")}
    zh, en = what.get(exc.problem, ("文件无法读取", "cannot be read"))
    return outbox.error_record(
        t("扫描文件有问题，办件暂不能上报", "A scanned file has a problem; the case cannot be sent"),
        t(f"页面文件 {exc.sha[:12]}… {zh}。请重新扫描该页（或从备份恢复），然后再同步。",
          f"Page file {exc.sha[:12]}… {en}. Re-scan that page (or restore a backup), then sync again."))
