"""The programme database: the participation engine set-up with the programme's migrations.

The programme shares the database of :mod:`groengezond.participation` (``GG_DATABASE_URL``:
SQLite file by default, PostgreSQL on a server) and all of its connection rules (WAL,
``BEGIN IMMEDIATE`` for writers, advisory lock while migrating), but keeps its own Alembic
chain in ``programme/migrations`` with its own version table ``programme_alembic_version``.
Mixing both in one chain would make either module's migrations depend on the other's
release; two version tables in one database is what Alembic supports for independent modules.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from groengezond.participation.db import Database

VERSION_TABLE = "programme_alembic_version"


@dataclass(frozen=True)
class ProgrammeDatabase(Database):
    """A :class:`~groengezond.participation.db.Database` migrated with the programme chain."""

    @classmethod
    def from_url(cls, url: str, *, migrate: bool = True, schema: str | None = None,
                 pool_size: int = 10, max_overflow: int = 20) -> ProgrammeDatabase:
        """Connect to ``url`` and (by default) migrate the programme tables to the newest."""
        db = super().from_url(url, migrate=migrate, schema=schema, pool_size=pool_size,
                              max_overflow=max_overflow)
        assert isinstance(db, ProgrammeDatabase)
        return db

    migrations: ClassVar[tuple[str, str]] = ("groengezond.programme", "migrations")
    version_table: ClassVar[str] = VERSION_TABLE
