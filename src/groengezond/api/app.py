"""The FastAPI application: ``/health`` and ``/api/region`` over the default region.

The web issue extends this with routers per concept; each router stays thin (parse, call one
service, render). Bad input answers 422 with the same text the CLI prints.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from groengezond import __version__
from groengezond.api.app_web import mount_web
from groengezond.api.evaluations import router as evaluations_router
from groengezond.api.participation import participation_router
from groengezond.api.security import install_security
from groengezond.errors import InputError
from groengezond.participation.db import Database
from groengezond.region.model import Region
from groengezond.region.store import read_region
from groengezond.services.region_info import describe_region
from groengezond.settings import get_settings


def create_app(region_dir: Path) -> FastAPI:
    """Build the app serving the region in ``region_dir``.

    The region is read and validated once, at start-up; an invalid region stops the start with
    the :class:`~groengezond.errors.InputError` that names every problem.

    Parameters
    ----------
    region_dir : Path
        Folder of the region to serve.
    """
    region: Region = read_region(region_dir)
    summary = describe_region(region)
    app = FastAPI(
        title="groengezond",
        version=__version__,
        description="Health and green per neighbourhood, scenarios and their effects.",
    )
    app.state.region = region
    install_security(app)
    db = Database.from_url(get_settings().database_url)
    app.state.participation_db = db
    app.include_router(participation_router(db))
    app.include_router(evaluations_router)

    @app.exception_handler(InputError)
    async def _input_error(_: Request, exc: InputError) -> JSONResponse:
        return JSONResponse(status_code=422, content={
            "detail": exc.message, "problems": [p.__dict__ for p in exc.problems]})

    @app.get("/health", summary="Liveness check")
    def health() -> dict[str, Any]:
        return {"status": "ok", "version": __version__, "region": region.meta.name}

    @app.get("/api/region", summary="Describe the region being served")
    def api_region() -> dict[str, Any]:
        return summary

    mount_web(app, region, region_dir)
    return app
