"""Plausibility: issue 14's accepted nonsense is refused, naming intervention, field and fix."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import shapely

from groengezond.errors import InputError, Problem
from groengezond.region.model import Region
from groengezond.scenario.model import Scenario, scenario_from_data
from groengezond.scenario.plausibility import (
    MAX_DWELLINGS_PER_HA,
    check_plausibility,
)
from groengezond.scenario.testing import park_in, ranked_by_income
from groengezond.services.plan import Planner
from groengezond.synth import generate_region


@pytest.fixture(scope="module")
def region() -> Region:
    return generate_region(20_000, seed=1)


@pytest.fixture(scope="module")
def planner(region: Region) -> Planner:
    return Planner(region)


def _one(item: dict[str, Any]) -> Scenario:
    return scenario_from_data({"name": "s", "interventions": [{"name": "X", **item}]})


def _refused(region: Region, item: dict[str, Any]) -> Problem:
    with pytest.raises(InputError) as err:
        check_plausibility(region, _one(item))
    assert len(err.value.problems) == 1, err.value.message
    p = err.value.problems[0]
    assert p.location == "intervention 1 'X'" and p.fix
    return p


def _window(region: Region, cls: str, k: int) -> tuple[float, float]:
    """Centre (m) of the first k × k window of cells that are all of class ``cls``."""
    lc = region.landcover
    assert lc is not None
    code = next(c for c, n in region.meta.landcover_classes.items() if n == cls)
    m = (lc.classes == code).astype(np.int64)
    ii = np.pad(m.cumsum(0).cumsum(1), ((1, 0), (1, 0)))
    s = ii[k:, k:] - ii[:-k, k:] - ii[k:, :-k] + ii[:-k, :-k]
    r, c = (int(v[len(v) // 2]) for v in np.nonzero(s == k * k))
    tr = lc.transform
    return tr.c + (c + k / 2) * tr.a, tr.f + (r + k / 2) * tr.e


def _square(x: float, y: float, half: float) -> str:
    return shapely.box(x - half, y - half, x + half, y + half).wkt


def test_park_over_buildings_is_refused(region: Region) -> None:
    addr = region.addresses
    x, y = addr.geometry.x.iloc[500], addr.geometry.y.iloc[500]
    p = _refused(region, {"kind": "add_green", "geometry": _square(x, y, 80.0)})
    assert p.key == "over_buildings" and p.field == "geometry"
    assert "buildings" in p.problem and "dwellings" in p.problem and "displace" in p.fix


def test_displace_removes_buildings_residents_and_costs_them(region: Region,
                                                             planner: Planner) -> None:
    addr = region.addresses
    x, y = addr.geometry.x.iloc[500], addr.geometry.y.iloc[500]
    sc = _one({"kind": "add_green", "geometry": _square(x, y, 80.0), "displace": True,
               "catalogue_id": "pocket_park"})
    ok = check_plausibility(region, sc)
    (d,) = ok.displacements
    assert len(d.building_ids) > 0 and d.dwellings > 0 and d.residents > 0
    # the residents are those of the demolished buildings (and any address in the park)
    gone = addr[addr["address_id"].isin(d.address_ids)]
    assert int(gone["residents"].sum()) == d.residents
    assert set(gone["building_id"]) <= set(d.building_ids.tolist())
    assert d.cost.assumption and d.cost.low_eur < d.cost.high_eur
    assert d.cost.low_eur >= d.dwellings * 350_000
    r = planner.run(sc, np.random.default_rng(1))
    assert r.displaced[0].residents == d.residents
    assert r.costs is not None
    line = next(c for c in r.costs.lines if c.kind == "displacement")
    assert line.low_eur == d.cost.low_eur and line.assumption
    assert sum(b.residents for b in r.buurten) == pytest.approx(
        float(addr["residents"].sum()) - d.residents)
    assert any("displaces" in n for n in r.notes)


def test_park_on_the_river_is_refused(region: Region) -> None:
    x, y = _window(region, "water", 4)
    p = _refused(region, {"kind": "add_green", "geometry": _square(x, y, 15.0)})
    assert p.key == "on_water" and "water" in p.problem


def test_park_across_the_river_counts_only_its_land(region: Region, planner: Planner) -> None:
    x, y = _window(region, "water", 4)
    big = shapely.box(x - 150, y - 150, x + 150, y + 150)
    b = region.buildings
    land = big.difference(shapely.union_all(np.asarray(b.geometry.array)[
        b.sindex.query(big, predicate="intersects")]).buffer(2.0)) if len(b) else big
    poly = land if land.geom_type == "Polygon" else max(land.geoms, key=lambda g: g.area)
    sc = _one({"kind": "add_green", "geometry": poly.wkt})
    ok = check_plausibility(region, sc)
    kept = shapely.geometry.shape(ok.scenario.interventions[0].geometry)
    assert kept.area < poly.area
    lc = region.landcover
    assert lc is not None
    water = 5
    # what is left holds no water cell centre
    from groengezond.scenario.apply import cells_in
    rr, cc = cells_in(kept, lc)
    assert not (lc.classes[rr, cc] == water).any()
    assert any("on water is left out" in n.text for n in ok.notes)
    # evaluated end to end: the new green space is the land, and so is its cost
    r = planner.run(scenario_from_data({"name": "s", "interventions": [
        {"name": "X", "kind": "add_green", "geometry": poly.wkt,
         "catalogue_id": "pocket_park"}]}), np.random.default_rng(1))
    assert any("on water is left out" in n for n in r.notes)
    assert r.costs is not None
    assert r.costs.lines[0].low_eur == pytest.approx(100.0 * kept.area)  # EUR 100-300 per m²


def test_tiny_triangle_is_refused(region: Region) -> None:
    x, y = _window(region, "paved", 3)
    tri = shapely.Polygon([(x, y), (x + 2, y), (x, y + 2)])
    p = _refused(region, {"kind": "add_green", "geometry": tri.wkt})
    assert p.key == "too_small" and "2.0 m²" in p.problem and "100 m²" in p.problem


def test_catalogue_minimum_is_refused(region: Region) -> None:
    park = park_in(region, ranked_by_income(region)[0], 1.0)
    p = _refused(region, {"kind": "add_green", "geometry": park.wkt,
                          "catalogue_id": "neighbourhood_park"})
    assert p.key == "too_small" and "2 ha" in p.problem and "neighbourhood_park" in p.problem


def test_self_intersecting_polygon_is_refused_with_the_place(region: Region) -> None:
    x, y = _window(region, "paved", 3)
    bow = shapely.Polygon([(x, y), (x + 40, y + 40), (x + 40, y), (x, y + 40), (x, y)])
    p = _refused(region, {"kind": "depave", "geometry": bow.wkt})
    assert p.key == "invalid_polygon" and "self-intersection" in p.problem
    assert f"({x + 20:.1f}, {y + 20:.1f})" in p.problem


def test_a_million_homes_on_0_7_ha_are_refused(region: Region) -> None:
    x, y = _window(region, "paved", 3)
    side = float(np.sqrt(7_000.0))
    p = _refused(region, {"kind": "add_dwellings", "dwellings": 1_000_000,
                          "residents": 2_100_000, "geometry": _square(x, y, side / 2)})
    assert p.key == "too_dense" and p.field == "dwellings"
    assert f"{MAX_DWELLINGS_PER_HA:g} per ha" in p.problem and "210" in p.fix
    ok = check_plausibility(region, _one({"kind": "add_dwellings", "dwellings": 200,
                                          "residents": 420,
                                          "geometry": _square(x, y, side / 2)}))
    assert ok.displacements == []


def test_every_refusal_at_once(region: Region) -> None:
    x, y = _window(region, "paved", 3)
    tri = shapely.Polygon([(x, y), (x + 2, y), (x, y + 2)]).wkt
    sc = scenario_from_data({"name": "s", "interventions": [
        {"kind": "add_green", "name": "A", "geometry": tri},
        {"kind": "add_dwellings", "name": "B", "dwellings": 10_000, "residents": 0,
         "geometry": shapely.Point(x, y).wkt}]})
    with pytest.raises(InputError) as err:
        check_plausibility(region, sc)
    assert [p.location for p in err.value.problems] == ["intervention 1 'A'",
                                                        "intervention 2 'B'"]


def test_open_land_park_passes_unchanged(region: Region) -> None:
    park = park_in(region, ranked_by_income(region)[0], 5.0)
    sc = _one({"kind": "add_green", "geometry": park.wkt, "catalogue_id": "neighbourhood_park"})
    ok = check_plausibility(region, sc)
    assert ok.scenario == sc and ok.displacements == [] and ok.notes == []
