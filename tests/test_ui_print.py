"""Receipt, one-time notice and privacy notice rendered to real PDF files."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta

import pypdfium2 as pdfium
import pytest

from tests.test_ui_case_view import attach
from workstation import audit
from workstation.case_flow import accept_with_shortfall
from workstation.cases import get_case

# Noto CJK draws 民 and the radical ⺠ with one glyph, and Qt's PDF text map names
# such a glyph by the lower code point, so extracted text holds radicals where the
# page shows the ideograph. NFKC fixes most Kangxi radicals; these are the rest
# (and ⼾, which NFKC would turn into the traditional 戶).
_RADICALS = str.maketrans("⺠⻚⻅⻓⻔⻛⻋⻢⻉⻜⻄⻩⻬⻰⻥⻦⻘⻈⼾", "民页见长门风车马贝飞西黄齐龙鱼鸟青讠户")


def norm(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text.translate(_RADICALS)))


def pdf_text(path) -> tuple[int, str]:
    """Page count and all text, without whitespace (PDF text may break lines anywhere)."""
    pdf = pdfium.PdfDocument(str(path))
    try:
        text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
        return len(pdf), norm(text)
    finally:
        pdf.close()


@pytest.fixture(autouse=True)
def _qt_app(qapp):
    return qapp  # QTextDocument and fonts need a QGuiApplication


def test_receipt_pdf_has_the_case_number_masked_id_and_materials(ctx, make_case, tmp_path):
    from ui.printing import print_to_pdf

    case_id = make_case(user="agent1")
    attach(ctx, case_id, "id_card", 2, "agent1")
    attach(ctx, case_id, "household_register", 3, "agent1")
    case = get_case(ctx, case_id)
    path = print_to_pdf(ctx, case_id, "receipt", "clerk1", tmp_path / "receipt.pdf")
    pages, text = pdf_text(path)
    assert pages >= 1
    assert case.local_no in text
    assert "受理回执" in text
    assert "3408**********0022" in text and "340822195803150022" not in text
    assert "申请人居民身份证" in text and "户口簿首页和本人页" in text
    printed = [e for e in audit.history(ctx.db, case_id) if e["action"] == "case.print"]
    assert printed and printed[-1]["detail"] == {"document": "receipt", "to": "pdf"}
    assert printed[-1]["actor"] == "clerk1"


def test_receipt_carries_the_county_number_and_the_shortfall(ctx, make_case, tmp_path):
    from ui.printing import print_to_pdf

    case_id = make_case(user="agent1")
    attach(ctx, case_id, "id_card", 2, "agent1")
    attach(ctx, case_id, "household_register", 2, "agent1")
    accept_with_shortfall(ctx, case_id, "clerk1", ["application_form", "bank_card"],
                          date.today() + timedelta(days=5))
    ctx.db.execute("UPDATE cases SET county_ref = 'AQ-HX-2026-0012345' WHERE case_id = ?", [case_id])
    _, text = pdf_text(print_to_pdf(ctx, case_id, "receipt", "clerk1", tmp_path / "r.pdf"))
    assert "AQ-HX-2026-0012345" in text
    assert "容缺受理" in text and "参保登记表" in text


def test_one_time_notice_lists_every_missing_material_once(ctx, make_case, tmp_path):
    from ui.printing import print_to_pdf

    case_id = make_case(user="agent1")
    attach(ctx, case_id, "id_card", 2, "agent1")
    case = get_case(ctx, case_id)
    form = ctx.catalog.get(case.service_code, case.form_version)
    missing = form.missing_documents(case.fields, {"id_card": 2})
    assert len(missing) >= 2
    pages, text = pdf_text(print_to_pdf(ctx, case_id, "notice", "clerk1", tmp_path / "n.pdf"))
    assert pages >= 1 and case.local_no in text
    assert "一次性告知单" in text and "5日内" in text
    for doc in missing:
        assert text.count(norm(doc.label["zh_CN"])) == 1
    assert "申请人居民身份证" not in text  # handed in already: not asked for again
    assert f"共{len(missing)}项" in text


def test_privacy_notice_renders(ctx, make_case, tmp_path):
    from ui.printing import print_to_pdf

    case_id = make_case(user="agent1")
    pages, text = pdf_text(print_to_pdf(ctx, case_id, "privacy", "agent1", tmp_path / "p.pdf"))
    assert pages >= 1 and "个人信息告知书" in text and "个人信息保护法" in text


def test_qr_code_image_is_made(qapp):
    from ui.printing import qr_image

    image = qr_image("340822104201-20261125-ABCD-00001")
    assert not image.isNull() and image.width() == image.height() > 100
