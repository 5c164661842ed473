"""Shared fixtures of the attack replays: the web app over the small test region."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import anyio
import pytest
import shapely.geometry
from fastapi import FastAPI
from fastapi.testclient import TestClient

from groengezond.api.testing import web_app, web_region
from groengezond.region.model import Region
from groengezond.scenario.testing import park_in


@pytest.fixture(scope="module")
def region() -> Region:
    return web_region()


@pytest.fixture(scope="module")
def app(region: Region, tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    return web_app(tmp_path_factory.mktemp("sec") / "region", region)


@pytest.fixture(scope="module")
def client(app: FastAPI) -> TestClient:
    return TestClient(app)


def park(region: Region, fx: float = 0.1, size_m: float = 150.0) -> dict[str, Any]:
    """A small park (RD New) inside the region, as a GeoJSON-like mapping."""
    x0, y0, x1, y1 = (float(v) for v in region.areas.total_bounds)
    x, y = x0 + fx * (x1 - x0), y0 + 0.3 * (y1 - y0)
    ring = [[x, y], [x + size_m, y], [x + size_m, y + size_m], [x, y + size_m], [x, y]]
    return {"type": "Polygon", "coordinates": [ring]}


def open_park(region: Region, area_ha: float = 1.0) -> dict[str, Any]:
    """A park on open land (no buildings or water under it) inside the region, which the
    Planner accepts."""
    outline = shapely.union_all(region.areas_at("buurt").geometry.to_numpy())
    for code in region.areas_at("buurt")["code"]:
        geom = park_in(region, str(code), area_ha)
        if outline.contains(geom):
            return dict(shapely.geometry.mapping(geom))
    raise AssertionError("no open land for a park inside the test region")


def scenario(region: Region, **extra: Any) -> dict[str, Any]:
    """A valid one-park scenario in RD New, with request fields ``extra``."""
    return {"name": "Park", "crs": "EPSG:28992",
            "interventions": [{"kind": "add_green", "geometry": open_park(region)}], **extra}


def assert_problem(r: Any, status: int) -> dict[str, Any]:
    """The answer is an RFC 9457 problem of ``status`` with the security headers."""
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
    body: dict[str, Any] = r.json()
    assert body["status"] == status and body["title"] and body["detail"]
    return body


def run_async(fn: Any, *args: Any) -> Any:
    """``anyio.run(fn, *args)`` in a thread of its own.

    The browser tests keep Playwright's sync API (an asyncio loop in the main thread) open for
    the whole session, and anyio refuses to start a second loop in a thread that has one.
    """
    with ThreadPoolExecutor(1) as ex:
        return ex.submit(anyio.run, fn, *args).result()


__all__ = ["Path", "assert_problem", "park", "run_async", "scenario"]
