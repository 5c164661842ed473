"""Areas of the region: lists, one area with its parents and children, and map geometry.

- ``/api/areas?level=&parent=``: codes, names, levels, parents and inhabitants (no geometry).
- ``/api/areas/{code}``: one area, its ancestors, its children, its bounding box (lon/lat).
- ``/api/areas.geojson?level=&simplify=``: the polygons of one level for the map, in EPSG:4326,
  simplified by ``simplify`` metres (cached per level and tolerance, gzip-compressed).

Every area carries ``geometry_quality``: ``real`` (its own polygon), ``derived`` (the union of
its children's) or ``placeholder`` (its parent's polygon, drawn hatched by the web map).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import numpy as np
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from groengezond.api.context import WebContext, get_context
from groengezond.api.contract import Contract
from groengezond.api.geojson import GEOJSON, records
from groengezond.api.problems import ReadableRoute
from groengezond.errors import InputError

router = APIRouter(prefix="/api", tags=["areas"], route_class=ReadableRoute)

Level = Literal["buurt", "wijk", "gemeente", "region"]
Ctx = Annotated[WebContext, Depends(get_context)]
AREA_COLUMNS = ("code", "name", "level", "parent", "inhabitants", "geometry_quality")


class Area(Contract):
    """An area without its geometry; ``geometry_quality``: real, derived or placeholder."""

    code: str
    name: str
    level: str
    parent: str | None
    inhabitants: int
    geometry_quality: Literal["real", "derived", "placeholder"] = "real"


class AreaList(Contract):
    """Areas of one level (optionally under one parent)."""

    level: str
    parent: str | None
    count: int
    areas: list[Area]


class AreaDetail(Area):
    """One area with its place in the hierarchy and its extent."""

    ancestors: list[Area]
    children: list[Area]
    bbox_wgs84: list[float]
    centre_wgs84: list[float]


def area_rows(ctx: WebContext) -> dict[str, dict[str, Any]]:
    """Every area as a JSON-ready dict, by code (cached)."""

    def build() -> dict[str, dict[str, Any]]:
        rows = records(ctx.areas(), AREA_COLUMNS)
        return {str(r["code"]): r for r in rows}

    return ctx.once("area_rows", build)


def find_area(ctx: WebContext, code: str) -> dict[str, Any]:
    """The area with ``code``, or InputError saying how to find codes."""
    rows = area_rows(ctx)
    if code not in rows:
        raise InputError.single("request", "path parameter", "code", f"no area with code {code!r}",
                                "use a code listed by /api/areas (e.g. a BU, WK or GM code)")
    return rows[code]


@router.get("/areas", summary="List areas of one level", response_model=AreaList)
def list_areas(
    ctx: Ctx,
    level: Annotated[Level, Query(description="buurt, wijk, gemeente or region")] = "buurt",
    parent: Annotated[str | None, Query(description="Only areas directly under this code",
                                        max_length=32)] = None,
) -> dict[str, Any]:
    """Areas of ``level``; with ``parent``, only those directly under it."""
    if parent is not None:
        find_area(ctx, parent)
    areas = [r for r in area_rows(ctx).values()
             if r["level"] == level and (parent is None or r["parent"] == parent)]
    return {"level": level, "parent": parent, "count": len(areas), "areas": areas}


@router.get("/areas.geojson", summary="Area polygons of one level (GeoJSON, EPSG:4326)",
            response_class=Response,
            responses={200: {"content": {GEOJSON: {}}, "description": "FeatureCollection"}})
def areas_geojson(
    request: Request,
    ctx: Ctx,
    level: Annotated[Level, Query(description="buurt, wijk, gemeente or region")] = "buurt",
    simplify: Annotated[int, Query(ge=0, le=500, description="Simplification tolerance (m), "
                                   "applied in EPSG:28992 with topology kept")] = 5,
) -> Response:
    """A FeatureCollection of the areas of ``level``; feature ids are the area codes."""
    return ctx.areas_payload(level, simplify).response(request)


@router.get("/areas/{code}", summary="One area, its ancestors and its children",
            response_model=AreaDetail)
def get_area(code: str, ctx: Ctx) -> dict[str, Any]:
    """The area with ``code``: its row, the chain of parents, its children, its extent."""
    row = find_area(ctx, code)
    rows = area_rows(ctx)
    ancestors: list[dict[str, Any]] = []
    parent = row["parent"]
    while parent is not None and parent in rows and len(ancestors) < 8:
        ancestors.append(rows[parent])
        parent = rows[parent]["parent"]
    children = [r for r in rows.values() if r["parent"] == code]

    def extent() -> dict[str, tuple[list[float], list[float]]]:
        wgs = ctx.region.areas.to_crs(4326)
        b = wgs.geometry.bounds.to_numpy()
        c = wgs.geometry.representative_point()
        return {str(k): ([float(v) for v in b[i]], [float(c.iloc[i].x), float(c.iloc[i].y)])
                for i, k in enumerate(np.asarray(wgs["code"]))}

    bbox, centre = ctx.once("area_extents", extent)[code]
    return {**row, "ancestors": ancestors, "children": children, "bbox_wgs84": bbox,
            "centre_wgs84": centre}
