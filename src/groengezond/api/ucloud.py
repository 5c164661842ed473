"""The U-Cloud hub over HTTP: every route authenticated, authorised and audited by the hub.

Routes under ``/api/ucloud`` (bearer token in ``Authorization``; roles in
:data:`groengezond.ucloud.governance.PERMISSIONS`):

- ``GET /me`` — who you are (any role);
- ``GET /indicators`` — published care indicators per area (viewer and up);
- ``GET /releases``, ``GET /releases/{name}?level=`` — protected releases (researcher, steward);
- ``GET /linkage`` — counts and linkage rates of the last run (researcher, steward);
- ``POST /exports``, ``GET /exports`` — request and list exports (researcher, steward);
- ``POST /exports/{id}/decision`` — approve or reject (a data steward, not the requester);
- ``GET /exports/{id}/download`` — an approved export (its requester or a steward);
- ``GET /audit`` — the audit log and whether its chain holds (data steward).

Thin: parse, call :class:`groengezond.ucloud.hub.Hub`, render. 401 without a valid token,
403 for a role that may not, 404 unknown release/export, 409 an export not yet approved.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, HTTPException, Query
from fastapi import Path as PathParam
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from groengezond.api.problems import ReadableRoute
from groengezond.errors import GroengezondError
from groengezond.ucloud.governance import AccessDeniedError
from groengezond.ucloud.hub import ConflictError, Export, Hub, NotFoundError, UcloudSettings

router = APIRouter(prefix="/api/ucloud", tags=["ucloud"], route_class=ReadableRoute)

Level = Literal["buurt", "wijk", "gemeente"]
AuthHeader = Annotated[str | None, Header(alias="Authorization",
                                          description="Bearer <token>")]


class Me(BaseModel):
    """The authenticated user."""

    name: str
    role: str


class IndicatorValue(BaseModel):
    """One published indicator value (``value`` null where suppressed, never 0)."""

    area_code: str
    level: str
    indicator: str
    year: int
    value: float | None
    denominator: int = Field(description="Residents the rate is per (persons)")
    suppressed: bool
    reason: str = Field(description="'disclosure_control' when suppressed, else ''")
    source: str


class ReleaseCell(BaseModel):
    """One published cell of a protected release (rounded to 5; null where suppressed)."""

    table: str
    area_code: str
    level: str
    category: str
    published: float | None
    suppressed: bool


class Linkage(BaseModel):
    """Counts of the last run (keys and numbers)."""

    model_config = ConfigDict(extra="allow")
    domain: str
    year: int
    persons: int
    linkage: list[dict[str, Any]]


class ExportRequest(BaseModel):
    """What to export."""

    model_config = ConfigDict(extra="forbid")
    release: str = Field(max_length=64, pattern=r"^[a-z0-9_]+$")
    level: Level | None = None


class ExportDecision(BaseModel):
    """A data steward's decision on an export."""

    model_config = ConfigDict(extra="forbid")
    approve: bool


class ExportOut(BaseModel):
    """An export request and its state."""

    id: str
    release: str
    level: str
    requester: str
    status: str
    created: str
    output_sha256: str
    rows: int
    approver: str | None = None
    decided: str | None = None


class UcloudAuditEntry(BaseModel):
    """One line of the audit log."""

    model_config = ConfigDict(extra="allow")
    seq: int
    time: str
    user: str
    role: str
    action: str
    target: str
    output_sha256: str | None
    prev: str
    hash: str


class AuditOut(BaseModel):
    """The audit log and whether its hash chain holds."""

    chain_intact: bool
    entries: list[UcloudAuditEntry]


def _hub() -> Hub:
    return Hub(UcloudSettings().dir)


def _token(authorization: str | None) -> str | None:
    if authorization and authorization.lower().startswith("bearer "):
        return authorization[7:].strip() or None
    return None


def _call(fn: Any, *args: Any) -> Any:
    try:
        return fn(*args)
    except AccessDeniedError as exc:
        code = 401 if exc.unauthenticated else 403
        headers = {"WWW-Authenticate": "Bearer"} if code == 401 else None
        raise HTTPException(code, str(exc), headers=headers) from None
    except NotFoundError as exc:
        raise HTTPException(404, str(exc)) from None
    except ConflictError as exc:
        raise HTTPException(409, str(exc)) from None
    except GroengezondError as exc:
        raise HTTPException(422, str(exc)) from None


def _nan_none(v: Any) -> Any:
    return None if isinstance(v, float) and math.isnan(v) else v


def _export(ex: Export) -> ExportOut:
    return ExportOut(**vars(ex))


@router.get("/me", response_model=Me, summary="The authenticated user")
def me(authorization: AuthHeader = None) -> Me:
    hub = _hub()
    user = _call(hub.users.authenticate, _token(authorization))
    return Me(name=user.name, role=user.role)


@router.get("/indicators", response_model=list[IndicatorValue],
            summary="Published care indicators per area")
def indicators(authorization: AuthHeader = None) -> list[IndicatorValue]:
    frame = _call(_hub().indicators, _token(authorization))
    return [IndicatorValue(**{k: _nan_none(v) for k, v in row.items()})
            for row in frame.to_dict(orient="records")]


@router.get("/releases", response_model=list[str], summary="Protected releases")
def releases(authorization: AuthHeader = None) -> list[str]:
    out: list[str] = _call(_hub().releases, _token(authorization))
    return out


@router.get("/releases/{name}", response_model=list[ReleaseCell],
            summary="The published cells of a release")
def release(name: Annotated[str, PathParam(max_length=64)],
            level: Annotated[Level | None, Query()] = None,
            authorization: AuthHeader = None) -> list[ReleaseCell]:
    frame = _call(_hub().release, _token(authorization), name, level)
    return [ReleaseCell(**{k: _nan_none(v) for k, v in row.items()})
            for row in frame.to_dict(orient="records")]


@router.get("/linkage", response_model=Linkage, summary="Counts and linkage rates")
def linkage(authorization: AuthHeader = None) -> Linkage:
    return Linkage(**_call(_hub().linkage, _token(authorization)))


@router.post("/exports", response_model=ExportOut, status_code=201,
             summary="Request an export (it waits for four-eyes approval)")
def request_export(body: ExportRequest, authorization: AuthHeader = None) -> ExportOut:
    return _export(_call(_hub().request_export, _token(authorization), body.release,
                         body.level))


@router.get("/exports", response_model=list[ExportOut], summary="Export requests")
def exports(authorization: AuthHeader = None) -> list[ExportOut]:
    return [_export(e) for e in _call(_hub().exports, _token(authorization))]


@router.post("/exports/{export_id}/decision", response_model=ExportOut,
             summary="Approve or reject an export (a second person)")
def decide(export_id: Annotated[str, PathParam(max_length=32)], body: ExportDecision,
           authorization: AuthHeader = None) -> ExportOut:
    return _export(_call(_hub().decide, _token(authorization), export_id, body.approve))


@router.get("/exports/{export_id}/download", response_class=Response,
            responses={200: {"content": {"text/csv": {}}}},
            summary="An approved export as CSV")
def download(export_id: Annotated[str, PathParam(max_length=32)],
             authorization: AuthHeader = None) -> Response:
    data = _call(_hub().download, _token(authorization), export_id)
    return Response(data, media_type="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{export_id}.csv"',
                             "Cache-Control": "no-store"})


@router.get("/audit", response_model=AuditOut, summary="The audit log (data steward)")
def audit(authorization: AuthHeader = None) -> AuditOut:
    entries, ok = _call(_hub().audit_entries, _token(authorization))
    return AuditOut(chain_intact=ok, entries=[UcloudAuditEntry(**e) for e in entries])
