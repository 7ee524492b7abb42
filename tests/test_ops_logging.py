"""Log files: rotation, one structured line per record, and nothing secret in them."""

from __future__ import annotations

import logging
import re

import pytest

from tests.test_ops_helpers import reset_logging
from workstation.ops_logging import configure_logging, scrub

ID_NUMBER = "340822195803150022"
TOKEN = "Q3Jx_8aLmN0pRsTuVwXyZ1234567890abcdEfGh"


@pytest.fixture(autouse=True)
def _clean_logging():
    reset_logging()
    yield
    reset_logging()


def _all_log_text(data_dir) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in (data_dir / "logs").iterdir())


def test_secrets_and_id_numbers_never_reach_the_file(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    configure_logging(data_dir, "cli")
    log = logging.getLogger("sync.client")
    log.info("sign in user=%s password=%s", "clerk1", "correct horse 1")
    log.info("login payload %s", {"username": "clerk1", "password": "correct horse 1"})
    log.warning("request headers: Authorization: Bearer %s", TOKEN)
    log.info("enrolled", extra={"device_token": TOKEN, "applicant": f"张桂英 {ID_NUMBER}"})
    log.info("enrollment answer %s", f'{{"device_id": "d1", "device_token": "{TOKEN}"}}')
    log.info("applicant %s phone %s", ID_NUMBER, "13905561234")
    log.info("口令：hunter22 密码=secret-pass")
    try:
        raise ValueError(f"bad id {ID_NUMBER} with token={TOKEN}")
    except ValueError:
        log.exception("import failed")

    text = _all_log_text(data_dir)
    for secret in ("correct horse", TOKEN, ID_NUMBER, "13905561234", "hunter22", "secret-pass"):
        assert secret not in text, secret
    assert "3408**********0022" in text
    assert "139****1234" in text
    assert "password=***" in text


def test_lines_are_structured_with_extras(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    path = configure_logging(data_dir, "app")
    logging.getLogger("workstation.ops_backup").info("backup written", extra={"cases": 3, "path": "E:\\备 份"})
    line = path.read_text(encoding="utf-8").splitlines()[0]
    assert path.name == "app.log"
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d INFO workstation\.ops_backup "
                    r"backup written pid=\d+ cases=3 path=\"E:\\\\备 份\"$", line), line


def test_multiline_messages_stay_on_one_line(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    path = configure_logging(data_dir)
    logging.getLogger("x").warning("first\nsecond")
    assert path.read_text(encoding="utf-8").count("\n") == 1


def test_files_rotate(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    configure_logging(data_dir, "cli", max_bytes=2000, backups=2)
    for i in range(200):
        logging.getLogger("x").info("line %d %s", i, "x" * 50)
    names = sorted(p.name for p in (data_dir / "logs").iterdir())
    assert names == ["cli.log", "cli.log.1", "cli.log.2"]


def test_logging_never_creates_the_data_directory(tmp_path):
    data_dir = tmp_path / "absent"
    configure_logging(data_dir)
    logging.getLogger("x").error("nothing to write into")
    assert not data_dir.exists()


def test_configuring_again_replaces_the_handler(tmp_path):
    first, second = tmp_path / "one", tmp_path / "two"
    first.mkdir()
    second.mkdir()
    configure_logging(first)
    configure_logging(second)
    logging.getLogger("x").info("where")
    assert not (first / "logs").exists()
    assert "where" in _all_log_text(second)


def test_cli_writes_its_log_into_the_data_directory(tmp_path, capsys):
    from cli.main import main

    data_dir = tmp_path / "data"
    data_dir.mkdir()
    main(["--data-dir", str(data_dir), "doctor", "--skip", "scanners", "--skip", "keyring"])
    assert "doctor finished" in (data_dir / "logs" / "cli.log").read_text(encoding="utf-8")


@pytest.mark.parametrize("text, expected", [
    ("token=abc&x=1", "token=***&x=1"),
    ("{'device_token': 'abc def'}", "{'device_token': '***'}"),
    ('password = "it\\"s" tail', 'password = "***" tail'),
    ("enrollment_code: K7Q2-9XHM", "enrollment_code: ***"),
    ("sha 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", None),
    ("ms 1732521600000 and path /usr/lib/python3/site-packages/PySide6/libQt6Widgets.so", None),
    ("id 34082219580315002x.", "id 3408**********002x."),
])
def test_scrub_patterns(text, expected):
    assert scrub(text) == (text if expected is None else expected)
