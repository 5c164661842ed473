"""API: the scenario report (POST /api/reports/scenario, GET /api/reports/shared-scenario/{id})
prints the same numbers as its JSON and as /api/scenarios/run."""

from __future__ import annotations

import io

import pikepdf
import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader

from groengezond.api.testing import web_app
from groengezond.region.model import Region
from groengezond.reports.render import euro_sig, interval_texts
from groengezond.synth import generate_region
from test_api_scenarios import park_scenario


@pytest.fixture(scope="module")
def region() -> Region:
    return generate_region(20_000, seed=1)


@pytest.fixture(scope="module")
def client(region: Region, tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    return TestClient(web_app(tmp_path_factory.mktemp("rep") / "region", region))


def _text(pdf: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
                    .split())


def test_scenario_report_json_pdf_and_run_agree(client: TestClient, region: Region) -> None:
    body = park_scenario(region, "Park in het zuiden")
    run = client.post("/api/scenarios/run", json=body).json()
    data = client.post("/api/reports/scenario", params={"format": "json"},
                       json={"scenario": body}).json()
    assert data["money"]["median"] == run["money"]["total"]["median"]
    r = client.post("/api/reports/scenario", params={"lang": "en"}, json={"scenario": body})
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert "/StructTreeRoot" in pikepdf.open(io.BytesIO(r.content)).Root
    text = _text(r.content)
    m = data["money"]
    # euros and modelled figures to 2 significant digits, as the web app writes them
    assert (f"{euro_sig(m['median'], 2, 'en')} ({euro_sig(m['lower'], 2, 'en')} – "
            f"{euro_sig(m['upper'], 2, 'en')})") in text
    deaths = next(t for t in data["totals"] if t["outcome"] == "all_cause_mortality")["value"]
    med, low, high = interval_texts(deaths["median"], deaths["lower"], deaths["upper"], 2, "en")
    assert f"{med} ({low} – {high})" in text
    html = client.post("/api/reports/scenario", params={"format": "html"},
                       json={"scenario": body})
    assert '<html lang="nl">' in html.text and "Scenariorapport" in html.text


def test_shared_scenario_report(client: TestClient, region: Region) -> None:
    made = client.post("/api/shared-scenarios", json={"scenario": park_scenario(region)}).json()
    r = client.get(f"/api/reports/shared-scenario/{made['id']}", params={"format": "json"})
    assert r.status_code == 200, r.text
    assert r.json()["name"] == "Park"
    assert client.get("/api/reports/shared-scenario/nope").status_code == 404


def test_bad_scenario_is_422(client: TestClient) -> None:
    r = client.post("/api/reports/scenario", json={"scenario": {"name": "x"}})
    assert r.status_code == 422
    r = client.post("/api/reports/scenario", json={"scenario": {}, "n_draws": 5})
    assert r.status_code == 422 and "n_draws" in r.text
