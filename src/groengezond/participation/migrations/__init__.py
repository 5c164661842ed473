"""Alembic migrations of the participation tables (run by ``Database.migrate``)."""
