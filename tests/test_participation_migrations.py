"""Migrations: upgrade from an empty database, the migrated schema equals the models, and a
downgrade/upgrade round trip, on both backends."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from groengezond.participation.db import VERSION_TABLE, Database
from groengezond.participation.models import Base
from participation_support import drop_database, open_database, table_names

TABLES = {t.name for t in Base.metadata.sorted_tables}


@pytest.fixture(params=["sqlite", "postgresql"])
def empty(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Database, str | None]:
    """A database with no tables at all (migrated to base)."""
    db, schema = open_database(request.param, tmp_path)
    db.downgrade("base")
    yield db, schema
    drop_database(db, schema)


def schema_diff(db: Database) -> list[object]:
    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE,
                                                     "compare_type": True})
        return list(compare_metadata(ctx, Base.metadata))


def test_upgrade_from_empty_matches_the_models(empty: tuple[Database, str | None]) -> None:
    db, _ = empty
    assert table_names(db) & TABLES == set()
    assert db.current_revision() is None
    db.migrate()
    assert db.current_revision() == "0003"
    assert table_names(db) >= TABLES
    assert schema_diff(db) == []  # models and migrations agree
    db.migrate()  # idempotent
    assert db.current_revision() == "0003"


def test_downgrade_upgrade_round_trip(empty: tuple[Database, str | None]) -> None:
    db, _ = empty
    db.migrate()
    db.downgrade("base")
    assert table_names(db) & TABLES == set()
    db.migrate()
    assert table_names(db) >= TABLES and schema_diff(db) == []


def test_sqlite_pragmas(tmp_path: Path) -> None:
    db = Database.from_url(f"sqlite:///{tmp_path / 'sub' / 'p.sqlite'}")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
    db.dispose()


def test_unsupported_urls_are_refused(tmp_path: Path) -> None:
    from groengezond.errors import InputError

    with pytest.raises(InputError, match="not supported"):
        Database.from_url("mysql://u:p@localhost/db")
    with pytest.raises(InputError, match="psycopg"):
        Database.from_url("postgresql+psycopg2://u:p@localhost/db")
    with pytest.raises(InputError, match="schema"):
        Database.from_url(f"sqlite:///{tmp_path / 'x.sqlite'}", schema="s")
