"""Shared fixtures: real stores in temporary directories, no mocks."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("WORKSTATION_LANG", "zh_CN")
# Tests never touch the real keyring: a file-backed one in a throw-away home,
# inherited by the CLI subprocesses that tests start.
os.environ["PYTHON_KEYRING_BACKEND"] = "keyrings.alt.file.PlaintextKeyring"
if "WS_TEST_KEYRING_HOME" not in os.environ:  # set once; helper processes reuse it
    os.environ["WS_TEST_KEYRING_HOME"] = tempfile.mkdtemp(prefix="ws-test-keyring-")
os.environ["XDG_DATA_HOME"] = os.environ["WS_TEST_KEYRING_HOME"]

PASSWORD = "correct horse 1"
OFFICE = "340822104201"


@pytest.fixture(autouse=True)
def _chinese_first():
    from workstation import i18n

    i18n.set_language("zh_CN")
    yield
    i18n.set_language("zh_CN")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def ctx(data_dir: Path):
    from workstation import accounts
    from workstation.context import Context
    from workstation.office import init_office

    with Context.open(data_dir) as context:
        init_office(context, OFFICE, "桃花村便民服务站", "admin", PASSWORD)
        accounts.add_user(context.db, "clerk1", "clerk", PASSWORD, actor="admin")
        accounts.add_user(context.db, "agent1", "village_agent", PASSWORD, actor="admin")
        accounts.add_user(context.db, "agent2", "village_agent", PASSWORD, actor="admin")
        yield context


def sample_applicant(**overrides: Any) -> dict[str, Any]:
    applicant = {"name": "张桂英", "id_number": "340822195803150022", "phone": "13905561234",
                 "address": "桃花村三组12号", "ethnicity": "汉族", "division_code": OFFICE}
    applicant.update(overrides)
    return applicant


def sample_fields(service_code: str = "rural_pension_enrollment") -> dict[str, Any]:
    from workstation.demo import sample_fields_for

    return sample_fields_for(service_code)


@pytest.fixture
def make_case(ctx):
    from workstation.cases import create_case

    def make(context=None, user: str = "agent1", service_code: str = "rural_pension_enrollment",
             applicant: dict[str, Any] | None = None, fields: dict[str, Any] | None = None) -> str:
        return create_case(context or ctx, service_code, applicant or sample_applicant(),
                           sample_fields(service_code) if fields is None else fields, user)

    return make


@pytest.fixture(autouse=True)
def _no_blocking_message_boxes(request, monkeypatch):
    """A message box nobody expected must fail the test, not hang it forever.

    Tests that expect a dialog patch ``QMessageBox`` themselves (later patches
    win). Anything else is recorded and printed, and the box is answered with
    its default button so the event loop goes on.
    """
    if "qtbot" not in request.fixturenames and "qapp" not in request.fixturenames:
        yield
        return
    from PySide6.QtWidgets import QMessageBox

    shown: list[str] = []

    def record(kind):
        def fake(parent, title, text="", *args, **kwargs):
            shown.append(f"{kind}: {title}: {text}")
            print(f"unexpected QMessageBox.{kind}: {title}: {text}")
            return QMessageBox.StandardButton.Ok if kind != "question" else QMessageBox.StandardButton.No
        return staticmethod(fake)

    for kind in ("warning", "critical", "information", "question"):
        monkeypatch.setattr(QMessageBox, kind, record(kind))
    yield
