"""The application form and the service picker, with real widgets on a real store."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit

from tests.conftest import OFFICE, PASSWORD
from workstation import accounts
from workstation.case_flow import pages_by_kind
from workstation.cases import get_case

SERVICE = "rural_pension_enrollment"


@pytest.fixture
def state(ctx):
    from ui.ops import OpRunner
    from ui.state import AppState

    user = accounts.authenticate(ctx.db, "agent1", PASSWORD)
    app_state = AppState(ctx, OpRunner(ctx), user)
    yield app_state
    app_state.ops.close()


@pytest.fixture
def page(state, qtbot):  # qtbot after state: widgets close before the store does
    from ui.case_form import CaseFormPage

    form = CaseFormPage(state)
    qtbot.addWidget(form)
    form.resize(1200, 800)
    form.show()
    return form


def line(page, path: str) -> QLineEdit:
    widget = page.rows[path].focus_widgets()[0]
    assert isinstance(widget, QLineEdit)
    return widget


def type_into(qtbot, page, path: str, text: str) -> None:
    """Type as a person would: keys for ASCII, an input-method commit for Chinese."""
    edit = line(page, path)
    edit.setFocus()
    edit.selectAll()
    if text.isascii():
        qtbot.keyClicks(edit, text)
        return
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(edit, event)


def choose(qtbot, page, path: str, value) -> None:
    """Pick a choice with the keyboard, as a person would."""
    combo = page.rows[path].focus_widgets()[0]
    assert isinstance(combo, QComboBox)
    combo.setFocus()
    target = combo.findData(value)
    assert target > 0, value
    while combo.currentIndex() != target:
        key = Qt.Key.Key_Down if combo.currentIndex() < target else Qt.Key.Key_Up
        qtbot.keyClick(combo, key)


def test_errors_show_next_to_the_field_while_typing_then_clear(qtbot, page):
    page.start_new(SERVICE)
    type_into(qtbot, page, "applicant.id_number", "34082219580315002")
    row = page.rows["applicant.id_number"]
    qtbot.waitUntil(lambda: row.error_text() != "", timeout=5000)
    assert "18位" in row.error_text()
    assert page.rows["applicant.phone"].error_text() == ""  # untouched fields stay calm
    type_into(qtbot, page, "applicant.id_number", "340822195803150021")
    qtbot.waitUntil(lambda: "校验位" in row.error_text(), timeout=5000)
    type_into(qtbot, page, "applicant.id_number", "340822195803150022")
    qtbot.waitUntil(lambda: row.error_text() == "", timeout=5000)


def test_id_number_fills_gender_and_birth_date(qtbot, page):
    page.start_new(SERVICE)
    assert "自动填写" in page.derived.value.text()
    type_into(qtbot, page, "applicant.id_number", "340822195803150022")
    assert "女" in page.derived.value.text()
    assert "1958-03-15" in page.derived.value.text()
    type_into(qtbot, page, "applicant.id_number", "34052419800101001X")
    assert "男" in page.derived.value.text()


def test_a_condition_hides_and_shows_fields(qtbot, page):
    page.start_new(SERVICE)
    bank = page.rows["fields.bank_name"]
    assert not bank.isVisibleTo(page.body)
    choose(qtbot, page, "fields.payment_method", "bank_withholding")
    qtbot.waitUntil(lambda: bank.isVisibleTo(page.body), timeout=5000)
    assert "bank_card" in page.checklist.missing  # the material follows the answer too
    choose(qtbot, page, "fields.payment_method", "self_service")
    qtbot.waitUntil(lambda: not bank.isVisibleTo(page.body), timeout=5000)
    assert "bank_card" not in page.checklist.missing


def test_enter_moves_to_the_next_visible_field(qtbot, page):
    page.start_new(SERVICE)
    name = line(page, "applicant.name")
    name.setFocus()
    qtbot.waitUntil(name.hasFocus, timeout=5000)
    qtbot.keyClick(name, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is line(page, "applicant.id_number")
    by_proxy = page.rows["fields.by_proxy"].focus_widgets()[0]
    by_proxy.setFocus()
    qtbot.keyClick(by_proxy, Qt.Key.Key_Return)  # the agent fields are hidden: skip them
    assert QApplication.focusWidget() is page.done_button


def test_draft_autosaves_and_comes_back_after_closing(qtbot, state, page):
    from ui.case_form import CaseFormPage

    page.start_new(SERVICE)
    type_into(qtbot, page, "applicant.name", "张桂英")
    type_into(qtbot, page, "applicant.phone", "1390556")  # half typed: kept as typed
    choose(qtbot, page, "fields.special_group", "dibao")
    # No explicit save: the debounce timer writes the draft by itself.
    qtbot.waitUntil(lambda: page.case_id is not None and not page.changes(), timeout=5000)
    stored = get_case(state.ctx, page.case_id)
    assert stored.applicant["name"] == "张桂英"
    assert stored.applicant["phone"] == "1390556"
    assert stored.fields["special_group"] == "dibao"
    assert stored.applicant["division_code"] == OFFICE  # the default went in with it
    case_id = page.case_id
    page.close()

    again = CaseFormPage(state)
    qtbot.addWidget(again)
    again.open_case(case_id)
    assert again.value("applicant.name") == "张桂英"
    assert again.value("applicant.phone") == "1390556"
    assert again.value("fields.special_group") == "dibao"
    assert "办件编号" in again.case_no.text()


def test_opening_and_leaving_a_new_form_makes_no_empty_draft(qtbot, state, page):
    page.start_new(SERVICE)
    page.hide()
    assert page.case_id is None
    assert state.ctx.db.execute("SELECT COUNT(*) FROM cases").fetchone()[0] == 0


def test_hiding_the_page_saves_at_once(qtbot, state, page):
    page.start_new(SERVICE)
    type_into(qtbot, page, "applicant.name", "李秀兰")
    page.hide()  # sooner than the debounce: leaving the page still saves
    assert get_case(state.ctx, page.case_id).applicant["name"] == "李秀兰"


def test_checklist_updates_after_pages_are_attached(qtbot, state, page, make_case):
    from tests.test_ui_case_view import attach

    case_id = make_case()
    page.open_case(case_id)
    assert "id_card" in page.checklist.missing
    label = page.checklist.findChild(type(page.checklist.summary), "doc_id_card")
    assert "已有 0 页" in label.text()
    attach(state.ctx, case_id, "id_card", 2, "agent1")
    page.checklist.pages_changed.emit()  # what the scan dialog sends when it saved pages
    assert "id_card" not in page.checklist.missing
    assert pages_by_kind(state.ctx, case_id)["id_card"] == 2
    label = page.checklist.findChild(type(page.checklist.summary), "doc_id_card")
    assert "已有 2 页" in label.text()


def test_a_case_with_the_county_opens_read_only(qtbot, state, page, make_case):
    case_id = make_case()
    state.ctx.db.execute("UPDATE cases SET status = 'sent' WHERE case_id = ?", [case_id])
    page.open_case(case_id)
    assert page.read_only and page.notice.isVisibleTo(page)
    assert line(page, "applicant.name").isReadOnly()


def test_service_picker_finds_by_pinyin_initials_and_enter_picks(qtbot, state):
    from ui.service_picker import ServicePickerDialog

    picker = ServicePickerDialog(state)
    qtbot.addWidget(picker)
    picker.show()
    qtbot.keyClicks(picker.search, "dbsq")
    assert picker.list.count() == 1
    qtbot.keyClick(picker.search, Qt.Key.Key_Return)
    assert picker.selected_code() == "dibao_application"


def test_service_picker_arrow_keys_and_no_match(qtbot, state):
    from ui.service_picker import ServicePickerDialog

    picker = ServicePickerDialog(state)
    qtbot.addWidget(picker)
    picker.show()
    assert picker.list.count() == len(state.ctx.catalog.services())
    qtbot.keyClick(picker.search, Qt.Key.Key_Down)
    assert picker.list.currentRow() == 1
    picker.search.setText("养老")  # as an input method commits it
    assert picker.list.currentItem().data(Qt.ItemDataRole.UserRole) == SERVICE
    picker.search.setText("不存在的事项")
    assert picker.list.count() == 0 and picker.empty.isVisibleTo(picker)
