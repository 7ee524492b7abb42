"""A whole day's case through the real screens, scanner and county.

Sign in, pick a service, type the form (with mistakes, then fixed), scan the
papers on SANE's test device, mark the case ready, send it to the reference
county over HTTP, get it back "returned" with a reason, correct it and send
revision 2.
"""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt

from tests.conftest import PASSWORD
from tests.county_server import CountyServer
from tests.test_ui_form import choose, line, type_into
from tests.test_ui_scan import FAST, sane_env  # noqa: F401 - fixture
from workstation import statuses
from workstation.case_flow import pages_by_kind
from workstation.cases import get_case
from workstation.catalog import forms_dir

SERVICE = "rural_pension_enrollment"
REASON = "户口簿本人页不清晰，请重新扫描"
CODE = "FLOW-0001"


@pytest.fixture
def keyring_file(tmp_path):
    """The device token goes to a file keyring in tmp_path, never the machine's own.

    Requested before ``ctx``: the store's data key must land in the same keyring.
    """
    import keyring
    from keyrings.alt.file import PlaintextKeyring

    ring = PlaintextKeyring()
    ring.file_path = str(tmp_path / "xdg" / "python_keyring" / "keyring_pass.cfg")
    previous = keyring.get_keyring()
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(previous)


@pytest.fixture
def county(tmp_path):
    definition = json.loads((forms_dir() / f"{SERVICE}.json").read_text(encoding="utf-8"))
    server = CountyServer(tmp_path / "county.sqlite", enrollment_codes=[CODE],
                          catalog=[definition], seed=7)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def signed_in(ctx, qtbot, sane_env):  # noqa: F811 - fixture
    """Sign in through the login page, as the clerk at the window would."""
    from scanning.sane_source import SaneSource
    from ui.login import LoginPage
    from ui.ops import OpRunner
    from ui.state import AppState

    state = AppState(ctx, OpRunner(ctx))
    login = LoginPage(state)
    qtbot.addWidget(login)
    login.show()
    login.username.setText("agent1")
    qtbot.keyClicks(login.password, PASSWORD)
    with qtbot.waitSignal(login.signed_in, timeout=10_000) as signal:
        qtbot.keyClick(login.password, Qt.Key.Key_Return)
    state.user = signal.args[0]
    state.services.update({"scan_source": SaneSource(env=sane_env),
                           "scanner_include_test": True, "scan_overrides": FAST})
    yield state
    state.ops.close()


def sync_cycle(ctx) -> None:
    from sync.config import SyncConfig
    from sync.engine import SyncEngine

    result = SyncEngine(ctx, config=SyncConfig.fast()).run_cycle()
    assert result.outcome == "ok", result.summary()


def scan_pages(qtbot, state, case_id: str, kind: str, count: int) -> None:
    """Scan ``count`` pages on the flatbed, one at a time, and save them to ``kind``."""
    from ui.scan_dialog import ScanDialog

    dialog = ScanDialog(state, case_id, kind)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: "查找" not in dialog.status.text(), timeout=60_000)
    dialog.set_device("test")
    for _ in range(count):
        dialog.scan(batch=False)
        qtbot.waitUntil(lambda: not dialog.busy, timeout=60_000)
    assert dialog.list.count() == count, dialog.status.text()
    with qtbot.waitSignal(dialog.attached, timeout=60_000):
        dialog.save()


def fill_form(qtbot, form) -> None:
    type_into(qtbot, form, "applicant.name", "张桂英")
    type_into(qtbot, form, "applicant.id_number", "340822195803150022")
    type_into(qtbot, form, "applicant.phone", "139055612")  # two digits short
    type_into(qtbot, form, "applicant.address", "桃花村三组12号")
    choose(qtbot, form, "fields.household_type", "agricultural")
    choose(qtbot, form, "fields.already_insured", False)
    choose(qtbot, form, "fields.special_group", "none")
    choose(qtbot, form, "fields.contribution_grade", "500")
    choose(qtbot, form, "fields.payment_method", "self_service")
    choose(qtbot, form, "fields.by_proxy", False)


def test_case_from_sign_in_to_county_and_back(keyring_file, qtbot, ctx, county, signed_in):
    from sync.enrollment import enroll
    from ui.case_form import CaseFormPage
    from ui.case_view import CaseViewPage
    from ui.service_picker import ServicePickerDialog

    state = signed_in
    assert state.user.username == "agent1"
    picker = ServicePickerDialog(state)
    qtbot.addWidget(picker)
    picker.show()
    qtbot.keyClicks(picker.search, "cxylcb")
    qtbot.keyClick(picker.search, Qt.Key.Key_Return)
    assert picker.selected_code() == SERVICE

    form = CaseFormPage(state)
    qtbot.addWidget(form)
    form.show()
    form.start_new(picker.selected_code())
    fill_form(qtbot, form)
    phone = form.rows["applicant.phone"]
    qtbot.waitUntil(lambda: phone.error_text() != "", timeout=5000)
    problems = form.show_all_errors()
    assert [e.path for e in problems if e.blocking] == ["applicant.phone"]
    type_into(qtbot, form, "applicant.phone", "13905561234")
    qtbot.waitUntil(lambda: phone.error_text() == "", timeout=5000)
    assert "女" in form.derived.value.text()
    with qtbot.waitSignal(form.finished, timeout=10_000) as done:
        qtbot.mouseClick(form.done_button, Qt.MouseButton.LeftButton)
    case_id = done.args[0]

    view = CaseViewPage(state)
    qtbot.addWidget(view)
    view.show()
    view.show_case(case_id)
    assert not view.mark_ready() and "缺少材料" in view.message.text()
    for kind, count in (("id_card", 2), ("household_register", 2), ("application_form", 1)):
        scan_pages(qtbot, state, case_id, kind, count)
    assert pages_by_kind(ctx, case_id) == {"id_card": 2, "household_register": 2,
                                          "application_form": 1}
    view.show_case(case_id)
    assert view.mark_ready(), view.message.text()

    enroll(ctx, county.base_url, CODE, "flow test workstation")
    sync_cycle(ctx)
    sent = get_case(ctx, case_id)
    assert sent.status in (statuses.SENT, "received") and sent.county_ref
    stored = {c["case_id"]: c for c in county.cases()}
    assert stored[case_id]["revision"] == 1

    county.post_update(case_id, "returned", REASON)
    sync_cycle(ctx)
    view.show_case(case_id)
    assert view.banner.isVisible() and REASON in view.banner.text()
    assert sent.county_ref in view.numbers.text()

    with qtbot.waitSignal(view.edit_requested) as edit:
        qtbot.mouseClick(view.action_buttons["edit"], Qt.MouseButton.LeftButton)
    form.open_case(edit.args[0])
    assert not form.read_only and line(form, "applicant.name").text() == "张桂英"
    choose(qtbot, form, "fields.contribution_grade", "1000")
    scan_pages(qtbot, state, case_id, "household_register", 1)  # the page the county asked for
    with qtbot.waitSignal(form.finished, timeout=10_000):
        qtbot.mouseClick(form.done_button, Qt.MouseButton.LeftButton)
    view.show_case(case_id)
    assert view.mark_ready(), view.message.text()
    assert get_case(ctx, case_id).revision == 2

    sync_cycle(ctx)
    stored = {c["case_id"]: c for c in county.cases()}
    assert stored[case_id]["revision"] == 2
    body = stored[case_id]["body"]
    body = json.loads(body) if isinstance(body, str) else body
    assert body["fields"]["contribution_grade"] == "1000"
    view.show_case(case_id)
    assert get_case(ctx, case_id).status in (statuses.SENT, "received")
    assert "第 2 次提交" in view.numbers.text()
