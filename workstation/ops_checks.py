"""What the doctor's checks share: results, the probe, the report and its text form."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from workstation.i18n import t
from workstation.ops_store import StoreKeys

OK, WARNING, ERROR, SKIPPED = "ok", "warning", "error", "skipped"
RANK = {SKIPPED: 0, OK: 0, WARNING: 1, ERROR: 2}
ORPHAN_GRACE_S = 3600.0  # as start-up recovery: younger files may belong to a running save
LIST_LIMIT = 20
CHECK_NAMES = ["data_dir", "encryption", "database", "schema", "blobs", "audit", "disk", "keyring", "county", "scanners"]
TITLES = {"data_dir": ("数据目录", "Data directory"), "encryption": ("数据加密", "Encryption at rest"), "database": ("数据库完整性", "Database integrity"),
          "schema": ("数据库版本", "Database version"), "blobs": ("扫描文件", "Stored files"),
          "audit": ("审计日志", "Audit log"), "disk": ("磁盘空间", "Disk space"),
          "keyring": ("系统密钥环", "System keyring"), "county": ("县级平台", "County platform"),
          "scanners": ("扫描仪", "Scanners")}


def check_title(name: str) -> str:
    zh, en = TITLES.get(name, (name, name))
    return t(zh, en)


@dataclass
class Check:
    name: str
    title: str
    status: str
    summary: str
    advice: str = ""
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class Probe:
    """What the checks share: the data directory and, when it opens, the database."""

    data_dir: Path
    quick: bool = False
    timeout_s: float = 5.0
    conn: sqlite3.Connection | None = None
    db_usable: bool = False
    keys: StoreKeys = field(default_factory=StoreKeys)


@dataclass
class Report:
    data_dir: str
    checks: list[Check]

    @property
    def status(self) -> str:
        worst = max((RANK[c.status] for c in self.checks), default=0)
        return {0: OK, 1: WARNING, 2: ERROR}[worst]

    @property
    def exit_code(self) -> int:
        """0 healthy, 1 warnings only, 2 errors."""
        return RANK[self.status]

    def to_dict(self) -> dict[str, Any]:
        return {"data_dir": self.data_dir, "status": self.status,
                "checks": [asdict(c) for c in self.checks]}


CheckFn = Callable[[Probe], Check]


def format_text(report: Report) -> str:
    return "\n".join(format_check(c) for c in report.checks) + "\n" + summary_line(report)


def format_check(check: Check) -> str:
    label = {OK: t("正常", "ok"), WARNING: t("警告", "warning"), ERROR: t("错误", "error"),
             SKIPPED: t("跳过", "skipped")}[check.status]
    line = f"[{label}] {check.title}: {check.summary}"
    if check.advice and check.status in (WARNING, ERROR):
        line += "\n    " + t("处理办法：", "What to do: ") + check.advice
    return line


def summary_line(report: Report) -> str:
    errors = sum(c.status == ERROR for c in report.checks)
    warnings = sum(c.status == WARNING for c in report.checks)
    if not errors and not warnings:
        return t("全部正常。", "All good.")
    return t(f"{errors} 个错误，{warnings} 个警告。", f"{errors} errors, {warnings} warnings.")
