"""CountyServer: the reference county platform, started and steered from Python.

    with CountyServer(tmp_path / "county.sqlite", enrollment_codes=["K7Q2-9XHM"]) as srv:
        client = CountyClient(srv.base_url)        # "http://127.0.0.1:PORT/api/v1"
        srv.faults.add("drop_after_commit", path_prefix="/batches")
        srv.post_update(case_id, "returned", reason="户口簿页缺失，请补扫")

Everything the Python API does is also reachable over HTTP under
``{base_url}/_test/`` (see control.py), for tests in another process and for IT
staff rehearsing a deployment.
"""

from __future__ import annotations

import shutil
import socket
import tempfile
import threading
import traceback
from http.server import ThreadingHTTPServer
from pathlib import Path

from .blobstore import BlobStore
from .catalog import Catalog
from .control import Control
from .faults import FaultSet
from .handlers import Api
from .link import Link
from .protocol import ClientGone, HttpError, Request, Response, Router, error_response
from .stats import Stats
from .store import Store, normalize_code
from .wire import RequestHandler


class EnrollmentCodes:
    """The county's list of one-time enrollment codes (kept in the database)."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def add(self, code: str) -> None:
        self._store.add_codes([code])

    def unused(self) -> list[str]:
        return [r["code"] for r in self._store.rows(
            "SELECT code FROM enrollment_codes WHERE used_at IS NULL ORDER BY code")]

    def __contains__(self, code: str) -> bool:
        return normalize_code(code) in self.unused()


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64  # bursts of parallel retries must queue, not be refused


class _HTTPServer6(_HTTPServer):
    address_family = socket.AF_INET6


class CountyServer:
    def __init__(self, db_path=None, enrollment_codes=(), catalog=None,
                 host: str = "127.0.0.1", port: int = 0, *, seed: int | None = None,
                 base_path: str = "/api/v1", offices: dict | None = None,
                 ref_prefix: str = "AQ-HX", verbose: bool = False) -> None:
        self._tmpdir: str | None = None
        if db_path is None:
            self._tmpdir = tempfile.mkdtemp(prefix="county-")
            db_path = Path(self._tmpdir, "county.sqlite")
        self.db_path = Path(db_path)
        self.host, self._port = host, port
        self.base_path = "/" + base_path.strip("/")
        self.verbose = verbose
        self.store = Store(str(self.db_path))
        self.blobs = BlobStore(self.db_path.with_name(self.db_path.name + ".blobs"), self.store)
        self.enrollment_codes = EnrollmentCodes(self.store)
        self.store.add_codes(enrollment_codes)
        self.catalog = Catalog(catalog)
        self.faults = FaultSet(seed)
        self.link = Link()
        self.stats_counter = Stats()
        self.api = Api(self.store, self.blobs, self.catalog, offices=offices,
                       ref_prefix=ref_prefix)
        routes = self.api.routes() + Control(self).routes()
        self.router = Router(routes, self.api.authenticate)
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ------------------------------------------------------------------

    def start(self) -> CountyServer:
        """Listen and serve in a background thread; returns self."""
        httpd = self._bind()
        self.link.start()
        self._thread = threading.Thread(target=httpd.serve_forever, name="county-server",
                                        kwargs={"poll_interval": 0.1}, daemon=True)
        self._thread.start()
        return self

    def _bind(self) -> _HTTPServer:
        if self._httpd is not None:
            raise RuntimeError("the server is already started")
        server_class = _HTTPServer6 if ":" in self.host else _HTTPServer
        self._httpd = server_class((self.host, self._port), RequestHandler)
        self._httpd.app = self  # type: ignore[attr-defined]
        self._port = self._httpd.server_address[1]
        return self._httpd

    def stop(self) -> None:
        """Stop listening, cut open connections, close the database. Safe to call twice."""
        httpd, self._httpd = self._httpd, None
        if httpd is not None:
            if self._thread is not None:
                httpd.shutdown()
                self._thread.join(timeout=5)
            self.link.stop()
            for sock in self.link.connections():
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            httpd.server_close()
        if self.store is not None:
            self.store.close()
            self.store = None  # type: ignore[assignment]
        if self._tmpdir:
            shutil.rmtree(self._tmpdir, ignore_errors=True)

    def __enter__(self) -> CountyServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def port(self) -> int:
        return self._port

    @property
    def base_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self._port}{self.base_path}"

    # --- used by the connection handler -------------------------------------------

    def template_for(self, path: str) -> str:
        return self.router.template_for(path)

    def respond(self, req: Request) -> Response:
        """The handler's answer; every failure becomes an error answer, never a crash."""
        if self.store is None:
            return error_response(503, "maintenance", "the reference county is stopping")
        try:
            return self.router.dispatch(req)
        except HttpError as exc:
            return exc.response()
        except (ClientGone, OSError):
            raise
        except Exception:  # a bug in the reference server must still answer like a server
            traceback.print_exc()
            return error_response(500, "internal_error", "the reference county failed")

    # --- the Python test API ---------------------------------------------------------

    def post_update(self, case_id: str, status: str, reason: str | None = None,
                    at: str | None = None) -> dict:
        """A county decision on a stored case; it flows back through GET /updates."""
        return self.store.post_update(case_id, status, reason, at)

    def cases(self) -> list[dict]:
        """Stored cases: case_id, revision, county_ref, body (the case as sent), and more."""
        return self.store.cases()

    def batches(self) -> list[dict]:
        rows = self.store.rows("SELECT batch_id, device_id, received_at, status, response"
                               " FROM batches ORDER BY received_at, rowid")
        for row in rows:
            row["response"] = bytes(row["response"]).decode("utf-8")
        return rows

    def devices(self) -> list[dict]:
        return self.store.rows("SELECT device_id, device_name, office_code, office_name,"
                               " enrolled_at, revoked_at FROM devices ORDER BY enrolled_at")

    def updates(self) -> list[dict]:
        return self.store.rows("SELECT seq, case_id, county_ref, status, reason, at"
                               " FROM updates ORDER BY seq")

    def blob_sha256s(self) -> list[str]:
        """Names of the blobs fully received (partial uploads are not blobs yet)."""
        return [row["sha256"] for row in self.blobs.stored()]

    def blob_bytes(self, sha: str) -> bytes:
        return self.blobs.read(sha)

    def uploads(self) -> dict[str, int]:
        """Partial uploads in progress: sha256 -> bytes received so far."""
        return {row["sha256"]: row["received"] for row in self.blobs.uploads()}

    def revoke_tokens(self, device_id: str | None = None) -> int:
        """Revoke one device's token, or all of them; returns how many were revoked."""
        return self.store.revoke(device_id)

    def set_link(self, rate_bytes_per_s: float | None = None,
                 cut_after_s: float | None = None) -> None:
        """Emulate a village line; ``set_link()`` with no arguments restores a clean one."""
        self.link.set(rate_bytes_per_s, cut_after_s)

    def set_catalog(self, catalog) -> str:
        """Publish another catalog (path, list of services or dict); returns its ETag."""
        self.catalog.replace(catalog)
        return self.catalog.etag

    def set_clock_offset(self, seconds: float) -> None:
        """Make /ping report a server time this far from the real one."""
        self.api.clock_offset_s = float(seconds)

    def stats(self) -> dict:
        """Requests per route, path and status; faults fired; bytes; link cuts."""
        snapshot = self.stats_counter.snapshot()
        snapshot["link_cuts"] = self.link.cuts
        return snapshot

    def reset_stats(self) -> None:
        self.stats_counter.reset()
