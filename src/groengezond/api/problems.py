"""Readable error answers for the web routers: the CLI's text, as JSON.

Every router of the web app uses :class:`ReadableRoute` (or :class:`OgcRoute`): a request that
fails validation, or a service that raises :class:`~groengezond.errors.InputError`, answers with
``{"detail": "<one line per problem>", "problems": [...]}``, the same text the CLI prints.
``/api`` routes answer 422; OGC API Features routes answer 400, as that standard requires
(``/req/core/query-param-invalid``).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute

from groengezond.errors import InputError, Problem

FIXES: dict[str, str] = {
    "int_parsing": "give a whole number",
    "float_parsing": "give a number",
    "bool_parsing": "give true or false",
    "missing": "give this parameter",
    "string_too_long": "give a shorter text",
    "string_pattern_mismatch": "see /docs for the allowed form",
    "extra_forbidden": "leave this field out",
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
    return FIXES.get(kind, "see /docs for the allowed values")


def validation_problems(exc: RequestValidationError) -> InputError:
    """Turn FastAPI's validation errors into an :class:`InputError` (one problem each)."""
    problems = []
    for err in exc.errors():
        loc = [str(x) for x in err.get("loc", ())]
        where = f"{loc[0]} parameter" if loc and loc[0] in ("query", "path", "header") else \
            " ".join(loc[:1])
        name = loc[-1] if len(loc) > 1 else ""
        value = err.get("input")
        said = f" (got {value!r})" if isinstance(value, (str, int, float)) else ""
        problems.append(Problem("request", where, name, f"{err.get('msg', 'invalid')}{said}",
                                _fix(err)))
    if not problems:
        problems.append(Problem("request", "", "", "is not valid", "see /docs"))
    return InputError(problems)


def problem_response(exc: InputError, status_code: int = 422) -> JSONResponse:
    """The JSON answer for ``exc``: its readable message and its problems."""
    return JSONResponse(status_code=status_code, content={
        "detail": exc.message, "problems": [p.__dict__ for p in exc.problems]})


class ReadableRoute(APIRoute):
    """An API route whose bad-input answers carry the CLI's text (status 422)."""

    error_status = 422

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """Wrap FastAPI's handler to turn validation and input errors into problems."""
        handler = super().get_route_handler()
        status = self.error_status

        async def readable_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except RequestValidationError as exc:
                return problem_response(validation_problems(exc), status)
            except InputError as exc:
                return problem_response(exc, status)

        return readable_handler


class OgcRoute(ReadableRoute):
    """An OGC API Features route: invalid parameters answer 400 (OGC 17-069r4, 7.15)."""

    error_status = 400
