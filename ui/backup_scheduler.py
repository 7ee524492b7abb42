"""The daily backup, run by the open app when its time has come.

The folder and the time live in the store's settings (``backup.dir``,
``backup.daily_at``; set in Settings → Backup, or by a provisioning file).
Once a minute the scheduler asks the core whether a backup is due
(:func:`workstation.ops_backup.schedule_due`: today's slot has passed without a
successful backup; after a failure it tries again an hour later) and runs it
in the pool, so the window stays usable. The outcome goes to the status bar;
the settings keep the last success and the last error for the Backup tab.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal

from ui.ops import error_text
from ui.state import AppState

if TYPE_CHECKING:
    from workstation.ops_backup import BackupResult

CHECK_MS = 60_000
FIRST_CHECK_MS = 15_000  # not in the middle of start-up


class BackupScheduler(QObject):
    finished = Signal(bool, str)  # ok, what to tell the user

    def __init__(self, state: AppState, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.busy = False
        self.timer = QTimer(self, interval=CHECK_MS)
        self.timer.timeout.connect(self.check)

    def start(self) -> None:
        self.timer.start()
        QTimer.singleShot(FIRST_CHECK_MS, self, self.check)

    def stop(self) -> None:
        self.timer.stop()

    def check(self, now: datetime | None = None) -> None:
        """Run the backup if it is due (one at a time)."""
        if self.busy:
            return
        self.busy = True

        def work(ctx: Any) -> BackupResult | None:
            # Imported here, in the pool: the backup code is not needed to start the app.
            from workstation.ops_backup import run_scheduled, schedule_due

            moment = now or datetime.now()
            return run_scheduled(ctx, moment) if schedule_due(ctx, moment) else None

        self.state.ops.run(work, self._done, self._failed)

    def _done(self, result: BackupResult | None) -> None:
        self.busy = False
        if result is not None:
            self.finished.emit(result.complete, outcome_text(result))

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        title, message = error_text(exc)
        self.finished.emit(False, f"{title}: {message}" if message else title)


def outcome_text(result: BackupResult) -> str:
    """What a finished backup tells the user (the scheduler's and Settings' "back up now")."""
    if result.complete:
        return QCoreApplication.translate("BackupScheduler", "已备份到 %1").replace("%1", str(result.path))
    return QCoreApplication.translate("BackupScheduler", "备份不完整，请运行 workstation doctor。")
