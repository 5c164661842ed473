"""API: /api/scenarios/run and /api/scenarios/compare on a small synthetic region."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import shapely
from fastapi.testclient import TestClient
from pyproj import Transformer
from shapely.geometry import mapping

from groengezond.api.testing import web_app
from groengezond.region.model import Region
from groengezond.scenario.testing import park_in, ranked_by_income
from groengezond.synth import generate_region

TO_WGS84 = Transformer.from_crs("EPSG:28992", "EPSG:4326", always_xy=True)


@pytest.fixture(scope="module")
def region() -> Region:
    return generate_region(20_000, seed=1)


@pytest.fixture(scope="module")
def client(region: Region, tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    return TestClient(web_app(tmp_path_factory.mktemp("scen") / "region", region))


def park_wgs84(region: Region) -> dict[str, Any]:
    rd = park_in(region, ranked_by_income(region)[0], 5.0)
    ll = shapely.transform(rd, lambda xy: np.column_stack(
        TO_WGS84.transform(xy[:, 0], xy[:, 1])))
    return dict(mapping(ll))


def park_scenario(region: Region, name: str = "Park") -> dict[str, Any]:
    return {"name": name, "interventions": [
        {"kind": "add_green", "name": "Buurtpark", "green_kind": "park",
         "geometry": park_wgs84(region)}]}


def test_capabilities_report_scenarios(client: TestClient) -> None:
    assert client.get("/api/capabilities").json()["scenarios"] is True


def test_park_run_gives_intervals_and_gap_statement(client: TestClient, region: Region) -> None:
    r = client.post("/api/scenarios/run", json=park_scenario(region))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["scenario"] == "Park" and body["n_draws"] == 1000 and body["seed"] == 42
    totals = {t["outcome"]: t["total"] for t in body["totals"]}
    for iv in (totals["all_cause_mortality"], totals["depression"], body["money"]["total"]):
        assert iv["lower"] <= iv["median"] <= iv["upper"]
    assert totals["depression"]["median"] > 0
    assert body["money"]["price_years"]
    assert body["exposures"]["within_300m_after"] >= body["exposures"]["within_300m_before"]
    assert body["equity"]["verdict"] in ("narrows", "widens", "unchanged", "unknown")
    assert body["equity"]["statement"]
    # same request, same answer (seeded)
    assert client.post("/api/scenarios/run", json=park_scenario(region)).json() == body


def test_rd_geometry_with_crs_field_gives_the_same(client: TestClient, region: Region) -> None:
    rd = park_in(region, ranked_by_income(region)[0], 5.0)
    data = {"name": "Park", "crs": "EPSG:28992", "interventions": [
        {"kind": "add_green", "name": "Buurtpark", "geometry": rd.wkt}]}
    a = client.post("/api/scenarios/run", json=data).json()
    b = client.post("/api/scenarios/run", json=park_scenario(region)).json()
    ta = {t["outcome"]: t["total"]["median"] for t in a["totals"]}
    tb = {t["outcome"]: t["total"]["median"] for t in b["totals"]}
    assert ta["depression"] == pytest.approx(tb["depression"], rel=0.05)


def test_empty_scenario_is_refused(client: TestClient) -> None:
    r = client.post("/api/scenarios/run", json={"name": "Niets"})
    assert r.status_code == 422
    (p,) = r.json()["problems"]
    assert p["key"] == "no_interventions" and p["field"] == "interventions" and p["fix"]


def test_implausible_plan_answers_422_per_intervention(client: TestClient,
                                                       region: Region) -> None:
    x, y = region.addresses.geometry.x.iloc[500], region.addresses.geometry.y.iloc[500]
    over = shapely.box(x - 80, y - 80, x + 80, y + 80)
    tiny = shapely.Polygon([(x, y), (x + 2, y), (x, y + 2)])
    data = {"name": "Onzin", "crs": "EPSG:28992", "interventions": [
        {"kind": "add_green", "name": "Goed", "geometry": park_in(
            region, ranked_by_income(region)[0], 5.0).wkt},
        {"kind": "add_green", "name": "Op huizen", "geometry": over.wkt},
        {"kind": "depave", "name": "Driehoek", "geometry": tiny.wkt}]}
    r = client.post("/api/scenarios/run", json=data)
    assert r.status_code == 422, r.text
    probs = r.json()["problems"]
    assert [(p["location"], p["key"]) for p in probs] == [
        ("intervention 2 'Op huizen'", "over_buildings"),
        ("intervention 3 'Driehoek'", "too_small")]
    assert all(p["field"] and p["fix"] for p in probs)


def test_bad_scenario_is_422_naming_intervention_and_field(client: TestClient,
                                                             region: Region) -> None:
    data = park_scenario(region)
    data["interventions"].append({"kind": "plant_trees", "name": "Bomen", "count": -3,
                                  "geometry": {"type": "Point", "coordinates": [5.1, 52.1]}})
    r = client.post("/api/scenarios/run", json=data)
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert "intervention 2 'Bomen'" in detail and "count" in detail
    r = client.post("/api/scenarios/run", json={"name": "x", "interventions": [
        {"kind": "add_green", "name": "Lijn", "geometry": {
            "type": "LineString", "coordinates": [[5.1, 52.1], [5.11, 52.1]]}}]})
    assert r.status_code == 422
    assert "intervention 1 'Lijn'" in r.json()["detail"] and "geometry" in r.json()["detail"]
    r = client.post("/api/scenarios/run", json={"name": "x", "crs": "EPSG:3857"})
    assert r.status_code == 422 and "crs" in r.json()["detail"]


def test_compare_gives_table_and_results(client: TestClient, region: Region) -> None:
    rd = park_in(region, ranked_by_income(region)[-1], 3.0)
    ll = shapely.transform(rd, lambda xy: np.column_stack(TO_WGS84.transform(xy[:, 0],
                                                                               xy[:, 1])))
    r = client.post("/api/scenarios/compare", json={"scenarios": [
        park_scenario(region, "A"), {"name": "B", "interventions": [
            {"kind": "add_green", "name": "Ander park", "geometry": dict(mapping(ll))}]}]})
    assert r.status_code == 200, r.text
    body = r.json()
    assert [row["scenario"] for row in body["comparison"]] == ["baseline", "A", "B"]
    assert [res["scenario"] for res in body["results"]] == ["A", "B"]
    assert client.post("/api/scenarios/compare", json=[]).status_code == 422
    bad = client.post("/api/scenarios/compare", json=[{"name": "ok"}, {"name": ""}])
    assert bad.status_code == 422 and "scenario 1" in bad.json()["detail"]


def test_catalogue_entry_and_money_values_through_the_api(client: TestClient,
                                                          region: Region) -> None:
    body = park_scenario(region, "Costed")
    body["interventions"][0]["catalogue_id"] = "neighbourhood_park"
    body["valuation"] = {"parameters": {"discount_rate": {"value": 0.03}}}
    r = client.post("/api/scenarios/run", json=body)
    assert r.status_code == 200, r.text
    costs = r.json()["costs"]
    assert costs["discount_rate"] == 0.03 and costs["lines"][0]["kind"] == "add_green"
    bcr = costs["benefit_cost_ratio"]
    assert bcr["lower"] <= bcr["median"] <= bcr["upper"]
    eq = r.json()["equity"]
    assert eq["abs_sii_change"]["lower"] <= eq["abs_sii_change"]["upper"]
    assert eq["access"]["verdict"] in ("narrows", "widens", "unchanged")
    body["interventions"][0]["catalogue_id"] = "footbridge"
    bad = client.post("/api/scenarios/run", json=body)
    assert bad.status_code == 422
    assert "catalogue_id" in bad.text and "Buurtpark" in bad.text
