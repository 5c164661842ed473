"""Green access over HTTP: the region's access results per area, and their summary.

Thin over :mod:`groengezond.services.access`: the results are those of the region's baseline
(``<region>/baseline/``, written by ``groengezond demo`` or the baseline service) when present,
otherwise computed once with :func:`~groengezond.services.access.compute_access`. Per-area rows
pass disclosure control (:func:`~groengezond.indicators.disclosure.disclose`, the persons rule of
``green_within_300m_pct``): an area with too few residents is published as suppressed.

On a walking network that fails the quality gate (:mod:`groengezond.network_quality`) the
figures are served, flagged: ``network_degraded`` is true in every document and on every row
(the CLI refuses them unless ``--allow-degraded-network``).

- ``/api/access/summary``: the region-wide figures, in the CLI's words, with the options used.
- ``/api/access/areas?level=``: the main measures per area (shares 0-1, distances in m).
- ``/api/access/areas/{code}``: the same for one area.

Every area row carries ``quality`` (real / derived / placeholder; lattice addresses or a
placeholder polygon make it a placeholder), and the summary ``quality`` and
``not_computable`` (measure -> key and reason), so no figure is presented as real when its
inputs are not.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import geopandas as gpd
import pandas as pd
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from groengezond.api.areas import find_area
from groengezond.api.context import WebContext, get_context
from groengezond.api.geojson import Payload, json_bytes, json_ready, records
from groengezond.api.models_access import AccessAreaDoc, AccessAreasDoc, AccessSummaryDoc
from groengezond.api.problems import ReadableRoute
from groengezond.indicators.disclosure import disclose
from groengezond.services import access as access_service
from groengezond.services.baseline import BASELINE_DIR
from groengezond.services.figure_quality import access_quality

router = APIRouter(prefix="/api/access", tags=["green access"], route_class=ReadableRoute)

Level = Literal["buurt", "wijk", "gemeente", "region"]
Ctx = Annotated[WebContext, Depends(get_context)]
JSON = "application/json"
DISCLOSURE_INDICATOR = "green_within_300m_pct"
"""Registry indicator whose disclosure rule the per-area access rows follow."""
MEASURES = ("canopy_share", "green_network_m", "green_euclidean_m", "within_300m_network",
            "within_300m_euclidean", "trees_within_radius", "meets_3_trees", "meets_30_canopy",
            "meets_300_green", "meets_3_30_300", "supply_m2_per_inhabitant",
            "green_m2_per_inhabitant_500m", "meets_green_norm_500m", "green_share_300m",
            "green_share_500m", "green_share_1000m", "ndvi_proxy_500m")
"""Per-area measures served (population-weighted shares 0-1, medians in m, m² per person)."""


@dataclass(frozen=True, eq=False)
class AccessData:
    """Published per-area access table and the summary of the run it comes from."""

    areas: pd.DataFrame
    summary: dict[str, Any]
    rows: list[tuple[str, str, str]]
    origin: str


def _from_baseline(folder: Path) -> access_service.AccessResult | None:
    areas_file = folder / access_service.AREAS_FILE
    meta_file = folder / "baseline.json"
    if not (areas_file.exists() and meta_file.exists()):
        return None
    meta = json.loads(meta_file.read_text("utf-8"))
    options = access_service.AccessOptions.model_validate(meta.get("options", {}))
    areas = gpd.read_parquet(areas_file)
    return access_service.AccessResult(areas.iloc[:0], areas, meta.get("summary", {}), options)


def access_data(ctx: WebContext) -> AccessData:
    """The access results of the served region (baseline files, or computed once)."""

    def build() -> AccessData:
        result = _from_baseline(ctx.region_dir / BASELINE_DIR)
        origin = "baseline"
        if result is None:
            # served figures on a degraded network are flagged, not refused (the CLI refuses)
            result = access_service.compute_access(
                ctx.region, access_service.AccessOptions(allow_degraded_network=True))
            origin = "computed"
        frame = pd.DataFrame(result.areas.drop(columns="geometry", errors="ignore"))
        if "network_degraded" not in frame.columns:  # baselines written before the flag
            frame["network_degraded"] = bool(result.summary.get("network_degraded", False))
        if "quality" not in frame.columns:  # baselines written before quality flags
            frame["quality"] = access_quality(ctx.region, frame["code"])[1].to_numpy()
        keep = ["code", "name", "level", "residents", "network_degraded", "quality",
                *[c for c in MEASURES if c in frame.columns]]
        table = frame[keep].copy()
        table["indicator"] = DISCLOSURE_INDICATOR
        table["persons"] = table["residents"]
        values = [c for c in MEASURES if c in table.columns]
        for col in values:
            table[col] = pd.to_numeric(table[col], errors="coerce").astype(float)
        published = disclose(table, name="access_areas", value_columns=values).frame
        published = published.drop(columns=["indicator", "residents"], errors="ignore")
        summary = {k: v for k, v in result.summary.items() if k != "options"}
        summary.setdefault("quality", access_quality(ctx.region, frame["code"].iloc[:0])[0])
        summary.setdefault("not_computable", {})
        return AccessData(published, summary, access_service.summary_rows(result), origin)

    return ctx.once("access", build)


def _payload(ctx: WebContext, key: str, doc: Any) -> Payload:
    return ctx.once(f"access-json:{key}", lambda: Payload.of(json_bytes(doc()), JSON))


@router.get("/summary", summary="Region-wide green access figures",
            response_model=AccessSummaryDoc)
def summary(request: Request, ctx: Ctx) -> Response:
    """Residents within 300 m of green, 3-30-300, green per inhabitant, with the options."""

    def doc() -> dict[str, Any]:
        data = access_data(ctx)
        return {"origin": data.origin,
                "network_degraded": bool(data.summary.get("network_degraded", False)),
                "summary": json_ready(data.summary),  # NaN (not computable) as null
                "rows": [{"measure": m, "value": v, "note": n} for m, v, n in data.rows]}

    return _payload(ctx, "summary", doc).response(request, max_age=60)


@router.get("/areas", summary="Green access per area (published)",
            response_model=AccessAreasDoc)
def areas(
    request: Request,
    ctx: Ctx,
    level: Annotated[Level, Query(description="buurt, wijk, gemeente or region")] = "buurt",
) -> Response:
    """The main access measures of every area of ``level``; suppressed rows are null."""

    def doc() -> dict[str, Any]:
        data = access_data(ctx)
        rows = data.areas[data.areas["level"] == level]
        return {"level": level, "origin": data.origin, "measures": list(MEASURES),
                "network_degraded": bool(data.summary.get("network_degraded", False)),
                "areas": records(rows, list(rows.columns))}

    return _payload(ctx, f"areas:{level}", doc).response(request, max_age=60)


@router.get("/areas/{code}", summary="Green access of one area (published)",
            response_model=AccessAreaDoc)
def area(code: str, request: Request, ctx: Ctx) -> Response:
    """The access measures of the area with ``code``."""
    find_area(ctx, code)

    def doc() -> dict[str, Any]:
        data = access_data(ctx)
        rows = data.areas[data.areas["code"] == code]
        return {"origin": data.origin, **(records(rows, list(rows.columns))[0] if len(rows)
                                           else {"code": code, "suppressed": True,
                                                 "suppression_reason": "no addresses"})}

    return _payload(ctx, f"area:{code}", doc).response(request, max_age=60)
