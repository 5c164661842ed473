"""``/api/scenarios``: run and compare Planner scenarios (thin router over ``services.plan``).

The body of ``POST /api/scenarios/run`` is a scenario in the shape of
:class:`~groengezond.scenario.model.Scenario` (``name``, ``interventions``, ...) plus three
optional request fields:

- ``crs``: the CRS of the geometries, ``"EPSG:4326"`` (default: lon/lat GeoJSON as drawn in
  the browser; converted to EPSG:28992 with pyproj) or ``"EPSG:28992"`` (RD New, m, as in
  scenario files);
- ``seed`` (default 42, 0 to 2**63 - 1) and ``n_draws`` (default 1,000; 1,000 to 10,000) of
  the Monte Carlo.

It answers with the :class:`~groengezond.scenario.result.ScenarioResult` JSON.
``POST /api/scenarios/compare`` takes ``{"scenarios": [...], "crs", "seed", "n_draws"}`` (or a
bare list of scenarios) and answers ``{"comparison": [rows of services.plan.compare],
"results": [...]}``. The :class:`~groengezond.services.plan.Planner` (the baseline) is built
once per app, on the first scenario request, under the context's lock. A bad scenario answers
422 with the ``InputError`` text naming the intervention and the field; a plan that cannot be
built (:mod:`groengezond.scenario.plausibility`: over buildings, on water, too small, crossing
itself, too dense, empty) answers 422 with one problem per refusal, each with its
``location`` (``intervention N 'name'``), ``field``, ``problem``, ``fix`` and ``key``, which the
web app shows at the intervention.

Under load (see :mod:`groengezond.api.planner_pool` and :mod:`groengezond.api.scenario_limits`):
a request beyond the resource bounds answers 422 before any work; each client may start
``GG_PLANNER_BURST`` runs per ``GG_PLANNER_BURST / GG_PLANNER_PER_MINUTE`` minutes (429 with
``Retry-After`` beyond); runs are computed in a bounded pool of worker processes, answered
503 with ``Retry-After`` when the pool is full or the run passes its deadline
(``GG_PLANNER_DEADLINE_S``, 30 s), and stopped when the client disconnects.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import anyio.to_thread
import numpy as np
import shapely
from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pyproj import Transformer
from shapely.geometry import mapping
from starlette.exceptions import HTTPException

from groengezond.api.context import WebContext, get_context
from groengezond.api.contract import body_of
from groengezond.api.geojson import json_ready
from groengezond.api.models_scenarios import (
    PlannerResult,
    ScenarioCompareRequest,
    ScenarioComparison,
    ScenarioRunRequest,
)
from groengezond.api.planner_pool import (
    ClientGoneError,
    PoolFullError,
    RunPool,
    RunTimedOutError,
    WorkerFailedError,
    pool_from_settings,
)
from groengezond.api.problems import ReadableRoute
from groengezond.api.scenario_limits import (
    check_raw_scenario,
    check_sizes,
    run_options,
)
from groengezond.errors import InputError
from groengezond.participation.config import RateLimit
from groengezond.participation.security import RateLimiter
from groengezond.scenario.model import Scenario, parse_geometry, scenario_from_data
from groengezond.services.plan import Planner, compare

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api/scenarios", tags=["planner"], route_class=ReadableRoute)

CRS_WGS84 = "EPSG:4326"
CRS_RD = "EPSG:28992"
DEFAULT_SEED = 42
MAX_SCENARIOS = 10
"""Most scenarios one compare request may hold."""

_TO_RD = Transformer.from_crs(CRS_WGS84, CRS_RD, always_xy=True)


def planner(ctx: WebContext) -> Planner:
    """The app's Planner: the baseline is built once, on first use, under a lock."""
    return ctx.once("planner", lambda: Planner(ctx.region))


def region_area_m2(ctx: WebContext) -> float:
    """Area of the region (m²): the union of its buurten."""
    return ctx.once("region_area_m2", lambda: float(
        shapely.union_all(np.asarray(ctx.region.areas_at("buurt").geometry.array,
                                     dtype=object)).area))


def run_pool(request: Request) -> RunPool:
    """The app's pool of Planner runs (made from the settings when the app has none)."""
    state = request.app.state
    pool: RunPool | None = getattr(state, "planner_pool", None)
    if pool is None:
        pool = state.planner_pool = pool_from_settings()
    return pool


def limit_client(request: Request) -> None:
    """Count a Planner request against its client's limit (429 beyond it)."""
    from groengezond.settings import get_settings

    state = request.app.state
    limiter: RateLimiter | None = getattr(state, "limiter", None)
    if limiter is None:
        limiter = state.limiter = RateLimiter(storage_uri=get_settings().rate_limit_storage)
    s = get_settings()
    client = request.client.host if request.client else "unknown"
    limiter.take("planner", client, RateLimit(per_minute=s.planner_per_minute,
                                              burst=s.planner_burst), "scenario runs")


def _to_rd(item: Any) -> Any:
    """Intervention ``item`` with its geometry converted from lon/lat to RD New.

    A geometry that cannot be read is left as it is, so that validation names it.
    """
    if not isinstance(item, dict) or "geometry" not in item:
        return item
    try:
        geom = parse_geometry(item["geometry"])
        rd = shapely.transform(geom, lambda xy: np.column_stack(_TO_RD.transform(xy[:, 0],
                                                                                  xy[:, 1])))
    except Exception:
        return item
    return {**item, "geometry": mapping(rd)}


def _scenario(data: Any, crs: str, file: str) -> Scenario:
    check_raw_scenario(data, file)
    if isinstance(data, dict):
        data = {k: v for k, v in data.items() if k not in ("crs", "seed", "n_draws")}
        items = data.get("interventions")
        if crs == CRS_WGS84 and isinstance(items, list):
            data["interventions"] = [_to_rd(i) for i in items]
    return scenario_from_data(data, file=file)


def _finite(value: Any) -> Any:
    return None if isinstance(value, float) and not np.isfinite(value) else value


async def json_body(request: Request) -> Any:
    """The request's JSON body (422 naming the problem when it is not JSON)."""
    try:
        return await request.json()
    except ValueError:
        raise InputError.single("request", "body", "body", "is not valid JSON",
                                "send a JSON document with Content-Type: application/json"
                                ) from None


async def _in_pool(request: Request, job: Any, what: str) -> Any:
    """Run ``job`` in the app's pool; map the pool's refusals to HTTP answers."""
    pool = run_pool(request)
    t0 = time.monotonic()
    outcome = "ok"
    try:
        return await pool.run(job, request.is_disconnected)
    except PoolFullError as exc:
        outcome = "refused"
        raise HTTPException(503, str(exc),
                            headers={"Retry-After": str(exc.retry_after_s)}) from None
    except RunTimedOutError as exc:
        outcome = "timed_out"
        raise HTTPException(503, str(exc), headers={"Retry-After": "30"}) from None
    except ClientGoneError:
        outcome = "client_gone"
        raise HTTPException(499, "the client disconnected") from None
    except WorkerFailedError as exc:
        outcome = "failed"
        raise HTTPException(500, str(exc)) from None
    except InputError:
        outcome = "input_error"
        raise
    finally:
        log.info("planner run", extra={"fields": {
            "event": "planner_run", "what": what, "outcome": outcome,
            "duration_ms": round(1000 * (time.monotonic() - t0), 1),
            "in_flight": pool.in_flight}})


# The bodies are read as JSON and parsed by the scenario parser (readable, located problems);
# their models are documented with ``openapi_extra`` (see groengezond.api.contract.body_of).
@router.post("/run", summary="Run one scenario against the region's baseline",
             response_model=PlannerResult, openapi_extra=body_of(ScenarioRunRequest))
async def run(request: Request, ctx: WebContext = Depends(get_context)) -> JSONResponse:
    """The scenario's effects: exposures, health pathways, totals, euros and the health gap."""
    limit_client(request)
    body = await json_body(request)
    if not isinstance(body, dict):
        raise InputError.single("request", "body", "scenario", "is not a JSON object",
                                "send one scenario: {\"name\": ..., \"interventions\": [...]}")
    opts = run_options(body, "scenario")
    scenario = await anyio.to_thread.run_sync(_scenario, body, opts.crs, "scenario")
    check_sizes(scenario, await anyio.to_thread.run_sync(region_area_m2, ctx), "scenario")
    p = await anyio.to_thread.run_sync(planner, ctx)

    def job() -> dict[str, Any]:
        result = p.run(scenario, np.random.default_rng(opts.seed), n_draws=opts.n_draws,
                       seed=opts.seed)
        out: dict[str, Any] = json_ready(result.model_dump(mode="json"))  # NaN as null
        return out

    out: dict[str, Any] = await _in_pool(request, job, "run")
    return JSONResponse(out)


@router.post("/compare", summary="Run several scenarios and lay them side by side",
             response_model=ScenarioComparison,
             openapi_extra=body_of(ScenarioCompareRequest))
async def compare_scenarios(request: Request,
                            ctx: WebContext = Depends(get_context)) -> JSONResponse:
    """One row per scenario (baseline first) and every scenario's full result."""
    limit_client(request)
    body = await json_body(request)
    opts_in: dict[str, Any] = body if isinstance(body, dict) else {}
    items = body.get("scenarios") if isinstance(body, dict) else body
    if not isinstance(items, list) or not items:
        raise InputError.single("request", "body", "scenarios", "is missing or empty",
                                "give a list of scenarios")
    if len(items) > MAX_SCENARIOS:
        raise InputError.single("request", "body", "scenarios", f"has {len(items)} scenarios",
                                f"give at most {MAX_SCENARIOS}")
    opts = run_options(opts_in, "request")

    def parse() -> list[Scenario]:
        return [_scenario(s, opts.crs, f"scenario {i}") for i, s in enumerate(items)]

    scenarios = await anyio.to_thread.run_sync(parse)
    area = await anyio.to_thread.run_sync(region_area_m2, ctx)
    for i, sc in enumerate(scenarios):
        check_sizes(sc, area, f"scenario {i}")
    p = await anyio.to_thread.run_sync(planner, ctx)

    def job() -> dict[str, Any]:
        results = [p.run(s, np.random.default_rng(opts.seed), n_draws=opts.n_draws,
                         seed=opts.seed) for s in scenarios]
        rows = [{k: _finite(v) for k, v in row.items()}
                for row in compare(results).to_dict(orient="records")]
        return {"comparison": rows,
                "results": [json_ready(r.model_dump(mode="json")) for r in results]}

    out: dict[str, Any] = await _in_pool(request, job, "compare")
    return JSONResponse(out)
