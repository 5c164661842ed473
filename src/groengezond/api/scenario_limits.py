"""Resource bounds of a Planner request, checked before any work is done.

A scenario request is refused (422, every problem named) when it asks for more than one run
may use. These are bounds on cost, not on plausibility (whether a park may lie on water is
the Planner's own check):

========================================  ====================================================
``n_draws``                               1,000 (:data:`~groengezond.health.impact.MIN_DRAWS`)
                                          to :data:`MAX_DRAWS` (10,000)
``seed``                                  0 to 2**63 - 1 (a whole number)
interventions per scenario                at most :data:`MAX_INTERVENTIONS` (200)
vertices per geometry                     at most :data:`MAX_VERTICES` (10,000)
area of a geometry                        at most the region's own area
trees planted in a polygon                at most one per :data:`MIN_M2_PER_TREE` m² (4 m²:
                                          a crown of about 2 m), or one per given point
dwellings in a polygon                    at most one per :data:`MIN_M2_PER_DWELLING` m² of
                                          ground (10 m², 1,000 per ha: several times the
                                          densest Dutch blocks), or :data:`MAX_DWELLINGS_PER_POINT`
                                          per given point
residents                                 at most :data:`MAX_RESIDENTS_PER_DWELLING` per dwelling
money (costs, money values)                finite and at most :data:`MAX_EUR`
every number                              finite (no ``NaN``, ``Infinity``, ``1e999``)
========================================  ====================================================

JSON nesting (at most 64 levels) and the body size are bounded for every route by
:mod:`groengezond.api.security`.
"""

from __future__ import annotations

import math
from typing import Any, Literal

import shapely
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from groengezond.errors import InputError, Problem
from groengezond.health.impact import MIN_DRAWS
from groengezond.scenario.model import AddDwellings, PlantTrees, Scenario, parse_geometry

MAX_DRAWS = 10_000
"""Most Monte Carlo draws one run may ask for."""
MAX_INTERVENTIONS = 200
"""Most interventions in one scenario."""
MAX_VERTICES = 10_000
"""Most vertices (coordinate pairs) in one intervention's geometry."""
MIN_M2_PER_TREE = 4.0
"""Polygon area (m²) per tree planted, at least."""
MIN_M2_PER_DWELLING = 10.0
"""Polygon area (m²) per new dwelling, at least."""
MAX_DWELLINGS_PER_POINT = 1_000
"""Dwellings one point (a building) may add."""
MAX_RESIDENTS_PER_DWELLING = 10
"""Residents per new dwelling, at most."""
MAX_EUR = 1e12
"""Largest money amount accepted (EUR)."""
MAX_SEED = 2**63 - 1
MAX_WKT_CHARS = MAX_VERTICES * 60
"""Longest WKT text accepted (about 60 characters per vertex)."""


class RunOptions(BaseModel):
    """The request fields beside the scenario: CRS, seed and number of draws."""

    model_config = ConfigDict(frozen=True, extra="ignore", allow_inf_nan=False)

    crs: Literal["EPSG:4326", "EPSG:28992"] = "EPSG:4326"
    seed: int = Field(42, ge=0, le=MAX_SEED)
    n_draws: int = Field(MIN_DRAWS, ge=MIN_DRAWS, le=MAX_DRAWS)


def run_options(body: dict[str, Any], file: str = "request") -> RunOptions:
    """Read ``crs``, ``seed`` and ``n_draws`` from a request body.

    Raises
    ------
    InputError
        Unknown CRS, or a seed or number of draws that is not a whole number in range.
    """
    data = {k: body[k] for k in ("crs", "seed", "n_draws") if k in body}
    if isinstance(data.get("crs"), str):
        data["crs"] = data["crs"].upper()
    for key in ("seed", "n_draws"):
        if isinstance(data.get(key), bool):
            data[key] = "not a number"
    try:
        return RunOptions.model_validate(data)
    except ValidationError as exc:
        fixes = {"crs": "use EPSG:4326 (lon/lat) or EPSG:28992 (RD New, m)",
                 "seed": f"give a whole number from 0 to {MAX_SEED}",
                 "n_draws": f"give a whole number from {MIN_DRAWS} to {MAX_DRAWS}"}
        raise InputError([Problem(file, "request", str(e["loc"][0]), e["msg"],
                                  fixes.get(str(e["loc"][0]), "see /docs"))
                          for e in exc.errors()]) from None


def non_finite(value: Any, path: str = "") -> list[str]:
    """Paths (``interventions.0.cost.low_eur``) of the non-finite numbers in JSON data."""
    out: list[str] = []
    stack: list[tuple[str, Any]] = [(path, value)]
    while stack:
        where, v = stack.pop()
        if isinstance(v, float) and not math.isfinite(v):
            out.append(where or "(body)")
        elif isinstance(v, dict):
            stack.extend((f"{where}.{k}" if where else str(k), x) for k, x in v.items())
        elif isinstance(v, list):
            stack.extend((f"{where}.{i}" if where else str(i), x) for i, x in enumerate(v))
    return sorted(out)


def count_vertices(geometry: Any) -> int:
    """Vertices of a GeoJSON-like geometry or WKT text, counted without parsing it."""
    if isinstance(geometry, str):
        return geometry.count(",") + 1 if len(geometry) <= MAX_WKT_CHARS else MAX_VERTICES + 1
    if not isinstance(geometry, dict):
        return 0
    n = 0
    stack: list[Any] = [geometry.get("coordinates")]
    if geometry.get("type") == "GeometryCollection":
        stack = [g.get("coordinates") for g in geometry.get("geometries") or []
                 if isinstance(g, dict)]
    while stack:
        v = stack.pop()
        if isinstance(v, list):
            if v and all(isinstance(x, (int, float)) for x in v):
                n += 1
            else:
                stack.extend(v)
        if n > MAX_VERTICES:
            break
    return n


def check_raw_scenario(data: Any, file: str) -> None:
    """Bounds that need no parsing: finite numbers, interventions, vertices per geometry.

    Raises
    ------
    InputError
        Naming the intervention and the bound.
    """
    problems = [Problem(file, "", p, "is not a finite number",
                        "give a finite number (no NaN, Infinity or 1e999)")
                for p in non_finite(data)]
    items = data.get("interventions") if isinstance(data, dict) else None
    if isinstance(items, list):
        if len(items) > MAX_INTERVENTIONS:
            problems.append(Problem(file, "", "interventions", f"has {len(items)} interventions",
                                    f"give at most {MAX_INTERVENTIONS} in one scenario"))
        for i, item in enumerate(items[:MAX_INTERVENTIONS]):
            geometry = item.get("geometry") if isinstance(item, dict) else None
            if count_vertices(geometry) > MAX_VERTICES:
                problems.append(Problem(file, f"intervention {i + 1}", "geometry",
                                        f"has more than {MAX_VERTICES} vertices",
                                        "simplify the shape (a few hundred vertices are "
                                        "plenty for a plan)"))
    if problems:
        raise InputError(problems)


def check_sizes(scenario: Scenario, region_area_m2: float, file: str) -> None:
    """Bounds that need the geometry: area, counts per m², residents, money.

    Parameters
    ----------
    scenario : Scenario
        The validated scenario, geometries in EPSG:28992 (m).
    region_area_m2 : float
        Area of the region (m²).
    file : str
        Name used in the problems.

    Raises
    ------
    InputError
        Naming the intervention, the field and the bound.
    """
    problems: list[Problem] = []
    for i, item in enumerate(scenario.interventions):
        where = f"intervention {i + 1}" + (f" '{item.name}'" if item.name else "")
        try:
            geom = parse_geometry(item.geometry)
        except Exception:
            continue  # the Planner names unreadable geometry
        area = float(geom.area)
        points = int(shapely.get_num_geometries(geom)) if geom.geom_type in (
            "Point", "MultiPoint") else 0
        if area > region_area_m2:
            problems.append(Problem(file, where, "geometry",
                                    f"covers {area / 1e6:.1f} km², more than the region "
                                    f"({region_area_m2 / 1e6:.1f} km²)",
                                    "draw it inside the region"))
        if isinstance(item, PlantTrees) and item.count is not None:
            most = max(points, math.floor(area / MIN_M2_PER_TREE))
            if item.count > most:
                problems.append(Problem(file, where, "count", f"{item.count} trees",
                                        f"give at most {most} (one per {MIN_M2_PER_TREE:g} m² "
                                        "of the polygon, or one per point)"))
        if isinstance(item, AddDwellings):
            most = max(points * MAX_DWELLINGS_PER_POINT, math.floor(area / MIN_M2_PER_DWELLING))
            if item.dwellings > most:
                problems.append(Problem(file, where, "dwellings", f"{item.dwellings} dwellings",
                                        f"give at most {most} (one per "
                                        f"{MIN_M2_PER_DWELLING:g} m² of the polygon, or "
                                        f"{MAX_DWELLINGS_PER_POINT} per point)"))
            if item.residents > MAX_RESIDENTS_PER_DWELLING * max(item.dwellings, 1):
                problems.append(Problem(file, where, "residents", f"{item.residents} residents",
                                        f"give at most {MAX_RESIDENTS_PER_DWELLING} per "
                                        "dwelling"))
        if item.cost is not None and item.cost.high_eur > MAX_EUR:
            problems.append(Problem(file, where, "cost.high_eur", "is too large",
                                    f"give at most {MAX_EUR:.0e} EUR"))
    for key, value in scenario.valuation.values.items():
        for name in ("amount", "low", "high"):
            v = getattr(value, name)
            if v is not None and v > MAX_EUR:
                problems.append(Problem(file, "valuation", f"values.{key}.{name}",
                                        "is too large", f"give at most {MAX_EUR:.0e}"))
    if problems:
        raise InputError(problems)
