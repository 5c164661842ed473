"""HTTP hardening for the whole app: security headers and request body size limits.

:func:`install_security` adds two pure ASGI middlewares:

- **security headers** on every response (unless the route set them itself):
  ``Content-Security-Policy`` (no inline script, nothing from other origins,
  ``frame-ancestors 'none'``; the API docs at ``/docs`` and ``/redoc`` get a policy that
  allows the FastAPI doc assets), ``X-Content-Type-Options: nosniff``,
  ``Referrer-Policy: no-referrer``, ``X-Frame-Options: DENY``, ``Cross-Origin-Opener-Policy``,
  ``Permissions-Policy``, and ``Cache-Control: no-store`` on participation answers (they can
  hold tokens and personal input). ``Strict-Transport-Security`` when ``hsts`` is on.
- **body size limit**: a request whose ``Content-Length`` exceeds the limit is answered 413
  before its body is read; a chunked body is counted while it streams and cut off at the limit.
  A JSON body (``POST``/``PUT``/``PATCH``) is read whole (within that limit) and refused with
  422 when nested more than :data:`MAX_JSON_DEPTH` levels or holding ``NaN``/``Infinity``.
- **request context**: a request id on every log line and in ``X-Request-ID``, one JSON log
  line per request, and a problem answer (500, with the headers above) for unexpected errors.

Every error these middlewares answer is RFC 9457 ``application/problem+json``.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import anyio
import numpy as np
from fastapi import FastAPI
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from starlette.exceptions import HTTPException

from groengezond.errors import Problem
from groengezond.logs import REQUEST_ID, new_request_id

log = logging.getLogger(__name__)
request_log = logging.getLogger("groengezond.api.requests")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
       "font-src 'self'; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
"""Policy of every page and answer: only our own origin, no inline script, no framing."""

DOCS_CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; "
            "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
"""Policy of the interactive docs: Swagger UI is served from our own origin (the local
``swagger-ui-bundle`` package, see :mod:`groengezond.api.docs`), no CDN, no inline script;
Swagger UI sets inline styles, hence ``'unsafe-inline'`` for styles only."""

DOCS_PATHS = ("/docs",)

MAX_JSON_DEPTH = 64
"""Deepest nesting of arrays and objects accepted in a JSON body."""


class SecuritySettings(BaseSettings):
    """HTTP limits from the environment (``GG_MAX_BODY_BYTES``, ``GG_HSTS``).

    Attributes
    ----------
    max_body_bytes : int
        Largest request body accepted anywhere (bytes; default 1 MiB).
    participation_max_body_bytes : int
        Largest body under ``/api/participation`` (bytes; default 600 kB, room for a
        scenario snapshot of 512 kB).
    hsts : bool
        Send ``Strict-Transport-Security`` (only behind HTTPS).
    body_timeout_s : float
        Longest a JSON body may take to arrive (s, ``GG_BODY_TIMEOUT_S``); a slower one is
        answered 408 and the connection closed.
    """

    model_config = SettingsConfigDict(env_prefix="GG_", frozen=True, extra="ignore")

    max_body_bytes: int = Field(1_048_576, ge=1)
    body_timeout_s: float = Field(15.0, gt=0)
    participation_max_body_bytes: int = Field(600_000, ge=1)
    hsts: bool = False


class BodyTooLarge(HTTPException):
    """Raised while a body streams past the limit (FastAPI passes HTTPException through)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is larger than {limit} bytes; send less "
                              "(shorter text, smaller snapshot)")


async def _send_json(send: Send, status: int, detail: str,
                     problems: list[Problem] | None = None, close: bool = True) -> None:
    from groengezond.api.problems import PROBLEM_JSON, problem_body

    body = json.dumps(problem_body(status, detail, problems)).encode()
    headers = [(b"content-type", PROBLEM_JSON.encode()),
               (b"content-length", str(len(body)).encode())]
    if close:
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.S)
_NON_FINITE = re.compile(rb"(?<![A-Za-z0-9_])-?(?:NaN|Infinity)(?![A-Za-z0-9_])")
_OPEN = np.zeros(256, dtype=np.int8)
_OPEN[[ord("["), ord("{")]] = 1
_OPEN[[ord("]"), ord("}")]] = -1


def json_body_problems(raw: bytes, max_depth: int = MAX_JSON_DEPTH) -> list[Problem]:
    """What is wrong with a JSON body before it is parsed: nesting deeper than
    ``max_depth`` (a deep document is cheap to send but costly, even fatal, to parse, store
    and serialise again), and the non-standard constants ``NaN`` and ``Infinity`` (Python's
    parser accepts them; they would reach the computations as non-finite numbers).

    Runs in time linear in the body (regular expressions and numpy), without parsing it.
    """
    stripped = _JSON_STRING.sub(b'""', raw)
    out: list[Problem] = []
    if stripped:
        depth = int(np.cumsum(_OPEN[np.frombuffer(stripped, dtype=np.uint8)],
                              dtype=np.int64).max(initial=0))
        if depth > max_depth:
            out.append(Problem("request", "request body", "", f"is nested {depth} levels deep",
                               f"send JSON nested at most {max_depth} levels deep"))
    if _NON_FINITE.search(stripped):
        out.append(Problem("request", "request body", "", "holds NaN or Infinity",
                           "send finite numbers only (standard JSON)"))
    return out


class BodySizeLimit:
    """ASGI middleware refusing bodies over a limit (per path prefix) with 413.

    Parameters
    ----------
    app : ASGI app
        The wrapped application.
    default : int
        Limit (bytes) for paths without a more specific one.
    by_prefix : dict of str to int
        Limits for path prefixes (the longest matching prefix wins).
    body_timeout_s : float
        Longest a JSON body may take to arrive (s); slower: 408.
    """

    def __init__(self, app: ASGIApp, default: int, by_prefix: dict[str, int],
                 body_timeout_s: float = 15.0) -> None:
        self.app = app
        self.default = default
        self.body_timeout_s = body_timeout_s
        self.by_prefix = sorted(by_prefix.items(), key=lambda kv: -len(kv[0]))

    def limit_for(self, path: str) -> int:
        """The body limit (bytes) of a path."""
        for prefix, limit in self.by_prefix:
            if path.startswith(prefix):
                return limit
        return self.default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check ``Content-Length`` first, then count streamed bytes."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                if not value.isdigit():
                    await _send_json(send, 400, "Content-Length is not a number")
                    return
                if int(value) > limit:
                    await _send_json(send, 413, BodyTooLarge(limit).detail)
                    return
        seen = 0
        started = False
        is_json = any(name == b"content-type" and b"json" in value.lower()
                      for name, value in scope.get("headers", []))

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge(limit)
            return message

        if is_json and scope.get("method") in ("POST", "PUT", "PATCH"):
            chunks: list[bytes] = []
            message: Message = {"type": "http.disconnect"}
            try:
                with anyio.fail_after(self.body_timeout_s):
                    message = await counted()
                    while message["type"] == "http.request":
                        chunks.append(message.get("body", b""))
                        if not message.get("more_body", False):
                            break
                        message = await counted()
            except BodyTooLarge as exc:
                await _send_json(send, 413, exc.detail)
                return
            except TimeoutError:
                await _send_json(send, 408, f"the request body did not arrive within "
                                            f"{self.body_timeout_s:g} s; send it at once")
                return
            if message["type"] == "http.disconnect":
                return
            raw = b"".join(chunks)
            problems = json_body_problems(raw)
            if problems:
                await _send_json(send, 422, "\n".join(map(str, problems)), problems,
                                 close=False)
                return
            replayed = False

            async def replay() -> Message:
                nonlocal replayed
                if not replayed:
                    replayed = True
                    return {"type": "http.request", "body": raw, "more_body": False}
                return await receive()

            await self.app(scope, replay, send)
            return

        async def watch(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, watch)
        except BodyTooLarge as exc:
            if started:
                raise
            await _send_json(send, 413, exc.detail)


class SecurityHeaders:
    """ASGI middleware adding security headers to every HTTP response.

    Parameters
    ----------
    app : ASGI app
        The wrapped application.
    csp, docs_csp : str
        Content-Security-Policy of normal answers and of the API docs.
    hsts : bool
        Also send ``Strict-Transport-Security`` (one year, subdomains).
    no_store_prefixes : tuple of str
        Paths whose answers must never be cached.
    """

    def __init__(self, app: ASGIApp, csp: str = CSP, docs_csp: str = DOCS_CSP,
                 hsts: bool = False,
                 no_store_prefixes: tuple[str, ...] = ("/api/participation",)) -> None:
        self.app = app
        self.csp = csp
        self.docs_csp = docs_csp
        self.hsts = hsts
        self.no_store = no_store_prefixes

    def headers_for(self, path: str) -> list[tuple[bytes, bytes]]:
        """The headers added to an answer on ``path``."""
        csp = self.docs_csp if path.startswith(DOCS_PATHS) else self.csp
        out = [(b"content-security-policy", csp.encode()),
               (b"x-content-type-options", b"nosniff"),
               (b"referrer-policy", b"no-referrer"),
               (b"x-frame-options", b"DENY"),
               (b"cross-origin-opener-policy", b"same-origin"),
               (b"cross-origin-resource-policy", b"same-origin"),
               (b"permissions-policy", b"camera=(), microphone=(), geolocation=(self)")]
        if self.hsts:
            out.append((b"strict-transport-security", b"max-age=31536000; includeSubDomains"))
        if path.startswith(self.no_store):
            out.append((b"cache-control", b"no-store"))
        return out

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Add the headers the response does not already have."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = self.headers_for(scope["path"])

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers.extend((n, v) for n, v in extra if n not in present)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


class RequestContext:
    """ASGI middleware: a request id, one log line per request, and a problem answer (500)
    for any error nothing else answered.

    The id (:func:`groengezond.logs.new_request_id`) is set in
    :data:`groengezond.logs.REQUEST_ID` for every log line of the request (threads started by
    the route inherit it) and sent back in ``X-Request-ID``. An unexpected exception is logged
    once with its traceback and answered with :func:`groengezond.api.problems.internal_error`
    (nothing of the exception is shown); as this middleware sits inside
    :class:`SecurityHeaders`, that 500 carries the security headers too.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one request with its id; log it; answer 500 on an unexpected error."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        offered = next((v.decode("latin-1") for n, v in scope.get("headers", [])
                        if n == b"x-request-id"), None)
        rid = new_request_id(offered)
        token = REQUEST_ID.set(rid)
        t0 = time.perf_counter()
        status, started = 500, False

        async def with_id(message: Message) -> None:
            nonlocal status, started
            if message["type"] == "http.response.start":
                started, status = True, int(message["status"])
                message["headers"] = [*message.get("headers", []),
                                      (b"x-request-id", rid.encode())]
            await send(message)

        try:
            await self.app(scope, receive, with_id)
        except Exception:
            log.exception("unhandled error", extra={"request_id": rid, "fields": {
                "event": "unhandled_error", "method": scope.get("method"),
                "path": scope.get("path")}})
            if not started:
                from groengezond.api.problems import internal_error

                await internal_error()(scope, receive, with_id)
        finally:
            request_log.info("request", extra={"request_id": rid, "fields": {
                "event": "request", "method": scope.get("method"), "path": scope.get("path"),
                "status": status, "duration_ms": round(1000 * (time.perf_counter() - t0), 1)}})
            REQUEST_ID.reset(token)


def install_security(app: FastAPI, settings: SecuritySettings | None = None) -> None:
    """Add the body-limit, request-context and security-header middlewares to ``app``.

    Call it once in ``create_app``; limits come from ``GG_MAX_BODY_BYTES`` and
    ``GG_PARTICIPATION_MAX_BODY_BYTES`` unless ``settings`` is given. Order, outermost first:
    security headers (on every answer, 500s included), request context (id, log line, 500),
    body limits with the JSON depth and NaN check.
    """
    s = settings or SecuritySettings()
    app.add_middleware(BodySizeLimit, default=s.max_body_bytes,
                       by_prefix={"/api/participation": s.participation_max_body_bytes},
                       body_timeout_s=s.body_timeout_s)
    app.add_middleware(RequestContext)
    app.add_middleware(SecurityHeaders, hsts=s.hsts)


def public_base(request: Any) -> str:
    """The base URL for links in answers (TileJSON, OGC API), never taken from ``Host``.

    ``GG_PUBLIC_URL`` when set (behind a proxy: the URL users reach the site at); else the
    scheme and the address the server is bound to (the ASGI ``server``), so a client cannot
    make the server write links to another site by sending its own ``Host`` header.
    """
    from groengezond.settings import get_settings

    configured = get_settings().public_url.strip().rstrip("/")
    if configured:
        return configured
    scheme = request.url.scheme
    server = request.scope.get("server")
    if not server:
        return ""
    host, port = server[0], server[1]
    if ":" in str(host):
        host = f"[{host}]"
    default = {"http": 80, "https": 443}.get(scheme)
    return f"{scheme}://{host}" + ("" if port in (None, default) else f":{port}")
