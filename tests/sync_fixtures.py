"""Fixtures of the sync tests (loaded with ``pytest_plugins = ["tests.sync_fixtures"]``)."""

from __future__ import annotations

from pathlib import Path

import keyring
import pytest
from keyrings.alt.file import PlaintextKeyring

from tests.county_server import CountyServer
from tests.sync_helpers import BROKEN_SERVICE, CODES, TEST_SERVICE


@pytest.fixture
def keyring_file(tmp_path: Path):
    """A file-backed keyring inside tmp_path; CLI subprocesses find it through XDG_DATA_HOME.

    Request it before ``ctx``: the store's data key (encryption) is created when
    ``ctx`` opens the store, and must land in this keyring along with the
    device token, or a second context (a worker thread, a CLI process) cannot
    open the store.
    """
    home = tmp_path / "xdg"
    ring = PlaintextKeyring()
    ring.file_path = str(home / "python_keyring" / "keyring_pass.cfg")
    previous = keyring.get_keyring()
    keyring.set_keyring(ring)
    yield ring, home
    keyring.set_keyring(previous)


@pytest.fixture
def county(tmp_path: Path):
    server = CountyServer(tmp_path / "county.sqlite", enrollment_codes=CODES,
                          catalog=[TEST_SERVICE, BROKEN_SERVICE], seed=1234)
    server.start()
    yield server
    server.stop()
