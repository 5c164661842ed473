"""The participation app as ``bench_participation.py`` runs it: ``uvicorn --factory``.

Reads ``GG_BENCH_DATABASE_URL`` (and ``GG_BENCH_DATABASE_SCHEMA`` for PostgreSQL), migrates
on start like the real server, and switches the per-IP rate limiter off: all 500 simulated
residents come from 127.0.0.1.
"""

from __future__ import annotations

import os

from fastapi import FastAPI

from groengezond.api.participation import participation_app
from groengezond.participation.config import ParticipationSettings
from groengezond.participation.db import Database


def create() -> FastAPI:
    """Build the app (called by ``uvicorn --factory``)."""
    url = os.environ["GG_BENCH_DATABASE_URL"]
    schema = os.environ.get("GG_BENCH_DATABASE_SCHEMA") or None
    db = Database.from_url(url, schema=schema, pool_size=20, max_overflow=20)
    return participation_app(db, ParticipationSettings(rate_limit_enabled=False))
