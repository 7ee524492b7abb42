"""Retention of scans, password history, roles through the domain API."""

from __future__ import annotations

from datetime import timedelta

import pytest

from workstation import accounts, case_flow, settings, statuses
from workstation.cases import get_case
from workstation.clock import now
from workstation.db import write
from workstation.errors import ValidationFailed
from workstation.retention import purge_scans

from .conftest import PASSWORD
from .test_cases import attach_required


def _through_county(ctx, case_id, final="completed", at="2026-01-05T10:00:00+08:00"):
    attach_required(ctx, case_id)
    case_flow.mark_ready(ctx, case_id, "agent1")
    with write(ctx.db):
        case_flow.set_sync_status(ctx, case_id, statuses.SENDING)
        case_flow.set_sync_status(ctx, case_id, statuses.SENT, county_ref="AQ-1")
        case_flow.apply_county_status(ctx, case_id, final, None, at)


def test_completed_case_scans_are_deleted_after_the_period(ctx, make_case):
    done, approved, draft = make_case(), make_case(), make_case()
    _through_county(ctx, done)
    _through_county(ctx, approved, final="approved")
    attach_required(ctx, draft)
    draft_shas = {p["sha256"] for d in get_case(ctx, draft).documents for p in d["pages"]}
    done_shas = {p["sha256"] for d in get_case(ctx, done).documents for p in d["pages"]}
    # Within the period nothing goes.
    assert purge_scans(ctx, at=now().replace(year=2026, month=2, day=1)) == []
    # A year later only the completed case loses its scans, whatever the dates of the others.
    assert purge_scans(ctx, at=now() + timedelta(days=400)) == [done]
    case = get_case(ctx, done)
    assert case.documents == [] and case.applicant["name"] == "张桂英"
    for sha in done_shas:
        assert not ctx.blobs.has(sha)
    assert len(get_case(ctx, approved).documents) > 0
    for sha in draft_shas:
        assert ctx.blobs.has(sha)
    actions = [r[0] for r in ctx.db.execute("SELECT action FROM audit_log WHERE case_id = ?", [done])]
    assert "retention.purge_scans" in actions
    assert purge_scans(ctx, at=now() + timedelta(days=400)) == []


def test_retention_period_is_configurable(ctx, make_case):
    done = make_case()
    _through_county(ctx, done, at=(now() - timedelta(days=10)).isoformat())
    assert purge_scans(ctx) == []
    settings.put(ctx.db, "retention.days", 7)
    assert purge_scans(ctx) == [done]


def test_unsent_case_is_never_purged_even_if_marked_completed_locally(ctx, make_case):
    case_id = make_case()
    attach_required(ctx, case_id)
    ctx.db.execute("UPDATE cases SET status = 'completed', county_status = 'completed',"
                   " county_updated_at = '2020-01-01T00:00:00+00:00' WHERE case_id = ?", [case_id])
    assert purge_scans(ctx, at=now() + timedelta(days=4000)) == []
    assert get_case(ctx, case_id).documents


def test_recent_passwords_cannot_be_reused(ctx):
    accounts.set_password(ctx.db, "clerk1", "second secret 2", actor="clerk1")
    with pytest.raises(ValidationFailed) as info:
        accounts.set_password(ctx.db, "clerk1", PASSWORD, actor="clerk1")
    assert "最近" in info.value.title
    with pytest.raises(ValidationFailed):
        accounts.set_password(ctx.db, "clerk1", "second secret 2", actor="admin")
    accounts.set_password(ctx.db, "clerk1", "third secret 33", actor="admin")
    assert accounts.authenticate(ctx.db, "clerk1", "third secret 33").role == "clerk"


def test_csv_export_masks_unless_allowed_and_asked(ctx, make_case, tmp_path):
    from workstation.case_queries import CaseFilter
    from workstation.errors import PermissionDenied
    from workstation.export import export_csv

    make_case(user="agent1")
    make_case(user="agent2")
    out = tmp_path / "cases.csv"
    assert export_csv(ctx, out, "agent1", CaseFilter(), ("applicant_name", "id_number", "phone")) == 1
    text = out.read_text(encoding="utf-8-sig")
    assert "3408**********0022" in text and "340822195803150022" not in text and "139****1234" in text
    with pytest.raises(PermissionDenied):
        export_csv(ctx, out, "agent1", CaseFilter(), ("id_number",), full_numbers=True)
    assert export_csv(ctx, out, "clerk1", CaseFilter(), ("id_number",), full_numbers=True) == 2
    assert "340822195803150022" in out.read_text(encoding="utf-8-sig")
    exports = ctx.db.execute("SELECT actor, detail FROM audit_log WHERE action = 'case.export'").fetchall()
    assert [e[0] for e in exports] == ["agent1", "clerk1"]
    assert '"full_numbers": true' in exports[1][1]


def test_cli_roles_allowed_and_refused(ctx, make_case, capsys):
    from cli.main import main

    theirs = make_case(user="agent2")
    data_dir = str(ctx.data_dir)
    assert main(["--data-dir", data_dir, "case", "show", theirs, "--user", "agent1"]) == 5
    assert "代办员只能查看" in capsys.readouterr().err
    assert main(["--data-dir", data_dir, "case", "show", theirs, "--user", "clerk1", "--json"]) == 0
    views = ctx.db.execute("SELECT actor FROM audit_log WHERE action = 'case.view' AND case_id = ?",
                           [theirs]).fetchall()
    assert views == [("clerk1",)]
    assert main(["--data-dir", data_dir, "case", "set", theirs, "applicant.phone=13800000000",
                 "--user", "agent1"]) == 5
    assert main(["--data-dir", data_dir, "user", "add", "x9", "--role", "clerk", "--by", "clerk1"]) == 5


def test_cli_retention(ctx, make_case, capsys):
    from cli.main import main

    done = make_case()
    _through_county(ctx, done, at=(now() - timedelta(days=40)).isoformat())
    data_dir = str(ctx.data_dir)
    assert main(["--data-dir", data_dir, "retention", "--dry-run", "--json"]) == 0
    assert '"cases": []' in capsys.readouterr().out
    assert main(["--data-dir", data_dir, "retention", "--days", "30"]) == 0
    assert "1" in capsys.readouterr().out
    assert get_case(ctx, done).documents == []
