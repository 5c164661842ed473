"""Reports over HTTP: ``GET /api/reports/area/{code}?format=pdf|html|json&lang=nl|en``,
``POST /api/reports/scenario`` (a scenario as for ``/api/scenarios/run``) and
``GET /api/reports/shared-scenario/{id}`` (a shared scenario; the web app's report button).

Thin over :mod:`groengezond.reports`: the area report is assembled from the tables the app
already caches (the Monitor's published values and trends, the published green access per
area), the participation database's field labs and the knowledge base's lessons, then rendered
as a tagged PDF, accessible HTML or its JSON data.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from groengezond.api.context import WebContext, get_context
from groengezond.api.models_scenarios import ScenarioJSON
from groengezond.api.problems import ReadableRoute
from groengezond.api.scenario_limits import MAX_DRAWS, MAX_SEED
from groengezond.health.impact import MIN_DRAWS
from groengezond.participation.db import Database
from groengezond.programme.db import ProgrammeDatabase
from groengezond.region.quality import NotComputable
from groengezond.reports.area import AreaReport
from groengezond.reports.evaluation import EvaluationReport
from groengezond.reports.scenario import ScenarioReport
from groengezond.scenario.model import Scenario

router = APIRouter(prefix="/api/reports", tags=["reports"], route_class=ReadableRoute)
Ctx = Annotated[WebContext, Depends(get_context)]
MEDIA = {"pdf": "application/pdf", "html": "text/html; charset=utf-8",
         "json": "application/json"}


def _programme_db(ctx: WebContext) -> ProgrammeDatabase:
    from groengezond.settings import get_settings

    return ctx.once("programme_db",
                    lambda: ProgrammeDatabase.from_url(get_settings().database_url))


@router.get("/area/{code}", summary="Area report: indicators, gaps, green access, field labs",
            response_class=Response,
            responses={200: {"model": AreaReport,  # format=json: the report's data
                             "content": {m: {} for m in MEDIA.values() if "json" not in m}}})
def area_report_route(
    code: str,
    request: Request,
    ctx: Ctx,
    format: Annotated[Literal["pdf", "html", "json"], Query(
        description="pdf (tagged PDF/UA-1), html or json (the report's data)")] = "pdf",
    lang: Annotated[Literal["nl", "en"], Query(description="nl (Dutch) or en (English)")]
    = "nl",
) -> Response:
    """One area's report, rendered on the server (no browser needed)."""
    from groengezond.api.access import access_data
    from groengezond.api.areas import find_area
    from groengezond.api.indicators import monitor_data
    from groengezond.programme.knowledge import lessons_for_area
    from groengezond.reports.area import area_report, render_area_report
    from groengezond.reports.gather import access_row, field_labs

    find_area(ctx, code)
    monitor = monitor_data(ctx)
    region = ctx.region
    access: dict[str, object] | NotComputable
    if region.network_edges.empty or region.addresses.empty:
        access = NotComputable(key="access.no_network",
                               reason="the region has no walking network or no addresses",
                               missing=["network_edges"])
    else:
        access = access_row(access_data(ctx).areas, code)
    db = getattr(request.app.state, "participation_db", None)
    labs = field_labs(db) if isinstance(db, Database) else []
    report = area_report(code, region.meta, region.areas, monitor.values, monitor.trends,
                         monitor.registry, access=access, field_labs=labs,
                         lessons=lessons_for_area(_programme_db(ctx), region.areas, code))
    if format == "json":
        content = report.model_dump_json().encode("utf-8")
    else:
        content = render_area_report(report, region.areas, lang, format)
    headers = {"Content-Disposition": f'inline; filename="area-{code}-{lang}.{format}"'}
    return Response(content, media_type=MEDIA[format], headers=headers)


class ScenarioReportIn(BaseModel):
    """A scenario to report on: as the body of ``POST /api/scenarios/run``."""

    model_config = ConfigDict(extra="forbid")
    scenario: ScenarioJSON = Field(description="The scenario (name, interventions, ...)")
    crs: Literal["EPSG:4326", "EPSG:28992"] = "EPSG:4326"
    seed: int = Field(42, ge=0, le=MAX_SEED)
    n_draws: int = Field(MIN_DRAWS, ge=MIN_DRAWS, le=MAX_DRAWS)
    ref: str | None = Field(None, max_length=100, description="Id it was published under in "
                            "a field lab (default: match by name), for residents' comments")


_REPORT_RESPONSES: dict[int | str, dict[str, Any]] = {200: {
    "model": ScenarioReport, "description": "The report (JSON: its data)",
    "content": {m: {} for m in MEDIA.values()}}}


async def _scenario_report(request: Request, ctx: WebContext, scenario: Scenario, seed: int,
                           n_draws: int, ref: str | None, fmt: str, lang: str) -> Response:
    """Run ``scenario`` in the Planner's pool, then assemble and render its report."""
    import anyio.to_thread
    import numpy as np

    from groengezond.api.scenario_limits import check_sizes
    from groengezond.api.scenarios import _in_pool, limit_client, planner, region_area_m2
    from groengezond.programme.knowledge import search_lessons
    from groengezond.reports.scenario import (
        published_feedback,
        render_scenario_report,
        scenario_report,
    )
    from groengezond.scenario.result import ScenarioResult

    limit_client(request)
    check_sizes(scenario, await anyio.to_thread.run_sync(region_area_m2, ctx), "scenario")
    p = await anyio.to_thread.run_sync(planner, ctx)

    def job() -> dict[str, Any]:
        out: dict[str, Any] = p.run(scenario, np.random.default_rng(seed), n_draws=n_draws,
                                    seed=seed).model_dump(mode="json")
        return out

    result = ScenarioResult.model_validate(await _in_pool(request, job, "report"))
    db = getattr(request.app.state, "participation_db", None)

    def build() -> bytes:
        feedback = published_feedback(db, scenario.name, ref) if isinstance(db, Database) \
            else []
        entries = sorted({i.catalogue_id for i in scenario.interventions if i.catalogue_id})
        lessons = [le for e in entries
                   for le in search_lessons(_programme_db(ctx), catalogue_entry=e, limit=5)]
        report = scenario_report(scenario, result, ctx.region.meta, feedback=feedback,
                                 lessons=lessons)
        if fmt == "json":
            return report.model_dump_json().encode("utf-8")
        return render_scenario_report(report, scenario, ctx.region.areas,
                                      lang, fmt)  # type: ignore[arg-type]

    content = await anyio.to_thread.run_sync(build)
    name = "".join(c if c.isalnum() else "-" for c in scenario.name)[:60] or "scenario"
    return Response(content, media_type=MEDIA[fmt], headers={
        "Content-Disposition": f'inline; filename="scenario-{name}-{lang}.{fmt}"'})


@router.post("/scenario", summary="Scenario report: plan, effects, euros, gap, residents",
             response_class=Response, responses=_REPORT_RESPONSES)
async def scenario_report_route(
    body: ScenarioReportIn, request: Request, ctx: Ctx,
    format: Annotated[Literal["pdf", "html", "json"], Query(
        description="pdf (tagged PDF/UA-1), html or json (the report's data)")] = "pdf",
    lang: Annotated[Literal["nl", "en"], Query(description="nl (Dutch) or en (English)")]
    = "nl",
) -> Response:
    """Run the scenario (as ``/api/scenarios/run``) and render its report on the server."""
    import anyio.to_thread

    from groengezond.api.scenarios import _scenario

    scenario = await anyio.to_thread.run_sync(_scenario, body.scenario, body.crs, "scenario")
    return await _scenario_report(request, ctx, scenario, body.seed, body.n_draws, body.ref,
                                  format, lang)


@router.get("/shared-scenario/{scenario_id}", summary="Report of a shared scenario",
            response_class=Response, responses=_REPORT_RESPONSES)
async def shared_scenario_report_route(
    scenario_id: Annotated[str, PathParam(max_length=32)], request: Request, ctx: Ctx,
    format: Annotated[Literal["pdf", "html", "json"], Query(
        description="pdf (tagged PDF/UA-1), html or json (the report's data)")] = "pdf",
    lang: Annotated[Literal["nl", "en"], Query(description="nl (Dutch) or en (English)")]
    = "nl",
    version: Annotated[int | None, Query(ge=1, le=200)] = None,
) -> Response:
    """The report of shared scenario ``scenario_id`` (the web app's report button); residents'
    comments are those of field-lab publications under this id."""
    import anyio.to_thread

    from groengezond.api.shared_scenarios import caller, sharing_db
    from groengezond.sharing import store

    who = caller(request, request.headers.get("x-owner-key"))
    view = await anyio.to_thread.run_sync(store.read, sharing_db(request), scenario_id, who,
                                          version)
    scenario = store.validate(view.scenario)
    return await _scenario_report(request, ctx, scenario, 42, MIN_DRAWS, view.id, format, lang)


@router.get("/evaluation", summary="Evaluation report: effect of registered interventions",
            response_class=Response, responses={200: {
                "model": EvaluationReport, "description": "The report (JSON: its data)",
                "content": {m: {} for m in MEDIA.values()}}})
def evaluation_report_route(
    request: Request,
    indicator: Annotated[str, Query(max_length=100)],
    intervention: Annotated[list[int], Query(description="Intervention id; repeatable.",
                                             max_length=100)],
    estimator: Annotated[str, Query(max_length=40)] = "cs_did",
    level: Annotated[Literal["buurt", "wijk", "gemeente"], Query()] = "buurt",
    format: Annotated[Literal["pdf", "html", "json"], Query(
        description="pdf (tagged PDF/UA-1), html or json (the report's data)")] = "pdf",
    lang: Annotated[Literal["nl", "en"], Query(description="nl (Dutch) or en (English)")]
    = "nl",
) -> Response:
    """The Evaluator's estimate (as ``/api/evaluations/estimate``) as a report."""
    from groengezond.api.evaluations import _db, estimate
    from groengezond.evaluation.register import list_interventions
    from groengezond.indicators.registry import load_registry
    from groengezond.reports.evaluation import evaluation_report, render_evaluation_report

    doc = estimate(request, indicator, intervention, estimator, level)
    chosen = [x for x in list_interventions(_db()) if x.get("id") in set(intervention)]
    region = request.app.state.region
    report = evaluation_report(doc, load_registry(), region.meta, level=level,
                               interventions=chosen)
    content = report.model_dump_json().encode("utf-8") if format == "json" else \
        render_evaluation_report(report, lang, format)
    return Response(content, media_type=MEDIA[format], headers={
        "Content-Disposition": f'inline; filename="evaluation-{indicator}-{lang}.{format}"'})
