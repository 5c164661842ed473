"""OGC API - Processes - Part 1: Core: a plain HTTP client following the standard runs the
Planner as a job and gets the same result as /api/scenarios/run."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlparse

import pytest
from fastapi.testclient import TestClient

from groengezond.api.testing import web_app
from groengezond.region.model import Region
from groengezond.synth import generate_region
from test_api_scenarios import park_scenario

PROCESSES_CORE = "http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/core"
REL_PROCESSES = "http://www.opengis.net/def/rel/ogc/1.0/processes"
REL_EXECUTE = "http://www.opengis.net/def/rel/ogc/1.0/execute"
REL_RESULTS = "http://www.opengis.net/def/rel/ogc/1.0/results"


@pytest.fixture(scope="module")
def region() -> Region:
    return generate_region(20_000, seed=1)


@pytest.fixture(scope="module")
def client(region: Region, tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    return TestClient(web_app(tmp_path_factory.mktemp("proc") / "region", region))


def link(doc: dict[str, Any], rel: str) -> str:
    """The path of the first link with ``rel``."""
    return next(urlparse(x["href"]).path for x in doc["links"] if x["rel"] == rel)


def poll(client: TestClient, path: str, timeout_s: float = 120.0) -> dict[str, Any]:
    end = time.monotonic() + timeout_s
    while True:
        doc: dict[str, Any] = client.get(path).json()
        if doc["status"] in ("successful", "failed", "dismissed") or time.monotonic() > end:
            return doc
        time.sleep(0.1)


def test_conformance_and_process_descriptions(client: TestClient) -> None:
    assert PROCESSES_CORE in client.get("/ogc/conformance").json()["conformsTo"]
    listing = client.get(link(client.get("/ogc").json(), REL_PROCESSES)).json()
    assert [p["id"] for p in listing["processes"]] == ["plan-scenario", "compare-scenarios"]
    for p in listing["processes"]:
        assert set(p["jobControlOptions"]) == {"sync-execute", "async-execute"}
        desc = client.get(link(p, "self")).json()
        assert desc["inputs"] and desc["outputs"]
        for item in (*desc["inputs"].values(), *desc["outputs"].values()):
            assert item["title"] and "schema" in item
    plan = client.get("/ogc/processes/plan-scenario").json()
    assert plan["inputs"]["scenario"]["minOccurs"] == 1 and "result" in plan["outputs"]
    assert client.get("/ogc/processes/nope").status_code == 400


def test_async_job_result_equals_the_planner_api(client: TestClient, region: Region) -> None:
    body = park_scenario(region)
    expected = client.post("/api/scenarios/run", json=body).json()
    desc = client.get("/ogc/processes/plan-scenario").json()
    r = client.post(link(desc, REL_EXECUTE), json={"inputs": {"scenario": body}},
                    headers={"Prefer": "respond-async"})
    assert r.status_code == 201, r.text
    status = r.json()
    assert status["status"] in ("accepted", "running", "successful")
    assert status["processID"] == "plan-scenario" and status["type"] == "process"
    location = urlparse(r.headers["Location"]).path
    assert location == f"/ogc/jobs/{status['jobID']}"
    done = poll(client, location)
    assert done["status"] == "successful", done
    results = client.get(link(done, REL_RESULTS)).json()
    assert results["result"] == expected
    assert status["jobID"] in [j["jobID"] for j in client.get("/ogc/jobs").json()["jobs"]]
    # dismiss drops the results
    assert client.delete(location).json()["status"] == "dismissed"
    assert client.get(f"{location}/results").status_code == 404


def test_sync_execution_raw_and_document(client: TestClient, region: Region) -> None:
    body = park_scenario(region)
    expected = client.post("/api/scenarios/run", json=body).json()
    raw = client.post("/ogc/processes/plan-scenario/execution",
                      json={"inputs": {"scenario": body}})
    assert raw.status_code == 200 and raw.json() == expected
    doc = client.post("/ogc/processes/plan-scenario/execution",
                      json={"inputs": {"scenario": body}, "response": "document"})
    assert doc.json() == {"result": expected}
    both = client.post("/ogc/processes/compare-scenarios/execution",
                       json={"inputs": {"scenarios": [body, park_scenario(region, "B")]}})
    cmp = client.post("/api/scenarios/compare",
                      json={"scenarios": [body, park_scenario(region, "B")]}).json()
    assert both.status_code == 200 and both.json() == cmp


def test_bad_input_is_refused_with_the_field(client: TestClient) -> None:
    r = client.post("/ogc/processes/plan-scenario/execution", json={"inputs": {}})
    assert r.status_code == 400 and "scenario" in r.text and "missing" in r.text
    r = client.post("/ogc/processes/plan-scenario/execution",
                    json={"inputs": {"scenario": {"name": "x"}, "colour": 1}})
    assert r.status_code == 400 and "colour" in r.text
    r = client.post("/ogc/processes/plan-scenario/execution",
                    json={"inputs": {"scenario": {"name": "x"}, "n_draws": 10}})
    assert r.status_code == 400 and "n_draws" in r.text
    assert client.get("/ogc/jobs/unknown").status_code == 404
