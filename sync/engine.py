"""The sync engine: one full cycle against the county, safe to run in any thread.

A cycle is: probe (/ping), catalog, blobs, batches, updates. Each step keeps
its own state in the store, so a cycle can be cut anywhere (a kill, a lost
line, the stop flag) and the next one carries on. The engine never touches a
signal handler or a GUI: it takes a :class:`~workstation.context.Context`
opened in the thread that runs it and a :class:`threading.Event` to stop.

    engine = SyncEngine(ctx.reopen(), stop=threading.Event(), progress=progress)
    result = engine.run_cycle()        # or sync.watch.watch(engine)
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING

import sqlite_utils

from sync import (
    blob_state,
    catalog_sync,
    connectivity,
    history,
    outbox,
    tokens,
    updates,
)
from sync.backoff import Retrier
from sync.batch_sender import BatchSender
from sync.blob_upload import BlobUploader, PartSizer
from sync.client import CountyClient
from sync.config import AUTH_FAILED_AT, CLOCK_SKEW_S, SyncConfig, county_settings
from sync.errors import (
    AuthError,
    NotEnrolled,
    Stopped,
    SyncBusy,
    TransientError,
    Unreachable,
    text_of,
)
from sync.locking import SyncLock
from sync.outcome import CycleResult
from sync.progress import Progress
from workstation import settings
from workstation.clock import now_iso
from workstation.db import DATABASE_ERRORS, temp_store_in_memory
from workstation.errors import WorkstationError
from workstation.i18n import t
from workstation.retention import purge_scans

if TYPE_CHECKING:
    from workstation.context import Context

log = logging.getLogger(__name__)


class SyncEngine:
    def __init__(self, ctx: Context, stop: threading.Event | None = None,
                 config: SyncConfig | None = None, progress: Progress | None = None,
                 rng: random.Random | None = None) -> None:
        self.ctx = ctx
        self.stop = stop or threading.Event()
        self.config = config or SyncConfig()
        self.progress = progress or Progress()
        self.retry = Retrier(self.config, self.sleep, rng)
        self.sizer = PartSizer(self.config)  # remembers the line speed between cycles
        self._max_cases = self.config.batch_max_cases

    def sleep(self, seconds: float) -> None:
        """Wait, unless told to stop (then leave at once)."""
        if self.stop.wait(max(0.0, seconds)):
            raise Stopped()

    # --- one cycle ------------------------------------------------------------------

    def run_cycle(self) -> CycleResult:
        result = CycleResult()
        try:
            with SyncLock(self.ctx.data_dir):
                self._run_recorded(result)
        except SyncBusy as exc:
            result.outcome, result.error = "busy", text_of(exc)
        self._count_left(result)
        self.progress.finish(result.outcome, result.summary())
        return result

    def _run_recorded(self, result: CycleResult) -> None:
        with _journal_in_memory(self.ctx.db):
            self._run_recorded_in(result)

    def _run_recorded_in(self, result: CycleResult) -> None:
        run_id = history.start_run(self.ctx.db)
        self.retry.retries = 0
        try:
            self._guarded(result)
        finally:
            result.retries = self.retry.retries
            self._count_left(result)
            history.finish_run(self.ctx.db, run_id, result.outcome, result.summary(),
                               result.figures(), result.error)

    def _guarded(self, result: CycleResult) -> None:
        try:
            self._cycle(result)
        except Stopped:
            result.outcome = "stopped"
        except AuthError as exc:
            result.outcome, result.error = "auth", text_of(exc)
            settings.put(self.ctx.db, AUTH_FAILED_AT, now_iso())
        except NotEnrolled as exc:
            result.outcome, result.error = "not_enrolled", text_of(exc)
        except TransientError as exc:
            result.outcome = "partial" if result.outcome == "ok" else result.outcome
            result.error, result.retry_after = text_of(exc), exc.retry_after
        except WorkstationError as exc:
            result.outcome, result.error = "error", text_of(exc)
        except Exception as exc:  # never let a bug kill the UI's worker thread silently
            log.exception("sync cycle failed")
            result.outcome, result.error = "error", text_of(exc)

    def _cycle(self, result: CycleResult) -> None:
        client = self._client()
        try:
            self.progress.begin()
            self._probe(client, result)
            outbox.refresh(self.ctx)
            self._step(result, "catalog", lambda: self._catalog(client, result))
            for _ in range(2):  # a second pass re-uploads what the county said was missing
                self._step(result, "blobs", lambda: self._blobs(client, result))
                self._step(result, "batches", lambda: self._batches(client, result))
                if result.outcome != "ok" or not blob_state.needed(self.ctx.db):
                    break
            self._step(result, "updates", lambda: self._updates(client, result))
        finally:
            client.close()
        # The county's "completed" has just come in: scans past the keeping
        # period go now (never anything unsent; see workstation.retention).
        purge_scans(self.ctx, actor="retention")

    def _client(self) -> CountyClient:
        county = county_settings(self.ctx.db)
        if not county.enrolled or not county.url or not county.device_id:
            raise NotEnrolled(t("尚未注册到县级平台", "Not enrolled with the county"),
                              t("请先运行 workstation enroll --url 地址 --code 注册码。",
                                "Run 'workstation enroll --url ADDRESS --code CODE' first."))
        token = tokens.load(self.ctx.data_dir, county.device_id)
        return CountyClient(county.url, token, ca_bundle=county.ca_bundle, config=self.config)

    def _probe(self, client: CountyClient, result: CycleResult) -> None:
        try:
            ping = connectivity.probe(client, self.retry)
        except TransientError:
            result.outcome = "offline"
            raise
        result.clock_skew_s = ping.clock_skew_s
        settings.put(self.ctx.db, CLOCK_SKEW_S, ping.clock_skew_s)

    def _step(self, result: CycleResult, name: str, run: Callable[[], None]) -> None:
        """Run one step; a failing county ends this step, not the ones after it,
        unless the county is gone altogether (then the cycle ends here)."""
        try:
            run()
        except TransientError as exc:
            log.info("sync step %s: %s", name, text_of(exc))
            if isinstance(exc, Unreachable):
                raise
            result.outcome = "partial"
            result.error, result.retry_after = text_of(exc), exc.retry_after

    # --- steps ----------------------------------------------------------------------

    def _catalog(self, client: CountyClient, result: CycleResult) -> None:
        self.progress.step("catalog")
        found = catalog_sync.refresh(self.ctx, client, self.retry)
        result.catalog_changed, result.catalog_skipped = found.changed, found.skipped

    def _blobs(self, client: CountyClient, result: CycleResult) -> None:
        uploader = BlobUploader(self.ctx, client, self.retry, self.progress, self.stop, self.sizer)
        try:
            uploader.upload_needed()
        finally:
            _checkpoint(self.ctx.db)
            tally = uploader.tally
            result.files_uploaded += tally.uploaded
            result.files_skipped += tally.skipped
            result.bytes_uploaded += tally.bytes_sent
            result.files_damaged += tally.damaged

    def _batches(self, client: CountyClient, result: CycleResult) -> None:
        device_id = str(county_settings(self.ctx.db).device_id)
        sender = BatchSender(self.ctx, client, self.retry, self.config, self.progress, self.stop,
                             device_id, self._max_cases)
        try:
            sender.run()
        finally:
            # No checkpoint here: the updates step rewrites many of the same
            # pages (each sent case's row again), and the cycle's end copies
            # every page back once.
            self._max_cases = sender.max_cases
            tally = sender.tally
            result.sent += tally.sent
            result.resend += tally.resend + tally.unanswered
            result.rejected += tally.rejected

    def _updates(self, client: CountyClient, result: CycleResult) -> None:
        result.updates_applied += updates.pull(self.ctx, client, self.retry, self.progress,
                                               self.stop, self.config.updates_page_limit)

    def _count_left(self, result: CycleResult) -> None:
        try:
            found = outbox.counts(self.ctx.db)
        except Exception:  # the store itself may be what failed; the result still goes out
            return
        result.waiting = found["waiting"] + found["in_batch"]
        result.blocked, result.quarantined = found["blocked"], found["quarantined"]

    # --- for the watch loop -------------------------------------------------------

    def has_local_work(self) -> bool:
        return outbox.has_work(self.ctx.db)

    def probe_once(self) -> bool:
        """One ping without retries: is the county back?"""
        try:
            client = self._client()
        except WorkstationError:
            return True  # let the cycle report it
        try:
            connectivity.probe(client, self.retry, attempts=1)
            return True
        except AuthError:
            return True  # the cycle stops on it and says so
        except TransientError:
            return False
        finally:
            client.close()


# Pages the WAL may hold during a cycle before SQLite copies them back (40 MiB at
# 4 KiB). At SQLite's default (1,000) a cycle of 5,000 cases copied the same
# pages back again and again: each batch rewrites the rows and index pages the
# batch before it touched. Disk only: the WAL index grows 32 KiB per 4,096 pages.
CYCLE_WAL_PAGES = 10_000


@contextmanager
def _journal_in_memory(db: sqlite_utils.Database) -> Iterator[None]:
    """``temp_store = MEMORY`` and a longer WAL on this connection for the cycle, then as they were.

    Every write transaction holds a savepoint (``workstation.db.write``), so SQLite
    keeps a copy of each page it changes until the commit; with temp_store at its
    default those copies spill to a temporary file, write by write. In memory they
    cost a memcpy, bounded by one transaction (at most ``batches_ahead`` batches).
    Nothing durable lives there: commits still go through the WAL with
    synchronous=FULL. The longer WAL (``CYCLE_WAL_PAGES``) copies each page back
    once per cycle (the files step apart) instead of once per 1,000 pages
    written (see :func:`_checkpoint`). Restored afterwards because the connection may be a worker
    context that other work goes on using (large sorts belong in a file there).
    """
    with temp_store_in_memory(db):
        previous = None
        with suppress(*DATABASE_ERRORS):
            previous = int(db.execute("PRAGMA wal_autocheckpoint").fetchone()[0])
            db.execute(f"PRAGMA wal_autocheckpoint = {CYCLE_WAL_PAGES}")
        try:
            yield
        finally:
            if previous is not None:
                _checkpoint(db)
                with suppress(*DATABASE_ERRORS):
                    db.execute(f"PRAGMA wal_autocheckpoint = {previous}")


def _checkpoint(db: sqlite_utils.Database) -> None:
    """Copy the step's pages back into the database now, each once, as the WAL
    would have at its default length; PASSIVE: never waits for a reader."""
    with suppress(*DATABASE_ERRORS):
        db.execute("PRAGMA wal_checkpoint(PASSIVE)")
