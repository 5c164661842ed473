"""``/api/capabilities``: which services this server offers, so the front end never probes.

A service counts as offered when its routes are in the app's OpenAPI document.
"""

from __future__ import annotations

from fastapi import APIRouter, Request

from groengezond.api.contract import Contract
from groengezond.api.problems import ReadableRoute

router = APIRouter(prefix="/api", tags=["region"], route_class=ReadableRoute)


class Capabilities(Contract):
    """Services the web front end may use."""

    monitor: bool
    access: bool
    catalogue: bool
    scenarios: bool
    participation: bool


def _has(request: Request, prefix: str) -> bool:
    paths = request.app.openapi().get("paths", {})  # built once, then cached by FastAPI
    return any(str(p).startswith(prefix) for p in paths)


@router.get("/capabilities", summary="Services this server offers", response_model=Capabilities)
def capabilities(request: Request) -> Capabilities:
    """True for every service whose routes are mounted."""
    return Capabilities(
        monitor=_has(request, "/api/indicators"),
        access=_has(request, "/api/access"),
        catalogue=_has(request, "/api/catalogue"),
        scenarios=_has(request, "/api/scenarios"),
        participation=_has(request, "/api/participation"),
    )
