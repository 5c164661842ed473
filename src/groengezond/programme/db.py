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
from importlib import resources
from pathlib import Path

from alembic.config import Config
from sqlalchemy import Connection

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

    def alembic_config(self, connection: Connection | None = None) -> Config:
        """The Alembic configuration of the programme migrations."""
        cfg = Config()
        folder = resources.files("groengezond.programme") / "migrations"
        cfg.set_main_option("script_location", str(Path(str(folder))))
        cfg.attributes["connection"] = connection
        cfg.attributes["version_table"] = VERSION_TABLE
        cfg.attributes["schema"] = self.schema
        return cfg

    def current_revision(self) -> str | None:
        """The programme revision the database is at (None when never migrated)."""
        from alembic.runtime.migration import MigrationContext

        with self.engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE})
            return ctx.get_current_revision()
