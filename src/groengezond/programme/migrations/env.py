"""Alembic environment of the programme migrations (see :mod:`groengezond.migration_env`)."""

from groengezond.migration_env import run_migrations
from groengezond.programme.models import Base

run_migrations(Base.metadata, "programme")
