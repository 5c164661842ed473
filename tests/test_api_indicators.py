"""API: the Monitor's routes serve published (disclosure-controlled) values only."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from groengezond.api.testing import web_app

HLE = "healthy_life_expectancy_years"
SMALL = "BU90020304"  # the buurt of 6 inhabitants in monitor_region: always suppressed


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    return TestClient(web_app(tmp_path_factory.mktemp("web") / "region"))


def test_list_of_indicators_with_years_and_levels(client: TestClient) -> None:
    body = client.get("/api/indicators").json()
    ids = {i["id"]: i for i in body["indicators"]}
    # the default is the first indicator in registry order that the region has
    assert HLE in ids and body["default"] == body["indicators"][0]["id"]
    assert body["default"] == HLE
    assert ids[HLE]["years"] == [2012, 2016, 2020, 2022]
    assert ids[HLE]["name_nl"] and ids[HLE]["name_en"] and ids[HLE]["good_direction"] == "higher"
    assert "buurt" in ids[HLE]["levels"]


def test_values_per_area_with_interval_rank_and_suppression(client: TestClient) -> None:
    body = client.get(f"/api/indicators/{HLE}/values", params={"level": "buurt"}).json()
    assert body["year"] == 2022 and body["n_areas"] == 24
    by = {v["area_code"]: v for v in body["values"]}
    small = by[SMALL]
    assert small["suppressed"] is True and small["value"] is None and small["rank"] is None
    assert small["suppression_reason"]
    shown = [v for v in body["values"] if not v["suppressed"]]
    assert all(v["lower"] <= v["value"] <= v["upper"] for v in shown)
    best = min(shown, key=lambda v: v["rank"])
    assert best["value"] == max(v["value"] for v in shown)  # higher is better: rank 1 highest
    assert body["n_ranked"] == len(shown) and body["n_suppressed"] == 1
    assert body["min"] <= best["value"] <= body["max"]


def test_values_at_wijk_level_and_a_past_year(client: TestClient) -> None:
    body = client.get(f"/api/indicators/{HLE}/values", params={"level": "wijk",
                                                                "year": 2012}).json()
    assert body["year"] == 2012 and body["n_areas"] == 6


def test_area_series_trend_and_rank(client: TestClient) -> None:
    body = client.get(f"/api/indicators/{HLE}/areas/BU90010101").json()
    assert [p["year"] for p in body["series"]] == [2012, 2016, 2020, 2022]
    assert body["trend"]["direction"] in ("rising", "falling", "no_significant_change")
    assert 1 <= body["rank"]["rank"] <= body["rank"]["of"] == 23
    small = client.get(f"/api/indicators/{HLE}/areas/{SMALL}").json()
    assert all(p["suppressed"] and p["value"] is None for p in small["series"])


def test_inequality_has_sii_best_worst_and_its_trend(client: TestClient) -> None:
    body = client.get(f"/api/indicators/{HLE}/inequality", params={"level": "buurt"}).json()
    assert [r["year"] for r in body["series"]] == [2012, 2016, 2020, 2022]
    row = body["series"][-1]
    assert row["sii_lower"] <= row["sii"] <= row["sii_upper"]
    assert body["ranking"] == "low_income_households_pct"
    assert len(body["best_worst"]) == 4
    bw = body["best_worst"][-1]
    assert bw["gap_lower"] <= bw["gap"] <= bw["gap_upper"] and bw["best_value"] > bw["worst_value"]
    assert body["best_worst_change"] in ("narrowing", "widening", "no_significant_change",
                                         "insufficient_data")


@pytest.mark.parametrize(("url", "says"), [
    ("/api/indicators/no_such_thing/values", "unknown indicator 'no_such_thing'"),
    ("/api/indicators/overweight_pct/values", "the region has no values of 'overweight_pct'"),
    (f"/api/indicators/{HLE}/values?year=2013", "has no values for 2013"),
    (f"/api/indicators/{HLE}/values?year=twenty", "field 'year'"),
    (f"/api/indicators/{HLE}/values?level=street", "field 'level'"),
    (f"/api/indicators/{HLE}/areas/BU00000000", "no area with code 'BU00000000'"),
    (f"/api/indicators/{HLE}/inequality?level=street", "field 'level'"),
])
def test_bad_requests_answer_422_with_the_cli_text(client: TestClient, url: str,
                                                   says: str) -> None:
    r = client.get(url)
    assert r.status_code == 422, r.text
    assert says in r.json()["detail"]


def test_error_text_is_the_cli_text(client: TestClient) -> None:
    from groengezond.errors import InputError
    from groengezond.indicators.registry import load_registry

    with pytest.raises(InputError) as err:
        load_registry().get("no_such_thing")
    r = client.get("/api/indicators/no_such_thing/values")
    assert r.json()["detail"] == err.value.message
