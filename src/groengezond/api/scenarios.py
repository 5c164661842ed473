"""``/api/scenarios``: run and compare Planner scenarios (thin router over ``services.plan``).

The body of ``POST /api/scenarios/run`` is a scenario in the shape of
:class:`~groengezond.scenario.model.Scenario` (``name``, ``interventions``, ...) plus three
optional request fields:

- ``crs``: the CRS of the geometries, ``"EPSG:4326"`` (default: lon/lat GeoJSON as drawn in
  the browser; converted to EPSG:28992 with pyproj) or ``"EPSG:28992"`` (RD New, m, as in
  scenario files);
- ``seed`` (default 42) and ``n_draws`` (default 1,000, at least 1,000) of the Monte Carlo.

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
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import shapely
from fastapi import APIRouter, Body, Depends
from pyproj import Transformer
from shapely.geometry import mapping

from groengezond.api.context import WebContext, get_context
from groengezond.api.problems import ReadableRoute
from groengezond.errors import InputError
from groengezond.health.impact import MIN_DRAWS
from groengezond.scenario.model import parse_geometry, scenario_from_data
from groengezond.services.plan import Planner, compare

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


def _options(body: dict[str, Any], file: str) -> tuple[str, int, int]:
    crs = str(body.get("crs", CRS_WGS84)).upper()
    if crs not in (CRS_WGS84, CRS_RD):
        raise InputError.single(file, "request", "crs", f"unknown CRS {crs!r}",
                                f"use {CRS_WGS84} (lon/lat) or {CRS_RD} (RD New, m)")
    try:
        seed = int(body.get("seed", DEFAULT_SEED))
        n_draws = int(body.get("n_draws", MIN_DRAWS))
    except (TypeError, ValueError):
        raise InputError.single(file, "request", "seed/n_draws", "is not a whole number",
                                "give whole numbers") from None
    return crs, seed, n_draws


def _scenario(data: Any, crs: str, file: str) -> Any:
    if isinstance(data, dict):
        data = {k: v for k, v in data.items() if k not in ("crs", "seed", "n_draws")}
        items = data.get("interventions")
        if crs == CRS_WGS84 and isinstance(items, list):
            data["interventions"] = [_to_rd(i) for i in items]
    return scenario_from_data(data, file=file)


def _finite(value: Any) -> Any:
    return None if isinstance(value, float) and not math.isfinite(value) else value


@router.post("/run", summary="Run one scenario against the region's baseline")
def run(body: dict[str, Any] = Body(...),
        ctx: WebContext = Depends(get_context)) -> dict[str, Any]:
    """The scenario's effects: exposures, health pathways, totals, euros and the health gap."""
    crs, seed, n_draws = _options(body, "scenario")
    scenario = _scenario(body, crs, "scenario")
    result = planner(ctx).run(scenario, np.random.default_rng(seed), n_draws=n_draws, seed=seed)
    out: dict[str, Any] = result.model_dump(mode="json")
    return out


@router.post("/compare", summary="Run several scenarios and lay them side by side")
def compare_scenarios(body: dict[str, Any] | list[Any] = Body(...),
                      ctx: WebContext = Depends(get_context)
                      ) -> dict[str, Any]:
    """One row per scenario (baseline first) and every scenario's full result."""
    opts: dict[str, Any] = body if isinstance(body, dict) else {}
    items = body.get("scenarios") if isinstance(body, dict) else body
    if not isinstance(items, list) or not items:
        raise InputError.single("request", "body", "scenarios", "is missing or empty",
                                "give a list of scenarios")
    if len(items) > MAX_SCENARIOS:
        raise InputError.single("request", "body", "scenarios", f"has {len(items)} scenarios",
                                f"give at most {MAX_SCENARIOS}")
    crs, seed, n_draws = _options(opts, "request")
    scenarios = [_scenario(s, crs, f"scenario {i}") for i, s in enumerate(items)]
    p = planner(ctx)
    results = [p.run(s, np.random.default_rng(seed), n_draws=n_draws, seed=seed)
               for s in scenarios]
    rows = [{k: _finite(v) for k, v in row.items()}
            for row in compare(results).to_dict(orient="records")]
    return {"comparison": rows, "results": [r.model_dump(mode="json") for r in results]}
