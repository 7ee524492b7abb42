"""``workstation support-bundle OUT.zip``: what IT staff need, and no citizen data.

The bundle holds versions, settings without secrets, figures, the doctor's
report and the latest logs. It never holds case data. Every file is scrubbed
once more on the way in (logs were scrubbed when written, but a careless log
call may have slipped a name through): besides the secret and ID-number
patterns, the applicants' own names, ID numbers, phones and address words,
read from this store, are masked wherever they appear.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sqlite3
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

from workstation.db import DATABASE_ERRORS
from workstation.errors import StoreError
from workstation.i18n import t
from workstation.ops_checks import Report
from workstation.ops_logging import is_secret_key, log_files, scrub
from workstation.ops_store import counts, readonly
from workstation.ops_version import versions
from workstation.paths import db_path

log = logging.getLogger(__name__)
MAX_LOG_BYTES = 8 * 1024 * 1024
MASKED = "[隐去]"
SECRET_PARTS = ("token", "password", "secret", "key")
_CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff·]+")
# What to mask: the search columns, the address words, and the indexes again in
# case the table itself is damaged (a covering index is read without the table).
VALUE_QUERIES = [
    ("name", "SELECT applicant_name FROM cases"),
    ("number", "SELECT id_number FROM cases"),
    ("number", "SELECT phone FROM cases"),
    ("number", "SELECT id_number FROM cases INDEXED BY cases_id_number"),
    ("number", "SELECT phone FROM cases INDEXED BY cases_phone"),
    ("address", "SELECT json_extract(applicant, '$.address') FROM cases"),
    ("address", "SELECT json_extract(applicant, '$.current_address') FROM cases"),
]
_DIGIT_RUN = re.compile(r"(?<![0-9A-Za-z])[0-9]{5,17}[0-9Xx]?(?![0-9A-Za-z])")


class KnownValues:
    """This store's applicant values, masked wherever they occur in text."""

    def __init__(self, words: set[str], numbers: set[str]) -> None:
        self.words = {w for w in words if len(w) >= 2}
        self.lengths = sorted({len(w) for w in self.words}, reverse=True)
        self.numbers = numbers

    @classmethod
    def from_store(cls, conn: sqlite3.Connection) -> KnownValues:
        words: set[str] = set()
        numbers: set[str] = set()
        for kind, sql in VALUE_QUERIES:
            try:  # each on its own: a damaged table or index must not cost the others
                values = [str(r[0]) for r in conn.execute(sql) if r[0]]
            except DATABASE_ERRORS:
                log.warning("support bundle: some applicant values unreadable", extra={"query": kind})
                continue
            if kind == "number":
                numbers.update(values)
            elif kind == "name":
                words.update(values)
            else:
                words.update(w for v in values for w in _CJK_RUN.findall(v) if len(w) >= 4)
        return cls(words, numbers)

    def mask(self, text: str) -> str:
        if self.numbers:
            text = _DIGIT_RUN.sub(lambda m: MASKED if m.group(0) in self.numbers else m.group(0), text)
        if self.words:
            text = _CJK_RUN.sub(lambda m: self._mask_run(m.group(0)), text)
        return text

    def _mask_run(self, run: str) -> str:
        out, i = [], 0
        while i < len(run):
            hit = next((n for n in self.lengths if run[i:i + n] in self.words), 0)
            out.append(MASKED if hit else run[i])
            i += hit or 1
        return "".join(out)


def make_bundle(data_dir: Path, out: Path, report: Report | None) -> Path:
    """Write the zip to ``out`` (atomically); ``report`` is the doctor's, if it ran."""
    known, figures, stored = _from_store(data_dir)
    files: dict[str, str] = {
        "README.txt": _readme(),
        "versions.json": _json(versions()),
        "settings.json": _json(_safe_settings(stored)),
        "counts.json": _json(figures),
        "doctor.json": _json(report.to_dict() if report else {"skipped": True}),
        "data_dir.json": _json(_listing(data_dir)),
    }
    files.update(_logs(data_dir))
    folder = "workstation-support-" + datetime.now().strftime("%Y%m%d-%H%M%S")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in files.items():
            zf.writestr(f"{folder}/{name}", known.mask(scrub(text)))
    os.replace(tmp, out)
    log.info("support bundle written", extra={"path": str(out), "files": len(files)})
    return out


def _from_store(data_dir: Path) -> tuple[KnownValues, dict[str, Any], dict[str, Any]]:
    if not db_path(data_dir).is_file():
        return KnownValues(set(), set()), {"database": "absent"}, {}
    try:
        with readonly(data_dir) as conn:
            stored = {k: v for k, v in conn.execute("SELECT key, value FROM settings")}
            return KnownValues.from_store(conn), counts(conn), stored
    except DATABASE_ERRORS as exc:
        return KnownValues(set(), set()), {"database": f"unreadable: {exc}"}, {}
    except StoreError as exc:
        return KnownValues(set(), set()), {"database": f"unreadable: {exc}"}, {}


def _safe_settings(stored: dict[str, str]) -> dict[str, Any]:
    safe: dict[str, Any] = {}
    for key, raw in sorted(stored.items()):
        if is_secret_key(key) or any(part in key.lower() for part in SECRET_PARTS):
            continue  # secrets belong in the keyring; dropped here in case one strayed
        try:
            safe[key] = json.loads(raw)
        except (TypeError, ValueError):
            safe[key] = raw
    return safe


def _listing(data_dir: Path) -> dict[str, Any]:
    if not data_dir.is_dir():
        return {"path": str(data_dir), "exists": False}
    entries = {p.name: (p.stat().st_size if p.is_file() else "dir") for p in sorted(data_dir.iterdir())}
    return {"path": str(data_dir), "exists": True, "entries": entries}


def _logs(data_dir: Path) -> dict[str, str]:
    files, budget = {}, MAX_LOG_BYTES
    for path in log_files(data_dir):
        if budget <= 0:
            break
        data = path.read_bytes()[-budget:]
        budget -= len(data)
        files[f"logs/{path.name}"] = data.decode("utf-8", errors="replace")
    return files


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, default=str) + "\n"


def _readme() -> str:
    return t("工作站支持包：版本、设置（不含密钥）、统计数字、自检报告和最近的日志。\n"
             "不含任何群众信息（姓名、身份证号、电话、地址、办件内容）。\n",
             "Workstation support bundle: versions, settings (no secrets), figures, the doctor's report "
             "and recent logs.\nIt holds no citizen data (names, ID numbers, phones, addresses, case contents).\n")
