"""Mount the web application on the FastAPI app: the API routers and the front end.

``create_app`` calls :func:`mount_web` after its own routes; everything the web issue adds is
here, so ``api/app.py`` stays small.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from starlette.middleware.gzip import GZipMiddleware

from groengezond.api import (
    access,
    areas,
    capabilities,
    catalogue,
    indicators,
    monitor_download,
    ogc,
    ogc_processes,
    scenarios,
    tiles,
)
from groengezond.api.context import WebContext
from groengezond.api.contract import document_models
from groengezond.api.models_scenarios import REQUEST_MODELS
from groengezond.api.static import WEB_DIST, mount_static
from groengezond.participation.results import closed_lab_rows
from groengezond.region.model import Region


def mount_web(app: FastAPI, region: Region, region_dir: Path,
              web_dist: Path = WEB_DIST, warm: bool = True) -> None:
    """Add the web routers and the built front end to ``app``.

    Parameters
    ----------
    app : FastAPI
        The app made by :func:`groengezond.api.app.create_app`.
    region : Region
        The region it serves.
    region_dir : Path
        The region's folder.
    web_dist : Path
        Folder of the built front end (``index.html`` and ``assets/``).
    warm : bool
        Compute the Monitor's tables in the background from the app's start-up (its
        lifespan), so the first Monitor request does not wait for them.
    """
    db = getattr(app.state, "participation_db", None)
    ctx = WebContext(region, Path(region_dir),
                     extra_indicators=(lambda: closed_lab_rows(db)) if db else None)
    app.state.web = ctx
    for module in (areas, indicators, access, catalogue, tiles, ogc, scenarios, capabilities):
        app.include_router(module.router)
    app.include_router(monitor_download.router)
    document_models(app, REQUEST_MODELS)  # bodies the scenario router reads itself
    app.include_router(ogc_processes.router)
    # compresses JSON and the script bundle; ready-gzipped map payloads pass through as they are
    app.add_middleware(GZipMiddleware, minimum_size=2048)
    mount_static(app, web_dist)
    app.state.warm_up = (lambda: indicators.warm_up(ctx)) if warm else None


def web_app() -> FastAPI:
    """The full app for the region in ``GG_REGION_DIR``: ``create_app`` plus :func:`mount_web`.

    For ``uvicorn --factory groengezond.api.app_web:web_app``; mounts the web part only when
    ``create_app`` has not done so already.
    """
    from groengezond.api.app import create_app
    from groengezond.settings import get_settings

    folder = get_settings().region_dir
    app = create_app(folder)
    if not hasattr(app.state, "web"):
        mount_web(app, app.state.region, folder)
    return app
