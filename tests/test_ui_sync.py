"""Sync in the window: indicator, panel, quarantine, "sync now" against the reference county."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

pytest.importorskip("pytestqt")

from tests.conftest import PASSWORD  # noqa: E402

WAIT_MS = 30_000
CODE = "K7Q2-9XHM"


@pytest.fixture
def state(ctx):
    from ui.ops import OpRunner
    from ui.state import AppState
    from workstation import accounts

    ops = OpRunner(ctx)
    yield AppState(ctx, ops, accounts.authenticate(ctx.db, "admin", PASSWORD))
    ops.close()


@pytest.fixture
def controller(qtbot, state):
    from ui.sync_controller import SyncController

    sync = SyncController(state)
    sync.sync_at_start = False
    yield sync
    sync.stop()


@pytest.fixture
def county(tmp_path):
    pytest.importorskip("sync.engine")
    from tests.county_server.server import CountyServer

    server = CountyServer(tmp_path / "county.sqlite", enrollment_codes=[CODE], port=0).start()
    yield server
    server.stop()


def ready_case(ctx, make_case, **applicant) -> str:
    """A ready case without scans: accepted with every material owed (容缺受理)."""
    from tests.conftest import sample_applicant
    from workstation.case_flow import accept_with_shortfall

    case_id = make_case(user="admin", applicant=sample_applicant(**applicant))
    kinds = [d.kind for d in ctx.catalog.get("rural_pension_enrollment").documents]
    accept_with_shortfall(ctx, case_id, "admin", kinds, date.today() + timedelta(days=5))
    return case_id


def refreshed(qtbot, controller) -> None:
    with qtbot.waitSignal(controller.figures_changed, timeout=WAIT_MS):
        controller.refresh()


def test_indicator_counts_waiting_cases_before_enrollment(qtbot, ctx, make_case, controller):
    from ui.status_bar import SyncIndicator
    from ui.sync_controller import NOT_ENROLLED

    ready_case(ctx, make_case)
    indicator = SyncIndicator(controller)
    qtbot.addWidget(indicator)
    refreshed(qtbot, controller)
    assert controller.state == NOT_ENROLLED
    assert "未登记县级平台" in indicator.text() and "1 件待上报" in indicator.text()


def test_panel_without_enrollment_explains_and_disables_sync_now(qtbot, controller):
    from ui.sync_panel import SyncPanel

    panel = SyncPanel(controller)
    qtbot.addWidget(panel)
    refreshed(qtbot, controller)
    assert not panel.sync_button.isEnabled()
    assert "设置 → 县级平台" in panel.message.text()


def enroll_through_settings(qtbot, state, county) -> None:
    from ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(state)
    qtbot.addWidget(dialog)
    dialog.county_url.setText(county.base_url)
    dialog.enroll_code.setText(CODE)
    dialog.enroll()
    qtbot.waitUntil(lambda: dialog.enroll_button.isEnabled(), timeout=WAIT_MS)
    assert "登记成功" in dialog.enroll_status.text(), dialog.enroll_status.text()


def test_sync_now_sends_cases_and_shows_the_quarantined_one(qtbot, ctx, make_case, state,
                                                            controller, county):
    from sync.config import SyncConfig
    from ui.status_bar import SyncIndicator
    from ui.sync_controller import PROBLEM
    from ui.sync_panel import SyncPanel

    enroll_through_settings(qtbot, state, county)
    good = ready_case(ctx, make_case)
    bad = ready_case(ctx, make_case, name="李四")
    # Damaged behind the app's back: the county refuses it, and staff must act.
    ctx.db.execute("UPDATE cases SET applicant = json_set(applicant, '$.id_number', '123')"
                   " WHERE case_id = ?", [bad])
    controller.engine_options = {"config": SyncConfig.fast()}
    panel, indicator = SyncPanel(controller), SyncIndicator(controller)
    qtbot.addWidget(panel)
    qtbot.addWidget(indicator)
    refreshed(qtbot, controller)
    assert panel.sync_button.isEnabled() and "2 件待上报" in indicator.text()
    with qtbot.waitSignal(controller.run_finished, timeout=WAIT_MS) as run:
        panel.sync_button.click()
        assert controller.running and not panel.progress.isHidden()  # the window keeps going
    result, error = run.args
    assert error is None and result.sent == 1 and result.quarantined == 1
    qtbot.waitUntil(lambda: controller.state == PROBLEM, timeout=WAIT_MS)
    assert panel.quarantine.rowCount() == 1
    row = [panel.quarantine.item(0, c).text() for c in range(4)]
    local_no = ctx.db.execute("SELECT local_no FROM cases WHERE case_id = ?", [bad]).fetchone()[0]
    assert row[0] == local_no and row[1] == "李四"
    assert "身份证" in row[2] and "改正" in row[3]
    assert ctx.db.execute("SELECT status FROM cases WHERE case_id = ?", [good]).fetchone()[0] \
        not in ("ready", "sending")
    assert "同步有问题" in indicator.text() and "1 件需处理" in indicator.text()
    assert "同步完成" in panel.history.text()
    with qtbot.waitSignal(panel.open_case, timeout=2000) as opened:
        panel.quarantine.selectRow(0)
        panel.open_button.click()
    assert opened.args == [bad]


def test_unreachable_county_shows_offline_and_keeps_cases(qtbot, ctx, make_case, state,
                                                         controller, county):
    from sync.config import SyncConfig
    from ui.sync_controller import OFFLINE
    from ui.sync_panel import SyncPanel

    enroll_through_settings(qtbot, state, county)
    case_id = ready_case(ctx, make_case)
    county.stop()
    controller.engine_options = {"config": SyncConfig.fast()}
    panel = SyncPanel(controller)
    qtbot.addWidget(panel)
    refreshed(qtbot, controller)
    with qtbot.waitSignal(controller.run_finished, timeout=WAIT_MS):
        assert controller.sync_now()
    qtbot.waitUntil(lambda: controller.state == OFFLINE, timeout=WAIT_MS)
    assert "没有完成" in panel.message.text()
    assert ctx.db.execute("SELECT status FROM cases WHERE case_id = ?", [case_id]).fetchone()[0] == "ready"


def test_first_run_enrolls_with_the_county(qtbot, tmp_path, county):
    from ui.main_window import MainWindow
    from ui.ops import OpRunner
    from ui.state import AppState
    from workstation.context import Context

    with Context.open(tmp_path / "fresh") as fresh:
        ops = OpRunner(fresh)
        win = MainWindow(AppState(fresh, ops))
        qtbot.addWidget(win)
        win.sync.sync_at_start = False
        page = win.first_run
        page.office_code.setText("340822104201")
        page.advance()
        page.password.setText(PASSWORD)
        page.password2.setText(PASSWORD)
        page.advance()
        page.county_url.setText(county.base_url)
        page.enroll_code.setText(CODE)
        with qtbot.waitSignal(win.signed_in, timeout=WAIT_MS):
            page.advance()
        qtbot.waitUntil(lambda: win.sync.figures.enrolled, timeout=WAIT_MS)
        win.sync.stop()
        ops.close()
