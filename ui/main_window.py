"""The main window: first run or sign-in, then the work pages, toolbar and status bar.

One window for the whole session (no restarts): a stack shows first run,
sign-in or the work area. The work area is built at sign-in for that user (a
village agent's list is filtered to their own cases) and dropped at sign-out.
The application form, case view and service picker come from their own
modules; until those exist a placeholder says so instead of failing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QStackedWidget, QStyle, QToolBar, QWidget

from ui import resume_collection
from ui.backup_scheduler import BackupScheduler
from ui.login import LoginPage
from ui.state import AppState
from ui.status_bar import StatusBar
from ui.sync_controller import SyncController
from ui.translations import SETTING_KEY as LANGUAGE_KEY
from ui.translations import install_language
from workstation import accounts, settings
from workstation.errors import WorkstationError

if TYPE_CHECKING:
    from ui.idle_lock import IdleLock


class _Missing(QLabel):
    """Stands in for a page whose module is not installed yet."""

    finished = Signal(str)
    edit_requested = Signal(str)
    back_requested = Signal()

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setText(self.tr("这个功能还在开发中。"))
        self.setWordWrap(True)

    def start_new(self, _code: str) -> None: ...
    def open_case(self, _case_id: str) -> None: ...
    def show_case(self, _case_id: str) -> None: ...


def _page_class(module: str, name: str) -> Any:
    try:
        return getattr(__import__(module, fromlist=[name]), name)
    except (ImportError, AttributeError):
        return _Missing


class MainWindow(QMainWindow):
    signed_in = Signal(object)  # accounts.User
    signed_out = Signal()

    def __init__(self, state: AppState) -> None:
        super().__init__()
        self.state = state
        if state.ctx.initialized:
            # The tasks' connections open on the pool threads, largely in SQLite (free of
            # Python's lock), while this thread builds the sign-in page: the password check
            # then starts at once.
            state.ops.warm()
        self._form: Any = None
        self._case_view: Any = None
        self.sync = SyncController(state, self)
        state.services["sync"] = self.sync
        self.sync.run_finished.connect(lambda *_: self._refresh_list())  # once, not per sign-in
        self.lock: IdleLock | None = None
        self.work: QStackedWidget | None = None  # the signed-in pages; None when signed out
        self._prepared: QStackedWidget | None = None  # those pages, built ahead of sign-in
        self.stack = QStackedWidget()
        self.setCentralWidget(self.stack)
        self.status = StatusBar(self.sync, self)
        self.status.sync_clicked.connect(self.show_sync)
        self.backups = BackupScheduler(state, self)
        self.backups.finished.connect(self.status.show_backup)
        self.setStatusBar(self.status)
        self._make_actions()
        self.login = LoginPage(state)
        self.login.signed_in.connect(self.start_session)
        self.login.language_requested.connect(self.set_language)
        self.stack.addWidget(self.login)
        self.first_run: Any = None  # ui.first_run.FirstRunPage, only on a new install
        self.resize(1280, 760)
        self.retranslate()
        if state.ctx.initialized:
            self.show_login()
            QTimer.singleShot(0, self._warm_up)
            self.backups.start()  # signed in or not: the data is backed up on time
        else:
            self.show_first_run()

    def _warm_up(self) -> None:
        """What the session needs first, prepared while the password is typed and checked:
        the service catalog (the list's filter)."""
        try:
            self.state.ctx.catalog  # noqa: B018 - loads and keeps it
        except WorkstationError:
            pass  # the page that needs it says what is wrong
        QTimer.singleShot(0, self._prepare_work)

    def _prepare_work(self) -> None:
        """Build the signed-in pages, unseen, while the password is typed and checked:
        the check runs on a worker thread and scrypt leaves this one free meanwhile."""
        if self.work is None and self._prepared is None:
            self._prepared = self._make_work()
            self.stack.addWidget(self._prepared)  # under the sign-in page, laid out unseen
            # Drawn once off screen: the fonts' glyphs and the style's pixmaps are then
            # cached, and the page's first paint after sign-in takes half the time.
            self._prepared.grab()

    # -- actions and toolbar ----------------------------------------------
    def _make_actions(self) -> None:
        icon = self.style().standardIcon
        px = QStyle.StandardPixmap
        self.actions_by_name: dict[str, QAction] = {}
        specs: list[tuple[str, QStyle.StandardPixmap, Any, Any]] = [("home", px.SP_FileDialogListView, "Ctrl+1", self.show_home),
                 ("new", px.SP_FileDialogNewFolder, QKeySequence.StandardKey.New, self.new_application),
                 ("sync", px.SP_BrowserReload, "F5", self.sync_now),
                 ("settings", px.SP_FileDialogDetailedView, "Ctrl+,", self.open_settings),
                 ("users", px.SP_DirHomeIcon, None, self.open_users),
                 ("lock", px.SP_DialogNoButton, "Ctrl+L", self.lock_now),
                 ("sign_out", px.SP_DialogCloseButton, None, self.sign_out)]
        self.toolbar = QToolBar()
        self.toolbar.setMovable(False)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.addToolBar(self.toolbar)
        for name, pixmap, keys, slot in specs:
            action = QAction(icon(pixmap), "", self)
            if keys is not None:
                action.setShortcut(QKeySequence(keys))
            action.triggered.connect(slot)
            self.actions_by_name[name] = action
            self.toolbar.addAction(action)
            self.addAction(action)  # shortcuts work even when the toolbar is hidden
            if name in ("sync", "users"):
                self.toolbar.addSeparator()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("乡镇便民服务工作站"))
        names = {"home": self.tr("办件列表"), "new": self.tr("新建申请"), "sync": self.tr("同步"),
                 "settings": self.tr("设置"), "users": self.tr("员工账号"), "lock": self.tr("锁定"),
                 "sign_out": self.tr("退出登录")}
        for name, text in names.items():
            action = self.actions_by_name[name]
            action.setText(text)
            keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            action.setToolTip(f"{text} ({keys})" if keys else text)
        self.status.retranslate()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _signed_in_ui(self, on: bool) -> None:
        self.toolbar.setVisible(on)
        for name, action in self.actions_by_name.items():
            admin_only = name == "users"
            action.setEnabled(on and (not admin_only or bool(self.state.user and self.state.user.is_admin())))
        self.actions_by_name["users"].setVisible(bool(self.state.user and self.state.user.is_admin()))

    # -- before sign-in ---------------------------------------------------
    def show_first_run(self) -> None:
        from ui.first_run import FirstRunPage  # only a new install shows it

        self.first_run = FirstRunPage(self.state)
        self.first_run.finished.connect(self._first_run_done)
        self.stack.addWidget(self.first_run)
        self.stack.setCurrentWidget(self.first_run)
        self._signed_in_ui(False)

    def _first_run_done(self, user: accounts.User, enrollment_problem: str) -> None:
        if self.first_run is not None:
            self.stack.removeWidget(self.first_run)
            self.first_run.deleteLater()
            self.first_run = None
        self.status.show_user(self._office_name(), None)
        self.start_session(user)
        if enrollment_problem:
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.information(self, self.tr("登记没有完成"), enrollment_problem + "\n\n"
                                    + self.tr("办公点已经建好。可以稍后在“设置 → 县级平台”里再登记。"))

    def show_login(self) -> None:
        self.stack.setCurrentWidget(self.login)
        self.login.office.setText(self._office_name())
        self.login.reset()
        self.status.show_user(self._office_name(), None)
        self._signed_in_ui(False)

    def _office_name(self) -> str:
        return str(settings.get(self.state.ctx.db, settings.OFFICE_NAME, ""))

    # -- the session ------------------------------------------------------
    def start_session(self, user: accounts.User) -> None:
        self.state.user = user
        self._build_work()
        # Start-up is over once the list is painted (ui.resume_collection).
        for shown in (self.case_list.first_rows_shown, self.case_list.results_shown):
            shown.connect(lambda _: QTimer.singleShot(0, resume_collection))
        self.status.show_user(self._office_name(), user)
        self._signed_in_ui(True)
        self.lock = self._make_lock()
        self.lock.start()
        self.sync.start()
        self.show_home()
        self.signed_in.emit(user)

    def _make_lock(self) -> IdleLock:
        from ui.idle_lock import IdleLock, idle_minutes  # loaded with the session's pages

        lock = IdleLock(self.state, self, idle_minutes(self.state.ctx.db))
        lock.locked_changed.connect(lambda locked: self._signed_in_ui(not locked))
        lock.sign_out_requested.connect(self.sign_out)
        return lock

    def _make_work(self) -> QStackedWidget:
        # Loaded here, not with this module: the sign-in page shows without them, and
        # they load while the password is typed and checked.
        from ui.case_list import CaseListPage
        from ui.idle_lock import IdleLock  # noqa: F401 - for the lock made at sign-in
        from ui.sync_panel import SyncPanel

        work = QStackedWidget()
        self.case_list = CaseListPage(self.state)
        self.sync_panel = SyncPanel(self.sync)
        for page in (self.case_list, self.sync_panel):
            work.addWidget(page)
        self.case_list.open_requested.connect(self.open_case)
        self.case_list.new_requested.connect(self.new_application)
        self.sync_panel.open_case.connect(self.open_case)
        work.ensurePolished()  # the style's work done now, not at the first paint
        return work

    def _build_work(self) -> None:
        self.work, self._prepared = self._prepared or self._make_work(), None
        self._form = None  # built on first use: the list must show first
        self._case_view = None
        if self.stack.indexOf(self.work) < 0:
            self.stack.addWidget(self.work)
        self.stack.setCurrentWidget(self.work)
        self.case_list.reload()

    @property
    def form(self) -> Any:
        """The application form page (``ui.case_form``), created when first needed."""
        if self._form is None and self.work is not None:
            self._form = _page_class("ui.case_form", "CaseFormPage")(self.state, self)
            self._form.finished.connect(self._form_finished)
            self.work.addWidget(self._form)
        return self._form

    @property
    def case_view(self) -> Any:
        if self._case_view is None and self.work is not None:
            self._case_view = _page_class("ui.case_view", "CaseViewPage")(self.state, self)
            self._case_view.edit_requested.connect(self.edit_case)
            self._case_view.back_requested.connect(self.show_home)
            self.work.addWidget(self._case_view)
        return self._case_view

    def _flush_form(self) -> None:
        """The form saves what was typed as a draft; ask it to do so now."""
        flush = getattr(self._form, "flush", None) if self.work is not None else None
        if callable(flush):
            flush()

    def sign_out(self) -> None:
        self._flush_form()
        if self.lock is not None:
            self.lock.stop()
            self.lock.deleteLater()
            self.lock = None
        if self.work is not None:
            self.stack.removeWidget(self.work)
            self.work.deleteLater()
            self.work = self._form = self._case_view = None
        self.state.user = None
        self.show_login()
        QTimer.singleShot(0, self._prepare_work)  # for whoever signs in next
        self.signed_out.emit()

    # -- navigation -------------------------------------------------------
    def _show(self, page: QWidget | None) -> None:
        if self.work is not None and page is not None:
            self.work.setCurrentWidget(page)

    def show_home(self) -> None:
        if self.work is None:
            return
        came_back = self.work.currentWidget() is not self.case_list
        self._show(self.case_list)
        if came_back:
            self._refresh_list()
        self.case_list.focus_search()

    def _refresh_list(self) -> None:
        if self.work is not None:
            self.case_list.reload()

    def new_application(self) -> None:
        if self.work is None or (self.lock is not None and self.lock.locked):
            return
        picker_class = _page_class("ui.service_picker", "ServicePickerDialog")
        if picker_class is _Missing:
            return
        picker = picker_class(self.state, self)
        if picker.exec() and picker.selected_code():
            self.form.start_new(picker.selected_code())
            self._show(self.form)

    def open_case(self, case_id: str) -> None:
        if self.work is not None:
            self.case_view.show_case(case_id)
            self._show(self.case_view)

    def edit_case(self, case_id: str) -> None:
        if self.work is not None:
            self.form.open_case(case_id)
            self._show(self.form)

    def _form_finished(self, case_id: str) -> None:
        self._refresh_list()
        self.open_case(case_id) if case_id else self.show_home()

    def show_sync(self) -> None:
        if self.work is not None:
            self._show(self.sync_panel)
            self.sync.refresh()

    def sync_now(self) -> None:
        self.show_sync()
        if self.work is not None:
            self.sync_panel.sync_now()

    def lock_now(self) -> None:
        if self.lock is not None:
            self.lock.lock()

    # -- settings ---------------------------------------------------------
    def open_settings(self) -> None:
        from ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.state, self)
        dialog.applied.connect(self.apply_settings)
        dialog.exec()

    def apply_settings(self, values: dict[str, Any]) -> None:
        if LANGUAGE_KEY in values:
            self.set_language(values[LANGUAGE_KEY], save=False)
        if "ui.idle_lock_minutes" in values and self.lock is not None:
            self.lock.set_minutes(int(values["ui.idle_lock_minutes"]))
        self.status.show_user(self._office_name(), self.state.user)
        self.sync.refresh()

    def set_language(self, lang: str, save: bool = True) -> None:
        """Switch language with everything open: Qt re-sends texts to every widget."""
        install_language(lang)
        if save:
            self.state.ops.run(lambda ctx: settings.put(ctx.db, LANGUAGE_KEY, lang),
                               on_failure=lambda _: None)

    def open_users(self) -> None:
        if not (self.state.user and self.state.user.is_admin()):
            return
        from ui.users_dialog import UsersDialog

        UsersDialog(self.state, self).exec()

    def closeEvent(self, event: QCloseEvent) -> None:
        self._flush_form()
        self.sync.stop()
        self.backups.stop()
        super().closeEvent(event)
