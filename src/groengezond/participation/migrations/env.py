"""Alembic environment of the participation migrations (see :mod:`groengezond.migration_env`)."""

from groengezond.migration_env import run_migrations
from groengezond.participation.models import Base

run_migrations(Base.metadata, "participation")
