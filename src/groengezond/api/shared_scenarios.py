"""``/api/shared-scenarios``: Planner scenarios saved on the server, opened by link ``/s/<id>``.

Thin over :mod:`groengezond.sharing.store`. Routes:

- ``POST /api/shared-scenarios`` (:class:`ShareIn`): share a scenario (geometries in
  ``crs``, default lon/lat as drawn in the browser). An anonymous caller gets an ``owner_key``
  once in the answer and sends it back as ``X-Owner-Key`` to save versions or delete; staff
  (``Authorization: Bearer`` or the session cookie) own by username and may share ``private``.
- ``GET /api/shared-scenarios/{id}[?version=N]``: one version, with the scenario in
  EPSG:28992 (``scenario``, as in YAML files) and in lon/lat (``scenario_wgs84``, for the map).
- ``POST /api/shared-scenarios/{id}/versions`` (:class:`ShareIn`): the owner's next version.
- ``DELETE /api/shared-scenarios/{id}``: the owner deletes it.
- ``GET /api/shared-scenarios[?mine=true]``: public ones, or the caller's own.
- ``GET /api/shared-scenarios/{id}/scenario.yaml``: export as scenario YAML.
- ``POST /api/shared-scenarios/import`` (:class:`ImportIn`): share a scenario YAML file.

Creates and versions count against the client's ``share`` rate limit (30 a minute, 10 at once).
"""

from __future__ import annotations

import threading
from datetime import datetime
from typing import Annotated, Any, Literal

import numpy as np
import shapely
from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from pyproj import Transformer
from shapely.geometry import mapping

from groengezond.api.models_scenarios import ScenarioJSON
from groengezond.api.problems import ReadableRoute
from groengezond.api.scenarios import CRS_WGS84, _scenario
from groengezond.participation.config import RateLimit
from groengezond.scenario.model import Scenario, parse_geometry
from groengezond.sharing import store
from groengezond.sharing.db import SharingDatabase

router = APIRouter(prefix="/api/shared-scenarios", tags=["shared scenarios"],
                   route_class=ReadableRoute)
SHARE_LIMIT = RateLimit(per_minute=30, burst=10)
_TO_WGS84 = Transformer.from_crs("EPSG:28992", CRS_WGS84, always_xy=True)
_LOCK = threading.Lock()
Visibility = Literal["public", "unlisted", "private"]


class ShareIn(BaseModel):
    """A scenario to share (or to save as a new version)."""

    model_config = ConfigDict(extra="forbid")
    scenario: ScenarioJSON = Field(description="The scenario (name, interventions, ...)")
    crs: Literal["EPSG:4326", "EPSG:28992"] = Field(
        "EPSG:4326", description="CRS of the geometries: lon/lat (default) or RD New")
    visibility: Visibility | None = Field(
        None, description="public (listed), unlisted (link only; the default of a new share) "
                          "or private (staff only)")
    note: str = Field("", max_length=500, description="What changed in this version")


class ImportIn(BaseModel):
    """A scenario YAML file (as ``groengezond plan`` reads it) to share."""

    model_config = ConfigDict(extra="forbid")
    yaml: str = Field(max_length=store.MAX_YAML_CHARS, description="The file's text")
    visibility: Visibility = "unlisted"
    note: str = Field("", max_length=500)


class SharedOut(BaseModel):
    """One version of a shared scenario."""

    id: str
    link: str = Field(description="Path that opens it in the web app: /s/<id>")
    version: int
    latest_version: int
    visibility: Visibility
    name: str
    note: str
    created_at: datetime
    updated_at: datetime
    is_owner: bool
    owner_key: str | None = Field(
        None, description="Only in the answer to a new share by an anonymous caller: keep it "
                          "and send it as X-Owner-Key to save versions or delete")
    scenario: ScenarioJSON = Field(description="The scenario, geometries in EPSG:28992")
    scenario_wgs84: ScenarioJSON = Field(description="The same, geometries in lon/lat")


class SharedSummary(BaseModel):
    """A shared scenario in a list."""

    id: str
    link: str
    name: str
    latest_version: int
    visibility: Visibility
    updated_at: datetime
    is_owner: bool


class SharedList(BaseModel):
    """A page of shared scenarios."""

    total: int
    items: list[SharedSummary]


def sharing_db(request: Request) -> SharingDatabase:
    """The app's sharing database (migrated on first use, on ``GG_DATABASE_URL``)."""
    state = request.app.state
    db: SharingDatabase | None = getattr(state, "sharing_db", None)
    if db is None:
        with _LOCK:
            db = getattr(state, "sharing_db", None)
            if db is None:
                from groengezond.settings import get_settings

                db = state.sharing_db = SharingDatabase.from_url(get_settings().database_url)
    return db


def authenticated_staff(request: Request) -> Any:
    """The staff member (:class:`~groengezond.participation.security.Staff`) of a Bearer token
    or session cookie (with the CSRF header on writes), or None when there is neither."""
    from groengezond.api.participation import SAFE_METHODS
    from groengezond.participation.config import participation_settings
    from groengezond.participation.db import Database
    from groengezond.participation.errors import UnauthorizedError
    from groengezond.participation.security import authenticate, check_csrf
    from groengezond.participation.service import utc_now

    pdb = getattr(request.app.state, "participation_db", None)
    if not isinstance(pdb, Database):
        return None
    auth = request.headers.get("authorization", "")
    cfg = participation_settings()
    cookie = request.cookies.get("__Host-gg_session" if cfg.cookie_secure else "gg_session")
    if auth:
        scheme, _, token = auth.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise UnauthorizedError("use 'Authorization: Bearer <token>' from "
                                    "/api/participation/auth/login")
        return authenticate(pdb, token.strip(), utc_now())
    if cookie:
        staff = authenticate(pdb, cookie, utc_now())
        if request.method not in SAFE_METHODS:
            csrf = request.cookies.get("__Host-gg_csrf" if cfg.cookie_secure else "gg_csrf")
            check_csrf(staff, request.headers.get("x-csrf-token"), csrf)
        return staff
    return None


def caller(request: Request,
           x_owner_key: Annotated[str | None, Header(max_length=200)] = None) -> store.Caller:
    """Who calls: the staff member of a Bearer token or session cookie, and the owner key."""
    staff = authenticated_staff(request)
    return store.Caller(staff=staff.username if staff else None,
                        owner_key=x_owner_key or None)


Who = Annotated[store.Caller, Depends(caller)]
Db = Annotated[SharingDatabase, Depends(sharing_db)]


def _limit(request: Request) -> None:
    limiter = getattr(request.app.state, "limiter", None)
    if limiter is not None:
        client = request.client.host if request.client else "unknown"
        limiter.take("share", client, SHARE_LIMIT, "shared scenarios")


def to_wgs84(data: dict[str, Any]) -> dict[str, Any]:
    """A scenario dump with every intervention geometry converted from RD New to lon/lat."""
    items = []
    for item in data.get("interventions", []):
        geom = parse_geometry(item["geometry"])
        ll = shapely.transform(geom, lambda xy: np.column_stack(
            _TO_WGS84.transform(xy[:, 0], xy[:, 1])))
        items.append({**item, "geometry": mapping(ll)})
    return {**data, "interventions": items}


def _out(v: store.SharedView) -> SharedOut:
    return SharedOut(id=v.id, link=f"/s/{v.id}", version=v.version,
                     latest_version=v.latest_version, visibility=v.visibility,  # type: ignore[arg-type]
                     name=v.name, note=v.note, created_at=v.created_at,
                     updated_at=v.updated_at, is_owner=v.is_owner, owner_key=v.owner_key,
                     scenario=v.scenario, scenario_wgs84=to_wgs84(v.scenario))


def _parse(body: ShareIn) -> Scenario:
    return store.validate(_scenario(body.scenario, body.crs, "scenario").model_dump(mode="json"))


@router.post("", response_model=SharedOut, status_code=201, summary="Share a scenario")
def share(body: ShareIn, request: Request, db: Db, who: Who) -> SharedOut:
    """Save the scenario under a new stable id (version 1)."""
    _limit(request)
    return _out(store.create(db, _parse(body), who, body.visibility or "unlisted", body.note))


@router.post("/import", response_model=SharedOut, status_code=201,
             summary="Share a scenario YAML file")
def import_yaml(body: ImportIn, request: Request, db: Db, who: Who) -> SharedOut:
    """Validate the YAML as ``groengezond plan`` would, then share it (version 1)."""
    _limit(request)
    return _out(store.create(db, store.from_yaml(body.yaml), who, body.visibility, body.note))


@router.get("", response_model=SharedList, summary="List public (or your own) scenarios")
def list_shared(db: Db, who: Who,
                mine: Annotated[bool, Query(description="Only your own")] = False,
                limit: Annotated[int, Query(ge=1, le=store.MAX_LIST)] = 50,
                offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0) -> SharedList:
    """Newest first."""
    total, views = store.listing(db, who, mine=mine, limit=limit, offset=offset)
    return SharedList(total=total, items=[SharedSummary(
        id=v.id, link=f"/s/{v.id}", name=v.name, latest_version=v.latest_version,
        visibility=v.visibility, updated_at=v.updated_at,  # type: ignore[arg-type]
        is_owner=v.is_owner) for v in views])


@router.get("/{scenario_id}", response_model=SharedOut, summary="One shared scenario")
def get_shared(scenario_id: str, db: Db, who: Who,
               version: Annotated[int | None, Query(ge=1, le=store.MAX_VERSIONS)] = None
               ) -> SharedOut:
    """The newest version, or ``version``."""
    return _out(store.read(db, scenario_id, who, version))


@router.post("/{scenario_id}/versions", response_model=SharedOut, status_code=201,
             summary="Save a new version (owner)")
def new_version(scenario_id: str, body: ShareIn, request: Request, db: Db,
                who: Who) -> SharedOut:
    """The owner's next version; the id and link stay the same."""
    _limit(request)
    return _out(store.add_version(db, scenario_id, _parse(body), who, body.note,
                                  body.visibility))


@router.delete("/{scenario_id}", status_code=204, summary="Delete (owner)")
def delete_shared(scenario_id: str, db: Db, who: Who) -> Response:
    """Delete the scenario and all its versions."""
    store.delete(db, scenario_id, who)
    return Response(status_code=204)


@router.get("/{scenario_id}/scenario.yaml", response_class=Response,
            responses={200: {"content": {"application/yaml": {}}}},
            summary="Export as scenario YAML")
def export_yaml(scenario_id: str, db: Db, who: Who,
                version: Annotated[int | None, Query(ge=1, le=store.MAX_VERSIONS)] = None
                ) -> Response:
    """The scenario file ``groengezond plan`` reads (geometries in EPSG:28992)."""
    v = store.read(db, scenario_id, who, version)
    return Response(store.to_yaml(v), media_type="application/yaml", headers={
        "Content-Disposition": f'attachment; filename="scenario-{v.id}-v{v.version}.yaml"'})


page_router = APIRouter()


@page_router.get("/s/{scenario_id}", include_in_schema=False)
def shared_page(scenario_id: str) -> Response:
    """The web app, which opens shared scenario ``scenario_id`` on the Planner's map."""
    from fastapi.responses import FileResponse, HTMLResponse

    from groengezond.api.static import NOT_BUILT, WEB_DIST

    index = WEB_DIST / "index.html"
    if index.is_file():
        return FileResponse(index, media_type="text/html", headers={"Cache-Control": "no-cache"})
    return HTMLResponse(NOT_BUILT)
