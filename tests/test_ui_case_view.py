"""The case view: readiness, shortfall acceptance, the page viewer, history and banners."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PIL import Image, ImageDraw

from tests.conftest import PASSWORD
from workstation import accounts, audit, statuses
from workstation.case_flow import apply_county_status, pages_by_kind
from workstation.cases import get_case
from workstation.db import write
from workstation.documents import case_documents


def page_image(seed: int, size: tuple[int, int] = (420, 600)) -> Image.Image:
    """A small page with a mark whose place tells pages and their rotation apart."""
    image = Image.new("L", size, 250)
    draw = ImageDraw.Draw(image)
    for row in range(8):
        y = 60 + row * 50
        draw.rectangle([40, y, 40 + 40 * ((seed + row) % 8 + 1), y + 12], fill=20)
    return image


def attach(ctx, case_id: str, kind: str, count: int, user: str, seed: int = 0) -> list[str]:
    """Pages through the real scanning pipeline and attach code; returns their hashes."""
    from scanning.attach import store_pages
    from scanning.pipeline import process_image
    from scanning.profiles import profile_for

    pages = [process_image(page_image(seed + i), 100, profile_for("text")) for i in range(count)]
    store_pages(ctx, case_id, kind, pages, user)
    return [p.sha256 for p in pages]


def attach_required(ctx, case_id: str, user: str) -> None:
    case = get_case(ctx, case_id)
    form = ctx.catalog.get(case.service_code, case.form_version)
    for i, doc in enumerate(form.required_documents(case.fields)):
        attach(ctx, case_id, doc.kind, doc.min_pages, user, seed=10 * i)


@pytest.fixture
def state_for(ctx):
    from ui.ops import OpRunner
    from ui.state import AppState

    made = []

    def make(username: str):
        made.append(AppState(ctx, OpRunner(ctx), accounts.authenticate(ctx.db, username, PASSWORD)))
        return made[-1]

    yield make
    for app_state in made:
        app_state.ops.close()


@pytest.fixture
def view_for(state_for, qtbot):  # qtbot last: widgets close before the store does
    from ui.case_view import CaseViewPage

    def make(username: str):
        view = CaseViewPage(state_for(username))
        qtbot.addWidget(view)
        view.resize(1200, 800)
        view.show()
        return view

    return make


def test_mark_ready_is_refused_with_the_problems_then_accepted(ctx, make_case, view_for):
    case_id = make_case(user="agent1")
    view = view_for("agent1")
    view.show_case(case_id)
    assert view.action_buttons["ready"].isVisible()
    assert not view.mark_ready()
    assert view.message.isVisible()
    assert "缺少材料" in view.message.text() and "户口簿" in view.message.text()
    assert get_case(ctx, case_id).status == statuses.DRAFT

    attach_required(ctx, case_id, "agent1")
    assert view.mark_ready()
    assert not view.message.isVisible()
    assert get_case(ctx, case_id).status == statuses.READY
    assert view.status_chip.text() == "待上报"
    assert view.action_buttons["withdraw"].isVisible() and not view.action_buttons["ready"].isVisible()


def test_clerk_accepts_with_a_shortfall(ctx, make_case, view_for):
    case_id = make_case(user="agent1")
    attach(ctx, case_id, "id_card", 2, "agent1")
    view = view_for("clerk1")
    view.show_case(case_id)
    assert view.action_buttons["shortfall"].isEnabled()
    owed = list(view.checklist.missing)
    assert "household_register" in owed and "id_card" not in owed
    assert view.accept_shortfall(owed, date.today() + timedelta(days=5), "承诺书已签")
    case = get_case(ctx, case_id)
    assert case.status == statuses.READY and case.shortfall["missing"] == sorted(owed)
    assert view.shortfall_banner.isVisible() and "户口簿" in view.shortfall_banner.text()


def test_an_agent_cannot_accept_with_a_shortfall(ctx, make_case, view_for):
    case_id = make_case(user="agent1")
    view = view_for("agent1")
    view.show_case(case_id)
    button = view.action_buttons["shortfall"]
    assert button.isVisible() and not button.isEnabled()
    assert "窗口人员" in button.toolTip()
    assert not view.accept_shortfall(["id_card"], date.today() + timedelta(days=5))
    assert "没有权限" in view.message.text()
    assert get_case(ctx, case_id).status == statuses.DRAFT


def test_page_viewer_reorders_deletes_and_rotates_the_stored_pages(qtbot, ctx, make_case,
                                                                    state_for):
    from ui.page_viewer import PageViewerDialog

    case_id = make_case(user="agent1")
    first, second, third = attach(ctx, case_id, "household_register", 3, "agent1")
    doc_id = case_documents(ctx.db, case_id)[0]["doc_id"]
    viewer = PageViewerDialog(state_for("agent1"), case_id, doc_id)
    qtbot.addWidget(viewer)
    viewer.show()

    def stored() -> list[dict]:
        return case_documents(ctx.db, case_id)[0]["pages"]

    viewer.strip.setCurrentRow(0)
    viewer.move_page(1)
    assert [p["sha256"] for p in stored()] == [second, first, third]
    viewer.delete_page(2)
    assert [p["sha256"] for p in stored()] == [second, first]
    viewer.strip.setCurrentRow(1)
    before = stored()[1]
    done = []
    viewer.rotate(1, on_done=lambda: done.append(True))
    qtbot.waitUntil(lambda: bool(done), timeout=10_000)
    after = stored()
    assert after[0]["sha256"] == second and after[1]["sha256"] != first
    assert (after[1]["width"], after[1]["height"]) == (before["height"], before["width"])
    assert viewer.strip.count() == 2
    actions = [e["action"] for e in audit.history(ctx.db, case_id)]
    assert "case.view_documents" in actions and actions.count("document.pages") >= 3


def test_documents_tab_shows_thumbnails_and_audits_the_view(qtbot, ctx, make_case, view_for):
    from ui.page_strip import ThumbStrip

    case_id = make_case(user="agent1")
    attach(ctx, case_id, "id_card", 2, "agent1")
    view = view_for("clerk1")
    view.show_case(case_id)
    viewed = [e for e in audit.history(ctx.db, case_id) if e["action"] == "case.view_documents"]
    assert not viewed  # the papers were not shown yet
    view.tabs.setCurrentIndex(1)
    strips = view.docs_page.findChildren(ThumbStrip)
    assert len(strips) == 1 and strips[0].count() == 2
    qtbot.waitUntil(lambda: not strips[0].item(0).icon().isNull(), timeout=5000)
    viewed = [e for e in audit.history(ctx.db, case_id) if e["action"] == "case.view_documents"]
    assert len(viewed) == 1 and viewed[0]["actor"] == "clerk1"


def test_history_uses_plain_words(ctx, make_case, view_for):
    case_id = make_case(user="agent1")
    attach(ctx, case_id, "id_card", 2, "agent1")
    view = view_for("agent1")
    view.show_case(case_id)
    actions = {view.history.item(r, 2).text() for r in range(view.history.rowCount())}
    assert {"创建草稿", "添加材料页面"} <= actions
    details = {view.history.item(r, 3).text() for r in range(view.history.rowCount())}
    assert any("身份证" in d and "2 页" in d for d in details)


def test_a_returned_case_shows_the_reason_in_a_banner(ctx, make_case, view_for):
    case_id = make_case(user="agent1")
    attach_required(ctx, case_id, "agent1")
    from workstation.case_flow import mark_ready, set_sync_status

    mark_ready(ctx, case_id, "agent1")
    with write(ctx.db):
        set_sync_status(ctx, case_id, statuses.SENDING)
        set_sync_status(ctx, case_id, statuses.SENT, county_ref="AQ-HX-2026-0000001")
        apply_county_status(ctx, case_id, "returned", "户口簿页缺失，请补扫",
                            "2026-11-25T10:02:00+08:00")
    view = view_for("agent1")
    view.show_case(case_id)
    assert view.banner.isVisible()
    assert "退回补正" in view.banner.text() and "户口簿页缺失" in view.banner.text()
    assert "AQ-HX-2026-0000001" in view.numbers.text()
    assert view.action_buttons["edit"].isVisible() and view.action_buttons["ready"].isVisible()
    assert view.mark_ready()
    assert get_case(ctx, case_id).revision == 2
    assert "第 2 次提交" in view.numbers.text()
    assert pages_by_kind(ctx, case_id)


def test_a_case_the_county_refused_says_why(ctx, make_case, view_for):
    from sync import outbox

    case_id = make_case(user="agent1")
    attach_required(ctx, case_id, "agent1")
    from workstation.case_flow import mark_ready

    mark_ready(ctx, case_id, "agent1")
    outbox.refresh(ctx)  # the sync engine's bookkeeping row for the ready case
    error = outbox.error_record("县级平台拒收", "字段有误",
                                [{"field": "fields.contribution_grade", "code": "invalid_field",
                                  "message": "缴费档次不在选项中"}], source="county")
    with write(ctx.db):
        outbox.set_state(ctx.db, case_id, outbox.QUARANTINED, error=error)
    view = view_for("agent1")
    view.show_case(case_id)
    assert view.banner.isVisible()
    assert "拒收" in view.banner.text() and "缴费档次不在选项中" in view.banner.text()
