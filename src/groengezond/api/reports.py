"""Reports over HTTP: ``GET /api/reports/area/{code}?format=pdf|html|json&lang=nl|en``.

Thin over :mod:`groengezond.reports`: the area report is assembled from the tables the app
already caches (the Monitor's published values and trends, the published green access per
area), the participation database's field labs and the knowledge base's lessons, then rendered
as a tagged PDF, accessible HTML or its JSON data.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from groengezond.api.context import WebContext, get_context
from groengezond.api.problems import ReadableRoute
from groengezond.participation.db import Database
from groengezond.programme.db import ProgrammeDatabase
from groengezond.region.quality import NotComputable
from groengezond.reports.area import AreaReport

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
