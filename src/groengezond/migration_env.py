"""The Alembic environment shared by the migration chains (participation, programme, register).

Each chain's ``env.py`` calls :func:`run_migrations` with its own metadata. The connection comes
from ``config.attributes["connection"]``, set by
:meth:`groengezond.participation.db.Database.migrate` (or a subclass's); there is no
``alembic.ini`` and no offline mode.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, MetaData


def run_migrations(metadata: MetaData, chain: str) -> None:
    """Run the migrations of ``chain`` on the connection from ``config.attributes``.

    Parameters
    ----------
    metadata : MetaData
        The chain's models (for autogenerate).
    chain : str
        Name of the chain in error messages and of its default version table
        (``<chain>_alembic_version``).
    """
    if context.is_offline_mode():
        raise RuntimeError("offline (SQL script) migrations are not supported")
    config = context.config
    connection = config.attributes.get("connection")
    if not isinstance(connection, Connection):
        raise RuntimeError(f"run the {chain} migrations through its Database.migrate()")
    context.configure(
        connection=connection,
        target_metadata=metadata,
        version_table=config.attributes.get("version_table", f"{chain}_alembic_version"),
        version_table_schema=config.attributes.get("schema"),
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
