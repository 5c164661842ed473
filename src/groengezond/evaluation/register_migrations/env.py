"""Alembic environment of the intervention register (see :mod:`groengezond.migration_env`)."""

from groengezond.evaluation.register import Base
from groengezond.migration_env import run_migrations

run_migrations(Base.metadata, "evaluation")
