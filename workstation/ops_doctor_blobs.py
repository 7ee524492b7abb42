"""The doctor's check of stored files (scans, imports) against the hashes the database records."""

from __future__ import annotations

import sqlite3
from typing import Any

from workstation.blobs import BlobStore
from workstation.i18n import t
from workstation.ops_checks import (
    ERROR,
    LIST_LIMIT,
    OK,
    ORPHAN_GRACE_S,
    SKIPPED,
    WARNING,
    Check,
    Probe,
    check_title,
)
from workstation.paths import BLOB_DIR


def blob_check(probe: Probe) -> Check:
    title = check_title("blobs")
    if probe.conn is None or not probe.db_usable:
        return Check("blobs", title, SKIPPED, t("数据库无法读取，未检查。", "Not checked: database unreadable."))
    referenced = [r[0] for r in probe.conn.execute("SELECT sha256 FROM blobs ORDER BY sha256")]
    root = probe.data_dir / BLOB_DIR
    store = probe.keys.blob_store(root) if root.is_dir() else None
    missing, corrupt = [], []
    for sha in referenced:
        state = _state(store, sha, probe.quick)
        if state == "missing":
            missing.append(sha)
        elif state == "corrupt":
            corrupt.append(sha)
    orphans = store.orphans(referenced, older_than_s=ORPHAN_GRACE_S) if store else []
    details: dict[str, Any] = {"referenced": len(referenced), "missing": missing[:LIST_LIMIT],
               "corrupt": corrupt[:LIST_LIMIT], "orphans": len(orphans), "hashes_checked": not probe.quick}
    if missing or corrupt:
        details["affected_cases"] = affected_cases(probe.conn, missing + corrupt)
        cases = "、".join(details["affected_cases"][:5]) or "-"
        return Check("blobs", title, ERROR,
                     t(f"{len(missing)} 个文件丢失，{len(corrupt)} 个文件损坏（共 {len(referenced)} 个）。涉及办件：{cases}",
                       f"{len(missing)} files missing, {len(corrupt)} damaged (of {len(referenced)}). Cases: {cases}"),
                     t("请用 workstation restore 从最近的备份恢复，或重新扫描所列办件的材料。",
                       "Restore the latest backup with 'workstation restore', or re-scan the listed cases' documents."),
                     details)
    if orphans:
        return Check("blobs", title, WARNING,
                     t(f"全部 {len(referenced)} 个文件完好；另有 {len(orphans)} 个无用文件。",
                       f"All {len(referenced)} files intact; {len(orphans)} unused files too."),
                     t("无需处理：工作站下次单独启动时会自动清理。", "Nothing to do: the app removes them at its next start."),
                     details)
    how = t("存在", "present") if probe.quick else t("校验值正确", "hashes match")
    return Check("blobs", title, OK, t(f"全部 {len(referenced)} 个文件{how}。", f"All {len(referenced)} files {how}."),
                 details=details)


def _state(store: BlobStore | None, sha: str, quick: bool) -> str | None:
    if store is None:
        return "missing"
    if quick:
        return None if store.has(sha) else "missing"
    return store.verify_one(sha)


def affected_cases(conn: sqlite3.Connection, shas: list[str]) -> list[str]:
    """Local case numbers (no citizen data) whose pages use these files."""
    marks = ",".join("?" * len(shas[:500]))
    rows = conn.execute(
        "SELECT DISTINCT c.local_no FROM pages p JOIN documents d ON d.doc_id = p.doc_id"
        f" JOIN cases c ON c.case_id = d.case_id WHERE p.sha256 IN ({marks})"
        f" OR p.thumb_sha256 IN ({marks}) ORDER BY c.local_no", [*shas[:500], *shas[:500]])
    return [r[0] for r in rows]
