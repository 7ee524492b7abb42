"""Settings: office, county platform and enrollment, scanner defaults, backup, language, idle lock.

Everything is stored in the database's settings table (never a secret: the
device token lives in the keyring, kept there by the sync package). Only an
administrator may change the office, county, scanner and lock settings; anyone
may pick their language. Saving runs in the pool: a sync holding the write
lock must not freeze the dialog.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QTime, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from ui.backup_scheduler import outcome_text
from ui.idle_lock import SETTING_KEY as IDLE_KEY
from ui.idle_lock import idle_minutes
from ui.ops import error_text, show_error
from ui.state import AppState
from ui.sync_controller import enroll_device, enrollment_available
from ui.theme import SPACING, set_role
from ui.translations import LANGUAGES, QT_TRANSLATE_NOOP, current_language
from ui.translations import SETTING_KEY as LANGUAGE_KEY
from workstation import ops_backup, settings

COUNTY_URL_KEY = "sync.county_url"
SCANNER_DEVICE_KEY = "scanner.device"
SCANNER_PROFILE_KEY = "scanner.profile"  # {"source", "mode", "dpi"}: defaults for new scans
SOURCES = [("flatbed", QT_TRANSLATE_NOOP("SettingsDialog", "平板")),
           ("adf", QT_TRANSLATE_NOOP("SettingsDialog", "进纸器（单面）")),
           ("duplex", QT_TRANSLATE_NOOP("SettingsDialog", "进纸器（双面）"))]
MODES = [("gray", QT_TRANSLATE_NOOP("SettingsDialog", "灰度")),
         ("color", QT_TRANSLATE_NOOP("SettingsDialog", "彩色")),
         ("lineart", QT_TRANSLATE_NOOP("SettingsDialog", "黑白"))]
DPIS = [150, 200, 300]


class SettingsDialog(QDialog):
    applied = Signal(dict)  # the settings that were saved, by key

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.admin = bool(state.user and state.user.is_admin())
        self.setWindowTitle(self.tr("设置"))
        self.setMinimumWidth(640)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._office_tab(), self.tr("办公点"))
        self.tabs.addTab(self._county_tab(), self.tr("县级平台"))
        self.tabs.addTab(self._scanner_tab(), self.tr("扫描仪"))
        self.tabs.addTab(self._backup_tab(), self.tr("备份"))
        self.tabs.addTab(self._display_tab(), self.tr("界面与安全"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        layout = QVBoxLayout(self)
        layout.setSpacing(SPACING + 4)
        if not self.admin:
            note = QLabel(self.tr("只有管理员可以修改办公点、县级平台、扫描仪、备份和锁定时间；语言可以自己选。"))
            note.setWordWrap(True)
            set_role(note, "hint")
            layout.addWidget(note)
        layout.addWidget(self.tabs)
        layout.addWidget(buttons)

    def _get(self, key: str, default: Any = None) -> Any:
        return settings.get(self.state.ctx.db, key, default)

    @staticmethod
    def _form() -> tuple[QWidget, QFormLayout]:
        page = QWidget()
        form = QFormLayout(page)
        form.setSpacing(SPACING + 4)
        return page, form

    def _office_tab(self) -> QWidget:
        page, form = self._form()
        form.addRow(self.tr("办公点代码"), QLabel(self.state.ctx.office_code))
        self.office_name = QLineEdit(str(self._get(settings.OFFICE_NAME, "")))
        self.office_name.setEnabled(self.admin)
        form.addRow(self.tr("办公点名称"), self.office_name)
        return page

    def _county_tab(self) -> QWidget:
        page, form = self._form()
        # Enrolled: the address in use; otherwise the one a provisioning file gave.
        self.county_url = QLineEdit(str(self._get(COUNTY_URL_KEY) or self._get(settings.PROVISIONED_COUNTY_URL) or ""))
        self.county_url.setPlaceholderText("https://zwfw.example.gov.cn/api/v1")
        self.enroll_code = QLineEdit()
        self.enroll_button = QPushButton(self.tr("登记这台电脑"))
        self.enroll_button.clicked.connect(self.enroll)
        self.enroll_status = QLabel()
        self.enroll_status.setWordWrap(True)
        for widget in (self.county_url, self.enroll_code, self.enroll_button):
            widget.setEnabled(self.admin and (widget is self.county_url or enrollment_available()))
        form.addRow(self.tr("平台地址"), self.county_url)
        form.addRow(self.tr("登记码"), self.enroll_code)
        form.addRow("", self.enroll_button)
        form.addRow("", self.enroll_status)
        if not enrollment_available():
            self.enroll_status.setText(self.tr("本版本还没有同步功能，暂时不能登记。"))
        return page

    def _scanner_tab(self) -> QWidget:
        page, form = self._form()
        profile = self._get(SCANNER_PROFILE_KEY, {}) or {}
        self.device = QComboBox()
        self.device.setEditable(True)
        self.device.setCurrentText(str(self._get(SCANNER_DEVICE_KEY, "")))
        self.find_button = QPushButton(self.tr("查找扫描仪"))
        self.find_button.clicked.connect(self.find_devices)
        row = QHBoxLayout()
        row.addWidget(self.device, 1)
        row.addWidget(self.find_button)
        self.source = self._choice(SOURCES, profile.get("source", "flatbed"))
        self.mode = self._choice(MODES, profile.get("mode", "gray"))
        self.dpi = self._choice([(d, f"{d} dpi") for d in DPIS], profile.get("dpi", 200))
        form.addRow(self.tr("扫描仪"), row)
        form.addRow(self.tr("默认纸张来源"), self.source)
        form.addRow(self.tr("默认颜色"), self.mode)
        form.addRow(self.tr("默认分辨率"), self.dpi)
        for widget in (self.device, self.find_button, self.source, self.mode, self.dpi):
            widget.setEnabled(self.admin)
        return page

    def _backup_tab(self) -> QWidget:
        page, form = self._form()
        self.backup_dir = QLineEdit(str(self._get(ops_backup.BACKUP_DIR, "") or ""))
        self.backup_dir.setPlaceholderText(self.tr("例如U盘：E:\\备份 或 /media/u盘/备份"))
        self.backup_browse = QPushButton(self.tr("选择…"))
        self.backup_browse.clicked.connect(self._choose_backup_dir)
        row = QHBoxLayout()
        row.addWidget(self.backup_dir, 1)
        row.addWidget(self.backup_browse)
        daily = self._get(ops_backup.DAILY_AT)
        self.backup_daily = QCheckBox(self.tr("每天自动备份，时间"))
        self.backup_daily.setChecked(bool(daily))
        self.backup_time = QTimeEdit(QTime.fromString(str(daily or "17:30"), "HH:mm"))
        self.backup_time.setDisplayFormat("HH:mm")
        daily_row = QHBoxLayout()
        daily_row.addWidget(self.backup_daily)
        daily_row.addWidget(self.backup_time)
        daily_row.addStretch(1)
        self.backup_keep = QSpinBox()
        self.backup_keep.setRange(1, 365)
        self.backup_keep.setSuffix(self.tr(" 份"))
        self.backup_keep.setValue(int(self._get(ops_backup.KEEP, ops_backup.DEFAULT_KEEP) or ops_backup.DEFAULT_KEEP))
        self.backup_now = QPushButton(self.tr("立即备份"))
        self.backup_now.clicked.connect(self.back_up_now)
        self.backup_status = QLabel(self._backup_status_text())
        self.backup_status.setWordWrap(True)
        form.addRow(self.tr("备份位置"), row)
        form.addRow(self.tr("定时"), daily_row)
        form.addRow(self.tr("保留最近"), _left(self.backup_keep))
        form.addRow("", _left(self.backup_now))
        form.addRow(self.tr("上次备份"), self.backup_status)
        for widget in (self.backup_dir, self.backup_browse, self.backup_daily, self.backup_keep,
                       self.backup_now):
            widget.setEnabled(self.admin)
        self.backup_time.setEnabled(self.admin and self.backup_daily.isChecked())
        self.backup_daily.toggled.connect(lambda on: self.backup_time.setEnabled(self.admin and on))
        return page

    def _backup_status_text(self) -> str:
        last, error = self._get(ops_backup.LAST_AT), self._get(ops_backup.LAST_ERROR)
        text = str(last).replace("T", " ")[:16] if last else self.tr("还没有备份过")
        return text + ("\n" + self.tr("最近一次失败：") + str(error) if error else "")

    def _choose_backup_dir(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("选择备份位置"), self.backup_dir.text())
        if folder:
            self.backup_dir.setText(folder)

    def back_up_now(self) -> None:
        folder, keep = self.backup_dir.text().strip(), self.backup_keep.value()
        if not folder:
            self.backup_status.setText(self.tr("请先选择备份位置（例如U盘）。"))
            return
        self.backup_now.setEnabled(False)
        self.backup_status.setText(self.tr("正在备份…"))
        self.state.ops.run(lambda ctx: ops_backup.backup(ctx.data_dir, Path(folder), keep=keep),
                           self._backed_up, self._backup_failed, parent=self)

    def _backed_up(self, result: ops_backup.BackupResult) -> None:
        self.backup_now.setEnabled(True)
        self.backup_status.setText(outcome_text(result))

    def _backup_failed(self, exc: BaseException) -> None:
        self.backup_now.setEnabled(True)
        title, message = error_text(exc)
        self.backup_status.setText(f"{title}\n{message}")

    def _choice(self, items: list[tuple[Any, str]], current: Any) -> QComboBox:
        box = QComboBox()
        for value, label in items:
            box.addItem(self.tr(label) if isinstance(value, str) else label, value)
        box.setCurrentIndex(max(0, box.findData(current)))
        return box

    def _display_tab(self) -> QWidget:
        page, form = self._form()
        self.language = QComboBox()
        for code, name in LANGUAGES:
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(0, self.language.findData(current_language())))
        self.idle = QSpinBox()
        self.idle.setRange(1, 120)
        self.idle.setSuffix(self.tr(" 分钟"))
        self.idle.setValue(idle_minutes(self.state.ctx.db) or 10)
        self.idle.setEnabled(self.admin)
        form.addRow(self.tr("语言 / Language"), self.language)
        form.addRow(self.tr("无操作自动锁定"), self.idle)
        return page

    # -- actions ----------------------------------------------------------
    def values(self) -> dict[str, Any]:
        """What Save writes: only what this user may change."""
        out: dict[str, Any] = {LANGUAGE_KEY: self.language.currentData()}
        if self.admin:
            out.update({
                settings.OFFICE_NAME: self.office_name.text().strip() or self.state.ctx.office_code,
                COUNTY_URL_KEY: self.county_url.text().strip(),
                SCANNER_DEVICE_KEY: self.device.currentText().strip(),
                SCANNER_PROFILE_KEY: {"source": self.source.currentData(),
                                      "mode": self.mode.currentData(), "dpi": self.dpi.currentData()},
                IDLE_KEY: self.idle.value(),
                ops_backup.BACKUP_DIR: self.backup_dir.text().strip() or None,
                ops_backup.DAILY_AT: self.backup_time.time().toString("HH:mm") if self.backup_daily.isChecked()
                else None,
                ops_backup.KEEP: self.backup_keep.value(),
            })
        return out

    def save(self) -> None:
        values = self.values()

        def work(ctx: Any) -> dict[str, Any]:
            for key, value in values.items():
                settings.put(ctx.db, key, value)
            return values

        self.save_button.setEnabled(False)
        self.state.ops.run(work, self._saved, self._failed, parent=self)

    def _saved(self, values: dict[str, Any]) -> None:
        self.save_button.setEnabled(True)
        self.applied.emit(values)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        show_error(self, exc)

    def enroll(self) -> None:
        url, code = self.county_url.text().strip(), self.enroll_code.text().strip()
        if not (url and code):
            self.enroll_status.setText(self.tr("请填写平台地址和登记码。"))
            return
        self.enroll_button.setEnabled(False)
        self.enroll_status.setText(self.tr("正在登记…"))

        def work(ctx: Any) -> None:
            settings.put(ctx.db, COUNTY_URL_KEY, url)
            enroll_device(ctx, url, code)

        self.state.ops.run(work, lambda _: self._enrolled(""), self._enroll_failed, parent=self)

    def _enrolled(self, _: str) -> None:
        self.enroll_button.setEnabled(True)
        self.enroll_code.clear()
        self.enroll_status.setText(self.tr("登记成功。这台电脑可以和县级平台同步了。"))
        self.applied.emit({"sync.enrolled": True})

    def _enroll_failed(self, exc: BaseException) -> None:
        from ui.ops import error_text

        self.enroll_button.setEnabled(True)
        title, message = error_text(exc)
        self.enroll_status.setText(f"{title}\n{message}" if message else title)

    def find_devices(self) -> None:
        def work(_ctx: Any) -> list[str]:
            from scanning.sources import default_source

            return [d.name for d in default_source().list_devices()]

        self.find_button.setEnabled(False)
        self.state.ops.run(work, self._devices_found, self._devices_failed, parent=self)

    def _devices_found(self, names: list[str]) -> None:
        self.find_button.setEnabled(self.admin)
        current = self.device.currentText()
        self.device.clear()
        self.device.addItems(names)
        self.device.setCurrentText(current or (names[0] if names else ""))

    def _devices_failed(self, exc: BaseException) -> None:
        self.find_button.setEnabled(self.admin)
        show_error(self, exc)


def _left(widget: QWidget) -> QHBoxLayout:
    """A control at its natural width, not stretched across the form."""
    row = QHBoxLayout()
    row.addWidget(widget)
    row.addStretch(1)
    return row
