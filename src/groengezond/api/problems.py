"""One error path for the whole app: RFC 9457 problem details (``application/problem+json``).

Every refusal and every failure answers in the same shape::

    {"type": "about:blank", "title": "Unprocessable Content", "status": 422,
     "detail": "<one line per problem, the CLI's text>",
     "problems": [{"file": ..., "location": ..., "field": ..., "problem": ..., "fix": ...,
                   "key": "over_buildings", "params": {"intervention": 1, "buildings": 4}}],
     "request_id": "6f1c..."}

``problems`` is there for bad input only; a problem's ``key`` (empty when none is defined)
and ``params`` let a user interface word it in its own language with the figures
(``groengezond.messages.REFUSAL_KEYS``; the web app's ``refuse.<key>`` strings), while
``problem`` and ``fix`` are the English text of the CLI. ``request_id`` is the id on the
server's log lines of that request (quote it when reporting a 500). The body is served with
``<``, ``>`` and ``&`` escaped, so text in it can never be read as HTML.

**Echo policy** (one for every route): an answer names the parameter or field, what is
wrong and the fix, and never repeats the value that was sent. Validation errors of FastAPI
(``RequestValidationError``) are rewritten to that form here; service messages
(:class:`~groengezond.errors.InputError`) are written by our own code and quote at most an
identifier the service looked up.

Mapping: validation and :class:`~groengezond.errors.InputError` 422 (400 on OGC API routes,
as that standard requires, ``/req/core/query-param-invalid``); participation errors their own
status (401/403/404/409/429 with ``Retry-After``); Starlette's ``HTTPException`` its status;
a database value out of range (``DataError``: an id beyond the column, a text PostgreSQL
refuses) 422; a database that is unavailable 503 with ``Retry-After``; anything else 500,
logged with its traceback and request id, with nothing of the exception in the answer.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Coroutine
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from sqlalchemy import exc as sa_exc
from starlette.exceptions import HTTPException as StarletteHTTPException

from groengezond.errors import InputError, Problem
from groengezond.logs import REQUEST_ID

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"

FIXES: dict[str, str] = {
    "int_parsing": "give a whole number",
    "int_type": "give a whole number",
    "int_from_float": "give a whole number",
    "float_parsing": "give a number",
    "float_type": "give a number",
    "finite_number": "give a finite number",
    "bool_parsing": "give true or false",
    "bool_type": "give true or false",
    "missing": "give this parameter",
    "string_too_long": "give a shorter text",
    "string_pattern_mismatch": "see /docs for the allowed form",
    "extra_forbidden": "leave this field out",
    "json_invalid": "send valid JSON",
    "date_from_datetime_parsing": "give a date as YYYY-MM-DD",
}


def _fix(err: dict[str, Any]) -> str:
    kind = str(err.get("type", ""))
    ctx = err.get("ctx") or {}
    if kind in ("greater_than_equal", "greater_than"):
        return f"give a value of at least {ctx.get('ge', ctx.get('gt'))}"
    if kind in ("less_than_equal", "less_than"):
        return f"give a value of at most {ctx.get('le', ctx.get('lt'))}"
    if kind in ("literal_error", "enum"):
        return f"use {ctx.get('expected', 'one of the values listed in /docs')}"
    if kind == "string_too_short":
        return f"write at least {ctx.get('min_length')} characters"
    if kind == "string_too_long":
        return f"shorten it to at most {ctx.get('max_length')} characters"
    if kind == "value_error":
        _, _, tail = str(err.get("msg", "")).removeprefix("Value error, ").partition("; ")
        return tail or "see the API docs (/docs)"
    return FIXES.get(kind, "see /docs for the allowed values")


def _message(err: dict[str, Any]) -> str:
    msg = str(err.get("msg", "invalid"))
    if err.get("type") == "value_error":
        return msg.removeprefix("Value error, ").partition("; ")[0]
    return msg


def validation_problems(exc: RequestValidationError | list[dict[str, Any]]) -> InputError:
    """Turn FastAPI's validation errors into an :class:`InputError` (one problem each).

    The value that was sent is never repeated (the echo policy of this module).
    """
    errors = list(exc.errors()) if isinstance(exc, RequestValidationError) else exc
    problems = []
    for err in errors:
        loc = [str(x) for x in err.get("loc", ())]
        part = loc[0] if loc and loc[0] in ("body", "query", "path", "header") else ""
        where = f"{part} parameter" if part in ("query", "path", "header") else \
            ("request body" if part == "body" else " ".join(loc[:1]))
        name = ".".join(loc[1:]) if part else ".".join(loc)
        problems.append(Problem("request", where, name, _message(err), _fix(err)))
    if not problems:
        problems.append(Problem("request", "", "", "is not valid", "see /docs"))
    return InputError(problems)


def _safe_dumps(content: Any) -> bytes:
    text = json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                    ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return text.encode("utf-8")


class ProblemResponse(JSONResponse):
    """An RFC 9457 answer (``application/problem+json``, HTML-significant characters escaped)."""

    media_type = PROBLEM_JSON

    def render(self, content: Any) -> bytes:
        """Serialise strictly (no NaN) with ``<``, ``>``, ``&`` escaped."""
        return _safe_dumps(content)


def problem_body(status: int, detail: str, problems: list[Problem] | None = None
                 ) -> dict[str, Any]:
    """The RFC 9457 document of an error (with the request id)."""
    try:
        title = HTTPStatus(status).phrase
    except ValueError:
        title = "Client Closed Request" if status == 499 else "Error"
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status,
                            "detail": detail}
    if problems is not None:
        body["problems"] = [p.__dict__ for p in problems]
    body["request_id"] = REQUEST_ID.get()
    return body


def problem(status: int, detail: str, problems: list[Problem] | None = None,
            headers: dict[str, str] | None = None) -> ProblemResponse:
    """A problem-details answer."""
    return ProblemResponse(problem_body(status, detail, problems), status_code=status,
                           headers=headers)


def problem_response(exc: InputError, status_code: int = 422) -> ProblemResponse:
    """The answer for bad input ``exc``: its readable message and its problems."""
    return problem(status_code, exc.message, list(exc.problems))


def error_response(exc: Exception, status_for_input: int = 422) -> ProblemResponse | None:
    """The problem answer of a known exception, or None for an unexpected one."""
    from groengezond.participation.errors import ParticipationError

    if isinstance(exc, RequestValidationError):
        return problem_response(validation_problems(exc), status_for_input)
    if isinstance(exc, InputError):
        return problem_response(exc, status_for_input)
    if isinstance(exc, ParticipationError):
        return problem(exc.status, exc.message, headers=exc.headers or None)
    if isinstance(exc, StarletteHTTPException):
        detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
        return problem(exc.status_code, detail, headers=dict(exc.headers or {}) or None)
    if isinstance(exc, sa_exc.DataError):
        return problem(422, "a value in the request is out of the range the database can hold "
                            "(an id or number too large, or a text it cannot store); check "
                            "the ids and values you sent")
    if isinstance(exc, sa_exc.IntegrityError):
        return problem(409, "the request conflicts with stored data; reload and retry")
    if isinstance(exc, (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError,
                        sa_exc.DisconnectionError)):
        return problem(503, "the database is unavailable for a moment; retry (with the same "
                            "Idempotency-Key)", headers={"Retry-After": "1"})
    return None


def internal_error() -> ProblemResponse:
    """The answer to an unexpected failure: nothing of the exception, only the request id."""
    return problem(500, "something went wrong on the server; it has been logged (quote the "
                        "request_id when you report it)")


class ReadableRoute(APIRoute):
    """An API route whose errors answer as problem details (bad input: status 422)."""

    error_status = 422

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """Wrap FastAPI's handler to turn known errors into problem answers."""
        handler = super().get_route_handler()
        status = self.error_status

        async def readable_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except Exception as exc:
                answer = error_response(exc, status)
                if answer is None:
                    raise
                return answer

        return readable_handler


class OgcRoute(ReadableRoute):
    """An OGC API Features route: invalid parameters answer 400 (OGC 17-069r4, 7.15)."""

    error_status = 400


def install_problem_handlers(app: FastAPI) -> None:
    """Answer every known error of ``app`` (also outside the routers: 404 of an unknown
    path, 405, validation of routes without :class:`ReadableRoute`) as problem details."""

    async def handle(_: Request, exc: Exception) -> Response:
        answer = error_response(exc)
        if answer is None:  # pragma: no cover - the request middleware answers these
            raise exc
        return answer

    for kind in (RequestValidationError, InputError, StarletteHTTPException,
                 sa_exc.SQLAlchemyError):
        app.add_exception_handler(kind, handle)
    from groengezond.participation.errors import ParticipationError

    app.add_exception_handler(ParticipationError, handle)
