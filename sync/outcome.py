"""What one sync run did, how it ended, and how to say it in one line."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from workstation.i18n import t

# outcome -> exit code of ``workstation sync``
EXIT_CODES = {"ok": 0, "offline": 3, "partial": 3, "busy": 3, "auth": 4, "not_enrolled": 4,
              "stopped": 130, "error": 1}


@dataclass
class CycleResult:
    outcome: str = "ok"
    sent: int = 0
    resend: int = 0
    rejected: int = 0
    files_uploaded: int = 0
    files_skipped: int = 0
    bytes_uploaded: int = 0
    files_damaged: int = 0
    updates_applied: int = 0
    catalog_changed: int = 0
    catalog_skipped: int = 0
    waiting: int = 0
    blocked: int = 0
    quarantined: int = 0
    retries: int = 0
    clock_skew_s: float | None = None
    retry_after: float | None = None
    error: str | None = None

    @property
    def exit_code(self) -> int:
        return EXIT_CODES.get(self.outcome, 1)

    def figures(self) -> dict[str, object]:
        return {k: v for k, v in asdict(self).items() if k not in ("outcome", "error")}

    def summary(self) -> str:
        return f"{self._head()}{self._counts()}"

    def _head(self) -> str:
        heads = {
            "ok": t("同步完成", "Sync done"),
            "offline": t("连不上县级平台", "County unreachable"),
            "partial": t("同步未全部完成", "Sync incomplete"),
            "busy": t("另一同步正在进行", "Another sync is running"),
            "auth": t("县级平台拒绝本工作站，需要重新注册", "County refused this workstation: enroll again"),
            "not_enrolled": t("尚未注册到县级平台", "Not enrolled with the county"),
            "stopped": t("同步已停止", "Sync stopped"),
            "error": t("同步出错", "Sync failed"),
        }
        head = heads.get(self.outcome, self.outcome)
        if self.error:
            head += t(f"（{self.error}）", f" ({self.error})")
        return head + t("：", ": ")

    def _counts(self) -> str:
        mb = self.bytes_uploaded / 1e6
        return t(f"上报 {self.sent} 件，被退回 {self.rejected} 件，上传文件 {self.files_uploaded} 个"
                 f"（{mb:.1f} MB），县级更新 {self.updates_applied} 条；待上报 {self.waiting} 件，"
                 f"受阻 {self.blocked} 件，待更正 {self.quarantined} 件",
                 f"{self.sent} cases sent, {self.rejected} rejected, {self.files_uploaded} files uploaded "
                 f"({mb:.1f} MB), {self.updates_applied} county updates; {self.waiting} waiting, "
                 f"{self.blocked} blocked, {self.quarantined} to correct")
