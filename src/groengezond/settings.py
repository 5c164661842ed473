"""Configuration from the environment (prefix ``GG_``), with no global mutable state.

Call :func:`get_settings` where a setting is needed; it builds a fresh, immutable object.
"""

from __future__ import annotations

from pathlib import Path

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
    """

    model_config = SettingsConfigDict(env_prefix="GG_", frozen=True)

    region_dir: Path = Path("data/demo-region")
    database_url: str = "sqlite:///data/groengezond.sqlite"
    host: str = "127.0.0.1"
    port: int = 8000


def get_settings() -> Settings:
    """Return the settings as the environment gives them now."""
    return Settings()
