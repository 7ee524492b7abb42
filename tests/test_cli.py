"""The command line: exact names, exit codes, JSON output, import of good and bad rows."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from cli.main import main

from .conftest import OFFICE, PASSWORD, sample_applicant, sample_fields

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def cli_dir(ctx):
    data_dir = ctx.data_dir
    ctx.close()
    return data_dir


def run(data_dir, *args, stdin=""):
    """The CLI in a subprocess, as IT staff and scripts call it."""
    return subprocess.run([sys.executable, "-m", "cli", "--data-dir", str(data_dir), *args],
                          cwd=ROOT, input=stdin, capture_output=True, text=True, timeout=120)


def call(capsys, data_dir, *args):
    code = main(["--data-dir", str(data_dir), *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_init_creates_office_and_admin_from_stdin(tmp_path):
    result = run(tmp_path / "new", "init", "--office-code", OFFICE, "--admin", "boss",
                 stdin="a good password\n")
    assert result.returncode == 0, result.stderr
    again = run(tmp_path / "new", "init", "--office-code", OFFICE, "--admin", "boss",
                stdin="a good password\n")
    assert again.returncode != 0 and "已经初始化" in again.stderr
    assert len(again.stderr.strip().splitlines()) == 1


def test_commands_refuse_uninitialized_store(tmp_path):
    result = run(tmp_path / "empty", "case", "list")
    assert result.returncode != 0
    assert "init" in result.stderr


def _write_json(tmp_path, cases):
    path = tmp_path / "cases.json"
    path.write_text(json.dumps(cases, ensure_ascii=False), encoding="utf-8")
    return path


def test_import_json_keeps_good_rows_and_reports_bad(capsys, cli_dir, tmp_path):
    good = {"service_code": "rural_pension_enrollment", "applicant": sample_applicant(),
            "fields": sample_fields()}
    bad_id = {**good, "applicant": sample_applicant(id_number="340822195803150023")}
    unknown = {**good, "service_code": "no_such_service"}
    path = _write_json(tmp_path, [good, bad_id, unknown, good])
    code, out, err = call(capsys, cli_dir, "case", "import", str(path), "--user", "agent1", "--json")
    assert code == 2
    result = json.loads(out)
    assert len(result["case_ids"]) == 2
    assert [p["row"] for p in result["problems"]] == [2, 3]
    assert "第 2 行" in err and "身份证" in err
    code, out, _ = call(capsys, cli_dir, "case", "list", "--json")
    rows = json.loads(out)
    assert {r["case_id"] for r in rows} == set(result["case_ids"])
    for key in ("case_id", "revision", "status", "service_code", "applicant_name", "county_ref"):
        assert key in rows[0]


def test_import_csv_with_ready_and_documents(capsys, cli_dir, tmp_path):
    from workstation.catalog import load_builtin_catalog

    form = load_builtin_catalog().get("rural_pension_enrollment")
    fields = sample_fields()
    header = ["service_code", "name", "id_number", "phone", "address", "division_code", *fields]
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header)
    row = ["rural_pension_enrollment", "刘长林", "11010519491231002X", "13905561234", "桃花村一组3号",
           OFFICE, *[json.dumps(v) if isinstance(v, list) else str(v) for v in fields.values()]]
    writer.writerow(row)
    writer.writerow(["rural_pension_enrollment", "坏号码", "123", *row[3:]])
    path = tmp_path / "cases.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    code, out, err = call(capsys, cli_dir, "case", "import", str(path), "--user", "agent1",
                          "--ready", "--json")
    result = json.loads(out)
    assert code == 2 and len(result["case_ids"]) == 1
    assert result["problems"][0]["row"] == 3
    # No documents: it validates as a form but stays a draft.
    assert result["ready"] == []
    assert form.required_documents(fields)


def test_import_with_documents_ready(capsys, cli_dir, tmp_path):
    from workstation.catalog import load_builtin_catalog

    form = load_builtin_catalog().get("rural_pension_enrollment")
    fields = sample_fields()
    docs = []
    for i, doc in enumerate(form.required_documents(fields)):
        files = []
        for n in range(doc.min_pages):
            f = tmp_path / f"{doc.kind}{n}.png"
            _png(f, 40 + i * 7 + n)
            files.append(f.name)
        docs.append({"kind": doc.kind, "files": files})
    path = _write_json(tmp_path, [{"service_code": form.code, "applicant": sample_applicant(),
                                   "fields": fields, "documents": docs}])
    code, out, err = call(capsys, cli_dir, "case", "import", str(path), "--user", "agent1",
                          "--ready", "--json")
    assert code == 0, err
    result = json.loads(out)
    assert result["ready"] == result["case_ids"]
    code, out, _ = call(capsys, cli_dir, "case", "show", result["case_ids"][0], "--json")
    shown = json.loads(out)
    assert shown["status"] == "ready"
    assert all(len(p["sha256"]) == 64 for d in shown["documents"] for p in d["pages"])
    assert {"status", "reason", "ref"} <= set(shown["county"])


def _png(path, size):
    from PIL import Image

    Image.new("RGB", (size, size), (size, 100, 200)).save(path)


def test_malformed_json_file_is_a_clear_error(capsys, cli_dir, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text("[{\"service_code\": ", encoding="utf-8")
    code, out, err = call(capsys, cli_dir, "case", "import", str(path), "--user", "agent1")
    assert code == 1 and "JSON" in err and "第 1 行" in err


def test_set_ready_show_attach_status_audit(capsys, cli_dir, tmp_path):
    good = {"service_code": "rural_pension_enrollment", "applicant": sample_applicant(),
            "fields": sample_fields()}
    code, out, _ = call(capsys, cli_dir, "case", "import", str(_write_json(tmp_path, [good])),
                        "--user", "agent1", "--json")
    case_id = json.loads(out)["case_ids"][0]
    code, out, err = call(capsys, cli_dir, "case", "set", case_id, "applicant.phone=+86 139 0556 9999",
                          "fields.nonexistent=1", "--user", "agent1")
    assert code == 0, err
    code, out, err = call(capsys, cli_dir, "case", "set", case_id, "bogus=1", "--user", "agent1")
    assert code == 1 and "字段路径" in err
    code, out, err = call(capsys, cli_dir, "case", "ready", case_id, "--user", "agent1")
    assert code == 1 and "材料" in err
    from workstation.catalog import load_builtin_catalog

    for doc in load_builtin_catalog().get("rural_pension_enrollment").required_documents(sample_fields()):
        files = []
        for n in range(doc.min_pages):
            f = tmp_path / f"{doc.kind}-{n}.png"
            _png(f, 30 + n)
            files.append(str(f))
        code, out, err = call(capsys, cli_dir, "attach", case_id, *files, "--kind", doc.kind,
                              "--user", "agent1", "--json")
        assert code == 0, err
    code, out, err = call(capsys, cli_dir, "case", "ready", case_id, "--user", "agent1")
    assert code == 0, err
    code, out, _ = call(capsys, cli_dir, "case", "show", case_id, "--json")
    shown = json.loads(out)
    assert shown["status"] == "ready" and shown["applicant"]["phone"] == "13905569999"
    code, out, _ = call(capsys, cli_dir, "status", "--json")
    status = json.loads(out)
    assert status["counts"]["ready"] == 1 and status["store"]["integrity"] == "ok"
    code, out, _ = call(capsys, cli_dir, "audit", "verify")
    assert code == 0 and "完整" in out
    code, out, _ = call(capsys, cli_dir, "--lang", "en", "audit", "verify")
    assert "intact" in out


def test_list_masks_id_numbers_and_search(capsys, cli_dir, tmp_path):
    cases = [{"service_code": "rural_pension_enrollment",
              "applicant": sample_applicant(name=name), "fields": sample_fields()}
             for name in ("王芳", "李明")]
    call(capsys, cli_dir, "case", "import", str(_write_json(tmp_path, cases)), "--user", "agent1")
    code, out, _ = call(capsys, cli_dir, "case", "list", "--search", "王芳", "--json")
    rows = json.loads(out)
    assert [r["applicant_name"] for r in rows] == ["王芳"]
    assert rows[0]["id_number"] == "3408**********0022"


def test_user_add_and_services(capsys, cli_dir, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    code, out, err = call(capsys, cli_dir, "user", "add", "clerk9", "--role", "clerk")
    assert code == 0, err
    code, out, _ = call(capsys, cli_dir, "user", "list", "--json")
    assert "clerk9" in {u["username"] for u in json.loads(out)}
    code, out, _ = call(capsys, cli_dir, "services", "--json")
    codes = {s["code"] for s in json.loads(out)}
    assert {"rural_pension_enrollment", "dibao_application", "birth_registration"} <= codes
    assert len(codes) >= 8


def test_no_command_without_a_display_is_a_clear_error(tmp_path):
    import os

    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    result = subprocess.run([sys.executable, "-m", "cli", "--data-dir", str(tmp_path / "d")], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "没有图形界面" in result.stderr and len(result.stderr.strip().splitlines()) == 1
