"""Scanned and imported pages landing on a case, and the scan commands."""

from __future__ import annotations

import io
import json

import pytest
from PIL import Image

from cli.main import main
from scanning.attach import store_pages
from scanning.importer import load_pages
from scanning.pdf import export_case_pdf
from scanning.pipeline import process_image
from scanning.profiles import profile_for
from scanning.sane_source import SaneSource
from scanning.sources import ScanRequest
from workstation.context import Context
from workstation.documents import case_documents
from workstation.errors import InputFileError

from .scanning_helpers import jpeg_bytes, require_sane, sane_config_dir, text_page


@pytest.fixture(scope="module")
def sane_dir(tmp_path_factory):
    require_sane()
    return sane_config_dir(tmp_path_factory.mktemp("sane"))


def test_feeder_batch_lands_on_the_case(ctx, make_case, sane_dir):
    case_id = make_case()
    profile = profile_for("household_register", {"source": "adf", "dpi": 50})
    source = SaneSource(env={"SANE_CONFIG_DIR": str(sane_dir)})
    request = ScanRequest.from_profile(profile, "test",
                                       extra_options={"test_picture": "Grid"})
    with source.start(request) as job:
        pages = [process_image(raw.image, raw.dpi, profile) for raw in job.pages()]
    assert len(pages) == 10
    doc_id = store_pages(ctx, case_id, "household_register", pages, "agent1")
    [doc] = [d for d in case_documents(ctx.db, case_id) if d["doc_id"] == doc_id]
    assert doc["kind"] == "household_register" and len(doc["pages"]) == 10
    first = doc["pages"][0]
    assert first["sha256"] == pages[0].sha256 and first["dpi"] == 50
    assert ctx.blobs.read(first["sha256"]) == pages[0].data
    assert ctx.blobs.read(first["thumb_sha256"]) == pages[0].thumbnail
    # more pages go to the same document, after the first ten
    again = store_pages(ctx, case_id, "household_register", pages[:2], "agent1")
    assert again == doc_id
    assert len(case_documents(ctx.db, case_id)[0]["pages"]) == 12


def test_imported_file_and_case_pdf(ctx, make_case, tmp_path):
    case_id = make_case()
    path = tmp_path / "id.jpg"
    path.write_bytes(jpeg_bytes(text_page(100, seal=True), dpi=(100, 100)))
    pages = load_pages(path)
    store_pages(ctx, case_id, "id_card", pages, "agent1")
    pdf = export_case_pdf(ctx, case_id)
    assert pages[0].data in pdf


def test_broken_file_stores_nothing(ctx, make_case, tmp_path):
    case_id = make_case()
    path = tmp_path / "cut.jpg"
    path.write_bytes(jpeg_bytes(text_page(100))[:2000])
    with pytest.raises(InputFileError):
        store_pages(ctx, case_id, "id_card", load_pages(path), "agent1")
    assert list(ctx.blobs.stored()) == []
    assert case_documents(ctx.db, case_id) == []


@pytest.fixture
def cli_case(ctx, make_case):
    case_id = make_case()
    data_dir = ctx.data_dir
    ctx.close()
    return data_dir, case_id


def test_cli_scan_into_case(cli_case, sane_dir, monkeypatch, capsys):
    data_dir, case_id = cli_case
    monkeypatch.setenv("SANE_CONFIG_DIR", str(sane_dir))
    code = main(["--data-dir", str(data_dir), "scan", case_id, "--kind", "id_card",
                 "--user", "agent1", "--device", "test", "--dpi", "150", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["error"] is None
    [page] = out["pages"]
    assert page["dpi"] == 150 and page["content_type"] == "image/jpeg"
    assert abs(page["width"] - round(85.6 / 25.4 * 150)) <= 3      # ID-card area
    with Context.open(data_dir) as ctx:
        [doc] = case_documents(ctx.db, case_id)
        assert doc["kind"] == "id_card" and doc["pages"][0]["sha256"] == page["sha256"]
        stored = ctx.blobs.read(page["sha256"])
    assert len(stored) == page["size"]


def test_cli_scan_error_is_plain_language(cli_case, sane_dir, monkeypatch, capsys):
    data_dir, case_id = cli_case
    monkeypatch.setenv("SANE_CONFIG_DIR", str(sane_dir))
    code = main(["--data-dir", str(data_dir), "scan", case_id, "--kind", "form", "--user",
                 "agent1", "--device", "nosuchscanner", "--dpi", "50"])
    err = capsys.readouterr().err
    assert code != 0 and "找不到扫描仪" in err


def test_cli_scanners_lists_test_device_only_with_all(tmp_path, sane_dir, monkeypatch, capsys):
    monkeypatch.setenv("SANE_CONFIG_DIR", str(sane_dir))
    assert main(["--data-dir", str(tmp_path / "d"), "scanners", "--json"]) == 0
    assert not any(d["name"].startswith("test") for d in json.loads(capsys.readouterr().out))
    assert main(["--data-dir", str(tmp_path / "d"), "scanners", "--all", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert any(d["name"] == "test" for d in listed)


def test_thumbnail_opens(ctx, make_case):
    page = process_image(text_page(100), 100)
    case_id = make_case()
    store_pages(ctx, case_id, "form", [page], "agent1")
    thumb = case_documents(ctx.db, case_id)[0]["pages"][0]["thumb_sha256"]
    assert Image.open(io.BytesIO(ctx.blobs.read(thumb))).format == "JPEG"
