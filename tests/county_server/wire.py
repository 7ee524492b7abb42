"""The HTTP/1.1 connection handler: parsing, faults, sending.

Everything that makes this county misbehave on purpose happens here, around a
handler that always behaves: a fault either replaces the handler (the request
is never processed) or mangles its finished answer (the work is committed).
"""

from __future__ import annotations

import math
import socket
import struct
import time
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

from .faults import BEFORE_KINDS, Fault
from .link import MeteredReader, MeteredWriter
from .protocol import BodyReader, ClientGone, HttpError, Request, Response, error_response

# What invalid_json answers: looks like the start of a real answer, then isn't.
GARBAGE = b'{"batch_id": "\xe5\x8e\xbf<html><body>502 Bad Gateway</body></html>'


class RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "CountyReference/1"
    # Headers and body go out in separate writes; with Nagle on, the client's
    # delayed ACK would add ~40 ms to every answer.
    disable_nagle_algorithm = True

    def version_string(self) -> str:
        return self.server_version

    def setup(self) -> None:
        super().setup()
        app = self.server.app  # type: ignore[attr-defined]
        self.app = app
        app.link.attach(self.connection)
        app.stats_counter.connection()
        # Duck-typed stand-ins for the socket files: read/readline and write/flush.
        self.rfile = MeteredReader(self.rfile, app.link, app.stats_counter.add_rx)  # type: ignore[assignment]
        self.wfile = MeteredWriter(self.wfile, app.link, app.stats_counter.add_tx)  # type: ignore[assignment]

    def finish(self) -> None:
        try:
            super().finish()
        except OSError:
            pass  # the peer or the link is already gone
        self.app.link.detach(self.connection)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - stdlib signature
        if self.app.verbose:
            super().log_message(format, *args)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None):
        """Malformed requests get the contract's JSON error shape, not stdlib HTML."""
        self.close_connection = True
        resp = error_response(code, "invalid_request", message or explain or "bad request")
        resp.headers["Connection"] = "close"
        self._send(resp)

    def do_GET(self) -> None:
        self._dispatch()

    do_HEAD = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_GET

    # --- one request --------------------------------------------------------------

    def _dispatch(self) -> None:
        split = urlsplit(self.path)
        base = self.app.base_path
        if split.path != base and not split.path.startswith(base + "/"):
            self._outside_api(base)
            return
        rel = split.path[len(base):] or "/"
        self._pending_stat: tuple | None = None
        try:
            req = Request(self.command, rel, parse_qs(split.query), self.headers, self.rfile)
            fault = self.app.faults.pick(self.command, rel)
            if not rel.startswith("/_test"):
                self._pending_stat = (rel, fault.kind if fault else None)
            self._serve(req, fault)
        except HttpError as exc:  # only a malformed Content-Length gets here
            self.close_connection = True
            self._send(exc.response())
        except (ClientGone, OSError):
            self.close_connection = True  # cut or reset: nothing more can be said
        finally:
            self._note(None)

    def _note(self, status: int | None) -> None:
        """Count the request once, before its answer leaves: a test reading stats()
        right after its response must already see it."""
        pending, self._pending_stat = getattr(self, "_pending_stat", None), None
        if pending is not None:
            rel, fault_kind = pending
            self.app.stats_counter.request(self.command, self.app.template_for(rel), rel,
                                           status, fault_kind)

    def _outside_api(self, base: str) -> None:
        try:
            reusable = BodyReader(self.rfile, self.headers).drain()
        except (HttpError, ClientGone, OSError):
            reusable = False
        resp = error_response(404, "not_found", f"the API lives under {base}")
        if not reusable:
            self.close_connection = True
            resp.headers["Connection"] = "close"
        self._send(resp)

    def _serve(self, req: Request, fault: Fault | None) -> int | None:
        """Answer ``req``; the status sent, or None when the connection was dropped."""
        if fault is not None and fault.kind in BEFORE_KINDS:
            return self._fault_before(req, fault)
        resp = self.app.respond(req)
        if not req.body_reader.drain():
            self.close_connection = True
            resp.headers["Connection"] = "close"
        if fault is None:
            return self._send(resp)
        return self._fault_after(resp, fault)

    def _fault_before(self, req: Request, fault: Fault) -> int | None:
        if fault.kind == "reset_mid_upload":
            declared = req.body_reader.length or 0
            req.body_reader.read_some(fault.after_bytes if fault.after_bytes is not None
                                      else declared // 2)
            self._drop(reset=True)
            return None
        # The request arrived whole; it is just never processed.
        reusable = req.body_reader.drain()
        if fault.kind == "drop_before":
            self._drop()
            return None
        status = int(fault.kind.removeprefix("status_"))
        headers = {} if reusable else {"Connection": "close"}
        self.close_connection = self.close_connection or not reusable
        if fault.retry_after is not None:
            headers["Retry-After"] = str(math.ceil(fault.retry_after))
        code = {500: "internal_error", 503: "maintenance", 429: "too_many_requests"}[status]
        return self._send(error_response(status, code, f"injected {fault.kind}", headers))

    def _fault_after(self, resp: Response, fault: Fault) -> int | None:
        if fault.kind == "drop_after_commit":
            self._drop()
            return None
        if fault.kind == "slow":
            time.sleep(fault.delay)
            return self._send(resp)
        if fault.kind == "truncate":
            self._send(resp, truncate=True)
            self._drop()
            return None
        # invalid_json: processed, then answered with what a broken proxy might return
        return self._send(Response(200, GARBAGE, {}))

    # --- sending ------------------------------------------------------------------

    def _send(self, resp: Response, truncate: bool = False) -> int:
        body = resp.body
        declared = len(body)
        if truncate:
            declared = max(declared, 16)  # promise more than will ever come
            body = body[: len(body) // 2]
        self._note(resp.status)
        self.send_response(resp.status)
        if resp.content_type and resp.body:
            self.send_header("Content-Type", resp.content_type)
        for name, value in resp.headers.items():
            self.send_header(name, value)
        if resp.status != 304:
            self.send_header("Content-Length", str(declared))
        self.end_headers()
        if self.command != "HEAD" and resp.status != 304 and body:
            self.wfile.write(body)
        return resp.status

    def _drop(self, reset: bool = False) -> None:
        """Close without (finishing) an answer; with ``reset``, abortively (RST)."""
        self._note(None)
        self.close_connection = True
        try:
            if reset:
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                           struct.pack("ii", 1, 0))
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

