"""Real answers of the routes added beside the Monitor and the Planner match the contract.

The route walk (:mod:`test_api_contract`) checks that every route declares its models; this
file calls the Evaluator, shared scenarios, OGC API Processes, the scenario and evaluation
reports' JSON, the official replies and the knowledge base, and validates each answer against
the OpenAPI document with every object closed to undeclared fields. A field the code sends but
the model does not name (or the reverse) fails here, before the generated front-end types and
the browser disagree.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from groengezond.api.testing import web_app, web_region
from groengezond.region.model import Region
from groengezond.synth import generate_region
from participation_support import (
    comment_body,
    fast_settings,
    make_env,
    open_database,
    staff_headers,
)
from test_api_contract import Contract, _park


@pytest.fixture(scope="module")
def region() -> Region:
    return generate_region(5_000, seed=1)


@pytest.fixture(scope="module")
def app(region: Region, tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    return web_app(tmp_path_factory.mktemp("routes") / "region", region)


@pytest.fixture(scope="module")
def client(app: FastAPI) -> TestClient:
    return TestClient(app)


def test_shared_scenarios_match_the_contract(client: TestClient, app: FastAPI,
                                             region: Region) -> None:
    c = Contract(app.openapi())
    base = "/api/shared-scenarios"
    made = c.check("POST", base, client.post(base, json={"scenario": _park(region),
                                                         "visibility": "public"}))
    assert isinstance(made, dict) and made["version"] == 1 and made["owner_key"]
    sid, owner = made["id"], {"X-Owner-Key": made["owner_key"]}
    c.check("GET", base + "/{scenario_id}", client.get(f"{base}/{sid}"))
    again = c.check("POST", base + "/{scenario_id}/versions", client.post(
        f"{base}/{sid}/versions", headers=owner,
        json={"scenario": {**_park(region), "name": "Park, groter"}, "note": "groter"}))
    assert isinstance(again, dict) and again["version"] == 2
    listed = c.check("GET", base, client.get(base))
    assert isinstance(listed, dict) and sid in [i["id"] for i in listed["items"]]
    c.check("GET", "/api/reports/shared-scenario/{scenario_id}", client.get(
        f"/api/reports/shared-scenario/{sid}", params={"format": "json"}))


def test_ogc_processes_match_the_contract(client: TestClient, app: FastAPI,
                                          region: Region) -> None:
    c = Contract(app.openapi())
    listing = c.check("GET", "/ogc/processes", client.get("/ogc/processes"))
    assert isinstance(listing, dict)
    for p in listing["processes"]:
        c.check("GET", "/ogc/processes/{processId}", client.get(f"/ogc/processes/{p['id']}"))
    execute = "/ogc/processes/{processId}/execution"
    scenario = _park(region)
    raw = c.check("POST", execute, client.post("/ogc/processes/plan-scenario/execution",
                                               json={"inputs": {"scenario": scenario}}))
    assert isinstance(raw, dict) and raw["scenario"] == "Park"
    doc = c.check("POST", execute, client.post(
        "/ogc/processes/compare-scenarios/execution",
        json={"inputs": {"scenarios": [scenario]}, "response": "document"}))
    assert isinstance(doc, dict) and doc["comparison"][0]["scenario"] == "baseline"
    job = c.check("POST", execute, client.post(
        "/ogc/processes/plan-scenario/execution", headers={"Prefer": "respond-async"},
        json={"inputs": {"scenario": scenario}}))
    assert isinstance(job, dict)
    status: Any = job
    end = time.monotonic() + 120
    while status["status"] not in ("successful", "failed") and time.monotonic() < end:
        status = c.check("GET", "/ogc/jobs/{jobId}", client.get(f"/ogc/jobs/{job['jobID']}"))
        time.sleep(0.1)
    assert status["status"] == "successful", status
    c.check("GET", "/ogc/jobs", client.get("/ogc/jobs"))
    out = c.check("GET", "/ogc/jobs/{jobId}/results",
                  client.get(f"/ogc/jobs/{job['jobID']}/results"))
    assert isinstance(out, dict) and list(out) == ["result"]
    assert out["result"]["scenario"] == "Park"
    c.check("DELETE", "/ogc/jobs/{jobId}", client.delete(f"/ogc/jobs/{job['jobID']}"))


def test_scenario_report_and_lessons_match_the_contract(client: TestClient, app: FastAPI,
                                                   region: Region) -> None:
    c = Contract(app.openapi())
    report = c.check("POST", "/api/reports/scenario", client.post(
        "/api/reports/scenario", params={"format": "json"}, json={"scenario": _park(region)}))
    assert isinstance(report, dict)
    lessons = c.check("GET", "/api/programme/lessons", client.get("/api/programme/lessons"))
    assert isinstance(lessons, list)


def test_evaluator_matches_the_contract(tmp_path: Path) -> None:
    region = web_region()
    app = web_app(tmp_path / "region", region)
    client = TestClient(app)
    c = Contract(app.openapi())
    staff = staff_headers(client, "planner")
    buurten = sorted(region.areas.loc[region.areas["level"] == "buurt", "code"])[:6]
    first = c.check("POST", "/api/evaluations/register", client.post(
        "/api/evaluations/register", headers=staff, json={
            "name": "Schoolpleinen", "areas": buurten[:3], "start_date": "2016-05-01",
            "cost_eur": 80000, "catalogue_id": "schoolyard"}))
    c.check("POST", "/api/evaluations/register", client.post(
        "/api/evaluations/register", headers=staff, json={
            "name": "Park", "areas": buurten[3:], "start_date": "2020-04-01"}))
    assert isinstance(first, dict)
    c.check("PUT", "/api/evaluations/register/{intervention_id}", client.put(
        f"/api/evaluations/register/{first['id']}", headers=staff, json={
            "name": "Schoolpleinen (herzien)", "areas": buurten[:3],
            "start_date": "2016-05-01"}))
    listed = c.check("GET", "/api/evaluations/interventions",
                     client.get("/api/evaluations/interventions"))
    assert isinstance(listed, list) and len(listed) == 2
    for estimator in ("twfe_event", "cs_did"):
        doc = c.check("GET", "/api/evaluations/estimate", client.get(
            "/api/evaluations/estimate", params={
                "indicator": "perceived_health_good_pct", "intervention": [1, 2],
                "estimator": estimator}))
        assert isinstance(doc, dict) and doc["event_study"] and doc["series"]
    report = c.check("GET", "/api/reports/evaluation", client.get(
        "/api/reports/evaluation", params={
            "indicator": "perceived_health_good_pct", "intervention": [1, 2],
            "estimator": "twfe_event", "format": "json"}))
    assert isinstance(report, dict)


def test_official_replies_match_the_contract(tmp_path: Path) -> None:
    db, _ = open_database("sqlite", tmp_path)
    env = make_env(db, fast_settings(min_respondents=5))
    c = Contract(env.client.app.openapi())  # type: ignore[attr-defined]
    pp = "/api/participation"
    lab = env.lab["id"]
    me = env.resident()
    comment = env.client.post(env.url(f"/field-labs/{lab}/comments"), json=comment_body(env),
                              headers=me).json()
    moderator = env.bearer("moderator")
    c.check("PUT", pp + "/comments/{comment_id}/reply", env.client.put(
        env.url(f"/comments/{comment['id']}/reply"), json={"text": "Dank, we kijken ernaar."},
        headers=moderator))
    queue = c.check("GET", pp + "/moderation/queue", env.client.get(
        env.url("/moderation/queue"), params={"include_reviewed": True}, headers=moderator))
    assert isinstance(queue, list) and queue[0]["reply"]["text"] == "Dank, we kijken ernaar."
    env.client.post(env.url(f"/moderation/comments/{comment['id']}/approve"), headers=moderator)
    public = c.check("GET", pp + "/field-labs/{lab_id}/comments",
                     env.client.get(env.url(f"/field-labs/{lab}/comments")))
    assert isinstance(public, dict)
    assert public["features"][0]["properties"]["reply"]["text"] == "Dank, we kijken ernaar."
    mine = c.check("GET", pp + "/me", env.client.get(env.url("/me"), headers=me))
    assert isinstance(mine, dict) and mine["comments"][0]["reply"] is not None
