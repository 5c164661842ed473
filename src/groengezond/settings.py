"""Configuration from the environment (prefix ``GG_``), with no global mutable state.

Call :func:`get_settings` where a setting is needed; it builds a fresh, immutable object.
Deployment settings (proxies, public URL, limits, timeouts, logging) are described in
``docs/operations.md``.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Settings read from ``GG_*`` environment variables.

    Attributes
    ----------
    region_dir : Path
        Folder of the region that ``serve`` and ``demo`` use (``GG_REGION_DIR``).
    database_url : str
        SQLAlchemy URL of the transactional database (``GG_DATABASE_URL``).
    host : str
        Interface the server binds to (``GG_HOST``).
    port : int
        TCP port of the server (``GG_PORT``).
    trusted_proxies : str
        Comma-separated addresses of reverse proxies whose ``X-Forwarded-For`` is believed
        (``GG_TRUSTED_PROXIES``); empty (default): the header is ignored and the client is the
        TCP peer, so a client cannot choose its own address for the rate limits.
    public_url : str
        Base URL the server is reached at, e.g. ``https://groengezond.example.nl``
        (``GG_PUBLIC_URL``); links in TileJSON and OGC answers are built on it, never on the
        request's ``Host`` header. Empty: links are relative to the site root.
    api_docs : bool
        Serve the interactive API docs at ``/docs`` and ``/redoc`` (``GG_API_DOCS``; Swagger UI
        from the local ``swagger-ui-bundle`` package, no CDN). Turn off in production if you
        do not want them; ``/openapi.json`` stays.
    planner_workers : int
        Scenario runs computed at once (``GG_PLANNER_WORKERS``; each in its own worker process).
    planner_queue : int
        Runs that may wait for a worker (``GG_PLANNER_QUEUE``); beyond workers + queue the
        Planner answers 503 with ``Retry-After``.
    planner_deadline_s : float
        Longest a scenario run (waiting included) may take before it is stopped and answered
        503 (``GG_PLANNER_DEADLINE_S``, s).
    planner_per_minute, planner_burst : float, int
        Per-client limit on the Planner routes (``GG_PLANNER_PER_MINUTE``, ``GG_PLANNER_BURST``).
    rate_limit_storage : str
        Storage of every rate limit, a ``limits`` storage URI (``GG_RATE_LIMIT_STORAGE``):
        ``memory://`` (default, per process) or ``redis://host:6379/0`` (shared by workers and
        servers; needs ``pip install redis``).
    log_level, log_format : str
        Logging level and ``json`` (JSON lines, default) or ``text``.
    timeout_keep_alive_s : int
        Seconds an idle keep-alive connection is kept open (uvicorn ``timeout_keep_alive``).
    """

    model_config = SettingsConfigDict(env_prefix="GG_", frozen=True, extra="ignore")

    region_dir: Path = Path("data/demo-region")
    database_url: str = "sqlite:///data/groengezond.sqlite"
    host: str = "127.0.0.1"
    port: int = 8000
    trusted_proxies: str = ""
    public_url: str = ""
    api_docs: bool = True
    planner_workers: int = Field(2, ge=1, le=64)
    planner_queue: int = Field(1, ge=0, le=1000)
    planner_deadline_s: float = Field(30.0, gt=0, le=3600)
    planner_per_minute: float = Field(12.0, gt=0)
    planner_burst: int = Field(6, ge=1)
    rate_limit_storage: str = "memory://"
    log_level: str = "INFO"
    log_format: str = Field("json", pattern="^(json|text)$")
    timeout_keep_alive_s: int = Field(5, ge=1, le=300)


def get_settings() -> Settings:
    """Return the settings as the environment gives them now."""
    return Settings()
