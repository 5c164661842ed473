"""The sharing database: the participation engine set-up with the sharing migrations.

Shared scenarios live in the database of :mod:`groengezond.participation` (``GG_DATABASE_URL``)
with its connection rules, in their own Alembic chain (``sharing/migrations``, version table
``sharing_alembic_version``), run by the one environment in :mod:`groengezond.migration_env`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from groengezond.participation.db import Database

VERSION_TABLE = "sharing_alembic_version"


@dataclass(frozen=True)
class SharingDatabase(Database):
    """A :class:`~groengezond.participation.db.Database` migrated with the sharing chain."""

    @classmethod
    def from_url(cls, url: str, *, migrate: bool = True, schema: str | None = None,
                 pool_size: int = 10, max_overflow: int = 20) -> SharingDatabase:
        """Connect to ``url`` and (by default) migrate the sharing tables to the newest."""
        db = super().from_url(url, migrate=migrate, schema=schema, pool_size=pool_size,
                              max_overflow=max_overflow)
        assert isinstance(db, SharingDatabase)
        return db

    migrations: ClassVar[tuple[str, str]] = ("groengezond.sharing", "migrations")
    version_table: ClassVar[str] = VERSION_TABLE
