"""HTTP plumbing shared by every endpoint: requests, responses, errors, bodies, routing.

Handlers never touch the socket. They read the body through :class:`Request`
and return a :class:`Response`; the wire layer (``wire.py``) decides how it is
sent, which is what lets a fault turn a finished response into a dropped or
truncated one after the work was committed.
"""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

MIB = 1024 * 1024
MAX_BLOB_BYTES = 20 * MIB
MAX_BATCH_JSON = 4 * MIB
MAX_BATCH_CASES = 100
MAX_SMALL_JSON = 256 * 1024
# An unread body left after an early answer (401, 413...) is read and thrown away
# up to this size so the client sees the answer instead of a reset; past it the
# connection is closed instead.
DRAIN_LIMIT = 32 * MIB
JSON_TYPE = "application/json; charset=utf-8"


class ClientGone(Exception):
    """The peer closed or the link was cut before the body was fully read."""


class HttpError(Exception):
    """An answer other than success, raised anywhere below a handler."""

    def __init__(self, status: int, code: str, message: str, headers: dict | None = None):
        super().__init__(f"{status} {code}: {message}")
        self.status, self.code, self.message = status, code, message
        self.headers = dict(headers or {})

    def response(self) -> Response:
        return error_response(self.status, self.code, self.message, self.headers)


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str | None = JSON_TYPE


def json_response(status: int, obj: Any, headers: dict | None = None) -> Response:
    body = json.dumps(obj, ensure_ascii=False).encode("utf-8")
    return Response(status, body, dict(headers or {}))


def error_response(status: int, code: str, message: str, headers: dict | None = None) -> Response:
    return json_response(status, {"error": {"code": code, "message": message}}, headers)


class BodyReader:
    """Reads one request body, framed by Content-Length or chunked transfer coding."""

    def __init__(self, rfile, headers) -> None:
        self._rfile = rfile
        self.chunked = "chunked" in (headers.get("Transfer-Encoding") or "").lower()
        self.length: int | None = None if self.chunked else _content_length(headers)
        self.done = self.length == 0
        self.broken = False

    def read(self, limit: int) -> bytes:
        """The whole body; 413 when it is larger than ``limit``."""
        if self.done:
            return b""
        if self.length is not None:
            if self.length > limit:
                raise HttpError(413, "payload_too_large", f"body of {self.length} bytes; limit {limit}")
            data = self._exact(self.length)
        else:
            data = self._chunks(limit)
        self.done = True
        return data

    def read_some(self, n: int) -> bytes:
        """At most ``n`` bytes of the body: used only to simulate a cut mid-upload."""
        self.broken = True
        if self.length is not None:
            n = min(n, self.length)
        return self._rfile.read(n) if n > 0 else b""

    def drain(self, cap: int = DRAIN_LIMIT) -> bool:
        """Skip the unread body; True when the connection can carry another request."""
        if self.done:
            return not self.broken
        if self.broken or (self.length is not None and self.length > cap):
            return False
        try:
            self.read(cap)
        except (HttpError, ClientGone, OSError):
            self.broken = True
            return False
        return True

    def _exact(self, n: int) -> bytes:
        parts: list[bytes] = []
        left = n
        while left > 0:
            chunk = self._rfile.read(min(left, 256 * 1024))
            if not chunk:
                self.broken = True
                raise ClientGone(f"body cut after {n - left} of {n} bytes")
            parts.append(chunk)
            left -= len(chunk)
        return b"".join(parts)

    def _chunks(self, limit: int) -> bytes:
        parts: list[bytes] = []
        total = 0
        while True:
            line = self._rfile.readline(1024)
            if not line:
                self.broken = True
                raise ClientGone("chunked body cut")
            try:
                size = int(line.split(b";")[0].strip(), 16)
            except ValueError:
                self.broken = True
                raise HttpError(400, "invalid_request", "bad chunk size line") from None
            if size == 0:
                while self._rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                    pass  # trailers are ignored
                return b"".join(parts)
            total += size
            if total > limit:
                self.broken = True  # the rest of the stream is not worth reading
                raise HttpError(413, "payload_too_large", f"chunked body over limit {limit}")
            parts.append(self._exact(size))
            self._rfile.readline(16)


def _content_length(headers) -> int:
    raw = headers.get("Content-Length")
    if raw is None:
        return 0
    if not raw.strip().isdigit():
        raise HttpError(400, "invalid_request", "Content-Length is not a number")
    return int(raw)


class Request:
    """One parsed request; ``path`` is relative to the API base path."""

    def __init__(self, method: str, path: str, query: dict, headers, rfile) -> None:
        self.method, self.path, self.query, self.headers = method, path, query, headers
        self.body_reader = BodyReader(rfile, headers)
        self.params: dict[str, str] = {}
        self.device: dict = {}  # the authenticated device, set by the router

    def arg(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None

    def body(self, limit: int) -> bytes:
        return self.body_reader.read(limit)

    def json(self, limit: int = MAX_SMALL_JSON) -> Any:
        """The JSON body, gunzipped when sent with Content-Encoding: gzip.

        ``limit`` applies to the decoded JSON; the compressed body may not be larger.
        """
        raw = self.body(limit + 64 * 1024)
        encoding = (self.headers.get("Content-Encoding") or "identity").strip().lower()
        if encoding in ("gzip", "x-gzip"):
            raw = gunzip_limited(raw, limit)
        elif encoding != "identity":
            raise HttpError(415, "unsupported_content_encoding", f"Content-Encoding {encoding!r}")
        if len(raw) > limit:
            raise HttpError(413, "payload_too_large", f"JSON of {len(raw)} bytes; limit {limit}")
        try:
            return json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise HttpError(400, "invalid_json", "the body is not UTF-8 JSON") from None


def gunzip_limited(data: bytes, limit: int) -> bytes:
    """Decompress without ever holding more than ``limit + 1`` bytes (no gzip bombs)."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(data, limit + 1)
    except zlib.error:
        raise HttpError(400, "invalid_gzip", "the body is not valid gzip") from None
    if len(out) > limit:
        raise HttpError(413, "payload_too_large", f"decoded JSON over limit {limit}")
    if not inflater.eof:
        raise HttpError(400, "invalid_gzip", "the gzip stream is truncated")
    return out


Handler = Callable[[Request], Response]


@dataclass
class Route:
    method: str
    template: str  # e.g. "/blobs/{sha256}"; also the key used in statistics
    handler: Handler
    auth: bool = True
    pattern: re.Pattern = field(init=False)

    def __post_init__(self) -> None:
        regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", self.template)
        self.pattern = re.compile(f"^{regex}$")


class Router:
    def __init__(self, routes: list[Route], authenticate: Callable[[Request], dict]):
        self.routes = routes
        self._authenticate = authenticate

    def template_for(self, path: str) -> str:
        for route in self.routes:
            if route.pattern.match(path):
                return route.template
        return path

    def dispatch(self, req: Request) -> Response:
        allowed = []
        for route in self.routes:
            match = route.pattern.match(req.path)
            if not match:
                continue
            if route.method != req.method:
                allowed.append(route.method)
                continue
            req.params = match.groupdict()
            if route.auth:
                req.device = self._authenticate(req)
            return route.handler(req)
        if allowed:
            raise HttpError(405, "method_not_allowed", f"{req.method} is not allowed here",
                            {"Allow": ", ".join(sorted(set(allowed)))})
        raise HttpError(404, "not_found", f"no endpoint {req.path}")
