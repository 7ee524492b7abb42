"""Shared pieces for the sync tests: a county on loopback, a file keyring, cases with pages.

The county is the reference server in tests/county_server, over real HTTP.
Its catalog carries a small service in the workstation's own form format, so
the tests also exercise the catalog sync that puts it into the workstation.
:func:`stricter_service` is how a test gets one case rejected by the county.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
from pathlib import Path
from typing import Any

from tests.conftest import OFFICE
from tests.county_server import CountyServer

ROOT = Path(__file__).resolve().parent.parent
TEST_CODE = "sync_test_allowance"
CODES = [f"TEST-{i:04d}" for i in range(20)]


def _label(zh: str, en: str) -> dict[str, str]:
    return {"zh_CN": zh, "en": en}


TEST_SERVICE: dict[str, Any] = {
    "format": 1, "code": TEST_CODE, "version": "1",
    "name": _label("同步测试补贴", "Sync test allowance"),
    "handling": {"kind": "on_the_spot"},
    "fields": [
        {"name": "grade", "type": "choice", "required": True, "label": _label("档次", "Grade"),
         "choices": [{"value": v, "label": _label(v, v)} for v in ("a", "b", "c")]},
        {"name": "note", "type": "text", "label": _label("备注", "Note"), "max_length": 200},
    ],
    "documents": [
        {"kind": "id_card", "label": _label("居民身份证", "ID card"), "min_pages": 1},
        {"kind": "other_proof", "label": _label("其他证明", "Other proof"), "required": False},
    ],
}
BROKEN_SERVICE: dict[str, Any] = {"code": "broken_service", "version": "1", "fields": "nope"}


def stricter_service() -> dict[str, Any]:
    """The same service and version with grade "c" withdrawn: the county changed its
    rules, so a case captured with "c" is rejected while the others go through."""
    service = json.loads(json.dumps(TEST_SERVICE))
    service["fields"][0]["choices"] = service["fields"][0]["choices"][:2]
    return service


def arm_faults(county: CountyServer, probability: float) -> None:
    """Every kind of fault on every path, each firing at random with ``probability``."""
    from tests.county_server import FAULT_KINDS

    for kind in FAULT_KINDS:
        county.faults.add(kind, path_prefix="/", probability=probability, delay=0.02,
                          after_bytes=2000 if kind == "reset_mid_upload" else None)


def open_store(data_dir: Path, encrypt: bool):
    """A set-up workstation store like the ``ctx`` fixture's, encrypted or not."""
    from tests.conftest import PASSWORD
    from workstation import accounts
    from workstation.context import Context
    from workstation.office import init_office

    context = Context.open(data_dir, encrypt=encrypt)
    init_office(context, OFFICE, "桃花村便民服务站", "admin", PASSWORD)
    accounts.add_user(context.db, "agent1", "village_agent", PASSWORD, actor="admin")
    return context


def fast_config(**changes: Any):
    from sync.config import SyncConfig

    return SyncConfig.fast(**changes)


def enroll_and_prime(ctx, county: CountyServer, code: str = CODES[0]):
    """Enroll, then run one cycle so the catalog (with the test service) is in place."""
    from sync.engine import SyncEngine
    from sync.enrollment import enroll

    ctx.reopen().close()  # fails here if the test asked for ``ctx`` before ``keyring_file``
    enroll(ctx, county.base_url, code, "test workstation")
    engine = SyncEngine(ctx, config=fast_config())
    result = engine.run_cycle()
    assert result.outcome == "ok", result.summary()
    return engine


def jpeg_bytes(rng: random.Random, size: int) -> bytes:
    return b"\xff\xd8\xff\xe0" + rng.randbytes(max(0, size - 4))


def fake_applicant(rng: random.Random) -> dict[str, Any]:
    from workstation.demo import fake_applicant as demo_applicant

    return demo_applicant(rng, OFFICE)


def ready_case(ctx, pages: list[bytes], *, rng: random.Random | None = None, user: str = "agent1",
               grade: str = "a", extra_pages: list[bytes] | None = None) -> str:
    """A case of the test service with ``pages`` as its ID card, made ready."""
    from workstation import case_flow
    from workstation.cases import create_case
    from workstation.documents import PageInput, attach_pages

    rng = rng or random.Random()
    case_id = create_case(ctx, TEST_CODE, fake_applicant(rng), {"grade": grade}, user)
    attach(ctx, case_id, "id_card", pages, user, attach_pages, PageInput)
    if extra_pages:
        attach(ctx, case_id, "other_proof", extra_pages, user, attach_pages, PageInput)
    case_flow.mark_ready(ctx, case_id, user)
    return case_id


def attach(ctx, case_id: str, kind: str, pages: list[bytes], user: str, attach_pages=None,
           page_input=None) -> None:
    if attach_pages is None:
        from workstation.documents import PageInput, attach_pages
        page_input = PageInput
    inputs = [page_input(ctx.blobs.put_bytes(data), "image/jpeg", len(data)) for data in pages]
    attach_pages(ctx, case_id, kind, inputs, user)


def county_cases(county: CountyServer) -> dict[tuple[str, int], dict[str, Any]]:
    """The county's cases by (case_id, revision), failing if any pair is stored twice."""
    found: dict[tuple[str, int], dict[str, Any]] = {}
    for case in county.cases():
        key = (case["case_id"], case["revision"])
        assert key not in found, f"county holds {key} twice"
        found[key] = case
    return found


def assert_county_agrees(ctx, county: CountyServer, case_ids: list[str]) -> None:
    """Every case is at the county once per revision, with the same content, the same
    number locally, and every page file present and hash-identical."""
    from workstation.cases import get_case

    stored = county_cases(county)
    blobs_at_county = set(county.blob_sha256s())
    refs: dict[str, str] = {}
    for case_id in case_ids:
        case = get_case(ctx, case_id)
        revisions = sorted(rev for (cid, rev) in stored if cid == case_id)
        assert revisions == list(range(1, case.revision + 1)), (case_id, revisions, case.revision)
        latest = stored[(case_id, case.revision)]
        assert case.county_ref == latest["county_ref"], (case_id, case.county_ref, latest["county_ref"])
        assert case.status not in ("draft", "ready", "sending"), (case_id, case.status)
        body = latest["body"]
        assert body["fields"] == case.fields and body["applicant"] == case.applicant
        local_pages = [p["sha256"] for d in case.documents for p in d["pages"]]
        county_pages = [p["sha256"] for d in body["documents"] for p in d["pages"]]
        assert county_pages == local_pages
        for sha in county_pages:
            assert sha in blobs_at_county
            data = county.blob_bytes(sha)
            assert hashlib.sha256(data).hexdigest() == sha
            assert data == ctx.blobs.read(sha)
        assert refs.setdefault(case.county_ref, case_id) == case_id, "one county_ref for two cases"


def cli_env(keyring_home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHON_KEYRING_BACKEND"] = "keyrings.alt.file.PlaintextKeyring"
    env["XDG_DATA_HOME"] = str(keyring_home)
    env["WORKSTATION_LANG"] = "en"
    return env


def dump(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=1, default=str)


def assert_batches_clean(ctx, county: CountyServer) -> None:
    """No case was ever sent under a second batch id: the county saw each batch the
    workstation froze, and never had to answer "duplicate" (which a new id for
    cases already stored would cause)."""
    local = {r[0]: r[1] for r in ctx.db.execute("SELECT batch_id, state FROM sync_batches")}
    at_county = county.batches()
    for batch in at_county:
        assert local.get(batch["batch_id"]) == "done", (batch["batch_id"], local.get(batch["batch_id"]))
        outcomes = [r["outcome"] for r in json.loads(batch["response"])["results"]]
        assert "duplicate" not in outcomes, batch["batch_id"]
    assert {b for b, s in local.items() if s == "done"} == {b["batch_id"] for b in at_county}
