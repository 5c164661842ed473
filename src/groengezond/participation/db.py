"""The participation database: engine and sessions from a URL, and its migrations.

SQLite is the embedded default (a file, zero set-up) and PostgreSQL (``postgresql+psycopg://``,
psycopg 3) the server choice; the same code runs on both.

- SQLite connections use WAL (readers never block the writer), ``foreign_keys=ON``, a busy
  timeout and ``synchronous=FULL`` (a committed write survives a crash of the process and of
  the machine). Write transactions start with ``BEGIN IMMEDIATE`` so that concurrent writers
  queue on the busy timeout instead of failing on a lock upgrade.
- PostgreSQL connections are checked before use (``pool_pre_ping``); an optional ``schema``
  puts the tables in their own schema (``search_path``).
- :meth:`Database.migrate` runs the Alembic migrations in ``migrations/`` (``upgrade head``);
  :meth:`Database.from_url` does so by default, so a server migrates on start. On PostgreSQL an
  advisory lock makes concurrent starts migrate one at a time.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, make_url, text
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry

from groengezond.errors import InputError

VERSION_TABLE = "participation_alembic_version"
"""Alembic's version table for this module (other modules keep their own)."""

_MIGRATION_LOCK = 7_351_208_114
"""PostgreSQL advisory lock key held while migrating."""

_SQLITE_BUSY_S = 30.0


@dataclass(frozen=True)
class Database:
    """An engine and a session factory for the participation tables.

    Build it with :meth:`from_url`. Use :meth:`read` for queries and :meth:`write` for
    transactions that change data (committed when the block ends without an error).

    Attributes
    ----------
    engine : Engine
        The SQLAlchemy engine.
    backend : str
        ``"sqlite"`` or ``"postgresql"``.
    schema : str or None
        PostgreSQL schema holding the tables (None: the default search path).
    """

    engine: Engine
    backend: str
    schema: str | None = None

    migrations: ClassVar[tuple[str, str]] = ("groengezond.participation", "migrations")
    """Package and folder of the Alembic chain; subclasses for other chains set their own."""
    version_table: ClassVar[str] = VERSION_TABLE
    """Alembic's version table of the chain, so that chains share one database."""

    @classmethod
    def from_url(cls, url: str, *, migrate: bool = True, schema: str | None = None,
                 pool_size: int = 10, max_overflow: int = 20) -> Database:
        """Connect to the database at ``url`` and (by default) migrate it to the newest schema.

        Parameters
        ----------
        url : str
            SQLAlchemy URL: ``sqlite:///path/to/file.sqlite`` or
            ``postgresql+psycopg://user:password@host:port/database``.
        migrate : bool
            Run ``alembic upgrade head`` now.
        schema : str, optional
            PostgreSQL schema for the tables (created if missing); not for SQLite.
        pool_size, max_overflow : int
            Connection pool size and how many extra connections it may open under load.

        Raises
        ------
        InputError
            When the URL is not SQLite or PostgreSQL, or a schema is given for SQLite.
        """
        parsed = make_url(url)
        backend = parsed.get_backend_name()
        if backend == "sqlite":
            if schema is not None:
                raise InputError.single("GG_DATABASE_URL", "", "schema",
                                        "a schema was given for SQLite",
                                        "use schemas with PostgreSQL only")
            engine = _sqlite_engine(url, pool_size, max_overflow)
        elif backend == "postgresql":
            if parsed.get_driver_name() not in ("psycopg", ""):
                raise InputError.single("GG_DATABASE_URL", "", "driver",
                                        f"driver {parsed.get_driver_name()!r} is not supported",
                                        "use postgresql+psycopg://... (psycopg 3)")
            parsed = parsed.set(drivername="postgresql+psycopg")
            args: dict[str, Any] = {"connect_timeout": 10}
            if schema is not None:
                args["options"] = f"-csearch_path={schema}"
            engine = create_engine(parsed, pool_size=pool_size, max_overflow=max_overflow,
                                   pool_pre_ping=True, connect_args=args)
        else:
            raise InputError.single("GG_DATABASE_URL", "", "database_url",
                                    f"database {backend!r} is not supported",
                                    "use sqlite:///file.sqlite or postgresql+psycopg://...")
        db = cls(engine=engine, backend=backend, schema=schema)
        if schema is not None:
            with engine.begin() as conn:
                conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
        if migrate:
            db.migrate()
        return db

    @contextmanager
    def read(self) -> Iterator[Session]:
        """Yield a session for queries; it is rolled back and closed afterwards."""
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """Yield a session in a write transaction, committed when the block succeeds.

        On SQLite the transaction begins with ``BEGIN IMMEDIATE`` (takes the write lock at once,
        waiting up to the busy timeout) so that two writers never deadlock on a lock upgrade.
        """
        with self._writer.begin() as session:
            yield session

    @cached_property
    def _writer(self) -> sessionmaker[Session]:
        bind = self.engine.execution_options(gg_write=True)
        return sessionmaker(bind=bind, expire_on_commit=False)

    def alembic_config(self, connection: Connection | None = None) -> Config:
        """The Alembic configuration of the migrations, bound to ``connection`` if given."""
        cfg = Config()
        package, name = self.migrations
        folder = resources.files(package) / name
        cfg.set_main_option("script_location", str(Path(str(folder))))
        cfg.attributes["connection"] = connection
        cfg.attributes["version_table"] = self.version_table
        cfg.attributes["schema"] = self.schema
        return cfg

    def migrate(self, revision: str = "head") -> None:
        """Upgrade the schema to ``revision`` (default the newest)."""
        with self._migration_connection() as conn:
            command.upgrade(self.alembic_config(conn), revision)
            conn.commit()

    def downgrade(self, revision: str) -> None:
        """Downgrade the schema to ``revision`` (``"base"`` drops every table)."""
        with self._migration_connection() as conn:
            command.downgrade(self.alembic_config(conn), revision)
            conn.commit()

    def current_revision(self) -> str | None:
        """The revision the database is at (None when never migrated)."""
        from alembic.runtime.migration import MigrationContext

        with self.engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"version_table": self.version_table})
            return ctx.get_current_revision()

    @contextmanager
    def _migration_connection(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            if self.backend == "postgresql":
                conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _MIGRATION_LOCK})
                conn.commit()
            try:
                yield conn
            finally:
                if self.backend == "postgresql":
                    conn.rollback()
                    conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _MIGRATION_LOCK})
                    conn.commit()

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


def _sqlite_engine(url: str, pool_size: int, max_overflow: int) -> Engine:
    parsed = make_url(url)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, pool_size=pool_size, max_overflow=max_overflow,
                           connect_args={"timeout": _SQLITE_BUSY_S, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: DBAPIConnection, _: ConnectionPoolEntry) -> None:
        # Let SQLAlchemy emit BEGIN itself (pysqlite's own transaction handling is off).
        dbapi_conn.isolation_level = None  # type: ignore[attr-defined]
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={int(_SQLITE_BUSY_S * 1000)}")
        cur.execute("PRAGMA synchronous=FULL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        write = conn.get_execution_options().get("gg_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine
