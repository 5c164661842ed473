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
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from fastapi import FastAPI
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from starlette.exceptions import HTTPException

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
       "font-src 'self'; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
"""Policy of every page and answer: only our own origin, no inline script, no framing."""

DOCS_CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
            "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
            "img-src 'self' data: https://fastapi.tiangolo.com; connect-src 'self'; "
            "worker-src 'self' blob:; object-src 'none'; base-uri 'none'; "
            "frame-ancestors 'none'")
"""Policy of FastAPI's interactive docs (Swagger UI / ReDoc load their assets from a CDN)."""

DOCS_PATHS = ("/docs", "/redoc")


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
    """

    model_config = SettingsConfigDict(env_prefix="GG_", frozen=True, extra="ignore")

    max_body_bytes: int = Field(1_048_576, ge=1)
    participation_max_body_bytes: int = Field(600_000, ge=1)
    hsts: bool = False


class BodyTooLarge(HTTPException):
    """Raised while a body streams past the limit (FastAPI passes HTTPException through)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is larger than {limit} bytes; send less "
                              "(shorter text, smaller snapshot)")


async def _send_json(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
        (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


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
    """

    def __init__(self, app: ASGIApp, default: int, by_prefix: dict[str, int]) -> None:
        self.app = app
        self.default = default
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

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge(limit)
            return message

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


def install_security(app: FastAPI, settings: SecuritySettings | None = None) -> None:
    """Add the security-header and body-limit middlewares to ``app``.

    Call it once in ``create_app``; limits come from ``GG_MAX_BODY_BYTES`` and
    ``GG_PARTICIPATION_MAX_BODY_BYTES`` unless ``settings`` is given.
    """
    s = settings or SecuritySettings()
    app.add_middleware(BodySizeLimit, default=s.max_body_bytes,
                       by_prefix={"/api/participation": s.participation_max_body_bytes})
    app.add_middleware(SecurityHeaders, hsts=s.hsts)
