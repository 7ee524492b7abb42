"""The scan dialog against SANE's real ``test`` device, and importing files."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import PASSWORD
from tests.scanning_helpers import jpeg_bytes, sane_config_dir, text_page
from workstation import accounts
from workstation.case_flow import pages_by_kind
from workstation.documents import case_documents

FAST = {"dpi": 75, "paper": "a5"}  # small pages keep the suite quick; the path is the same
SLOW = {**FAST, "extra_options": {"read_delay": True, "read_delay_duration": 200000}}


@pytest.fixture(scope="module")
def sane_env(tmp_path_factory) -> dict[str, str]:
    return {"SANE_CONFIG_DIR": str(sane_config_dir(tmp_path_factory.mktemp("sane")))}


@pytest.fixture
def state(ctx, sane_env):
    from scanning.sane_source import SaneSource
    from ui.ops import OpRunner
    from ui.state import AppState

    app_state = AppState(ctx, OpRunner(ctx), accounts.authenticate(ctx.db, "agent1", PASSWORD))
    app_state.services.update({"scan_source": SaneSource(env=sane_env),
                               "scanner_include_test": True, "scan_overrides": FAST})
    yield app_state
    app_state.ops.close()


@pytest.fixture
def dialog_for(state, qtbot):
    from ui.scan_dialog import ScanDialog

    def make(case_id: str, kind: str) -> ScanDialog:
        dialog = ScanDialog(state, case_id, kind)
        qtbot.addWidget(dialog)
        dialog.show()
        # Discovery runs in a worker process; the dialog lists what SANE found.
        qtbot.waitUntil(lambda: "查找" not in dialog.status.text(), timeout=60_000)
        dialog.set_device("test")
        return dialog

    return make


def test_feeder_batch_shows_pages_as_they_arrive_and_attaches_them(qtbot, ctx, make_case,
                                                                    dialog_for):
    case_id = make_case(user="agent1")
    dialog = dialog_for(case_id, "household_register")
    seen_while_busy: list[int] = []
    dialog.list.changed.connect(lambda: dialog.busy and seen_while_busy.append(dialog.list.count()))
    dialog.scan(batch=True)
    assert dialog.busy and dialog.buttons["stop"].isEnabled()
    assert not dialog.buttons["save"].isEnabled()  # nothing is stored half-way
    qtbot.waitUntil(lambda: not dialog.busy, timeout=120_000)
    assert dialog.list.count() == 10, dialog.status.text()  # the test feeder holds 10 pages
    assert seen_while_busy and min(seen_while_busy) < 10  # thumbnails came in live
    assert not dialog.list.item(0).icon().isNull()
    assert "10" in dialog.buttons["save"].text()

    dialog.list.setCurrentRow(3)
    dialog.list.item(3).setSelected(True)
    dialog.list.delete_selected()
    with qtbot.waitSignal(dialog.attached, timeout=60_000) as saved:
        dialog.save()
    assert saved.args == [9]
    assert pages_by_kind(ctx, case_id) == {"household_register": 9}
    pages = case_documents(ctx.db, case_id)[0]["pages"]
    assert all(p["thumb_sha256"] and ctx.blobs.has(p["sha256"]) for p in pages)


def test_one_flatbed_page(qtbot, ctx, make_case, dialog_for):
    case_id = make_case(user="agent1")
    dialog = dialog_for(case_id, "id_card")
    dialog.scan(batch=False)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=60_000)
    assert dialog.list.count() == 1
    with qtbot.waitSignal(dialog.attached, timeout=60_000):
        dialog.save()
    assert pages_by_kind(ctx, case_id) == {"id_card": 1}


def test_cancel_stops_the_scan_and_keeps_the_window_usable(qtbot, state, make_case, dialog_for):
    state.services["scan_overrides"] = SLOW
    dialog = dialog_for(make_case(user="agent1"), "household_register")
    dialog.scan(batch=True)
    qtbot.wait(500)
    dialog.cancel_scan()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=30_000)
    assert "取消" in dialog.status.text()
    assert dialog.buttons["one"].isEnabled()


def test_import_an_image_file_and_report_a_broken_one(qtbot, ctx, make_case, dialog_for,
                                                      tmp_path: Path):
    good = tmp_path / "户口簿.jpg"
    good.write_bytes(jpeg_bytes(text_page(dpi=100, seed=4)))
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n not really")
    case_id = make_case(user="agent1")
    dialog = dialog_for(case_id, "household_register")
    dialog.import_paths([str(good), str(broken)])
    qtbot.waitUntil(lambda: not dialog.busy, timeout=60_000)
    assert dialog.list.count() == 1
    assert "broken.png" in dialog.status.text() and dialog.status.property("error")
    with qtbot.waitSignal(dialog.attached, timeout=60_000):
        dialog.save()
    assert pages_by_kind(ctx, case_id) == {"household_register": 1}


def test_pages_can_be_saved_as_another_material(qtbot, ctx, make_case, dialog_for, tmp_path):
    page = tmp_path / "card.jpg"
    page.write_bytes(jpeg_bytes(text_page(dpi=100, seed=5)))
    case_id = make_case(user="agent1")
    dialog = dialog_for(case_id, "household_register")
    dialog.import_paths([str(page)])
    qtbot.waitUntil(lambda: not dialog.busy, timeout=60_000)
    dialog.kind_box.setCurrentIndex(dialog.kind_box.findData("application_form"))
    with qtbot.waitSignal(dialog.attached, timeout=60_000):
        dialog.save()
    assert pages_by_kind(ctx, case_id) == {"application_form": 1}


def test_rescanning_a_page_puts_the_new_one_in_its_place(qtbot, ctx, state, make_case, tmp_path):
    from tests.test_ui_case_view import attach
    from ui.scan_dialog import ScanDialog

    case_id = make_case(user="agent1")
    first, second = attach(ctx, case_id, "household_register", 2, "agent1")
    doc_id = case_documents(ctx.db, case_id)[0]["doc_id"]
    page = tmp_path / "again.jpg"
    page.write_bytes(jpeg_bytes(text_page(dpi=100, seed=9)))
    dialog = ScanDialog(state, case_id, "household_register", replace=(doc_id, first))
    qtbot.addWidget(dialog)
    assert not dialog.kind_box.isEnabled()  # a re-scan stays in its document
    dialog.import_paths([str(page)])
    qtbot.waitUntil(lambda: not dialog.busy and dialog.list.count() == 1, timeout=60_000)
    assert dialog.buttons["save"].text() == "用这一页替换"
    with qtbot.waitSignal(dialog.attached, timeout=60_000):
        dialog.save()
    pages = [p["sha256"] for p in case_documents(ctx.db, case_id)[0]["pages"]]
    assert len(pages) == 2 and pages[1] == second and pages[0] not in (first, second)
