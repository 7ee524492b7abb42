"""The case list: lazy model, search, filters, chips, sorting, masking, a large store."""

from __future__ import annotations

import time
import uuid

import pytest

pytest.importorskip("pytestqt")

from tests.conftest import PASSWORD, sample_applicant, sample_fields  # noqa: E402

WAIT_MS = 15_000


@pytest.fixture
def state(ctx):
    from ui.ops import OpRunner
    from ui.state import AppState
    from workstation import accounts

    ops = OpRunner(ctx)
    yield AppState(ctx, ops, accounts.authenticate(ctx.db, "clerk1", PASSWORD))
    ops.close()


@pytest.fixture
def cases(ctx, make_case):
    """Five cases: two agents, three names, one ready and one returned by the county."""
    ids = {
        "zhang": make_case(user="agent1", applicant=sample_applicant()),
        "zhang2": make_case(user="agent1", applicant=sample_applicant(
            name="张桂芳", id_number="11010519491231002X", phone="13812345678")),
        "li": make_case(user="agent2", applicant=sample_applicant(
            name="李建国", id_number="34052419800101001X", phone="13700001111")),
        "wang": make_case(user="agent2", service_code="resident_medical_enrollment",
                          applicant=sample_applicant(name="王秀兰", id_number="", phone="")),
        "wang2": make_case(user="agent1", applicant=sample_applicant(
            name="欧阳秀", id_number="", phone="")),
    }
    ctx.db.execute("UPDATE cases SET status = 'ready' WHERE case_id = ?", [ids["li"]])
    ctx.db.execute("UPDATE cases SET status = 'returned', county_reason = '户口簿页缺失'"
                   " WHERE case_id = ?", [ids["wang"]])
    return ids


@pytest.fixture
def page(qtbot, state, cases):
    from ui.case_list import CaseListPage

    widget = CaseListPage(state)
    qtbot.addWidget(widget)
    widget.resize(1200, 700)
    widget.show()
    with qtbot.waitSignal(widget.results_shown, timeout=WAIT_MS):
        widget.reload()
    return widget


def shown_names(page) -> list[str]:
    model = page.model
    return [model.data(model.index(r, 1)) for r in range(model.rowCount())]


def search(qtbot, page, text: str) -> list[str]:
    with qtbot.waitSignal(page.results_shown, timeout=WAIT_MS):
        page.search.setText(text)  # the debounce timer runs the query
    return shown_names(page)


def test_model_passes_qt_model_tester(qtmodeltester, page):
    assert page.model.rowCount() == 5
    qtmodeltester.check(page.model)


def test_two_character_name_search(qtbot, page):
    assert sorted(search(qtbot, page, "张桂")) == ["张桂芳", "张桂英"]
    assert search(qtbot, page, "秀兰") == ["王秀兰"]  # inside the name, not only the start
    assert search(qtbot, page, "赵钱") == []
    assert page.empty.isVisible() and not page.table.isVisible()


def test_id_number_prefix_and_phone_search(qtbot, page):
    assert search(qtbot, page, "110105") == ["张桂芳"]
    assert search(qtbot, page, "3405241980") == ["李建国"]
    assert search(qtbot, page, "137000") == ["李建国"]


def test_case_number_search(qtbot, page, ctx, cases):
    local_no = ctx.db.execute("SELECT local_no FROM cases WHERE case_id = ?",
                              [cases["li"]]).fetchone()[0]
    assert search(qtbot, page, local_no) == ["李建国"]


def test_typing_fast_runs_one_query(qtbot, page):
    runs = []
    page.results_shown.connect(runs.append)
    for text in ("张", "张桂", "张桂英"):
        page.search.setText(text)
    qtbot.waitUntil(lambda: bool(runs), timeout=WAIT_MS)
    qtbot.wait(400)
    assert runs == [1]


def test_status_chips_count_and_filter(qtbot, page):
    chips = page.chip_texts()
    assert chips[""].endswith("5") and chips["draft"].endswith("3")
    assert chips["ready"].endswith("1") and chips["returned"].endswith("1")
    assert "sent" not in chips  # empty statuses are not shown
    with qtbot.waitSignal(page.results_shown, timeout=WAIT_MS):
        page.click_chip("returned")
    assert shown_names(page) == ["王秀兰"]
    assert page.model.data(page.model.index(0, 4)) == "退回补正"
    with qtbot.waitSignal(page.results_shown, timeout=WAIT_MS):
        page.click_chip(None)
    assert page.model.rowCount() == 5


def test_chips_are_replaced_not_added_when_counts_change(qtbot, page):
    # the old chips leave the row at once, not when the event loop deletes
    # them: else each recount widened the list page (a window 2,700 px wide
    # after a sync in the screenshots)
    width = page.minimumSizeHint().width()
    for status in ("draft", "returned", None):
        page.click_chip(status)       # (no event loop in between: no deferred deletes)
    shown = [page.chips.itemAt(i).widget() for i in range(page.chips.count())]
    assert shown == page.chip_group.buttons()
    assert page.minimumSizeHint().width() == width
    with qtbot.waitSignal(page.results_shown, timeout=WAIT_MS):
        page.click_chip("ready")


def test_searching_keeps_the_counts_and_a_data_reload_recounts(qtbot, page, ctx, cases):
    ctx.db.execute("UPDATE cases SET status = 'ready' WHERE case_id = ?", [cases["zhang"]])
    assert search(qtbot, page, "张桂") and page.chip_texts()["ready"].endswith("1")  # not counted again
    with qtbot.waitSignal(page.results_shown, timeout=WAIT_MS):
        page.click_chip("ready")
    assert page.chip_texts()["ready"].endswith("1")
    with qtbot.waitSignal(page.results_shown, timeout=WAIT_MS):
        page.reload()  # what the app calls after it changed cases
    assert page.chip_texts()["ready"].endswith("2") and page.chip_texts()["draft"].endswith("2")
    assert sorted(shown_names(page)) == ["张桂英"]  # the ready ones that match the search


def test_service_filter(qtbot, page):
    index = page.service.findData("resident_medical_enrollment")
    with qtbot.waitSignal(page.results_shown, timeout=WAIT_MS):
        page.service.setCurrentIndex(index)
    assert shown_names(page) == ["王秀兰"]
    assert page.model.data(page.model.index(0, 3)) == "城乡居民医保参保登记"


def test_date_filter_today_and_custom(qtbot, page):
    from PySide6.QtCore import QDate

    with qtbot.waitSignal(page.results_shown, timeout=WAIT_MS):
        page.period.setCurrentIndex(page.period.findData("today"))
    assert page.model.rowCount() == 5
    with qtbot.waitSignal(page.results_shown, timeout=WAIT_MS):
        page.period.setCurrentIndex(page.period.findData("custom"))
    with qtbot.waitSignal(page.results_shown, timeout=WAIT_MS):
        page.date_from.setDate(QDate.currentDate().addDays(-10))
        page.date_to.setDate(QDate.currentDate().addDays(-3))
    assert page.model.rowCount() == 0


def test_sorting_by_clicking_a_header(qtbot, page):
    from PySide6.QtCore import QPoint, Qt

    header = page.table.horizontalHeader()
    where = QPoint(header.sectionViewportPosition(1) + 20, header.height() // 2)
    orders = []
    for _ in range(2):  # the first click sorts one way, the second the other
        with qtbot.waitSignal(page.results_shown, timeout=WAIT_MS):
            qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=where)
        orders.append(shown_names(page))
    assert sorted(orders[0]) in (orders[0], orders[1])
    assert orders[1] == list(reversed(orders[0])) and orders[0] != orders[1]
    with qtbot.waitSignal(page.results_shown, timeout=WAIT_MS):
        page.model.sort(0, Qt.SortOrder.AscendingOrder)  # by case number: creation order
    assert shown_names(page)[0] == "张桂英"


def test_id_numbers_are_masked(page):
    model = page.model
    shown = {model.data(model.index(r, 1)): model.data(model.index(r, 2))
             for r in range(model.rowCount())}
    assert shown["张桂英"] == "3408**********0022"
    assert shown["张桂芳"] == "1101**********002X"
    texts = [str(model.data(model.index(r, c))) for r in range(5) for c in range(8)]
    assert not any("340822195803150022" in t for t in texts)


def test_status_colour_county_reason_and_case_id_roles(page, cases):
    from PySide6.QtCore import Qt

    from ui.case_list_model import CASE_ID_ROLE
    from ui.theme import STATUS_COLOURS

    model = page.model
    row = next(r for r in range(model.rowCount()) if model.data(model.index(r, 1)) == "王秀兰")
    status, name = model.index(row, 4), model.index(row, 1)
    assert model.data(status, Qt.ItemDataRole.ForegroundRole).name() == STATUS_COLOURS["returned"]
    assert model.data(name, Qt.ItemDataRole.ForegroundRole) is None
    assert model.data(status, Qt.ItemDataRole.ToolTipRole) == "户口簿页缺失"
    assert model.data(name, Qt.ItemDataRole.ToolTipRole) is None
    assert model.data(name, CASE_ID_ROLE) == cases["wang"]
    assert model.data(name, Qt.ItemDataRole.DecorationRole) is None
    assert model.data(model.index(row, 4), int(Qt.ItemDataRole.DisplayRole)) == model.data(status)


def test_enter_and_double_click_open_the_case(qtbot, page, cases):
    from PySide6.QtCore import Qt

    page.table.setFocus()
    page.table.selectRow(0)
    with qtbot.waitSignal(page.open_requested, timeout=2000) as opened:
        qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert opened.args[0] == page.model.case_id(0) and opened.args[0] in cases.values()


def test_village_agent_sees_only_own_cases(qtbot, ctx, cases):
    from ui.case_list import CaseListPage
    from ui.ops import OpRunner
    from ui.state import AppState
    from workstation import accounts

    ops = OpRunner(ctx)
    agent = AppState(ctx, ops, accounts.get_user(ctx.db, "agent2"))
    widget = CaseListPage(agent)
    qtbot.addWidget(widget)
    with qtbot.waitSignal(widget.results_shown, timeout=WAIT_MS):
        widget.reload()
    assert sorted(shown_names(widget)) == ["李建国", "王秀兰"]
    assert widget.chip_texts()[""].endswith("2")
    ops.close()


def insert_many(ctx, n: int) -> None:
    import random

    from workstation import accounts
    from workstation.cases import insert_cases
    from workstation.db import write
    from workstation.demo import fake_applicant

    rng = random.Random(5)
    actor = accounts.get_user(ctx.db, "agent1")
    fields = sample_fields()
    with write(ctx.db):
        for start in range(0, n, 5000):
            batch = [(str(uuid.uuid4()), "rural_pension_enrollment", "1",
                      fake_applicant(rng, "340822104201"), fields) for _ in range(min(5000, n - start))]
            insert_cases(ctx, batch, actor)


def test_a_large_store_shows_first_rows_fast_and_loads_only_what_is_seen(qtbot, state, ctx):
    from ui.case_list import CaseListPage
    from ui.case_list_model import BLOCK_SIZE, MAX_BLOCKS

    version = ctx.catalog.get("rural_pension_enrollment").version
    insert_many(ctx, 20_000)
    ctx.db.execute("UPDATE cases SET form_version = ?", [version])
    widget = CaseListPage(state)
    qtbot.addWidget(widget)
    widget.resize(1200, 700)
    widget.show()
    started = time.perf_counter()
    first: list[tuple[int, str | None]] = []
    widget.first_rows_shown.connect(
        lambda n: first.append((n, widget.model.case_id(n - 1))))  # the last id not there yet
    came_with_ids: list[int] = []  # the first block's rows arrive with the first page, read off
    widget.first_rows_shown.connect(lambda _: came_with_ids.append(widget.model.loaded_summaries))
    with qtbot.waitSignal(widget.results_shown, timeout=WAIT_MS):
        widget.reload()
    qtbot.wait(50)  # let the view paint its first rows
    elapsed = time.perf_counter() - started
    assert first == [(20_000, None)]  # the first page came alone, the rest as placeholders
    assert came_with_ids == [BLOCK_SIZE]  # the main thread, before any paint
    model = widget.model
    assert model.rowCount() == 20_000
    assert model.data(model.index(0, 1))  # the first row has its applicant
    assert elapsed < 3.0, elapsed
    assert model.loaded_summaries <= 2 * BLOCK_SIZE  # only what is on screen
    widget.table.scrollToBottom()
    qtbot.wait(50)
    assert model.data(model.index(19_999, 1))
    for row in range(0, 20_000, 997):  # jump around the whole list
        model.data(model.index(row, 1))
    assert model.cached_blocks() <= MAX_BLOCKS
    with qtbot.waitSignal(widget.results_shown, timeout=WAIT_MS):
        widget.search.setText("王桂")
    assert 0 < model.rowCount() < 20_000
    assert all(name.startswith("王桂") for name in shown_names(widget)[:50])
