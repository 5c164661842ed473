"""``/api/programme``: the Regio Deal programme monitor over HTTP (thin over
:mod:`groengezond.programme`).

Who may do what: callers authenticate as staff of the platform (``Authorization: Bearer`` from
``/api/participation/auth/login``, or its session cookie with the CSRF header on writes); their
programme role comes from ``programme_members`` (``groengezond programme`` grants it; a
platform ``admin`` is programme staff too).

- **programme staff**: read everything; import (all or nothing) and export the workbook;
  change any project; grant roles; read the audit trail.
- **project lead**: read everything; change the status and KPI actuals of their own project
  and add its lessons.
- anyone else: 401 (not logged in) or 403 (no programme role). The knowledge base
  (``GET /api/programme/lessons``) is public.

Every change goes to the audit trail (``GET /api/programme/audit``). An uploaded workbook
larger than :data:`MAX_XLSX_BYTES` is refused before it is read.
"""

from __future__ import annotations

import tempfile
import threading
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any, Literal

import anyio.to_thread
from fastapi import APIRouter, Depends, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from groengezond.api.problems import ReadableRoute
from groengezond.errors import InputError
from groengezond.participation.errors import ForbiddenError, UnauthorizedError
from groengezond.programme import store
from groengezond.programme.db import ProgrammeDatabase
from groengezond.programme.report import ProgressReport
from groengezond.programme.rules import RuleCheck
from groengezond.programme.schemas import LessonData, Programme

router = APIRouter(prefix="/api/programme", tags=["programme"], route_class=ReadableRoute)
MAX_XLSX_BYTES = 10_000_000
"""Largest workbook accepted (bytes): 20 projects take about 30 kB."""
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_LOCK = threading.Lock()
Code = Annotated[str, PathParam(max_length=32)]


def programme_db(request: Request) -> ProgrammeDatabase:
    """The app's programme database (migrated on first use, on ``GG_DATABASE_URL``)."""
    state = request.app.state
    db: ProgrammeDatabase | None = getattr(state, "programme_db", None)
    if db is None:
        with _LOCK:
            db = getattr(state, "programme_db", None)
            if db is None:
                from groengezond.settings import get_settings

                db = state.programme_db = ProgrammeDatabase.from_url(
                    get_settings().database_url)
    return db


Db = Annotated[ProgrammeDatabase, Depends(programme_db)]


def programme_actor(request: Request, db: Db) -> store.Actor:
    """The logged-in staff member's programme role (401 / 403 when there is none)."""
    from groengezond.api.shared_scenarios import authenticated_staff

    staff = authenticated_staff(request)
    if staff is None:
        raise UnauthorizedError("log in first (POST /api/participation/auth/login) and send "
                                "'Authorization: Bearer <token>'")
    if staff.role == "admin":
        return store.Actor(staff.username, "staff")
    try:
        return store.actor(db, staff.username)
    except store.ForbiddenError as exc:
        raise ForbiddenError(f"{exc}; programme staff grant roles (POST "
                             "/api/programme/members)") from None


Who = Annotated[store.Actor, Depends(programme_actor)]


def _forbidden(fn: Any, *args: Any) -> Any:
    try:
        return fn(*args)
    except store.ForbiddenError as exc:
        raise ForbiddenError(str(exc)) from None


class ImportOut(BaseModel):
    """What an import stored, per kind."""

    counts: dict[str, int]


class StatusIn(BaseModel):
    """A project's new status."""

    model_config = ConfigDict(extra="forbid")
    status: Literal["planned", "running", "completed", "paused", "cancelled"]


class ActualIn(BaseModel):
    """The actual of a KPI in a half-year."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    indicator: str = Field(min_length=1, max_length=300)
    period: str = Field(pattern=r"^20[0-9]{2}H[12]$")
    actual: float = Field(ge=-1e12, le=1e12)


class GrantIn(BaseModel):
    """A role for a user: staff, or lead of one project."""

    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=1, max_length=100)
    role: Literal["staff", "lead"]
    project: str = Field("", max_length=32)


class Done(BaseModel):
    """A change was stored (and audited)."""

    ok: bool = True


class LessonOut(BaseModel):
    """A lesson of the knowledge base."""

    what: str
    where: str
    area_code: str
    result: str
    source: str
    catalogue_entry: str
    project: str


class LessonCreated(BaseModel):
    """The id of a new lesson."""

    id: int


class ProgrammeAuditEntry(BaseModel):
    """One change: who, when, what, old and new."""

    at: str
    actor: str
    action: str
    entity: str
    key: str
    detail: dict[str, Any]


@router.get("", response_model=Programme, summary="The whole programme (staff and leads)")
def get_programme(db: Db, who: Who) -> Programme:
    """Projects, budget lines, KPIs, milestones, risks and lessons."""
    return store.load_programme(db)


@router.get("/rules", response_model=list[RuleCheck], summary="Budget rules, checked")
def get_rules(db: Db, who: Who) -> list[RuleCheck]:
    """Rijk ≤ €30M, cofinancing ≥ Rijk, track shares in their ranges, spent ≤ committed."""
    from groengezond.programme.rules import check_rules

    return check_rules(store.load_programme(db))


@router.post("/import", response_model=ImportOut, summary="Import the workbook (staff)",
             openapi_extra={"requestBody": {"required": True, "content": {XLSX: {
                 "schema": {"type": "string", "format": "binary"}}}}})
async def import_xlsx(request: Request, db: Db, who: Who) -> ImportOut:
    """Validate the whole workbook; store it in one transaction, or refuse it whole (422)
    listing every problem with sheet, row, column and fix."""
    if who.role != "staff":
        raise ForbiddenError(f"{who.username} is not programme staff: only staff import")
    size = int(request.headers.get("content-length") or 0)
    if size > MAX_XLSX_BYTES:
        raise InputError.single("request", "body", "workbook", f"has {size} bytes",
                                f"send at most {MAX_XLSX_BYTES} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_XLSX_BYTES:
            raise InputError.single("request", "body", "workbook", "is too large",
                                    f"send at most {MAX_XLSX_BYTES} bytes")

    def work() -> dict[str, int]:
        from groengezond.programme.xlsx import read_programme

        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "upload.xlsx"
            path.write_bytes(bytes(body))
            try:
                programme = read_programme(path)
            except InputError as exc:  # name the upload, not the temporary file
                raise InputError([replace(p, file=p.file.replace(str(path), "upload.xlsx"))
                                  for p in exc.problems]) from None
        counts: dict[str, int] = _forbidden(store.import_programme, db, programme, who)
        return counts

    return ImportOut(counts=await anyio.to_thread.run_sync(work))


@router.get("/export.xlsx", response_class=Response, summary="Export the workbook (staff)",
            responses={200: {"content": {XLSX: {}}}})
def export_xlsx(db: Db, who: Who) -> Response:
    """The stored programme in the import's layout."""
    from groengezond.programme.xlsx import write_programme

    if who.role != "staff":
        raise ForbiddenError(f"{who.username} is not programme staff: only staff export")
    with tempfile.TemporaryDirectory() as tmp:
        path = write_programme(store.load_programme(db), Path(tmp) / "programme.xlsx")
        content = path.read_bytes()
    return Response(content, media_type=XLSX, headers={
        "Content-Disposition": 'attachment; filename="programme.xlsx"'})


@router.put("/projects/{code}/status", response_model=Done,
            summary="Change a project's status (staff or its lead)")
def put_status(code: Code, body: StatusIn, db: Db, who: Who) -> Done:
    """Audited."""
    _forbidden(store.set_status, db, who, code, body.status)
    return Done()


@router.put("/projects/{code}/actuals", response_model=Done,
            summary="Record a KPI actual (staff or the project's lead)")
def put_actual(code: Code, body: ActualIn, db: Db, who: Who) -> Done:
    """Audited."""
    _forbidden(store.record_actual, db, who, code, body.indicator, body.period, body.actual)
    return Done()


@router.post("/members", response_model=Done, status_code=201,
             summary="Grant a programme role (staff)")
def post_member(body: GrantIn, db: Db, who: Who) -> Done:
    """Staff without a project, or lead of one project. Audited."""
    _forbidden(store.grant, db, who, body.username, body.role, body.project)
    return Done()


@router.get("/lessons", response_model=list[LessonOut], summary="Search the knowledge base")
def get_lessons(db: Db, q: Annotated[str, Query(max_length=200)] = "",
                catalogue: Annotated[str, Query(max_length=100)] = "",
                limit: Annotated[int, Query(ge=1, le=200)] = 50) -> list[LessonOut]:
    """Lessons whose text contains every word of ``q`` (public)."""
    from groengezond.programme.knowledge import search_lessons

    return [LessonOut(**{**le, "project": le.get("project") or ""})
            for le in search_lessons(db, q, catalogue_entry=catalogue, limit=limit)]


@router.post("/lessons", response_model=LessonCreated, status_code=201,
             summary="Add a lesson (staff, or the lead of its project)")
def post_lesson(body: LessonData, db: Db, who: Who) -> LessonCreated:
    """Audited."""
    return LessonCreated(id=_forbidden(store.add_lesson, db, who, body))


@router.get("/audit", response_model=list[ProgrammeAuditEntry], summary="The audit trail (staff)")
def get_audit(db: Db, who: Who) -> list[ProgrammeAuditEntry]:
    """Every change, oldest first."""
    if who.role != "staff":
        raise ForbiddenError(f"{who.username} is not programme staff: only staff read the "
                             "audit trail")
    return [ProgrammeAuditEntry(**e) for e in store.audit_trail(db)]


@router.get("/report", response_class=Response, summary="Half-year progress report",
            responses={200: {"model": ProgressReport, "content": {
                "application/pdf": {}, "text/html": {}, "application/json": {}}}})
def get_report(db: Db, who: Who,
               period: Annotated[str, Query(pattern=r"^20[0-9]{2}H[12]$")],
               format: Annotated[Literal["pdf", "html", "json"], Query()] = "pdf",
               lang: Annotated[Literal["nl", "en"], Query()] = "nl") -> Response:
    """Each track's progress, the budget against the rules, the KPIs against targets."""
    from groengezond.programme.report import progress_report, render_progress_report

    report = progress_report(store.load_programme(db), period)
    media = {"pdf": "application/pdf", "html": "text/html; charset=utf-8",
             "json": "application/json"}
    content = report.model_dump_json().encode("utf-8") if format == "json" else \
        render_progress_report(report, lang, format)
    return Response(content, media_type=media[format], headers={
        "Content-Disposition": f'inline; filename="programme-{period}-{lang}.{format}"'})
