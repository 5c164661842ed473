"""Issue 15, finding 1 (High): one anonymous request could tie up the server through the
Planner. Each attack is replayed: refused before any work (422), or made harmless (own
process, deadline, 503 when full, stop on disconnect, per-client limit)."""

from __future__ import annotations

import itertools
import json
import os
import time
from typing import Any

import anyio
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from groengezond.api.planner_pool import (
    ClientGoneError,
    PoolFullError,
    RunPool,
    RunTimedOutError,
)
from groengezond.api.scenario_limits import MAX_DRAWS, MAX_INTERVENTIONS, MAX_VERTICES
from groengezond.api.testing import web_app
from groengezond.region.model import Region

from .conftest import assert_problem, park, run_async, scenario

RUN = "/api/scenarios/run"


def test_a_million_draws_is_refused_before_any_work(client: TestClient, region: Region) -> None:
    body = assert_problem(client.post(RUN, json=scenario(region, n_draws=1_000_000)), 422)
    assert body["problems"][0]["field"] == "n_draws"
    assert str(MAX_DRAWS) in body["problems"][0]["fix"].replace(",", "")


@pytest.mark.parametrize("field,value", [("seed", -1), ("n_draws", -1), ("n_draws", 0),
                                         ("n_draws", 1500.5), ("seed", True),
                                         ("seed", "Infinity")])
def test_bad_seed_and_draws_are_refused(client: TestClient, region: Region, field: str,
                                        value: Any) -> None:
    body = assert_problem(client.post(RUN, json=scenario(region, **{field: value})), 422)
    assert body["problems"][0]["field"] == field


@pytest.mark.parametrize("token", ["Infinity", "-Infinity", "NaN"])
def test_non_finite_numbers_never_reach_numpy(client: TestClient, region: Region,
                                              token: str) -> None:
    raw = json.dumps(scenario(region, seed=1)).replace('"seed": 1', f'"seed": {token}')
    body = assert_problem(client.post(RUN, content=raw,
                                      headers={"content-type": "application/json"}), 422)
    assert "NaN or Infinity" in body["detail"]


def test_overflowing_number_is_refused(client: TestClient, region: Region) -> None:
    data = scenario(region)
    data["interventions"][0]["cost"] = {"low_eur": 1, "high_eur": 2, "price_year": 2024,
                                        "source": "x"}
    raw = json.dumps(data).replace('"high_eur": 2', '"high_eur": 1e999')
    body = assert_problem(client.post(RUN, content=raw,
                                      headers={"content-type": "application/json"}), 422)
    assert "interventions.0.cost.high_eur" in body["detail"]


@pytest.mark.parametrize("cost", [{"low_eur": -1, "high_eur": 2}, {"low_eur": 1, "high_eur": 1e13}])
def test_costs_out_of_range_are_refused(client: TestClient, region: Region,
                                        cost: dict[str, float]) -> None:
    data = scenario(region)
    data["interventions"][0]["cost"] = {**cost, "price_year": 2024, "source": "tender"}
    assert_problem(client.post(RUN, json=data), 422)


@pytest.mark.parametrize("amount", [-1, 0, 1e13])
def test_value_of_a_statistical_life_out_of_range_is_refused(client: TestClient, region: Region,
                                                              amount: float) -> None:
    data = scenario(region, valuation={"values": {"vsl_eu27": {"amount": amount}}})
    assert_problem(client.post(RUN, json=data), 422)


def test_vsl_infinity_is_refused(client: TestClient, region: Region) -> None:
    raw = json.dumps(scenario(region, valuation={"values": {"vsl_eu27": {"amount": 1}}}))
    raw = raw.replace('"amount": 1', '"amount": Infinity')
    assert_problem(client.post(RUN, content=raw, headers={"content-type": "application/json"}),
                   422)


def test_park_larger_than_the_region_is_refused(client: TestClient, region: Region) -> None:
    x0, y0, x1, y1 = (float(v) for v in region.areas.total_bounds)
    pad = 2_000.0
    ring = [[x0 - pad, y0 - pad], [x1 + pad, y0 - pad], [x1 + pad, y1 + pad],
            [x0 - pad, y1 + pad], [x0 - pad, y0 - pad]]
    data = {"name": "Huge", "crs": "EPSG:28992",
            "interventions": [{"kind": "add_green", "geometry": {"type": "Polygon",
                                                                 "coordinates": [ring]}}]}
    body = assert_problem(client.post(RUN, json=data), 422)
    assert "more than the region" in body["detail"]


def test_too_many_vertices_is_refused(client: TestClient, region: Region) -> None:
    x0, y0, _, _ = (float(v) for v in region.areas.total_bounds)
    n = MAX_VERTICES + 1
    ring = [[x0 + 100 + (i % 100) * 0.5, y0 + 100 + (i // 100) * 0.5] for i in range(n)]
    data = {"name": "Spiky", "crs": "EPSG:28992", "interventions": [
        {"kind": "add_green", "geometry": {"type": "Polygon", "coordinates": [ring + ring[:1]]}}]}
    body = assert_problem(client.post(RUN, json=data), 422)
    assert f"more than {MAX_VERTICES} vertices" in body["detail"]


def test_too_many_interventions_is_refused(client: TestClient, region: Region) -> None:
    one = {"kind": "add_green", "geometry": park(region, size_m=5)}
    data = {"name": "Many", "crs": "EPSG:28992", "interventions": [one] * (MAX_INTERVENTIONS + 1)}
    body = assert_problem(client.post(RUN, json=data), 422)
    assert body["problems"][0]["field"] == "interventions"


def test_counts_per_square_metre_are_bounded(client: TestClient, region: Region) -> None:
    geom = park(region, size_m=20)  # 400 m²
    data = {"name": "Dense", "crs": "EPSG:28992", "interventions": [
        {"kind": "plant_trees", "geometry": geom, "count": 10_000_000},
        {"kind": "add_dwellings", "geometry": geom, "dwellings": 1_000_000,
         "residents": 2_000_000}]}
    body = assert_problem(client.post(RUN, json=data), 422)
    assert {p["field"] for p in body["problems"]} == {"count", "dwellings"}


def test_deeply_nested_body_is_refused(client: TestClient) -> None:
    raw = "[" * 65 + "]" * 65
    body = assert_problem(client.post(RUN, content=raw,
                                      headers={"content-type": "application/json"}), 422)
    assert "nested 65 levels" in body["detail"]


def test_a_run_is_computed_in_its_own_process(client: TestClient, region: Region,
                                              app: FastAPI) -> None:
    pool: RunPool = app.state.planner_pool
    assert pool.mode == "process"
    done = pool.stats["done"]
    r = client.post(RUN, json=scenario(region))
    assert r.status_code == 200, r.text
    assert pool.stats["done"] == done + 1 and pool.in_flight == 0


def test_full_pool_answers_503_with_retry_after(client: TestClient, region: Region,
                                               app: FastAPI) -> None:
    pool: RunPool = app.state.planner_pool
    held = [pool._admit.acquire(blocking=False) for _ in range(pool.workers + pool.queue)]
    try:
        assert all(held)
        body = assert_problem(client.post(RUN, json=scenario(region)), 503)
        assert "busy" in body["detail"]
        r = client.post(RUN, json=scenario(region))
        assert int(r.headers["retry-after"]) >= 1
    finally:
        for _ in held:
            pool._admit.release()


def _sleepy(seconds: float) -> Any:
    def job() -> int:
        time.sleep(seconds)
        return os.getpid()

    return job


def test_pool_stops_a_run_at_its_deadline() -> None:
    pool = RunPool(workers=1, queue=0, deadline_s=0.5, mode="process")

    async def main() -> None:
        t0 = time.monotonic()
        with pytest.raises(RunTimedOutError):
            await pool.run(_sleepy(30))
        assert time.monotonic() - t0 < 5
        assert not pool._children  # the worker was killed and reaped

    run_async(main)
    assert pool.stats["timed_out"] == 1


def test_pool_stops_a_run_when_its_client_disconnects() -> None:
    pool = RunPool(workers=1, queue=0, deadline_s=30, mode="process")
    t0 = time.monotonic()

    async def gone() -> bool:
        return time.monotonic() - t0 > 0.3

    async def main() -> None:
        with pytest.raises(ClientGoneError):
            await pool.run(_sleepy(30), gone)
        assert time.monotonic() - t0 < 5 and not pool._children

    run_async(main)


def test_pool_runs_elsewhere_refuses_beyond_capacity_and_keeps_the_loop_free() -> None:
    pool = RunPool(workers=1, queue=0, deadline_s=30, mode="process")
    ticks: list[float] = []
    pids: list[int] = []

    async def run_one() -> None:
        pids.append(await pool.run(_sleepy(1.0)))

    async def ticker() -> None:
        for _ in range(40):
            ticks.append(time.monotonic())
            await anyio.sleep(0.02)

    async def main() -> None:
        async with anyio.create_task_group() as tg:
            tg.start_soon(run_one)
            tg.start_soon(ticker)
            await anyio.sleep(0.2)
            with pytest.raises(PoolFullError):
                await pool.run(_sleepy(0))

    run_async(main)
    assert pids and pids[0] != os.getpid()  # computed in a child: its memory went with it
    gaps = [b - a for a, b in itertools.pairwise(ticks)]
    assert max(gaps) < 0.5  # the event loop (and /health) kept going while the run computed


def test_planner_routes_are_rate_limited_per_client(region: Region,
                                                    tmp_path_factory: pytest.TempPathFactory,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GG_PLANNER_BURST", "3")
    monkeypatch.setenv("GG_PLANNER_PER_MINUTE", "3")
    app = web_app(tmp_path_factory.mktemp("rl") / "region", region, rate_limits=True)
    c = TestClient(app)
    bad = scenario(region, n_draws=1)  # refused, but every request counts
    codes = [c.post(RUN, json=bad).status_code for _ in range(5)]
    assert codes[:3] == [422] * 3 and codes[3:] == [429, 429]
    r = c.post(RUN, json=bad)
    assert_problem(r, 429)
    assert int(r.headers["retry-after"]) >= 1
    other = TestClient(app, client=("192.0.2.7", 5000))
    assert other.post(RUN, json=bad).status_code == 422  # another client is not affected
