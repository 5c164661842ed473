"""The participation API under ``/api/participation``: thin routes over the service.

Who may do what (checked on every write route; :data:`ACCESS` lists them and a test holds
every write route of the app to it):

- **public** (no credentials): read field labs, published scenarios, approved comments and
  disclosure-controlled results; get a resident token; report a comment; log in.
- **resident** (``X-Resident-Token`` header): rate, comment, answer the survey; see, change
  and delete only their own input (``GET``/``DELETE /me``).
- **staff** (``Authorization: Bearer <token>`` or the session cookie plus the
  ``X-CSRF-Token`` header): planners run field labs and scenarios and export, moderators
  moderate, admins do everything and create accounts.

Errors (RFC 9457 problem details, :mod:`groengezond.api.problems`): bad input 422 with a
readable message naming the field and the fix (never echoing the input), no credentials
401, wrong role or CSRF failure 403, unknown 404, conflicts 409 (a second rating, a closed
field lab), too many requests 429, database unavailable 503 with
``Retry-After`` (safe to retry with the same ``Idempotency-Key``).

Answers are JSON in which ``<``, ``>`` and ``&`` are escaped (``\\u003c``...), so text written
by residents can never be read as HTML even by a careless client; web clients must still
render it as text.
"""

# No ``from __future__ import annotations``: FastAPI must evaluate the route annotations,
# which use dependencies built inside participation_router.
import json
import logging
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path as FsPath
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, FastAPI, Header, Path, Query, Request, Response
from fastapi.responses import FileResponse, JSONResponse
from starlette.background import BackgroundTask

from groengezond import __version__
from groengezond.api.models_participation import (
    EXPORT_MEDIA,
    Erased,
    LabIndicatorRow,
    PublicComments,
    ReportReceived,
    SurveyDoc,
)
from groengezond.api.models_region import Health
from groengezond.api.problems import ReadableRoute
from groengezond.participation import moderation, results
from groengezond.participation.config import ParticipationSettings, participation_settings
from groengezond.participation.db import Database
from groengezond.participation.errors import (
    TooManyRequestsError,
    UnauthorizedError,
)
from groengezond.participation.export import export_field_lab
from groengezond.participation.moderation import reporter_pseudonyms
from groengezond.participation.schemas import (
    SURVEY_QUESTIONS,
    CommentIn,
    CommentOut,
    Decision,
    FieldLabIn,
    FieldLabOut,
    FieldLabPatch,
    LoginIn,
    LoginOut,
    ModerationItem,
    MyInput,
    RatingIn,
    RatingOut,
    ReplyIn,
    ReplyOut,
    ReportIn,
    ResidentTokenOut,
    ScenarioIn,
    ScenarioOut,
    StaffOut,
    SurveyIn,
    SurveyOut,
    UserIn,
    UserOut,
)
from groengezond.participation.security import (
    Passwords,
    RateLimiter,
    Staff,
    authenticate,
    check_csrf,
    create_user,
    login,
    logout,
    require_role,
)
from groengezond.participation.service import Participation, Submitted, utc_now

PREFIX = "/api/participation"
log = logging.getLogger(__name__)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

ACCESS: dict[tuple[str, str], str] = {
    ("POST", "/auth/login"): "public",
    ("POST", "/auth/logout"): "staff",
    ("POST", "/users"): "admin",
    ("POST", "/field-labs"): "planner",
    ("PATCH", "/field-labs/{lab_id}"): "planner",
    ("POST", "/field-labs/{lab_id}/scenarios"): "planner",
    ("DELETE", "/field-labs/{lab_id}/scenarios/{scenario_id}"): "planner",
    ("POST", "/field-labs/{lab_id}/residents"): "public",
    ("DELETE", "/me"): "resident",
    ("POST", "/field-labs/{lab_id}/scenarios/{scenario_id}/ratings"): "resident",
    ("PUT", "/ratings/{rating_id}"): "resident",
    ("DELETE", "/ratings/{rating_id}"): "resident",
    ("POST", "/field-labs/{lab_id}/comments"): "resident",
    ("PUT", "/comments/{comment_id}"): "resident",
    ("DELETE", "/comments/{comment_id}"): "resident",
    ("POST", "/comments/{comment_id}/reports"): "public",
    ("POST", "/field-labs/{lab_id}/survey-responses"): "resident",
    ("PUT", "/survey-responses/{response_id}"): "resident",
    ("DELETE", "/survey-responses/{response_id}"): "resident",
    ("POST", "/moderation/comments/{comment_id}/approve"): "moderator",
    ("POST", "/moderation/comments/{comment_id}/reject"): "moderator",
    ("POST", "/moderation/comments/{comment_id}/hide"): "moderator",
    ("PUT", "/comments/{comment_id}/reply"): "staff",
    ("DELETE", "/comments/{comment_id}/reply"): "staff",
}
"""Every write route (method, path under the prefix) and who may call it: ``public``,
``resident``, ``staff`` (any role) or a role (admin may always)."""


class SafeJSONResponse(JSONResponse):
    """JSON with ``<``, ``>``, ``&`` and the JavaScript line separators escaped."""

    def render(self, content: Any) -> bytes:
        """Serialise strictly (no NaN) and escape characters HTML would interpret."""
        text = json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                        ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
            text = text.replace(ch, esc)
        return text.encode("utf-8")


class ParticipationRoute(ReadableRoute):
    """A participation route: errors answer as problem details (see
    :mod:`groengezond.api.problems`) with their status and a clear message."""


MAX_ID = 2**31 - 1
"""Largest id any route accepts (PostgreSQL's ``integer``); larger ones answer 422, never 500."""
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
QueryId = Annotated[int | None, Query(ge=1, le=MAX_ID)]

IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key",
                                              pattern=r"^[A-Za-z0-9_-]{8,64}$")]


def resident_token(token: Annotated[str | None, Header(alias="X-Resident-Token",
                                                       max_length=128)] = None) -> str:
    """The resident token header; 401 before anything else when it is missing."""
    if not token:
        raise UnauthorizedError(
            "this needs your resident token in the X-Resident-Token header; get one with "
            "POST /api/participation/field-labs/{id}/residents")
    return token


ResidentToken = Annotated[str, Depends(resident_token)]


def participation_router(db: Database, settings: ParticipationSettings | None = None,
                         clock: Callable[[], datetime] | None = None,
                         limiter: RateLimiter | None = None) -> APIRouter:
    """Build the participation routes over ``db`` (prefix ``/api/participation``).

    Parameters
    ----------
    db : Database
        The participation database (already migrated: ``Database.from_url`` does it).
    settings : ParticipationSettings, optional
        Defaults to the ``GG_PARTICIPATION_*`` environment.
    clock : callable, optional
        Current time (aware datetime); tests pass a fixed clock.
    limiter : RateLimiter, optional
        Rate limiter (by default one on ``GG_PARTICIPATION_RATE_LIMIT_STORAGE``); ignored
        when ``rate_limit_enabled`` is off.
    """
    cfg = settings or participation_settings()
    svc = Participation(db, cfg, clock or utc_now)
    passwords = Passwords(cfg)
    limits = limiter if limiter is not None and cfg.rate_limit_enabled else RateLimiter(
        enabled=cfg.rate_limit_enabled, storage_uri=cfg.rate_limit_storage)
    session_cookie = "__Host-gg_session" if cfg.cookie_secure else "gg_session"
    csrf_cookie = "__Host-gg_csrf" if cfg.cookie_secure else "gg_csrf"
    router = APIRouter(prefix=PREFIX, tags=["participation"], route_class=ParticipationRoute,
                       default_response_class=SafeJSONResponse)

    def client(request: Request) -> str:
        return request.client.host if request.client else "unknown"

    def limited(bucket: str, what: str) -> Callable[[Request], None]:
        limit = getattr(cfg, f"{bucket}_limit")

        def dep(request: Request) -> None:
            limits.take(bucket, client(request), limit, what)

        return dep

    write_limit = Depends(limited("write", "submissions"))

    def current_staff(request: Request) -> Staff | None:
        auth = request.headers.get("authorization", "")
        if auth:
            scheme, _, token = auth.partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                raise UnauthorizedError("use 'Authorization: Bearer <token>' from /auth/login")
            return authenticate(db, token.strip(), svc.now())
        cookie = request.cookies.get(session_cookie)
        if not cookie:
            return None
        staff = authenticate(db, cookie, svc.now())
        if request.method not in SAFE_METHODS:
            check_csrf(staff, request.headers.get("x-csrf-token"),
                       request.cookies.get(csrf_cookie))
        return staff

    def role(*roles: str) -> Any:
        def dep(staff: Annotated[Staff | None, Depends(current_staff)]) -> Staff:
            return require_role(staff, *roles) if roles else require_role(
                staff, "planner", "moderator")

        return Depends(dep)

    def created(sub: Submitted, response: Response) -> Any:
        response.status_code = 201
        if sub.replayed:
            response.headers["Idempotent-Replayed"] = "true"
        return sub.body

    # ------------------------------------------------------------------------ staff
    @router.post("/auth/login", response_model=LoginOut, summary="Log in (staff)",
                 dependencies=[Depends(limited("login", "login attempts"))])
    def login_route(body: LoginIn, request: Request, response: Response) -> LoginOut:
        who, addr = body.username.lower(), client(request)
        wait = limits.login_wait(who, addr)
        if wait:
            raise TooManyRequestsError(f"too many failed logins for this user from your "
                                       f"address; wait {wait} s and try again",
                                       headers={"Retry-After": str(wait)})
        try:
            res = login(db, passwords, body.username, body.password, svc.now(),
                        cfg.session_hours)
        except UnauthorizedError:
            limits.login_failed(who, addr)
            log.info("login failed", extra={"fields": {"event": "login_failed"}})
            raise
        limits.login_succeeded(who, addr)
        age = int(cfg.session_hours * 3600)
        response.set_cookie(session_cookie, res.token, max_age=age, httponly=True,
                            secure=cfg.cookie_secure, samesite="strict", path="/")
        response.set_cookie(csrf_cookie, res.csrf_token, max_age=age, httponly=False,
                            secure=cfg.cookie_secure, samesite="strict", path="/")
        return LoginOut(username=res.staff.username, role=res.staff.role,  # type: ignore[arg-type]
                        token=res.token, csrf_token=res.csrf_token, expires_at=res.expires_at)

    @router.post("/auth/logout", status_code=204, summary="Log out (staff)")
    def logout_route(staff: Annotated[Staff, role()], response: Response) -> None:
        logout(db, staff)
        # with the attributes they were set with: a browser ignores a __Host- cookie (even one
        # that clears it) without Secure, so the cookies would otherwise outlive the session
        response.delete_cookie(session_cookie, path="/", secure=cfg.cookie_secure, httponly=True,
                               samesite="strict")
        response.delete_cookie(csrf_cookie, path="/", secure=cfg.cookie_secure,
                               samesite="strict")

    @router.get("/auth/me", response_model=StaffOut, summary="Who is logged in")
    def me_staff(staff: Annotated[Staff, role()]) -> StaffOut:
        return StaffOut(username=staff.username, role=staff.role)  # type: ignore[arg-type]

    @router.post("/users", response_model=UserOut, status_code=201,
                 summary="Create a staff account (admin)", dependencies=[write_limit])
    def create_user_route(body: UserIn, staff: Annotated[Staff, role("admin")]) -> UserOut:
        uid = create_user(db, passwords, body.username, body.password, body.role, svc.now())
        return UserOut(id=uid, username=body.username, role=body.role, active=True)

    # ------------------------------------------------------------------- field labs
    @router.get("/field-labs", response_model=list[FieldLabOut], summary="List field labs")
    def list_labs() -> list[FieldLabOut]:
        return svc.list_field_labs()

    @router.post("/field-labs", response_model=FieldLabOut, status_code=201,
                 summary="Open a field lab (planner)", dependencies=[write_limit])
    def create_lab(body: FieldLabIn, staff: Annotated[Staff, role("planner")]) -> FieldLabOut:
        return svc.create_field_lab(staff, body)

    @router.get("/field-labs/{lab_id}", response_model=FieldLabOut, summary="One field lab")
    def get_lab(lab_id: Id) -> FieldLabOut:
        return svc.get_field_lab(lab_id)

    @router.patch("/field-labs/{lab_id}", response_model=FieldLabOut,
                  summary="Change a field lab or its period (planner)", dependencies=[write_limit])
    def patch_lab(lab_id: Id, body: FieldLabPatch,
                  staff: Annotated[Staff, role("planner")]) -> FieldLabOut:
        return svc.update_field_lab(staff, lab_id, body)

    @router.post("/field-labs/{lab_id}/scenarios", response_model=ScenarioOut, status_code=201,
                 summary="Publish a scenario (planner)", dependencies=[write_limit])
    def publish(lab_id: Id, body: ScenarioIn,
                staff: Annotated[Staff, role("planner")]) -> ScenarioOut:
        return svc.publish_scenario(staff, lab_id, body)

    @router.get("/field-labs/{lab_id}/scenarios/{scenario_id}", response_model=ScenarioOut,
                summary="A published scenario with its snapshot")
    def get_scenario(lab_id: Id, scenario_id: Id) -> ScenarioOut:
        return svc.get_scenario(lab_id, scenario_id)

    @router.delete("/field-labs/{lab_id}/scenarios/{scenario_id}", status_code=204,
                   summary="Withdraw a scenario (planner)", dependencies=[write_limit])
    def withdraw(lab_id: Id, scenario_id: Id, staff: Annotated[Staff, role("planner")]) -> None:
        svc.withdraw_scenario(staff, lab_id, scenario_id)

    @router.get("/field-labs/{lab_id}/survey", summary="The survey questions and buurten",
                response_model=SurveyDoc)
    def survey_questions(lab_id: Id) -> dict[str, Any]:
        lab = svc.get_field_lab(lab_id)
        return {"field_lab_id": lab_id, "buurten": [b.model_dump() for b in lab.buurten],
                "questions": list(SURVEY_QUESTIONS)}

    # -------------------------------------------------------------------- residents
    @router.post("/field-labs/{lab_id}/residents", response_model=ResidentTokenOut,
                 status_code=201, summary="Get a private resident token (no account)",
                 dependencies=[Depends(limited("token", "new resident tokens"))])
    def new_resident(lab_id: Id) -> ResidentTokenOut:
        return svc.new_resident(lab_id)

    @router.get("/me", response_model=MyInput, summary="All my input (resident)")
    def my_input(token: ResidentToken) -> MyInput:
        return svc.my_input(token)

    @router.delete("/me", summary="Erase me and all my input (resident)",
                   dependencies=[write_limit], response_model=Erased)
    def erase_me(token: ResidentToken) -> dict[str, int]:
        return svc.erase_me(token)

    @router.post("/field-labs/{lab_id}/scenarios/{scenario_id}/ratings",
                 response_model=RatingOut, status_code=201, summary="Rate a scenario (resident)",
                 dependencies=[write_limit])
    def rate(lab_id: Id, scenario_id: Id, body: RatingIn, response: Response,
             token: ResidentToken, key: IdempotencyKey = None) -> Any:
        return created(svc.rate(token, lab_id, scenario_id, body, key), response)

    @router.put("/ratings/{rating_id}", response_model=RatingOut,
                summary="Change my rating (resident)", dependencies=[write_limit])
    def update_rating(rating_id: Id, body: RatingIn, token: ResidentToken) -> RatingOut:
        return svc.update_rating(token, rating_id, body)

    @router.delete("/ratings/{rating_id}", status_code=204, summary="Delete my rating",
                   dependencies=[write_limit])
    def delete_rating(rating_id: Id, token: ResidentToken) -> None:
        svc.delete_rating(token, rating_id)

    @router.post("/field-labs/{lab_id}/comments", response_model=CommentOut, status_code=201,
                 summary="Pin a comment on the map (resident)", dependencies=[write_limit])
    def comment(lab_id: Id, body: CommentIn, response: Response, token: ResidentToken,
                key: IdempotencyKey = None) -> Any:
        return created(svc.comment(token, lab_id, body, key), response)

    @router.get("/field-labs/{lab_id}/comments", summary="Approved comments (GeoJSON, EPSG:4326)",
                response_model=PublicComments)
    def public_comments(lab_id: Id, scenario_id: QueryId = None,
                        limit: Annotated[int, Query(ge=1, le=500)] = 100,
                        offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0) -> dict[str, Any]:
        return svc.public_comments(lab_id, scenario_id, limit=limit, offset=offset)

    @router.put("/comments/{comment_id}", response_model=CommentOut,
                summary="Change my comment (back to moderation)", dependencies=[write_limit])
    def update_comment(comment_id: Id, body: CommentIn,
                       token: ResidentToken) -> CommentOut:
        return svc.update_comment(token, comment_id, body)

    @router.delete("/comments/{comment_id}", status_code=204, summary="Delete my comment",
                   dependencies=[write_limit])
    def delete_comment(comment_id: Id, token: ResidentToken) -> None:
        svc.delete_comment(token, comment_id)

    @router.post("/comments/{comment_id}/reports", status_code=202,
                 summary="Report an abusive comment (anyone)", response_model=ReportReceived,
                 dependencies=[Depends(limited("report", "reports"))])
    def report(comment_id: Id, body: ReportIn, request: Request,
               token: Annotated[str | None, Header(alias="X-Resident-Token",
                                                   max_length=128)] = None) -> dict[str, str]:
        reporter = reporter_pseudonyms(cfg.report_secret, client(request), token)
        return moderation.report(db, comment_id, reporter, body.reason, cfg.report_threshold,
                                 svc.now())

    @router.post("/field-labs/{lab_id}/survey-responses", response_model=SurveyOut,
                 status_code=201, summary="Answer the survey (resident)",
                 dependencies=[write_limit])
    def answer(lab_id: Id, body: SurveyIn, response: Response, token: ResidentToken,
               key: IdempotencyKey = None) -> Any:
        return created(svc.answer_survey(token, lab_id, body, key), response)

    @router.put("/survey-responses/{response_id}", response_model=SurveyOut,
                summary="Change my survey answers", dependencies=[write_limit])
    def update_survey(response_id: Id, body: SurveyIn,
                      token: ResidentToken) -> SurveyOut:
        return svc.update_survey(token, response_id, body)

    @router.delete("/survey-responses/{response_id}", status_code=204,
                   summary="Delete my survey answers", dependencies=[write_limit])
    def delete_survey(response_id: Id, token: ResidentToken) -> None:
        svc.delete_survey(token, response_id)

    # ------------------------------------------------------------------- moderation
    @router.get("/moderation/queue", response_model=list[ModerationItem],
                summary="Comments waiting for moderation (moderator)")
    def mod_queue(staff: Annotated[Staff, role("moderator")], field_lab_id: QueryId = None,
                  include_reviewed: bool = False,
                  limit: Annotated[int, Query(ge=1, le=500)] = 100,
                  offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0) -> list[ModerationItem]:
        return moderation.queue(db, staff, field_lab_id, include_reviewed, limit, offset)

    def decision(action: Literal["approve", "reject", "hide"]) -> None:
        @router.post(f"/moderation/comments/{{comment_id}}/{action}",
                     response_model=ModerationItem, summary=f"{action.title()} a comment "
                     "(moderator)", name=f"moderation_{action}", dependencies=[write_limit])
        def decide(comment_id: Id, staff: Annotated[Staff, role("moderator")],
                   body: Decision | None = None) -> ModerationItem:
            reason = body.reason if body else None
            return moderation.decide(db, staff, comment_id, action, reason, svc.now())

    for action in ("approve", "reject", "hide"):
        decision(action)  # type: ignore[arg-type]

    @router.put("/comments/{comment_id}/reply", response_model=ReplyOut,
                summary="Set the municipality's official reply to a comment (staff)",
                dependencies=[write_limit])
    def put_reply(comment_id: Id, body: ReplyIn, staff: Annotated[Staff, role()]) -> ReplyOut:
        return moderation.reply(db, staff, comment_id, body.text, svc.now())

    @router.delete("/comments/{comment_id}/reply", status_code=204,
                   summary="Withdraw the official reply to a comment (staff)",
                   dependencies=[write_limit])
    def delete_reply(comment_id: Id, staff: Annotated[Staff, role()]) -> None:
        moderation.remove_reply(db, staff, comment_id)

    # ---------------------------------------------------------------------- results
    @router.get("/field-labs/{lab_id}/results", response_model=results.FieldLabResults,
                summary="Results with disclosure control (residents' figures once closed)")
    def lab_results(lab_id: Id, staff: Annotated[Staff | None, Depends(current_staff)]
                    ) -> results.FieldLabResults:
        if staff is not None and staff.role in ("admin", "planner"):
            # planners follow their lab live (as in the export), under the threshold rule
            return results.field_lab_results(db, lab_id, cfg.min_respondents)
        return results.public_results(db, lab_id, cfg.min_respondents, svc.today(), svc.now())

    @router.get("/field-labs/{lab_id}/indicators",
                summary="Survey results as Monitor indicator rows (long form)",
                response_model=list[LabIndicatorRow])
    def indicators(lab_id: Id) -> list[dict[str, Any]]:
        frame = results.indicator_rows(db, lab_id, cfg.min_respondents, svc.today(),
                                       svc.now())
        rows: list[dict[str, Any]] = frame.astype(object).where(frame.notna(), None) \
            .to_dict("records")
        return rows

    @router.get("/field-labs/{lab_id}/export", summary="Download results (planner)",
                response_class=FileResponse,
                responses={200: {"content": EXPORT_MEDIA, "description": "The export file"}})
    def export(lab_id: Id, staff: Annotated[Staff, role("planner")],
               format: Literal["csv", "gpkg", "html"] = "csv") -> FileResponse:
        folder = FsPath(tempfile.mkdtemp(prefix="gg-export-"))
        out = export_field_lab(db, lab_id, folder / f"field-lab-{lab_id}.{format}",
                               cfg.min_respondents)
        media = {"csv": "text/csv", "gpkg": "application/geopackage+sqlite3",
                 "html": "text/html"}[format]
        return FileResponse(out, media_type=media, filename=out.name,
                            background=BackgroundTask(_remove_tree, folder))

    return router


def _remove_tree(folder: FsPath) -> None:
    for f in folder.iterdir():
        f.unlink(missing_ok=True)
    folder.rmdir()


def participation_app(db: Database, settings: ParticipationSettings | None = None,
                      clock: Callable[[], datetime] | None = None,
                      limiter: RateLimiter | None = None) -> FastAPI:
    """A standalone app with only the participation routes (tests, benchmark, embedding)."""
    from collections.abc import AsyncIterator
    from contextlib import asynccontextmanager

    from groengezond.api.docs import mount_docs
    from groengezond.api.problems import install_problem_handlers
    from groengezond.api.security import install_security
    from groengezond.logs import configure_logging
    from groengezond.settings import get_settings

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        s = get_settings()
        configure_logging(s.log_level, s.log_format, if_unconfigured=True)
        try:
            yield
        finally:
            db.engine.dispose()

    app = FastAPI(title="groengezond participation", version=__version__, docs_url=None,
                  redoc_url=None, lifespan=lifespan)
    install_security(app)
    install_problem_handlers(app)
    mount_docs(app, get_settings().api_docs)
    app.include_router(participation_router(db, settings, clock, limiter))

    @app.get("/health", summary="Liveness check", response_model=Health)
    def health() -> dict[str, str]:
        return {"status": "ok", "version": __version__, "database": db.backend}

    return app


def app_from_env() -> FastAPI:
    """Factory for ``uvicorn --factory``: database from ``GG_DATABASE_URL``, migrated on start."""
    from groengezond.settings import get_settings

    return participation_app(Database.from_url(get_settings().database_url))
