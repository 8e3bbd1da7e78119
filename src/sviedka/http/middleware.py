"""What wraps every request: a request id, one JSON log line, security headers, a rate limit.

The log line names the route *template* (``/api/v1/records/{record_id}``), never the URL that was
asked for, so no id, name or query value reaches the logs; and the user by id only.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
import uuid
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import error_body, error_response

__all__ = ["BodyLimit", "BodyTooLarge", "RateLimit", "RequestContext"]

log = logging.getLogger("sviedka.http.access")

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_HEADERS = {
    b"x-content-type-options": b"nosniff",
    b"x-frame-options": b"DENY",
    b"referrer-policy": b"no-referrer",
    b"cross-origin-opener-policy": b"same-origin",
    b"cross-origin-resource-policy": b"same-origin",
    b"permissions-policy": b"camera=(), microphone=(), geolocation=()",
}
# The API answers JSON and files: nothing in them may run. The web sets its own policy.
_API_CSP = b"default-src 'none'; frame-ancestors 'none'; sandbox"
_PLAIN = {413: "The request body is too large.", 400: "The request is malformed."}


class RequestContext:
    """Request id (``X-Request-ID``, kept if the client sent a sane one), security headers, and
    the access log line."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _request_id(scope)
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        started = time.perf_counter()
        status = 500
        replaced: bytes | None = None
        responded = False

        async def send_with_headers(message: Message) -> None:
            nonlocal status, replaced, responded
            if message["type"] == "http.response.start":
                responded = True
                status = message["status"]
                headers = message.get("headers", [])
                replaced = _plain_error(status, headers)
                if replaced is not None:
                    headers = _json_headers(headers, replaced)
                message["headers"] = _with_headers(scope, headers, request_id)
            elif message["type"] == "http.response.body" and replaced is not None:
                message = {"type": "http.response.body", "body": replaced}
                replaced = None
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception as exc:
            # Answered here rather than by Starlette's outermost handler, so that a crash gets
            # the request id and headers too, and no server logs its message (it may quote data).
            status = 500
            response = error_response(Request(scope), exc)
            if not responded:
                await response(scope, receive, send_with_headers)
        finally:
            _log_request(scope, status, started, request_id)


def _plain_error(status: int, headers: Any) -> bytes | None:
    """Starlette answers an oversized body with plain text before the app sees the request;
    such answers get the API's JSON error shape instead."""
    types = [v for k, v in headers if k.lower() == b"content-type"]
    if status < 400 or not types or not types[0].startswith(b"text/plain"):
        return None
    message = _PLAIN.get(status, "The request failed.")
    return json.dumps(error_body(status, message)).encode()


def _json_headers(headers: Any, body: bytes) -> list[tuple[bytes, bytes]]:
    kept = [(k, v) for k, v in headers if k.lower() not in (b"content-type", b"content-length")]
    return [*kept, (b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]


def _request_id(scope: Scope) -> str:
    for name, value in scope.get("headers", []):
        if name == b"x-request-id":
            text = str(value.decode("latin-1"))
            if _REQUEST_ID.match(text):
                return text
    return uuid.uuid4().hex


def _with_headers(scope: Scope, headers: Any, request_id: str) -> list[tuple[bytes, bytes]]:
    found = list(headers)
    present = {name.lower() for name, _ in found}
    extra = dict(_HEADERS)
    if scope["path"].startswith("/api/"):
        extra[b"content-security-policy"] = _API_CSP
        extra[b"cache-control"] = b"no-store"
    if scope.get("scheme") == "https":
        extra[b"strict-transport-security"] = b"max-age=31536000"
    found += [(k, v) for k, v in extra.items() if k not in present]
    found.append((b"x-request-id", request_id.encode()))
    return found


def _log_request(scope: Scope, status: int, started: float, request_id: str) -> None:
    route = scope.get("route")
    state = scope.get("state", {})
    line = {
        "event": "request",
        "method": scope.get("method"),
        "route": getattr(route, "path", None) or "(unmatched)",
        "status": status,
        "ms": round((time.perf_counter() - started) * 1000, 1),
        "request_id": request_id,
        "user_id": state.get("user_id"),
    }
    log.info(json.dumps(line))


class RateLimit:
    """A token bucket per client address: ``per_minute`` requests a minute, bursts up to that
    many. In memory, per worker process (behind several workers the limit is per worker).
    ``/api/v1/health`` is exempt (monitors poll it)."""

    def __init__(self, app: ASGIApp, per_minute: int) -> None:
        self.app = app
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self.buckets: dict[str, tuple[float, float]] = {}
        self.lock = threading.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.capacity <= 0 or scope["path"] == "/api/v1/health":
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        if self._take(client[0] if client else "unknown"):
            await self.app(scope, receive, send)
            return
        await _too_many(send)

    def _take(self, key: str) -> bool:
        now = time.monotonic()
        with self.lock:
            tokens, last = self.buckets.get(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.rate)
            if len(self.buckets) > 100_000:  # forget idle clients rather than grow without end
                self.buckets.clear()
            allowed = tokens >= 1.0
            self.buckets[key] = (tokens - 1.0 if allowed else tokens, now)
            return allowed


async def _too_many(send: Send) -> None:
    body = json.dumps(error_body(429, "Too many requests; slow down and try again shortly."))
    headers = [(b"content-type", b"application/json"), (b"retry-after", b"60")]
    await send({"type": "http.response.start", "status": 429, "headers": headers})
    await send({"type": "http.response.body", "body": body.encode()})


class BodyTooLarge(HTTPException):
    def __init__(self) -> None:
        super().__init__(status_code=413)


class BodyLimit:
    """Refuse request bodies over ``limit`` bytes (413), or over ``upload_limit`` on the upload
    paths (POST or PUT to a path starting with one of ``upload_paths``): by the declared length
    before anything is read, and by counting while a body of unknown length streams in."""

    def __init__(
        self, app: ASGIApp, limit: int, upload_limit: int, upload_paths: tuple[str, ...]
    ) -> None:
        self.app = app
        self.limit, self.upload_limit, self.upload_paths = limit, upload_limit, upload_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        uploading = scope["method"] in ("POST", "PUT") and scope["path"].startswith(
            self.upload_paths
        )
        limit = self.upload_limit if uploading else self.limit
        if _declared_length(scope) > limit:
            body = json.dumps(error_body(413, _PLAIN[413])).encode()
            headers = [(b"content-type", b"application/json"), (b"connection", b"close")]
            await send({"type": "http.response.start", "status": 413, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:
                raise BodyTooLarge()
            return message

        await self.app(scope, counted, send)


def _declared_length(scope: Scope) -> int:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return 0
    return 0
