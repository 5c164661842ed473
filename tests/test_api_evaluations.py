"""``/api/evaluations``: the register and an estimate equal to the core's."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
from fastapi.testclient import TestClient
from shapely.geometry import mapping

from groengezond.api.testing import web_app, web_region
from groengezond.evaluation.panel import panel_from_region
from groengezond.evaluation.register import import_csv, open_register
from groengezond.evaluation.run import evaluate
from groengezond.region.model import Region
from groengezond.settings import get_settings
from participation_support import staff_headers


def test_register_and_estimate_over_http(tmp_path: Path) -> None:
    region = web_region()
    client = TestClient(web_app(tmp_path / "region", region))
    assert client.get("/api/evaluations/interventions").json() == []
    buurten = sorted(region.areas.loc[region.areas["level"] == "buurt", "code"])[:6]
    csv = tmp_path / "iv.csv"
    csv.write_text("name,areas,start_date\n"
                   f"Schoolpleinen,{';'.join(buurten[:3])},2016-05-01\n"
                   f"Park,{';'.join(buurten[3:])},2020-04-01\n")
    import_csv(open_register(get_settings().database_url), csv)
    listed = client.get("/api/evaluations/interventions").json()
    assert [x["name"] for x in listed] == ["Schoolpleinen", "Park"]
    res = client.get("/api/evaluations/estimate", params={
        "indicator": "perceived_health_good_pct", "intervention": [1, 2],
        "estimator": "twfe_event"})
    assert res.status_code == 200, res.text
    doc = res.json()
    p = panel_from_region(region, "perceived_health_good_pct",
                          treatment={b: (2016 if i < 3 else 2020) for i, b in enumerate(buurten)})
    core = evaluate(p, "twfe_event")
    assert [row["coef"] for row in doc["event_study"]] == pytest.approx(
        core.event_study["coef"].tolist())
    assert doc["estimates"][0]["estimate"] == pytest.approx(core.estimates[0].estimate)
    assert "verdict" in doc["estimates"][0]
    bad = client.get("/api/evaluations/estimate", params={
        "indicator": "perceived_health_good_pct", "intervention": [99]})
    assert bad.status_code == 422


def _with_addresses(region: Region) -> Region:
    """The web test region with one address per buurt (at its centroid, all its residents)."""
    b = region.areas_at("buurt")
    addresses = gpd.GeoDataFrame(
        {"address_id": np.arange(len(b), dtype="int64"), "buurt": b["code"].to_numpy(),
         "residents": b["inhabitants"].to_numpy(dtype="int64")},
        geometry=b.geometry.centroid.to_numpy(), crs=b.crs)
    return region.with_layers(addresses=addresses)


def test_staff_register_update_and_delete_over_http(tmp_path: Path) -> None:
    region = _with_addresses(web_region())
    client = TestClient(web_app(tmp_path / "region", region))
    buurten = region.areas_at("buurt")
    body = {"name": "Schoolplein", "areas": buurten["code"].tolist()[:2],
            "start_date": "2015-04-01", "completion_date": "2016-03-01", "cost_eur": 80000,
            "catalogue_id": "schoolyard"}
    assert client.post("/api/evaluations/register", json=body).status_code == 401
    assert client.post("/api/evaluations/register", json=body,
                       headers=staff_headers(client, "moderator")).status_code == 403
    staff = staff_headers(client, "planner")
    r = client.post("/api/evaluations/register", json=body, headers=staff)
    assert r.status_code == 201, r.text
    assert r.json()["areas"] == body["areas"] and r.json()["id"] == 1
    # only a geometry: the buurt whose one address (its centroid) lies within 300 m
    target = buurten.iloc[5]
    park = target.geometry.centroid.buffer(50)
    r = client.post("/api/evaluations/register", headers=staff, json={
        "name": "Park", "geometry": mapping(park), "start_date": "2019-05-01"})
    assert r.status_code == 201, r.text
    near = buurten[buurten.geometry.centroid.distance(park) <= 300]["code"].tolist()
    assert r.json()["areas"] == sorted(near) and target["code"] in near
    assert r.json()["geometry_wkt"].startswith("POLYGON")
    # bad input: named field, nothing written
    bad = client.post("/api/evaluations/register", headers=staff, json={
        **body, "areas": ["BU99999999"]})
    assert bad.status_code == 422 and "areas" in bad.text
    bad = client.post("/api/evaluations/register", headers=staff, json={
        **body, "completion_date": "2014-01-01"})
    assert bad.status_code == 422 and "completion_date" in bad.text
    r = client.put("/api/evaluations/register/1", headers=staff,
                   json={**body, "name": "Schoolplein (herzien)"})
    assert r.status_code == 200 and r.json()["name"] == "Schoolplein (herzien)"
    assert client.put("/api/evaluations/register/9", headers=staff, json=body).status_code == 404
    assert client.delete("/api/evaluations/register/1").status_code == 401
    assert client.delete("/api/evaluations/register/1", headers=staff).status_code == 204
    assert [x["name"] for x in client.get("/api/evaluations/interventions").json()] == ["Park"]


def test_an_estimate_on_a_tiny_buurt_is_suppressed(tmp_path: Path) -> None:
    region = web_region()
    client = TestClient(web_app(tmp_path / "region", region))
    buurten = region.areas_at("buurt")
    small = buurten.loc[buurten["inhabitants"] < 10, "code"].tolist()
    assert small, "the web test region has a buurt with fewer than 10 residents"
    staff = staff_headers(client, "planner")
    r = client.post("/api/evaluations/register", headers=staff, json={
        "name": "Klein plein", "areas": small[:1], "start_date": "2016-01-01"})
    assert r.status_code == 201, r.text
    doc = client.get("/api/evaluations/estimate", params={
        "indicator": "perceived_health_good_pct", "intervention": [1],
        "estimator": "twfe_event"}).json()
    head = doc["estimates"][0]
    assert head["suppressed"] is True and head["estimate"] is None and head["se"] is None
    assert head["suppression_reason"] == "fewer than 10 persons"
    assert all(row["suppressed"] and row["coef"] is None for row in doc["event_study"])
    assert all(row["treated"] is None and row["treated_suppressed"] for row in doc["series"])
    assert all(row["comparison"] is not None for row in doc["series"])
    assert doc["disclosure"]["suppressed"] > 0


def test_a_synthetic_control_over_too_many_donors_is_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import groengezond.api.evaluations as ev

    region = web_region()
    client = TestClient(web_app(tmp_path / "region", region))
    staff = staff_headers(client, "planner")
    code = sorted(region.areas_at("buurt")["code"])[0]
    assert client.post("/api/evaluations/register", headers=staff, json={
        "name": "Park", "areas": [code], "start_date": "2016-01-01"}).status_code == 201
    monkeypatch.setattr(ev, "MAX_SYNTH_DONORS", 5)
    r = client.get("/api/evaluations/estimate", params={
        "indicator": "perceived_health_good_pct", "intervention": [1], "estimator": "synth"})
    assert r.status_code == 422
    assert "donor areas is more than one request may run (5)" in r.text
    # a key with its figures, so the web app words it (refuse.synth_too_many_donors)
    problem = r.json()["problems"][0]
    assert problem["key"] == "synth_too_many_donors"
    assert problem["params"] == {"donors": problem["params"]["donors"], "max_donors": 5}
    assert problem["params"]["donors"] > 5
    # a synthetic control of several treated buurten is refused with its key too
    monkeypatch.setattr(ev, "MAX_SYNTH_DONORS", 200)
    codes = sorted(region.areas_at("buurt")["code"])[1:3]
    assert client.post("/api/evaluations/register", headers=staff, json={
        "name": "Twee", "areas": codes, "start_date": "2016-01-01"}).status_code == 201
    r = client.get("/api/evaluations/estimate", params={
        "indicator": "perceived_health_good_pct", "intervention": [2], "estimator": "synth"})
    assert r.status_code == 422
    assert r.json()["problems"][0]["key"] == "synth_one_treated"
    assert r.json()["problems"][0]["params"] == {"treated": 2}
