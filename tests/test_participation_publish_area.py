"""A plan lying outside a field lab's area cannot be published into it (issue 14)."""

from __future__ import annotations

from typing import Any

import participation_support
from participation_support import BBOX_RD, Env

db = participation_support.db  # the fixtures, on both backends
env = participation_support.env


def _square(x: float, y: float, half: float = 50.0) -> dict[str, Any]:
    return {"type": "Polygon", "coordinates": [[[x - half, y - half], [x + half, y - half],
                                                [x + half, y + half], [x - half, y + half],
                                                [x - half, y - half]]]}


def _publish(env: Env, ref: str, snapshot: dict[str, Any]) -> Any:
    return env.client.post(env.url(f"/field-labs/{env.lab['id']}/scenarios"),
                           headers=env.bearer("planner"),
                           json={"scenario_id": ref, "name": ref, "snapshot": snapshot})


def test_plan_in_another_town_is_refused(env: Env) -> None:
    x0, y0, x1, y1 = BBOX_RD
    inside = _square((x0 + x1) / 2, (y0 + y1) / 2)
    far = _square(x1 + 20_000, y1 + 20_000)  # another town, 20 km away
    r = _publish(env, "scn-far", {"scenario": {"crs": "EPSG:28992", "interventions": [
        {"kind": "add_green", "name": "Hier", "geometry": inside},
        {"kind": "add_green", "name": "Elders", "geometry": far}]}})
    assert r.status_code == 422, r.text
    (p,) = r.json()["problems"]
    assert "intervention 2 'Elders'" in p["problem"] and "outside" in p["problem"]
    assert "intervention 1" not in p["problem"] and p["fix"]
    assert p["key"] == "plan_outside_lab"
    lab = env.client.get(env.url(f"/field-labs/{env.lab['id']}")).json()
    assert "scn-far" not in [s["scenario_id"] for s in lab["scenarios"]]


def test_plan_inside_the_lab_is_published_also_in_lonlat(env: Env) -> None:
    from groengezond.participation.area import rd_to_lonlat

    x0, y0, x1, y1 = BBOX_RD
    lon, lat = rd_to_lonlat((x0 + x1) / 2, (y0 + y1) / 2)
    ll = {"type": "Point", "coordinates": [lon, lat]}
    r = _publish(env, "scn-in", {"scenario": {"crs": "EPSG:4326", "interventions": [
        {"kind": "plant_trees", "name": "Bomen", "geometry": ll}]}})
    assert r.status_code == 201, r.text
    lon_far, lat_far = rd_to_lonlat(x1 + 20_000, y1)
    r = _publish(env, "scn-out", {"scenario": {"interventions": [
        {"kind": "plant_trees", "name": "Bomen", "geometry": {
            "type": "Point", "coordinates": [lon_far, lat_far]}}]}})
    assert r.status_code == 422 and "outside" in r.json()["detail"]
