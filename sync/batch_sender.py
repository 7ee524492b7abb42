"""Sending the batches of a cycle: open ones first, then new ones, one in flight at a time.

A helper thread is the line to the county: it posts frozen batches one after
the other, in the order they were frozen, and touches nothing else. The
engine's own thread keeps a few frozen batches queued for it and, whenever
answers come back (once the queue is full, in pairs when the second follows
closely), applies every answer that has arrived and freezes as many batches as
were answered, all in one commit. A batch is handed to the line
only once the commit that froze it is done, so every rule of freezing holds;
what changes is that the engine's bookkeeping no longer waits for the county,
nor the county for the bookkeeping, and that when the bookkeeping is the
slower side several answers share one commit instead of paying one each.

Only one request is ever in flight, so batches reach the county in the order
they were frozen. A failure stops the line: every later batch is either not
yet frozen or frozen and open, to go first next time (as stored, with its
own id).
"""

from __future__ import annotations

import threading
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor, wait
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

Answer = dict[str, Any] | RequestRejected | None  # None: not sent (told to stop, or the line failed)
PAIR_WAIT_S = 0.05  # with the queue full, how long an answer waits for the next to share its commit


class BatchSender:
    def __init__(self, ctx: Context, client: CountyClient, retry: Retrier, config: SyncConfig,
                 progress: Progress, stop: threading.Event, device_id: str, max_cases: int) -> None:
        self.ctx, self.client, self.retry, self.config = ctx, client, retry, config
        self.progress, self.stop, self.device_id = progress, stop, device_id
        self.max_cases = max_cases  # lowered when the county answers 413
        self.tally = BatchTally()
        self.split_cases = 0
        self._halt = threading.Event()  # the line failed: send nothing more

    def run(self) -> BatchTally:
        found = outbox.counts(self.ctx.db)
        self.progress.step("batches", cases_total=found["waiting"] + found["in_batch"])
        while True:
            requeued = self._requeued()
            self._round()
            # Cases edited in flight, or from a batch split for size, can go at once.
            if self.stop.is_set() or self._requeued() == requeued:
                break
        if self.stop.is_set():
            raise Stopped()
        return self.tally

    def _requeued(self) -> int:
        return self.tally.resend + self.tally.unanswered + self.split_cases

    def _round(self) -> None:
        waiting = deque(batches.open_batches(self.ctx.db))  # answers lost earlier go first
        flights: deque[tuple[batches.FrozenBatch, Future[Answer]]] = deque()
        self._halt.clear()
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-send")
        try:
            with write(self.ctx.db):
                fresh, more = self._fill(waiting, 1)
            self._launch(pool, flights, fresh)
            while flights:
                self._await_answers(flights, more)
                ready = []
                while flights and flights[0][1].done():
                    ready.append(flights.popleft())
                failure: BaseException | None = None
                with write(self.ctx.db):  # one commit answers what came back and freezes what follows
                    for batch, flight in ready:
                        failure = self._apply_flight(batch, flight)
                        if failure is not None:
                            break
                    if failure is None and more and not self.stop.is_set():
                        # Refill the queue; from a cold start, about doubling it each time,
                        # so that the first batch goes out without waiting for a long commit.
                        room = self.config.batches_ahead - len(flights)
                        fresh, more = self._fill(waiting, min(room, len(ready) + len(flights) + 1))
                    else:
                        fresh, more = [], False
                if failure is not None:
                    raise failure
                self._launch(pool, flights, fresh)
        finally:
            self._halt.set()  # whatever is still queued stays frozen and open, sent first next time
            pool.shutdown(wait=True, cancel_futures=True)

    def _await_answers(self, flights: deque[tuple[batches.FrozenBatch, Future[Answer]]],
                       more: bool) -> None:
        """Wait for what the next commit applies: with the queue full, the first answer and,
        for at most ``PAIR_WAIT_S``, the one after it.

        Every commit waits for the disk (synchronous=FULL: about 2 ms on the bench
        machine). Answered one at a time, a cycle of 5,000 cases on loopback made
        about 45 commits, a third of the bookkeeping's time; in pairs, about 30.
        On a fast line the second answer is a few milliseconds behind the first; on a
        slow one the first is applied alone once the wait is over, so answers never
        sit unapplied for long. Either way the line still has the rest of the queue.
        With room in the queue nothing is awaited (the queue fills first).
        """
        full = len(flights) >= self.config.batches_ahead
        if (full or not more) and not flights[0][1].done():
            _wait(flights[0][1])
        if full and more and len(flights) > 1:
            wait([flights[1][1]], timeout=PAIR_WAIT_S)

    def _fill(self, waiting: deque[batches.FrozenBatch],
              count: int) -> tuple[list[batches.FrozenBatch], bool]:
        """Up to ``count`` batches to send next, and whether there may be more."""
        fresh: list[batches.FrozenBatch] = []
        while len(fresh) < count:
            batch = self._next(waiting)
            if batch is None:
                return fresh, False
            fresh.append(batch)
        return fresh, True

    def _next(self, waiting: deque[batches.FrozenBatch]) -> batches.FrozenBatch | None:
        if waiting:
            return waiting.popleft()
        if self.stop.is_set():
            return None
        return batches.freeze_in(self.ctx, self.config, self.device_id, self.max_cases)

    def _launch(self, pool: ThreadPoolExecutor,
                flights: deque[tuple[batches.FrozenBatch, Future[Answer]]],
                fresh: list[batches.FrozenBatch]) -> None:
        """Hand committed batches to the line; it sends them in this order, one at a time."""
        for batch in fresh:
            flights.append((batch, pool.submit(self._post, batch)))

    def _post(self, batch: batches.FrozenBatch) -> Answer:
        """In the helper thread: send one batch, or nothing once told to stop."""
        if self._halt.is_set() or self.stop.is_set():
            return None
        try:
            return self.retry.call(lambda: self.client.post_batch(batch.batch_id, batch.body))
        except RequestRejected as exc:
            return exc
        except BaseException:
            self._halt.set()  # later batches must not overtake a failed one
            raise

    def _apply_flight(self, batch: batches.FrozenBatch, flight: Future[Answer]) -> BaseException | None:
        """Apply one answer inside the caller's transaction; returns the failure that ends the round."""
        try:
            answer = flight.result()
        except TransientError as exc:
            batches.note_failure(self.ctx.db, batch.batch_id, text_of(exc))
            return exc
        except BaseException as exc:
            return exc
        if answer is None:
            return None  # not sent (told to stop): it stays open and goes first next time
        if isinstance(answer, RequestRejected):
            self._refused(batch, answer)
        else:
            self.tally.add(batch_results.apply_in(self.ctx, batch.batch_id, answer, batch.members))
        self.progress.add(cases=batch.case_count)
        return None

    def _refused(self, batch: batches.FrozenBatch, exc: RequestRejected) -> None:
        if exc.status == 413 and batch.case_count > 1:
            # The county takes less per batch than the contract says: halve and go again.
            self.max_cases = max(1, batch.case_count // 2)
            self.split_cases += batch_results.split_batch(self.ctx, batch.batch_id)
            return
        self.tally.add(batch_results.refuse_batch(self.ctx, batch.batch_id, exc))


def _wait(flight: Future[Answer]) -> None:
    """Block until the answer is in (its outcome, failure included, is read later)."""
    flight.exception()
