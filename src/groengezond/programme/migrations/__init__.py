"""Alembic migrations of the programme tables (own chain and version table)."""
