"""The Monitor's map as a GeoPackage: one indicator, level and year, published values only.

- ``/api/indicators/{id}/download.gpkg?level=&year=``: the areas of ``level`` (polygons in
  EPSG:28992, as the region stores them) with the indicator's published value, 95 % interval,
  rank and the suppression flag and reason of ``year``: the same figures as ``/values``, so a
  suppressed value is empty (``NULL``) in the file too.

The file is written to a temporary folder and sent as bytes (GeoPackage is SQLite: it cannot be
streamed while it is written); it is cached per indicator, level and year.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Literal

import geopandas as gpd
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from groengezond.api.context import WebContext, get_context
from groengezond.api.geojson import Payload
from groengezond.api.indicators import _indicator, _year, monitor_data, ranked
from groengezond.api.problems import ReadableRoute

router = APIRouter(prefix="/api/indicators", tags=["monitor"], route_class=ReadableRoute)

Level = Literal["buurt", "wijk", "gemeente", "region"]
Ctx = Annotated[WebContext, Depends(get_context)]
GPKG = "application/geopackage+sqlite3"
COLUMNS = ("area_code", "name", "value", "lower", "upper", "rank", "suppressed",
           "suppression_reason", "persons")


def map_layer(ctx: WebContext, indicator_id: str, level: str, year: int | None
              ) -> tuple[gpd.GeoDataFrame, str, int]:
    """The published values of one indicator, level and year joined to the area polygons.

    Returns
    -------
    (GeoDataFrame, str, int)
        The layer (EPSG:28992, one row per area of ``level``), the indicator id and the year.
    """
    data = monitor_data(ctx)
    ind = _indicator(data, indicator_id)
    y = _year(data, ind, year)
    v = data.values
    rows = v[(v["indicator"] == ind.id) & (v["level"] == level) & (v["year"] == y)].copy()
    rows["rank"] = ranked(rows, ind)
    areas = ctx.region.areas
    shapes = areas[areas["level"] == level][["code", "geometry"]]
    table = shapes.merge(rows[[c for c in COLUMNS if c in rows.columns]], left_on="code",
                         right_on="area_code", how="inner").drop(columns="code")
    table["indicator"] = ind.id
    table["unit"] = ind.unit
    table["year"] = y
    table["rank"] = table["rank"].astype("float64")  # nullable integers do not go to GPKG
    return gpd.GeoDataFrame(table, geometry="geometry", crs=areas.crs), ind.id, y


def _gpkg(ctx: WebContext, indicator_id: str, level: str, year: int | None) -> Payload:
    layer, ind, y = map_layer(ctx, indicator_id, level, year)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "map.gpkg"
        layer.to_file(path, layer=f"{ind}_{level}_{y}", driver="GPKG")
        body = path.read_bytes()
    return Payload.of(body, GPKG)


@router.get("/{indicator}/download.gpkg", summary="The Monitor's map as a GeoPackage",
            response_class=Response,
            responses={200: {"content": {GPKG: {}}, "description": "GeoPackage file"}})
def download_gpkg(
    indicator: str,
    request: Request,
    ctx: Ctx,
    level: Annotated[Level, Query(description="buurt, wijk, gemeente or region")] = "buurt",
    year: Annotated[int | None, Query(ge=1900, le=2100,
                                      description="Year; default the latest")] = None,
) -> Response:
    """Area polygons (EPSG:28992) with the published values of ``indicator`` in ``year``."""
    data = monitor_data(ctx)
    ind = _indicator(data, indicator)  # unknown indicators and years are refused here, uncached
    y = _year(data, ind, year)
    payload = ctx.once(f"monitor-gpkg:{ind.id}:{level}:{y}", lambda: _gpkg(ctx, ind.id, level, y))
    response = payload.response(request, max_age=60)
    name = f"{ind.id}-{level}-{y}.gpkg"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
