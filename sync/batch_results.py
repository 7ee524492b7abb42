"""Applying the county's answer to a batch, matched by case_id, in one transaction.

Each case gets its own outcome: one rejected case never holds up the others.
The whole answer is applied together with closing the batch, so a crash
either leaves the batch open (it is resent and the county replays the same
answer) or fully applied.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sync import batches, blob_state, case_moves, issues, outbox, payload
from sync.errors import RequestRejected, describe
from workstation import audit, statuses
from workstation.cases import load_case
from workstation.db import write
from workstation.i18n import t

if TYPE_CHECKING:
    from workstation.context import Context


STORED = ("accepted", "duplicate")  # the contract: treat a duplicate exactly like accepted


@dataclass
class BatchTally:
    sent: int = 0
    resend: int = 0        # edited meanwhile, or a file to upload again
    rejected: int = 0
    unanswered: int = 0

    def add(self, other: BatchTally) -> None:
        for name in ("sent", "resend", "rejected", "unanswered"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def apply_answer(ctx: Context, batch_id: str, answer: dict[str, Any]) -> BatchTally:
    with write(ctx.db):
        return apply_in(ctx, batch_id, answer)


def apply_in(ctx: Context, batch_id: str, answer: dict[str, Any],
             members: Iterable[batches.Member] | None = None) -> BatchTally:
    """:func:`apply_answer` inside the caller's write transaction, without a savepoint of
    its own (see ``batches.freeze_in``). ``members``: the batch's cases as frozen, when
    the caller holds them (``FrozenBatch.members``)."""
    tally = BatchTally()
    if batches.batch_state(ctx.db, batch_id) != "open":
        return tally  # another engine applied it first
    by_id = {r["case_id"]: r for r in answer["results"]}
    members = batches.members(ctx.db, batch_id) if members is None else list(members)
    now = _current(ctx, [m[0] for m in members])
    clean = []  # stored and untouched since frozen: nearly every case, done in bulk
    for case_id, revision, edit_seq in members:
        result = by_id.get(case_id)
        if result is None or result.get("revision", revision) != revision:
            _unanswered(ctx, case_id, batch_id, tally)
        elif result["outcome"] in STORED and now[case_id][:2] == ("sending", edit_seq):
            clean.append((case_id, revision, edit_seq, result["county_ref"], now[case_id][2]))
        else:
            _apply_one(ctx, case_id, revision, edit_seq, result, tally)
    _stored_in_bulk(ctx, clean, tally)
    batches.record_outcomes(ctx.db, batch_id, answer["results"])
    batches.close_batch(ctx.db, batch_id, "done")
    return tally


def _current(ctx: Context, ids: list[str]) -> dict[str, tuple[str, int, str | None]]:
    rows = ctx.db.execute(f"SELECT case_id, status, edit_seq, county_status FROM cases WHERE case_id IN"
                          f" ({','.join('?' * len(ids))})", ids).fetchall()
    return {r[0]: (r[1], r[2], r[3]) for r in rows}


def _stored_in_bulk(ctx: Context, clean: list[tuple[str, int, int, str, str | None]],
                    tally: BatchTally) -> None:
    # ``clean`` holds only cases found "sending" in this transaction (apply_in).
    case_moves.move_many(ctx, [(c[0], c[3]) for c in clean], statuses.SENT,
                         current={c[0]: statuses.SENDING for c in clean})
    outbox.set_many(ctx.db, [(c[0], c[1], c[2], c[3]) for c in clean], outbox.SENT)
    for case_id, *_rest, county_status in clean:
        if county_status:  # an update overtook the lost answer
            case_moves.catch_up(ctx, case_id)
    tally.sent += len(clean)


def _apply_one(ctx: Context, case_id: str, revision: int, edit_seq: int, result: dict[str, Any],
               tally: BatchTally) -> None:
    if result["outcome"] in STORED:
        _stored(ctx, case_id, revision, edit_seq, result["county_ref"], tally)
    elif _only_missing_blobs(result):
        _missing_blob(ctx, case_id, result, tally)
    else:
        _rejected(ctx, case_id, revision, edit_seq, result.get("errors", []), tally)


def _stored(ctx: Context, case_id: str, revision: int, edit_seq: int, county_ref: str,
            tally: BatchTally) -> None:
    case = load_case(ctx.db, case_id)
    if case.edit_seq == edit_seq and case.status == "sending":
        case_moves.mark_sent(ctx, case_id, county_ref)
        outbox.set_state(ctx.db, case_id, outbox.SENT, county_ref=county_ref, error=None)
        tally.sent += 1
        return
    following = case_moves.stored_but_edited(ctx, case_id, revision, county_ref)
    outbox.set_state(ctx.db, case_id, outbox.WAITING, revision=following, county_ref=county_ref,
                     error=None)
    tally.resend += 1


def _only_missing_blobs(result: dict[str, Any]) -> bool:
    codes = {e.get("code") for e in result.get("errors", [])}
    return result["outcome"] == "rejected" and codes == {"missing_blob"}


def _missing_blob(ctx: Context, case_id: str, result: dict[str, Any], tally: BatchTally) -> None:
    _recheck_files(ctx, case_id)
    case_moves.back_to_ready(ctx, case_id)
    outbox.set_state(ctx.db, case_id, outbox.WAITING, error=outbox.error_record(
        t("县级平台缺少附件，将重新上传", "The county lacks a file; uploading it again"),
        "; ".join(str(e.get("message", "")) for e in result.get("errors", []))[:500], source="county"))
    tally.resend += 1


def _recheck_files(ctx: Context, case_id: str) -> None:
    # Our belief that the county had these files was wrong: check each again (HEAD).
    blob_state.mark_pending(ctx.db, payload.case_page_shas(ctx.db, case_id))


def _rejected(ctx: Context, case_id: str, revision: int, edit_seq: int,
              errors: list[dict[str, Any]], tally: BatchTally) -> None:
    case_moves.back_to_ready(ctx, case_id)
    if any(e.get("code") == "missing_blob" for e in errors):
        _recheck_files(ctx, case_id)
    title = t("县级平台退回了此办件，请更正后重新提交", "The county rejected this case; correct it and submit again")
    message = "; ".join(f"{e.get('field') or '-'}: {e.get('message', e.get('code', ''))}"
                        for e in errors)[:1000]
    outbox.set_state(ctx.db, case_id, outbox.QUARANTINED, revision=revision, edit_seq=edit_seq,
                     error=outbox.error_record(title, message, errors, source="county"))
    audit.append(ctx.db, case_moves.ACTOR, "case.sync_rejected", case_id,
                 {"revision": revision, "codes": sorted({str(e.get("code")) for e in errors})})
    tally.rejected += 1


def _unanswered(ctx: Context, case_id: str, batch_id: str, tally: BatchTally) -> None:
    # The contract promises one result per case; without one the case is sent again in
    # a new batch, which is safe: the county answers "duplicate" for a stored revision.
    case_moves.back_to_ready(ctx, case_id)
    outbox.set_state(ctx.db, case_id, outbox.WAITING)
    issues.record(ctx.db, "batch", batch_id, t("县级平台漏答了一个办件", "The county left a case unanswered"),
                  t(f"批次 {batch_id} 的应答中没有办件 {case_id}，将再次发送。",
                    f"The answer to batch {batch_id} has no result for case {case_id}; it will be sent again."))
    tally.unanswered += 1


def refuse_batch(ctx: Context, batch_id: str, exc: RequestRejected) -> BatchTally:
    """The county refused the whole request (400/409/415/422): its cases wait for staff or IT."""
    tally = BatchTally()
    info = describe(exc)
    error = outbox.error_record(info["title"], info["message"],
                                [{"field": None, "code": exc.code, "message": exc.county_message}],
                                source="county")
    with write(ctx.db):
        for case_id, revision, edit_seq in batches.members(ctx.db, batch_id):
            case_moves.back_to_ready(ctx, case_id)
            outbox.set_state(ctx.db, case_id, outbox.QUARANTINED, revision=revision,
                             edit_seq=edit_seq, error=error)
            tally.rejected += 1
        batches.close_batch(ctx.db, batch_id, "failed", info["message"])
    return tally


def split_batch(ctx: Context, batch_id: str) -> int:
    """413: the county takes less per batch than the contract says. The batch was not
    stored, so its cases go back to waiting and are frozen again in smaller batches."""
    with write(ctx.db):
        found = batches.members(ctx.db, batch_id)
        for case_id, _revision, _edit_seq in found:
            case_moves.back_to_ready(ctx, case_id)
            outbox.set_state(ctx.db, case_id, outbox.WAITING)
        batches.close_batch(ctx.db, batch_id, "split", "413")
    return len(found)
