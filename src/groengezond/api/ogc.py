"""OGC API - Features - Part 1: Core (OGC 17-069r4), for QGIS and other GIS clients.

(The Planner's runs are OGC API - Processes under the same ``/ogc`` landing page and
conformance declaration: :mod:`groengezond.api.ogc_processes`.)

Collections ``areas``, ``green`` and ``buildings``, as GeoJSON in CRS84 (lon/lat, RFC 7946):

- ``/ogc`` landing page, ``/ogc/conformance``, ``/ogc/collections``,
  ``/ogc/collections/{collectionId}``,
- ``/ogc/collections/{collectionId}/items`` with ``limit`` (1-10000, default 10; a larger
  value is lowered to 10000, as the standard allows), ``offset``, ``bbox`` (4 or 6 numbers in
  CRS84) and, for ``areas``, ``level``; answers carry ``numberMatched``, ``numberReturned``,
  ``timeStamp`` and links ``self``, ``alternate``, ``collection``, ``next`` and ``prev``,
- ``/ogc/collections/{collectionId}/items/{featureId}``.

Invalid or unknown query parameters answer 400 (``/req/core/query-param-invalid`` and
``/req/core/query-param-unknown``) with the same readable text as the CLI; an unknown
collection or feature answers 404.
"""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import urlencode

import numpy as np
from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import JSONResponse, Response

from groengezond.api.context import COLLECTIONS, Collection, WebContext, check_level, get_context
from groengezond.api.geojson import GEOJSON
from groengezond.api.models_maps import OgcCollection, OgcCollections, OgcConformance, OgcLanding
from groengezond.api.ogc_processes import CONFORMANCE as PROCESSES_CONFORMANCE
from groengezond.api.ogc_processes import REL_JOBS, REL_PROCESSES
from groengezond.api.problems import OgcRoute
from groengezond.api.security import public_base
from groengezond.errors import InputError

router = APIRouter(prefix="/ogc", tags=["OGC API Features"], route_class=OgcRoute)

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    *PROCESSES_CONFORMANCE,
]
DEFAULT_LIMIT = 10
MAX_LIMIT = 10_000
ITEM_PARAMS = {"limit", "offset", "bbox", "f", "level"}
JSON = "application/json"

Ctx = Annotated[WebContext, Depends(get_context)]


def _base(request: Request) -> str:
    return public_base(request)  # GG_PUBLIC_URL, never the Host header


def _link(href: str, rel: str, kind: str, title: str) -> dict[str, str]:
    return {"href": href, "rel": rel, "type": kind, "title": title}


def _collection(ctx: WebContext, request: Request, c: Collection) -> dict[str, Any]:
    base = f"{_base(request)}/ogc/collections/{c.id}"
    store = ctx.features(c.id)
    b = store.bounds
    bbox = ([float(b[:, 0].min()), float(b[:, 1].min()), float(b[:, 2].max()),
             float(b[:, 3].max())] if len(store) else list(ctx.bounds_wgs84()))
    note = " Synthetic data: nothing in it is real." if ctx.region.meta.synthetic else ""
    return {
        "id": c.id,
        "title": c.title_en,
        "description": c.description + note,
        "itemType": "feature",
        "crs": [CRS84],
        "storageCrs": CRS84,
        "extent": {"spatial": {"bbox": [bbox], "crs": CRS84}},
        "links": [
            _link(base, "self", JSON, c.title_en),
            _link(f"{base}/items", "items", GEOJSON, f"{c.title_en} (GeoJSON)"),
        ],
    }


def _get_collection(collection_id: str) -> Collection:
    if collection_id not in COLLECTIONS:
        raise HTTPException(404, f"request: collection {collection_id!r} does not exist; use "
                                 f"one of: {', '.join(COLLECTIONS)}")
    return COLLECTIONS[collection_id]


def parse_bbox(text: str) -> tuple[float, float, float, float]:
    """Parse an OGC ``bbox``: 4 (or 6, with heights) comma-separated CRS84 numbers."""
    parts = text.split(",")
    fix = "give bbox=minLon,minLat,maxLon,maxLat in degrees (CRS84), e.g. 5.0,52.0,5.2,52.1"
    try:
        nums = [float(p) for p in parts]
    except ValueError:
        raise InputError.single("request", "query parameter", "bbox",
                                f"{text!r} is not a list of numbers", fix) from None
    if len(nums) not in (4, 6) or not all(math.isfinite(n) for n in nums):
        raise InputError.single("request", "query parameter", "bbox",
                                f"has {len(nums)} numbers, not 4 or 6", fix)
    x0, y0, x1, y1 = (nums[0], nums[1], nums[3], nums[4]) if len(nums) == 6 else nums
    if not (-180 <= x0 <= 180 and -180 <= x1 <= 180 and -90 <= y0 <= y1 <= 90):
        raise InputError.single("request", "query parameter", "bbox",
                                f"{text!r} is outside lon -180..180, lat -90..90 or has "
                                "south above north", fix)
    return (x0, y0, x1, y1)


def _json(doc: dict[str, Any], media_type: str = JSON) -> Response:
    return Response(json.dumps(doc, ensure_ascii=False), media_type=media_type)


@router.get("", summary="Landing page", response_model=OgcLanding)
def landing(request: Request, ctx: Ctx) -> Response:
    """Links to the API definition, the conformance declaration and the collections."""
    base = _base(request)
    return _json({
        "title": f"groengezond - {ctx.region.meta.name}",
        "description": "Areas, green spaces and buildings of the region as OGC API Features."
                       + (" Synthetic data." if ctx.region.meta.synthetic else ""),
        "links": [
            _link(f"{base}/ogc", "self", JSON, "This document"),
            _link(f"{base}/openapi.json", "service-desc",
                  "application/vnd.oai.openapi+json;version=3.0", "API definition"),
            _link(f"{base}/docs", "service-doc", "text/html", "API documentation"),
            _link(f"{base}/ogc/conformance", "conformance", JSON, "Conformance classes"),
            _link(f"{base}/ogc/collections", "data", JSON, "Collections"),
            _link(f"{base}/ogc/processes", REL_PROCESSES, JSON, "Processes (Planner runs)"),
            _link(f"{base}/ogc/jobs", REL_JOBS, JSON, "Jobs"),
        ],
    })


@router.get("/conformance", summary="Conformance declaration",
            response_model=OgcConformance)
def conformance() -> Response:
    """The conformance classes implemented: Features Core, OpenAPI 3.0 and GeoJSON, and
    Processes Core, OGC process description, JSON, OpenAPI 3.0, job list and dismiss."""
    return _json({"conformsTo": CONFORMANCE})


@router.get("/collections", summary="Feature collections", response_model=OgcCollections)
def collections(request: Request, ctx: Ctx) -> Response:
    """Every collection with its extent and links."""
    base = _base(request)
    return _json({
        "links": [_link(f"{base}/ogc/collections", "self", JSON, "Collections")],
        "collections": [_collection(ctx, request, c) for c in COLLECTIONS.values()],
    })


@router.get("/collections/{collectionId}", summary="One feature collection",
            response_model=OgcCollection)
def collection(collectionId: str, request: Request, ctx: Ctx) -> Response:  # noqa: N803
    """The collection's description: title, extent (CRS84), links to its items."""
    return _json(_collection(ctx, request, _get_collection(collectionId)))


@router.get("/collections/{collectionId}/items", summary="Features of a collection",
            response_class=Response,
            responses={200: {"content": {GEOJSON: {}}, "description": "FeatureCollection"}})
def items(
    collectionId: str,  # noqa: N803
    request: Request,
    ctx: Ctx,
    limit: Annotated[int, Query(ge=1, description=f"Page size, 1-{MAX_LIMIT} (larger values "
                                f"are lowered to {MAX_LIMIT})")] = DEFAULT_LIMIT,
    offset: Annotated[int, Query(ge=0, description="Features to skip")] = 0,
    bbox: Annotated[str | None, Query(description="minLon,minLat,maxLon,maxLat (CRS84)",
                                      max_length=200)] = None,
    level: Annotated[str | None, Query(description="areas only: buurt, wijk, gemeente or "
                                       "region")] = None,
    f: Annotated[str | None, Query(description="Format: json or geojson")] = None,
) -> Response:
    """A page of features, filtered by ``bbox`` (and ``level`` for areas)."""
    c = _get_collection(collectionId)
    unknown = sorted(set(request.query_params) - ITEM_PARAMS)
    if unknown:
        raise InputError.single("request", "query parameter", unknown[0],
                                "is not a parameter of this collection",
                                f"use {', '.join(sorted(ITEM_PARAMS))}")
    if f is not None and f not in ("json", "geojson"):
        raise InputError.single("request", "query parameter", "f", f"unknown format {f!r}",
                                "use f=json (GeoJSON)")
    if level is not None and c.id != "areas":
        raise InputError.single("request", "query parameter", "level",
                                f"collection {c.id!r} has no levels", "leave level out")
    store = ctx.features(c.id)
    mask = None
    if level is not None:
        check_level(level)
        mask = np.asarray(ctx.region.areas["level"] == level)
    box = parse_bbox(bbox) if bbox is not None else None
    hits = store.select(box, mask)
    limit = min(limit, MAX_LIMIT)
    page = hits[offset:offset + limit]
    base = f"{_base(request)}/ogc/collections/{c.id}/items"
    keep = {k: v for k, v in request.query_params.items() if k not in ("limit", "offset")}

    def href(off: int) -> str:
        return f"{base}?{urlencode({**keep, 'limit': limit, 'offset': off})}"

    links = [_link(href(offset), "self", GEOJSON, "This page"),
             _link(f"{_base(request)}/ogc/collections/{c.id}", "collection", JSON, c.title_en)]
    if offset + limit < len(hits):
        links.append(_link(href(offset + limit), "next", GEOJSON, "Next page"))
    if offset > 0:
        links.append(_link(href(max(offset - limit, 0)), "prev", GEOJSON, "Previous page"))
    body = store.collection(page, {
        "numberMatched": len(hits), "numberReturned": len(page), "links": links,
        "timeStamp": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
    })
    return Response(body, media_type=GEOJSON)


@router.get("/collections/{collectionId}/items/{featureId}", summary="One feature",
            response_class=Response,
            responses={200: {"content": {GEOJSON: {}}, "description": "Feature"}})
def item(collectionId: str, featureId: str, request: Request, ctx: Ctx) -> Response:  # noqa: N803
    """One feature by id, with links to itself and its collection."""
    c = _get_collection(collectionId)
    store = ctx.features(c.id)
    pos = store.position(featureId)
    if pos is None:
        return JSONResponse(status_code=404, content={
            "detail": f"request: feature {featureId!r} is not in collection {c.id!r}; list "
                      f"ids with /ogc/collections/{c.id}/items"})
    base = f"{_base(request)}/ogc/collections/{c.id}"
    links = [_link(f"{base}/items/{featureId}", "self", GEOJSON, "This feature"),
             _link(base, "collection", JSON, c.title_en)]
    text = store.features[pos]
    body = text[:-1] + f',"links":{json.dumps(links)}}}'
    return Response(body, media_type=GEOJSON)
