"""Alembic environment of the sharing migrations (see :mod:`groengezond.migration_env`)."""

from groengezond.migration_env import run_migrations
from groengezond.sharing.models import Base

run_migrations(Base.metadata, "sharing")
