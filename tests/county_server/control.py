"""Test-only control endpoints under ``{base_url}/_test/``.

No authentication and never faulted: they exist so a test in another process
(or IT staff rehearsing a deployment with curl) can do what the Python API of
CountyServer does. A real county has nothing like them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .protocol import HttpError, Request, Response, Route, json_response

if TYPE_CHECKING:
    from .server import CountyServer

FAULT_PARAMS = ("kind", "path_prefix", "times", "probability", "retry_after", "delay",
                "method", "after_bytes")


def json_body(req: Request) -> dict:
    """A control request's body: a JSON object, or {} when there is none."""
    if not req.body_reader.length and not req.body_reader.chunked:
        return {}
    body = req.json()
    if not isinstance(body, dict):
        raise HttpError(400, "invalid_request", "the body must be a JSON object")
    return body


def _bad(exc: Exception) -> HttpError:
    return HttpError(400, "invalid_request", str(exc))


class Control:
    def __init__(self, server: CountyServer) -> None:
        self.srv = server

    def routes(self) -> list[Route]:
        r = [
            ("GET", "/_test/faults", self.list_faults),
            ("POST", "/_test/faults", self.add_fault),
            ("DELETE", "/_test/faults", self.clear_faults),
            ("POST", "/_test/faults/seed", self.seed_faults),
            ("POST", "/_test/updates", self.post_update),
            ("GET", "/_test/updates", self.list_of(self.srv.updates, "updates")),
            ("GET", "/_test/cases", self.list_of(self.srv.cases, "cases")),
            ("GET", "/_test/batches", self.list_of(self.srv.batches, "batches")),
            ("GET", "/_test/devices", self.list_of(self.srv.devices, "devices")),
            ("GET", "/_test/blobs", self.list_blobs),
            ("POST", "/_test/revoke", self.revoke),
            ("GET", "/_test/link", self.get_link),
            ("POST", "/_test/link", self.set_link),
            ("POST", "/_test/enrollment-codes", self.add_code),
            ("POST", "/_test/catalog", self.set_catalog),
            ("POST", "/_test/clock", self.set_clock),
            ("GET", "/_test/stats", self.stats),
            ("DELETE", "/_test/stats", self.reset_stats),
        ]
        return [Route(method, path, handler, auth=False) for method, path, handler in r]

    @staticmethod
    def list_of(getter, name: str):
        def handler(req: Request) -> Response:
            return json_response(200, {name: getter()})
        return handler

    def list_faults(self, req: Request) -> Response:
        return json_response(200, {"faults": [f.to_dict() for f in self.srv.faults.list()]})

    def add_fault(self, req: Request) -> Response:
        body = json_body(req)
        unknown = set(body) - set(FAULT_PARAMS)
        if unknown or "kind" not in body:
            raise HttpError(400, "invalid_request", f"give kind and only {FAULT_PARAMS}")
        try:
            fault = self.srv.faults.add(**body)
        except (TypeError, ValueError) as exc:
            raise _bad(exc) from None
        return json_response(201, {"fault": fault.to_dict()})

    def clear_faults(self, req: Request) -> Response:
        self.srv.faults.clear()
        return json_response(200, {"faults": []})

    def seed_faults(self, req: Request) -> Response:
        self.srv.faults.seed(json_body(req).get("seed"))
        return json_response(200, {"ok": True})

    def post_update(self, req: Request) -> Response:
        body = json_body(req)
        try:
            update = self.srv.post_update(str(body.get("case_id")), str(body.get("status")),
                                          body.get("reason"), body.get("at"))
        except KeyError as exc:
            raise HttpError(404, "unknown_case", str(exc)) from None
        except ValueError as exc:
            raise _bad(exc) from None
        return json_response(201, {"update": update})

    def list_blobs(self, req: Request) -> Response:
        return json_response(200, {"blobs": self.srv.blobs.stored(),
                                   "uploads": self.srv.blobs.uploads()})

    def revoke(self, req: Request) -> Response:
        revoked = self.srv.revoke_tokens(json_body(req).get("device_id"))
        return json_response(200, {"revoked": revoked})

    def get_link(self, req: Request) -> Response:
        return json_response(200, self.srv.link.to_dict())

    def set_link(self, req: Request) -> Response:
        body = json_body(req)
        try:
            self.srv.set_link(body.get("rate_bytes_per_s"), body.get("cut_after_s"))
        except (TypeError, ValueError) as exc:
            raise _bad(exc) from None
        return json_response(200, self.srv.link.to_dict())

    def add_code(self, req: Request) -> Response:
        code = json_body(req).get("code")
        if not isinstance(code, str) or not code.strip():
            raise HttpError(400, "invalid_request", "give {\"code\": \"...\"}")
        self.srv.enrollment_codes.add(code)
        return json_response(201, {"code": code.strip().upper()})

    def set_catalog(self, req: Request) -> Response:
        body = req.json(4 * 1024 * 1024)
        try:
            etag = self.srv.set_catalog(body)
        except ValueError as exc:
            raise _bad(exc) from None
        return json_response(200, {"etag": etag})

    def set_clock(self, req: Request) -> Response:
        offset = json_body(req).get("offset_s", 0)
        if not isinstance(offset, (int, float)):
            raise HttpError(400, "invalid_request", "offset_s must be a number of seconds")
        self.srv.set_clock_offset(offset)
        return json_response(200, {"offset_s": offset})

    def stats(self, req: Request) -> Response:
        return json_response(200, self.srv.stats())

    def reset_stats(self, req: Request) -> Response:
        self.srv.reset_stats()
        return json_response(200, {"ok": True})
