"""Sending the batches of a cycle: open ones first, then new ones, one in flight at a time.

While the county works on one batch, the engine answers the previous one
and freezes the next (database work only; the network call runs in a helper
thread that touches nothing else). Only one request is ever in flight, so
batches still reach the county in the order they were frozen, and a failure
stops the sending with every later batch either not yet frozen or frozen
and open, to go first next time.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from sync import batch_results, batches, outbox
from sync.backoff import Retrier
from sync.batch_results import BatchTally
from sync.client import CountyClient
from sync.config import SyncConfig
from sync.errors import RequestRejected, Stopped, TransientError, text_of
from sync.progress import Progress
from workstation.db import write

if TYPE_CHECKING:
    from workstation.context import Context

class BatchSender:
    def __init__(self, ctx: Context, client: CountyClient, retry: Retrier, config: SyncConfig,
                 progress: Progress, stop: threading.Event, device_id: str, max_cases: int) -> None:
        self.ctx, self.client, self.retry, self.config = ctx, client, retry, config
        self.progress, self.stop, self.device_id = progress, stop, device_id
        self.max_cases = max_cases  # lowered when the county answers 413
        self.tally = BatchTally()
        self.split_cases = 0

    def run(self) -> BatchTally:
        found = outbox.counts(self.ctx.db)
        self.progress.step("batches", cases_total=found["waiting"] + found["in_batch"])
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-send") as pool:
            while True:
                requeued = self._requeued()
                self._round(pool)
                # Cases edited in flight, or from a batch split for size, can go at once.
                if self.stop.is_set() or self._requeued() == requeued:
                    break
        if self.stop.is_set():
            raise Stopped()
        return self.tally

    def _requeued(self) -> int:
        return self.tally.resend + self.tally.unanswered + self.split_cases

    def _round(self, pool: ThreadPoolExecutor) -> None:
        waiting = list(batches.open_batches(self.ctx.db))  # answers lost earlier go first
        current = self._next(waiting)
        if current is None:
            return
        flight = pool.submit(self._post, current)
        upcoming = self._next(waiting)  # frozen while the county works on ``current``
        while True:
            answer = self._answer(current, flight)
            if upcoming is not None:
                flight = pool.submit(self._post, upcoming)
            with write(self.ctx.db):  # one commit answers a batch and freezes the one after
                self._apply(current, answer)
                following = self._next(waiting) if upcoming is not None else None
            if upcoming is None:
                return
            current, upcoming = upcoming, following

    def _next(self, waiting: list[batches.FrozenBatch]) -> batches.FrozenBatch | None:
        if waiting:
            return waiting.pop(0)
        if self.stop.is_set():
            return None
        return batches.freeze_next(self.ctx, self.config, self.device_id, self.max_cases)

    def _post(self, batch: batches.FrozenBatch) -> dict[str, Any]:
        return self.retry.call(lambda: self.client.post_batch(batch.batch_id, batch.body))

    def _answer(self, batch: batches.FrozenBatch,
                future: Future[dict[str, Any]]) -> dict[str, Any] | RequestRejected:
        try:
            return future.result()
        except TransientError as exc:
            batches.note_failure(self.ctx.db, batch.batch_id, text_of(exc))
            raise
        except RequestRejected as exc:
            return exc

    def _apply(self, batch: batches.FrozenBatch, answer: dict[str, Any] | RequestRejected) -> None:
        if isinstance(answer, RequestRejected):
            self._refused(batch, answer)
        else:
            self.tally.add(batch_results.apply_answer(self.ctx, batch.batch_id, answer))
        self.progress.add(cases=batch.case_count)

    def _refused(self, batch: batches.FrozenBatch, exc: RequestRejected) -> None:
        if exc.status == 413 and batch.case_count > 1:
            # The county takes less per batch than the contract says: halve and go again.
            self.max_cases = max(1, batch.case_count // 2)
            self.split_cases += batch_results.split_batch(self.ctx, batch.batch_id)
            return
        self.tally.add(batch_results.refuse_batch(self.ctx, batch.batch_id, exc))
