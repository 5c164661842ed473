"""The FastAPI application: ``/health`` and ``/api/region`` over the default region.

The web issue extends this with routers per concept; each router stays thin (parse, call one
service, render). Bad input answers 422 with the same text the CLI prints; every error is an
RFC 9457 problem document (:mod:`groengezond.api.problems`).

What the app holds for its lifetime is opened and closed in its lifespan: the participation
database engine (disposed on shutdown), the rate limiter, the Planner's pool of worker
processes (running workers stopped on shutdown) and the warm-up of the Monitor's tables
(started on start-up; an error in it is logged with its traceback, and the first request that
needs the tables computes them again).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI

from groengezond import __version__
from groengezond.api.app_web import mount_web
from groengezond.api.docs import mount_docs
from groengezond.api.evaluations import router as evaluations_router
from groengezond.api.models_region import Health, RegionInfo
from groengezond.api.participation import participation_router
from groengezond.api.planner_pool import RunPool, pool_from_settings
from groengezond.api.problems import install_problem_handlers
from groengezond.api.programme import router as programme_router
from groengezond.api.reports import router as reports_router
from groengezond.api.security import install_security
from groengezond.api.shared_scenarios import page_router as shared_page_router
from groengezond.api.shared_scenarios import router as shared_scenarios_router
from groengezond.api.ucloud import router as ucloud_router
from groengezond.logs import configure_logging
from groengezond.participation.db import Database
from groengezond.participation.security import RateLimiter
from groengezond.region.model import Region
from groengezond.region.store import read_region
from groengezond.services.region_info import describe_region
from groengezond.settings import get_settings

log = logging.getLogger(__name__)


def create_app(region_dir: Path, *, limiter: RateLimiter | None = None,
               pool: RunPool | None = None) -> FastAPI:
    """Build the app serving the region in ``region_dir``.

    The region is read and validated once, at start-up; an invalid region stops the start with
    the :class:`~groengezond.errors.InputError` that names every problem.

    Parameters
    ----------
    region_dir : Path
        Folder of the region to serve.
    limiter : RateLimiter, optional
        Rate limits of every route (default: from ``GG_RATE_LIMIT_STORAGE``).
    pool : RunPool, optional
        Pool of Planner runs (default: from ``GG_PLANNER_*``).
    """
    settings = get_settings()
    region: Region = read_region(region_dir)
    summary = describe_region(region)
    db = Database.from_url(settings.database_url)
    limiter = limiter or RateLimiter(storage_uri=settings.rate_limit_storage)
    pool = pool or pool_from_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(settings.log_level, settings.log_format, if_unconfigured=True)
        log.info("starting", extra={"fields": {
            "event": "startup", "region": region.meta.name, "database": db.backend,
            "planner_workers": pool.workers, "planner_queue": pool.queue,
            "planner_mode": pool.mode}})
        warm = getattr(app.state, "warm_up", None)
        if warm is not None:
            try:
                warm()
            except Exception:
                log.exception("warm-up failed", extra={"fields": {"event": "warm_up_failed"}})
        try:
            yield
        finally:
            pool.close()
            db.engine.dispose()
            for extra in ("sharing_db", "programme_db"):
                other = getattr(app.state, extra, None)
                if other is not None:
                    other.dispose()
            log.info("stopped", extra={"fields": {"event": "shutdown"}})

    app = FastAPI(
        title="groengezond",
        version=__version__,
        description="Health and green per neighbourhood, scenarios and their effects.",
        lifespan=lifespan, docs_url=None, redoc_url=None,
    )
    app.state.region = region
    app.state.limiter = limiter
    app.state.planner_pool = pool
    install_security(app)
    install_problem_handlers(app)
    mount_docs(app, settings.api_docs)
    app.state.participation_db = db
    app.include_router(participation_router(db, limiter=limiter))
    app.include_router(reports_router)
    app.include_router(evaluations_router)
    app.include_router(shared_scenarios_router)
    app.include_router(shared_page_router)
    app.include_router(programme_router)
    app.include_router(ucloud_router)

    @app.get("/health", summary="Liveness check", response_model=Health)
    async def health() -> dict[str, Any]:  # no thread hop: answers while workers compute
        return {"status": "ok", "version": __version__, "region": region.meta.name}

    @app.get("/api/region", summary="Describe the region being served",
             response_model=RegionInfo)
    def api_region() -> dict[str, Any]:
        return summary

    mount_web(app, region, region_dir)
    return app
