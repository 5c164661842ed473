"""Alembic environment of the intervention register (run through ``RegisterDatabase``)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from groengezond.evaluation.register import Base


def run_migrations_online() -> None:
    """Run the migrations on the connection from ``config.attributes``."""
    config = context.config
    connection = config.attributes.get("connection")
    if not isinstance(connection, Connection):
        raise RuntimeError("run the register migrations through RegisterDatabase.migrate()")
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        version_table=config.attributes.get("version_table", "evaluation_alembic_version"),
        version_table_schema=config.attributes.get("schema"),
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise RuntimeError("offline (SQL script) migrations are not supported")
run_migrations_online()
