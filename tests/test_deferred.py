"""Modules deferred until first use: nothing loads them early, and they work when used."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          cwd=ROOT, check=True).stdout.strip()


def test_a_deferred_module_loads_on_first_read_whichever_way_it_is_imported():
    out = _run(
        "import sys\n"
        "from workstation.deferred import defer_import\n"
        "defer_import('xml.dom.minidom')\n"
        "import xml.dom.minidom as early\n"
        "print('xml.dom.expatbuilder' in sys.modules)\n"
        "from xml.dom.minidom import parseString\n"
        "print(parseString('<a/>').documentElement.tagName, early.parseString('<b/>').documentElement.tagName)\n"
        "import xml.dom\n"
        "print(xml.dom.minidom is sys.modules['xml.dom.minidom'], sys.modules['xml.dom.minidom'].__file__.endswith('minidom.py'))\n"
    )
    assert out.splitlines() == ["False", "a b", "True True"]


def test_sqlite_utils_date_recipes_still_work_with_dateutil_deferred():
    out = _run(
        "import sys, workstation\n"
        "print('dateutil.tz' in sys.modules)\n"
        "from sqlite_utils.recipes import parsedate\n"
        "print(parsedate('2026-11-25'), 'dateutil.tz' in sys.modules)\n"
    )
    assert out.splitlines() == ["False", "2026-11-25 True"]


def test_loading_the_catalog_leaves_stdnum_until_a_number_is_checked():
    out = _run(
        "import sys\n"
        "from workstation.catalog import load_builtin_catalog\n"
        "load_builtin_catalog()\n"
        "print('stdnum' in sys.modules, 'ssl' in sys.modules)\n"
        "from workstation.validation import parse_id_number, check_uscc\n"
        "print(parse_id_number('11010519491231002X').gender, check_uscc('91350100M000100Y43')[1])\n"
        "from workstation import validation\n"
        "print('stdnum' in sys.modules, validation.ric.calc_check_digit is sys.modules['stdnum.cn.ric'].calc_check_digit)\n"
    )
    assert out.splitlines() == ["False False", "F True", "True True"]


def test_a_lazy_module_reads_like_the_real_one():
    out = _run(
        "import sys\n"
        "from workstation.deferred import lazy_module\n"
        "minidom = lazy_module('xml.dom.minidom')\n"
        "print('xml.dom.minidom' in sys.modules)\n"
        "print(minidom.parseString('<a/>').documentElement.tagName, 'parseString' in vars(minidom))\n"
        "try:\n"
        "    minidom.no_such_name\n"
        "except AttributeError:\n"
        "    print('AttributeError')\n"
    )
    assert out.splitlines() == ["False", "a True", "AttributeError"]


def test_sqlite_utils_patterns_compile_on_first_use_and_still_match():
    out = _run(
        "import re, workstation\n"
        "import sqlite_utils.db as module\n"
        "print(type(module._virtual_table_using_re).__name__, re.compile('a').__class__ is re.Pattern)\n"
        "from sqlite_utils import Database\n"
        "db = Database(memory=True)\n"
        "db.execute('CREATE VIRTUAL TABLE notes USING fts5(body)')\n"
        "print(db['notes'].virtual_table_using, db['notes'].detect_fts())\n"
        "db['notes'].insert({'body': 'one two'})\n"
        "print(len(list(db['notes'].search('\"one\" two'))))\n"
    )
    assert out.splitlines() == ["_LazyPattern True", "FTS5 notes", "1"]


def test_the_desktop_app_leaves_subprocess_until_used():
    out = _run(
        "import sys, ui\n"
        "print('Popen' in vars(sys.modules['subprocess']))\n"
        "import subprocess\n"
        "from subprocess import PIPE\n"
        "done = subprocess.run([sys.executable, '-c', 'print(7)'], stdout=PIPE, text=True, check=True)\n"
        "print(done.stdout.strip(), sys.modules['subprocess'].Popen is subprocess.Popen)\n"
    )
    assert out.splitlines() == ["False", "7 True"]


def test_opening_an_encrypted_store_leaves_cryptography_until_a_blob_is_used(tmp_path):
    out = _run(
        "import sys\n"
        "from pathlib import Path\n"
        "from workstation.context import Context\n"
        "from workstation.office import init_office\n"
        f"data = Path({str(tmp_path)!r})\n"
        "with Context.open(data) as ctx:\n"
        "    init_office(ctx, '340822104201', 'x', 'admin', 'a-password-1')\n"
        "for name in [m for m in sys.modules if m.startswith('cryptography')]:\n"
        "    del sys.modules[name]\n"
        "with Context.open(data) as ctx:\n"
        "    print(ctx._master is not None, any(m.startswith('cryptography') for m in sys.modules))\n"
        "    digest = ctx.blobs.put_bytes(b'scan')\n"
        "    print(ctx.blobs.read(digest), 'cryptography' in sys.modules)\n"
    )
    assert out.splitlines() == ["True False", "b'scan' True"]


def test_blob_keys_are_hkdf_sha256_as_cryptography_derives_them():
    import os

    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    from workstation.crypto import derive_key

    for master, purpose in [(os.urandom(32), b"workstation blobs"), (bytes(32), b""), (b"k" * 64, b"db")]:
        expected = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(master)
        assert derive_key(master, purpose) == expected


def test_the_desktop_app_leaves_keyrings_plugin_lookup_until_a_backend_is_looked_for():
    out = _run(
        "import os, sys, ui\n"
        "print('Distribution' in vars(sys.modules['importlib_metadata']),"
        " 'consume' in vars(sys.modules['more_itertools']))\n"
        "os.environ.pop('PYTHON_KEYRING_BACKEND', None)\n"
        "import keyring.backend\n"
        "print(len(keyring.backend.get_all_keyring()) > 0,"
        " 'Distribution' in vars(sys.modules['importlib_metadata']))\n"
        "import jaraco.functools, more_itertools\n"
        "print(more_itertools.first([3, 4]))\n"
    )
    assert out.splitlines() == ["False False", "True True", "3"]


def test_the_desktop_app_collects_no_garbage_while_it_starts_then_freezes_what_it_made():
    out = _run(
        "import gc, time, ui\n"
        "print(gc.isenabled())\n"
        "ui.resume_collection()\n"
        "print(gc.isenabled(), gc.get_freeze_count() > 10_000)\n"
        "ui.RESUME_COLLECTION_AFTER_S = 0.05\n"
        "ui._pause_collection()\n"
        "print(gc.isenabled())\n"
        "time.sleep(0.5)  # nothing resumed it: the timer does\n"
        "print(gc.isenabled())\n"
    )
    assert out.splitlines() == ["False", "True True", "False", "True"]
