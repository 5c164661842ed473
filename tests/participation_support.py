"""Fixtures and helpers shared by the tests/test_participation_*.py files.

Every database test runs twice: on SQLite (a file in tmp_path) and on PostgreSQL (a fresh
schema in the database at ``GG_TEST_POSTGRES_URL``, dropped afterwards). Without that
variable the PostgreSQL half is skipped with the reason, except on CI (``CI=true``), where it
fails: CI must test both.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import inspect, select, text

from groengezond.api.participation import participation_app
from groengezond.participation.config import ParticipationSettings, RateLimit
from groengezond.participation.db import Database
from groengezond.participation.models import Base
from groengezond.participation.security import Passwords, RateLimiter, create_user

PG_ENV = "GG_TEST_POSTGRES_URL"
PREFIX = "/api/participation"
PASSWORD = "correct horse battery staple"
BIG = RateLimit(per_minute=1_000_000, burst=1_000_000)
BBOX_RD = (135_000.0, 455_000.0, 137_000.0, 457_000.0)
BUURTEN = [{"code": "BU03440101", "name": "Noord"}, {"code": "BU03440102", "name": "Midden"},
           {"code": "BU03440103", "name": "Zuid"}]


def fast_settings(**overrides: Any) -> ParticipationSettings:
    """Settings with cheap password hashing and limits out of the way."""
    values: dict[str, Any] = {
        "argon2_time_cost": 1, "argon2_memory_kib": 8, "argon2_parallelism": 1,
        "write_limit": BIG, "token_limit": BIG, "report_limit": BIG, "login_limit": BIG,
        "report_secret": "test-secret"}
    values.update(overrides)
    return ParticipationSettings(**values)


def staff_headers(client: TestClient, role: str) -> dict[str, str]:
    """Create a staff user of ``role`` in the app's participation database, log in over
    HTTP and return the Bearer header of the session."""
    create_user(client.app.state.participation_db,  # type: ignore[attr-defined]
                Passwords(fast_settings()), f"{role}1", "a long enough password", role,
                datetime.now(UTC))
    r = client.post(f"{PREFIX}/auth/login",
                    json={"username": f"{role}1", "password": "a long enough password"})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


def postgres_url() -> str:
    """The PostgreSQL URL for tests, or skip (fail on CI) when it is not set."""
    url = os.environ.get(PG_ENV, "").strip()
    if url:
        return url
    reason = (f"PostgreSQL half skipped: {PG_ENV} is not set (run `scripts/postgres.sh start` "
              f"and export {PG_ENV} with the URL it prints)")
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true needs the PostgreSQL half, but {reason.split(': ', 1)[1]}")
    pytest.skip(reason)


def open_database(backend: str, tmp_path: Path) -> tuple[Database, str | None]:
    """A freshly migrated database of ``backend`` and its PostgreSQL schema (or None)."""
    if backend == "sqlite":
        return Database.from_url(f"sqlite:///{tmp_path / 'participation.sqlite'}"), None
    schema = f"gg_test_{uuid.uuid4().hex[:12]}"
    return Database.from_url(postgres_url(), schema=schema, pool_size=2, max_overflow=8), schema


def drop_database(db: Database, schema: str | None) -> None:
    """Remove a test database's schema (PostgreSQL) and close its connections."""
    if schema is not None:
        with db.engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    db.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A migrated participation database, once per backend."""
    database, schema = open_database(request.param, tmp_path)
    try:
        yield database
    finally:
        drop_database(database, schema)


class Clock:
    """A settable clock (aware UTC)."""

    def __init__(self, now: datetime) -> None:
        self.current = now

    def __call__(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        """Move the clock forward."""
        self.current += timedelta(**delta)


def dump(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every participation table (to prove nothing changed)."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    with db.read() as s:
        for table in Base.metadata.sorted_tables:
            rows = s.execute(select(table)).all()
            out[table.name] = sorted((tuple(r) for r in rows), key=repr)
    return out


def table_names(db: Database) -> set[str]:
    """Tables present in the database."""
    return set(inspect(db.engine).get_table_names())


@dataclass
class Env:
    """A running participation app with staff, a field lab and two published scenarios."""

    db: Database
    client: TestClient
    clock: Clock
    settings: ParticipationSettings
    staff: dict[str, str] = field(default_factory=dict)
    lab: dict[str, Any] = field(default_factory=dict)
    scenarios: list[int] = field(default_factory=list)

    def bearer(self, role: str) -> dict[str, str]:
        """Authorization header of a staff role."""
        return {"Authorization": f"Bearer {self.staff[role]}"}

    def login(self, role: str) -> dict[str, str]:
        """Log a role in again (sessions expire) and return its Authorization header."""
        r = self.client.post(self.url("/auth/login"), json={"username": f"{role}1",
                                                            "password": PASSWORD})
        assert r.status_code == 200, r.text
        self.client.cookies.clear()
        self.staff[role] = r.json()["token"]
        return self.bearer(role)

    def url(self, path: str) -> str:
        """Full URL of a participation path."""
        return PREFIX + path

    def resident(self) -> dict[str, str]:
        """A new resident's header."""
        r = self.client.post(self.url(f"/field-labs/{self.lab['id']}/residents"))
        assert r.status_code == 201, r.text
        return {"X-Resident-Token": r.json()["token"]}

    def inside(self, fx: float = 0.5, fy: float = 0.5) -> dict[str, Any]:
        """A GeoJSON point inside the field lab (fractions of its bbox)."""
        lon0, lat0, lon1, lat1 = self.lab["bbox_wgs84"]
        pad = 0.1
        fx, fy = pad + fx * (1 - 2 * pad), pad + fy * (1 - 2 * pad)
        return {"type": "Point", "coordinates": [lon0 + fx * (lon1 - lon0),
                                                  lat0 + fy * (lat1 - lat0)]}


def lab_body(**overrides: Any) -> dict[str, Any]:
    """A valid field lab request."""
    body: dict[str, Any] = {"name": "Wijk Oost", "description": "Veldlab groen",
                            "area_code": "WK034401", "bbox_rd": list(BBOX_RD),
                            "buurten": BUURTEN, "opens_on": "2026-06-01",
                            "closes_on": "2026-07-31"}
    body.update(overrides)
    return body


RATING = {"green": 4, "health": 4, "safety": 3, "would_use": 5}
SURVEY = {"buurt_code": "BU03440101", "satisfaction": 7, "green_rating": 6, "feels_safe": 4,
          "neighbour_contact": 3, "green_visits": "weekly"}


def comment_body(env: Env, text_: str = "Meer bomen langs de Oosterweg", **kw: Any
                 ) -> dict[str, Any]:
    """A valid comment request inside the field lab."""
    body: dict[str, Any] = {"category": "idea", "text": text_, "location": env.inside()}
    body.update(kw)
    return body


def make_env(db: Database, settings: ParticipationSettings | None = None,
             limiter: RateLimiter | None = None,
             client_addr: tuple[str, int] = ("203.0.113.7", 50000)) -> Env:
    """Build the app, staff accounts (logged in), a field lab and two scenarios."""
    cfg = settings or fast_settings()
    clock = Clock(datetime(2026, 6, 15, 10, 0, tzinfo=UTC))
    app = participation_app(db, cfg, clock, limiter)
    client = TestClient(app, base_url="https://testserver", client=client_addr)
    env = Env(db=db, client=client, clock=clock, settings=cfg)
    for role in ("admin", "planner", "moderator"):
        create_user(db, Passwords(cfg), f"{role}1", PASSWORD, role, clock())
        r = client.post(env.url("/auth/login"), json={"username": f"{role}1",
                                                      "password": PASSWORD})
        assert r.status_code == 200, r.text
        env.staff[role] = r.json()["token"]
    client.cookies.clear()
    r = client.post(env.url("/field-labs"), json=lab_body(), headers=env.bearer("planner"))
    assert r.status_code == 201, r.text
    env.lab = r.json()
    for ref, name in (("scn-park", "Park aan de Oosterweg"), ("scn-trees", "Bomenlaan")):
        r = client.post(env.url(f"/field-labs/{env.lab['id']}/scenarios"),
                        headers=env.bearer("planner"),
                        json={"scenario_id": ref, "name": name, "description": "",
                              "snapshot": {"interventions": [{"kind": "park", "area_ha": 1.5}],
                                           "results": {"green_access_delta": 0.12}}})
        assert r.status_code == 201, r.text
        env.scenarios.append(r.json()["id"])
    return env


@pytest.fixture()
def env(db: Database) -> Env:
    """The standard environment on each backend."""
    return make_env(db)
