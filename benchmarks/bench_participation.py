"""Load and fault benchmark of the participation API (loopback only).

500 simulated residents each get a token and then submit ratings, comments and survey answers
concurrently for 60 s against a real ``uvicorn`` server process, once with PostgreSQL and
once with SQLite, and again while the server process is killed (SIGKILL) and restarted once
half-way through. Every submission carries an ``Idempotency-Key``; a client retries a
submission (same key) after a connection error, a dropped connection, a timeout or a 503
until it is acknowledged (2xx), at most ``MAX_ATTEMPTS`` times and never after the deadline.

Afterwards the database is counted: every acknowledged submission must be stored exactly once.

Results (``benchmarks/results/participation.json``): ``load_postgresql``, ``load_sqlite``,
``restart_postgresql`` (and ``restart_sqlite``), each with ``acknowledged``, ``stored``,
``lost``, ``duplicated`` and ``p95_s`` (95th percentile latency of acknowledged submissions),
plus throughput and the errors clients saw by kind.

Run: ``.venv/bin/python benchmarks/bench_participation.py`` (PostgreSQL from
``GG_TEST_POSTGRES_URL``, else ``scripts/postgres.sh start``). ``--duration 10`` for a quick
look.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.harness import Report  # noqa: E402
from groengezond.participation.area import rd_to_lonlat  # noqa: E402
from groengezond.participation.config import ParticipationSettings  # noqa: E402
from groengezond.participation.db import Database  # noqa: E402
from groengezond.participation.models import Comment, Rating, SurveyResponse  # noqa: E402
from groengezond.participation.schemas import FieldLabIn, ScenarioIn  # noqa: E402
from groengezond.participation.security import Passwords, Staff, create_user  # noqa: E402
from groengezond.participation.service import Participation  # noqa: E402

HOST = "127.0.0.1"  # loopback only
MAX_ATTEMPTS = 30
REQUEST_TIMEOUT_S = 30.0
MAX_COMMENTS = 25
BUURTEN = [{"code": f"BU034401{i:02d}", "name": f"Buurt {i}"} for i in range(1, 6)]
RETRYABLE_STATUS = {503}


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


@dataclass
class Target:
    """A database to run against."""

    name: str
    url: str
    schema: str | None = None


@dataclass
class Stats:
    """What the clients saw."""

    acked: dict[str, set[str]] = field(default_factory=lambda: {
        "rating": set(), "comment": set(), "survey": set()})
    latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    wrong: list[str] = field(default_factory=list)
    gave_up: int = 0
    requests: int = 0
    replayed: int = 0


class Server:
    """A uvicorn process serving the participation app."""

    def __init__(self, target: Target, port: int, log: Path) -> None:
        self.target, self.port, self.log = target, port, log
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> float:
        """Start the process and wait until /health answers; returns the seconds it took."""
        env = {**os.environ, "GG_BENCH_DATABASE_URL": self.target.url,
               "GG_BENCH_DATABASE_SCHEMA": self.target.schema or "",
               "PYTHONPATH": f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
        t0 = time.perf_counter()
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "uvicorn", "--factory",
                 "benchmarks.participation_server:create", "--host", HOST, "--port",
                 str(self.port), "--log-level", "warning", "--no-access-log",
                 "--backlog", "4096", "--timeout-keep-alive", "30"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        deadline = t0 + 60
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}; see {self.log}")
            try:
                if httpx.get(f"http://{HOST}:{self.port}/health", timeout=1).status_code == 200:
                    return time.perf_counter() - t0
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        raise RuntimeError("server did not start within 60 s")

    def kill(self) -> None:
        """SIGKILL the process (no graceful shutdown) and reap it."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=30)

    def stop(self) -> None:
        """Stop the process gracefully (SIGTERM), or kill it."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


def seed(db: Database) -> tuple[int, list[int], list[list[float]]]:
    """Create a field lab open today, three scenarios; return ids and points inside (WGS84)."""
    cfg = ParticipationSettings(rate_limit_enabled=False, argon2_time_cost=1,
                                argon2_memory_kib=8, argon2_parallelism=1)
    svc = Participation(db, cfg)
    uid = create_user(db, Passwords(cfg), "bench-planner", uuid.uuid4().hex, "planner",
                      datetime.now(UTC))
    staff = Staff(user_id=uid, username="bench-planner", role="planner", session_hash="",
                  csrf_hash="")
    today = datetime.now(UTC).date()
    x0, y0, x1, y1 = 135_000.0, 455_000.0, 137_000.0, 457_000.0
    lab = svc.create_field_lab(staff, FieldLabIn(
        name="Benchmark veldlab", area_code="WK034401", bbox_rd=(x0, y0, x1, y1),
        buurten=BUURTEN, opens_on=today - timedelta(days=1),  # type: ignore[arg-type]
        closes_on=today + timedelta(days=30)))
    scenarios = [svc.publish_scenario(staff, lab.id, ScenarioIn(
        scenario_id=f"bench-{i}", name=f"Scenario {i}", snapshot={"i": i})).id
        for i in range(3)]
    rng = random.Random(1)
    points = [list(rd_to_lonlat(rng.uniform(x0 + 100, x1 - 100), rng.uniform(y0 + 100, y1 - 100)))
              for _ in range(200)]
    return lab.id, scenarios, points


async def submit(client: httpx.AsyncClient, url: str, body: dict[str, Any],
                 headers: dict[str, str], stats: Stats, kind: str | None,
                 deadline: float) -> dict[str, Any] | None:
    """POST until acknowledged (same Idempotency-Key each time) or out of attempts/time."""
    key = headers.get("Idempotency-Key", "")
    for attempt in range(MAX_ATTEMPTS):
        if time.monotonic() > deadline:
            break
        t0 = time.perf_counter()
        stats.requests += 1
        try:
            r = await client.post(url, json=body, headers=headers)
        except httpx.ConnectError:
            stats.errors["connection_refused"] += 1
        except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError):
            stats.errors["connection_dropped"] += 1
        except httpx.TimeoutException:
            stats.errors["timeout"] += 1
        else:
            if 200 <= r.status_code < 300:
                stats.latencies.append(time.perf_counter() - t0)
                if kind is not None:
                    stats.acked[kind].add(key)
                    stats.replayed += r.headers.get("idempotent-replayed") == "true"
                out: dict[str, Any] = r.json()
                return out
            if r.status_code in RETRYABLE_STATUS:
                stats.errors[f"http_{r.status_code}"] += 1
            else:
                stats.errors[f"http_{r.status_code}"] += 1
                stats.wrong.append(f"{r.status_code} {r.text[:200]}")
                return None
        await asyncio.sleep(min(2.0, 0.1 * 2 ** attempt) * random.uniform(0.5, 1.5))
    stats.gave_up += 1
    return None


async def resident(i: int, base: str, lab: int, scenarios: list[int], points: list[list[float]],
                   stats: Stats, stop: float, hard_stop: float, think: tuple[float, float]
                   ) -> None:
    """One simulated resident: a token, then ratings, a survey and comments until ``stop``."""
    rng = random.Random(i)
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    async with httpx.AsyncClient(base_url=base, timeout=REQUEST_TIMEOUT_S, limits=limits) as c:
        await asyncio.sleep(rng.uniform(0, 3))
        tok = await submit(c, f"/api/participation/field-labs/{lab}/residents", {}, {}, stats,
                           None, hard_stop)
        if tok is None:
            return
        todo: list[tuple[str, Any]] = [("rating", s) for s in scenarios] + [("survey", None)]
        todo += [("comment", k) for k in range(MAX_COMMENTS)]
        rng.shuffle(todo[:4])
        for kind, arg in todo:
            await asyncio.sleep(rng.uniform(*think))
            if time.monotonic() > stop:
                return
            headers = {"X-Resident-Token": tok["token"], "Idempotency-Key": uuid.uuid4().hex}
            if kind == "rating":
                url = f"/api/participation/field-labs/{lab}/scenarios/{arg}/ratings"
                body: dict[str, Any] = {c_: rng.randint(1, 5)
                                        for c_ in ("green", "health", "safety", "would_use")}
            elif kind == "survey":
                url = f"/api/participation/field-labs/{lab}/survey-responses"
                body = {"buurt_code": rng.choice(BUURTEN)["code"],
                        "satisfaction": rng.randint(1, 10), "green_rating": rng.randint(1, 10),
                        "feels_safe": rng.randint(1, 5), "neighbour_contact": rng.randint(1, 5),
                        "green_visits": rng.choice(["daily", "weekly", "monthly", "rarely"])}
            else:
                url = f"/api/participation/field-labs/{lab}/comments"
                body = {"category": rng.choice(["idea", "concern", "question"]),
                        "text": f"Opmerking {arg} van bewoner {i}: meer groen graag.",
                        "location": {"type": "Point", "coordinates": rng.choice(points)}}
            await submit(c, url, body, headers, stats, kind, hard_stop)


def count(db: Database, stats: Stats) -> dict[str, int]:
    """Count acknowledged submissions in the database: stored, lost, duplicated."""
    models = {"rating": Rating, "comment": Comment, "survey": SurveyResponse}
    acked = stored = dup = total = 0
    with db.read() as s:
        for kind, model in models.items():
            keys = stats.acked[kind]
            rows = s.execute(select(model.client_key, func.count()).group_by(
                model.client_key)).all()
            per_key = {k: n for k, n in rows if k is not None}
            total += sum(per_key.values())
            acked += len(keys)
            stored += sum(1 for k in keys if k in per_key)
            dup += sum(n - 1 for n in per_key.values() if n > 1)
    return {"acknowledged": acked, "stored": stored, "lost": acked - stored, "duplicated": dup,
            "rows_in_database": total}


async def drive(base: str, lab: int, scenarios: list[int], points: list[list[float]],
                residents: int, duration: float, think: tuple[float, float],
                on_half: Any = None) -> tuple[Stats, float]:
    """Run all residents for ``duration`` seconds (``on_half`` is called half-way)."""
    stats = Stats()
    t0 = time.monotonic()
    stop, hard_stop = t0 + duration, t0 + duration + 30
    tasks = [asyncio.create_task(resident(i, base, lab, scenarios, points, stats, stop,
                                          hard_stop, think)) for i in range(residents)]
    if on_half is not None:
        await asyncio.sleep(duration / 2)
        await asyncio.to_thread(on_half)
    await asyncio.gather(*tasks)
    return stats, time.monotonic() - t0


def run(target: Target, residents: int, duration: float, restart: bool,
        think: tuple[float, float], workdir: Path) -> dict[str, Any]:
    """One run against a fresh database; returns the result figures."""
    db = Database.from_url(target.url, schema=target.schema)
    lab, scenarios, points = seed(db)
    port = free_port()
    server = Server(target, port, workdir / f"server-{target.name}.log")
    server.start()
    restart_info: dict[str, float] = {}  # downtime_s: kill until /health answers again

    def kill_and_restart() -> None:
        t = time.perf_counter()
        server.kill()
        server.start()
        restart_info["downtime_s"] = round(time.perf_counter() - t, 2)

    try:
        stats, elapsed = asyncio.run(drive(f"http://{HOST}:{port}", lab, scenarios, points,
                                           residents, duration, think,
                                           kill_and_restart if restart else None))
    finally:
        server.stop()
    figures = count(db, stats)
    db.dispose()
    lat = sorted(stats.latencies)
    p95 = lat[min(len(lat) - 1, int(0.95 * len(lat)))] if lat else float("nan")
    return {**figures, "p95_s": round(p95, 4),
            "median_s": round(statistics.median(lat), 4) if lat else None,
            "requests": stats.requests, "duration_s": round(elapsed, 1),
            "acknowledged_per_s": round(figures["acknowledged"] / duration, 1),
            "client_errors": dict(stats.errors), "non_retryable_answers": stats.wrong[:5],
            "gave_up": stats.gave_up, "replayed_acknowledgements": stats.replayed,
            **restart_info}


def postgres_url() -> str:
    """The benchmark's PostgreSQL server (started with scripts/postgres.sh if needed)."""
    url = os.environ.get("GG_TEST_POSTGRES_URL", "").strip()
    if url:
        return url
    out = subprocess.run([str(ROOT / "scripts" / "postgres.sh"), "start"], check=True,
                         capture_output=True, text=True)
    return out.stdout.strip().splitlines()[-1]


def fresh_postgres(url: str) -> Target:
    """A PostgreSQL target in a new, empty schema."""
    schema = f"gg_bench_{uuid.uuid4().hex[:8]}"
    return Target("postgresql", url, schema)


def drop_schema(target: Target) -> None:
    """Remove a benchmark schema."""
    if target.schema:
        db = Database.from_url(target.url, migrate=False)
        with db.engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{target.schema}" CASCADE'))
        db.dispose()


def main() -> None:
    """Run the benchmark and write benchmarks/results/participation.json."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--residents", type=int, default=500)
    ap.add_argument("--duration", type=float, default=60.0)
    ap.add_argument("--think-min", type=float, default=0.5)
    ap.add_argument("--think-max", type=float, default=2.5)
    ap.add_argument("--only", choices=["postgresql", "sqlite"], default=None)
    ap.add_argument("--no-write", action="store_true", help="Print only; keep the JSON file.")
    args = ap.parse_args()
    think = (args.think_min, args.think_max)
    report = Report("participation", workload={
        "residents": args.residents, "duration_s": args.duration, "think_s": list(think),
        "scenarios": 3, "max_comments_per_resident": MAX_COMMENTS, "server": "uvicorn, 1 process",
        "host": HOST, "retry": f"same Idempotency-Key, <= {MAX_ATTEMPTS} attempts"})
    with tempfile.TemporaryDirectory(prefix="gg-bench-") as tmp:
        work = Path(tmp)
        plans: list[tuple[str, bool]] = []
        if args.only in (None, "postgresql"):
            plans += [("postgresql", False), ("postgresql", True)]
        if args.only in (None, "sqlite"):
            plans += [("sqlite", False), ("sqlite", True)]
        pg = postgres_url() if any(b == "postgresql" for b, _ in plans) else ""
        for backend, restart in plans:
            if backend == "postgresql":
                target = fresh_postgres(pg)
            else:
                target = Target("sqlite", f"sqlite:///{work / f'bench-{restart}.sqlite'}")
            name = f"{'restart' if restart else 'load'}_{backend}"
            print(f"== {name}: {args.residents} residents, {args.duration:.0f} s", flush=True)
            try:
                row = run(target, args.residents, args.duration, restart, think, work)
            finally:
                drop_schema(target)
            print({k: v for k, v in row.items() if k != "non_retryable_answers"}, flush=True)
            report.add(name, **row)
    if not args.no_write:
        print(f"wrote {report.write()}")


if __name__ == "__main__":
    main()
