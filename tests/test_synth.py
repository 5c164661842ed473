"""Tests of the synthetic region generator (groengezond.synth)."""

from __future__ import annotations

import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse
from scipy.sparse import csgraph

from groengezond.errors import InputError
from groengezond.region import Region, read_region, write_region
from groengezond.region.checks import check_layers
from groengezond.region.schema import LANDCOVER_CLASSES, LAYERS
from groengezond.region.testing import assert_region_equal
from groengezond.synth import generate_region, summary
from groengezond.synth.clustering import balanced_clusters, make_contiguous
from groengezond.synth.health import green_share

N = 30_000
SEED = 7
HEALTH = ("perceived_health_good_pct", "depression_anxiety_risk_pct", "overweight_pct",
          "physical_activity_guideline_pct", "healthy_life_expectancy_years",
          "living_environment_satisfaction")


@pytest.fixture(scope="module")
def region() -> Region:
    return generate_region(N, seed=SEED)


@pytest.fixture(scope="module")
def buurten(region: Region) -> gpd.GeoDataFrame:
    return region.areas_at("buurt")


def _frames(region: Region) -> dict[str, pd.DataFrame]:
    return {layer.name: region.layer(layer.name) for layer in LAYERS}


# --- validity, determinism, round trip ---------------------------------------------------


def test_region_passes_every_check(region: Region) -> None:
    assert check_layers(_frames(region), region.landcover, region.meta) == []


def test_same_seed_gives_identical_region(region: Region) -> None:
    assert_region_equal(region, generate_region(N, seed=SEED))


def test_other_seed_gives_other_region(region: Region) -> None:
    other = generate_region(N, seed=SEED + 1)
    assert other.inhabitants == region.inhabitants
    assert len(other.addresses) != len(region.addresses) or not np.array_equal(
        shapely.get_coordinates(other.addresses.geometry.array),
        shapely.get_coordinates(region.addresses.geometry.array))


def test_round_trip_is_lossless_and_valid(region: Region, tmp_path: Path) -> None:
    folder = write_region(region, tmp_path / "synth")
    back = read_region(folder)  # validates
    assert_region_equal(region, back)


def test_progress_is_reported_up_to_one() -> None:
    seen: list[tuple[str, float]] = []
    generate_region(6_000, seed=3, progress=lambda step, frac: seen.append((step, frac)))
    fractions = [f for _, f in seen]
    assert fractions == sorted(fractions)
    assert fractions[-1] == pytest.approx(1.0)
    assert {s for s, _ in seen} >= {"territory", "network", "buildings", "indicators"}


@pytest.mark.parametrize(("inhabitants", "seed"), [(10, 1), (10_000_000, 1), (20_000, -1),
                                                   (2.5, 1)])
def test_bad_input_raises_input_error(inhabitants: int, seed: int) -> None:
    with pytest.raises(InputError):
        generate_region(inhabitants, seed=seed)


def test_metadata_says_synthetic(region: Region) -> None:
    meta = region.meta
    assert meta.synthetic is True
    assert meta.name == f"Synthetische regio (seed {SEED})"
    assert meta.years == [2012, 2016, 2020, 2022]
    assert meta.generator["seed"] == SEED and meta.generator["inhabitants"] == N
    assert "version" in meta.generator
    assert meta.sources and "niets ervan is echt" in meta.sources[0].attribution
    assert meta.notes


# --- areas ----------------------------------------------------------------------------------


def test_codes_have_cbs_shape(region: Region) -> None:
    areas = region.areas
    top = areas[areas["level"] == "region"]
    assert len(top) == 1 and top["parent"].isna().all()
    for level, pattern in (("gemeente", r"GM9\d{3}"), ("wijk", r"WK9\d{5}"),
                           ("buurt", r"BU9\d{7}")):
        codes = areas.loc[areas["level"] == level, "code"]
        assert codes.map(lambda c, p=pattern: re.fullmatch(p, c) is not None).all()
    parent = areas.set_index("code")["parent"]
    for code, par in parent.items():
        if str(code).startswith("WK"):
            assert par == "GM" + str(code)[2:6]
        if str(code).startswith("BU"):
            assert par == "WK" + str(code)[2:8]


def test_several_gemeenten_and_the_city_holds_about_60_percent(region: Region) -> None:
    gem = region.areas_at("gemeente")
    assert len(gem) >= 3
    city = gem.loc[gem["code"] == "GM9001", "inhabitants"].iloc[0]
    assert 0.5 <= city / region.inhabitants <= 0.7
    assert city == gem["inhabitants"].max()


def test_inhabitants_are_sums_of_addresses(region: Region) -> None:
    areas = region.areas.set_index("code")
    by_buurt = region.addresses.groupby("buurt")["residents"].sum()
    buurten = areas[areas["level"] == "buurt"]
    assert (buurten["inhabitants"] == by_buurt.reindex(buurten.index, fill_value=0)).all()
    for level in ("wijk", "gemeente", "region"):
        children = areas[areas["parent"].isin(areas.index[areas["level"] == level])]
        sums = children.groupby("parent")["inhabitants"].sum()
        own = areas.loc[areas["level"] == level, "inhabitants"]
        assert (own == sums.reindex(own.index)).all()
    assert region.inhabitants == N == int(region.addresses["residents"].sum())


def test_every_address_lies_in_exactly_the_buurt_it_names(region: Region,
                                                          buurten: gpd.GeoDataFrame) -> None:
    points = np.asarray(region.addresses.geometry.array)
    polys = np.asarray(buurten.geometry.array)
    pi, bi = shapely.STRtree(polys).query(points, predicate="intersects")
    assert np.array_equal(np.bincount(pi, minlength=len(points)), np.ones(len(points)))
    named = region.addresses["buurt"].to_numpy()[pi]
    assert (buurten["code"].to_numpy()[bi] == named).all()


def test_levels_tile_their_parents(region: Region) -> None:
    areas = region.areas.set_index("code")
    for level in ("buurt", "wijk", "gemeente"):
        rows = areas[areas["level"] == level]
        for parent, group in rows.groupby("parent"):
            parent_geom = areas.loc[parent, "geometry"]
            union = shapely.union_all(np.asarray(group.geometry.array))
            assert abs(union.area - parent_geom.area) < 1e-6 * parent_geom.area
            # no overlaps: the children's areas add up to the parent's
            assert abs(group.geometry.area.sum() - parent_geom.area) < 1e-6 * parent_geom.area


def test_buurt_sizes_are_realistic_and_shapes_irregular(buurten: gpd.GeoDataFrame) -> None:
    urban = buurten[buurten["typology"] != "rural"]
    in_range = urban["inhabitants"].between(500, 3_000)
    assert in_range.mean() >= 0.9
    assert buurten["inhabitants"].between(500, 3_000).mean() >= 0.7
    vertices = shapely.get_num_coordinates(np.asarray(buurten.geometry.array))
    assert np.median(vertices) > 10  # unions of Voronoi blocks, not squares


# --- network and barriers -----------------------------------------------------------------


def test_network_is_consistent_and_connected(region: Region) -> None:
    nodes, edges = region.network_nodes, region.network_edges
    assert np.allclose(edges["length_m"], edges.geometry.length)
    assert (edges["length_m"] > 0).all()
    n = len(nodes)
    graph = sparse.coo_matrix((np.ones(len(edges)), (edges["u"], edges["v"])), shape=(n, n))
    count, _ = csgraph.connected_components(graph, directed=False)
    assert count == 1
    ends = shapely.get_coordinates(np.asarray(edges.geometry.array)).reshape(-1, 2, 2)
    xy = shapely.get_coordinates(np.asarray(nodes.geometry.array))
    assert np.allclose(ends[:, 0], xy[edges["u"]]) and np.allclose(ends[:, 1], xy[edges["v"]])
    assert set(edges["kind"]) <= {"street", "path", "road", "crossing"}


def test_barriers_are_crossed_only_at_a_few_crossings(region: Region) -> None:
    barriers = region.barriers
    assert set(barriers["kind"]) == {"motorway", "railway", "river"}
    edges = region.network_edges
    lines = np.asarray(edges.geometry.array)
    for _, barrier in barriers.iterrows():
        hit = shapely.intersects(lines, barrier.geometry)
        assert (edges.loc[hit, "kind"] == "crossing").all(), barrier["kind"]
        assert 1 <= hit.sum() <= 10, (barrier["kind"], int(hit.sum()))
    assert barriers.loc[barriers["kind"] == "river"].geometry.iloc[0].geom_type == "Polygon"


def test_street_density_follows_urbanity(region: Region, buurten: gpd.GeoDataFrame) -> None:
    edges = region.network_edges
    mids = shapely.line_interpolate_point(np.asarray(edges.geometry.array), 0.5,
                                          normalized=True)
    pi, bi = shapely.STRtree(np.asarray(buurten.geometry.array)).query(
        mids, predicate="intersects")
    length = np.bincount(bi, weights=edges["length_m"].to_numpy()[pi], minlength=len(buurten))
    density = pd.Series(length / buurten.geometry.area.to_numpy() * 1e6,
                        index=buurten["typology"].to_numpy())  # m per km²
    by_type = density.groupby(level=0).median()
    assert by_type["rural"] < by_type["suburb"] < by_type["core"]


# --- buildings, people, green -------------------------------------------------------------


def test_buildings_and_addresses(region: Region) -> None:
    bld = region.buildings.set_index("building_id")
    low = bld[bld["typology"].isin(["suburb", "villa", "village"])]
    assert low["storeys"].between(1, 3).all()
    flats = bld[bld["typology"] == "postwar"]
    assert flats["storeys"].max() >= 10 and (flats["storeys"] >= 4).any()
    homes = bld[bld["use"].isin(["residential", "mixed"])]
    assert np.allclose(homes["height_m"], homes["storeys"] * 3.0, atol=4.0)
    assert (bld.loc[bld["use"].isin(["work", "farm_building"]), "dwellings"] == 0).all()
    addr = region.addresses
    per_building = addr.groupby("building_id").size()
    assert (bld.loc[per_building.index, "dwellings"] == per_building).all()
    assert int(bld["dwellings"].sum()) == len(addr)
    footprints = np.asarray(bld.loc[addr["building_id"], "geometry"].array)
    assert shapely.covered_by(np.asarray(addr.geometry.array), footprints).all()


def test_households_are_consistent(region: Region) -> None:
    addr = region.addresses
    ages = addr["age_0_17"] + addr["age_18_64"] + addr["age_65_plus"]
    assert (ages == addr["residents"]).all() and (addr["household_size"] == addr["residents"]).all()
    assert (addr["residents"] >= 1).all()
    assert (addr["age_18_64"] + addr["age_65_plus"] >= 1).all()
    assert set(addr["income_decile"]) == set(range(1, 11))
    share = addr[["age_0_17", "age_65_plus"]].sum() / addr["residents"].sum()
    assert 0.12 < share["age_0_17"] < 0.3 and 0.1 < share["age_65_plus"] < 0.3


def test_green_spaces(region: Region) -> None:
    green = region.green
    assert np.allclose(green["area_ha"], green.geometry.area / 1e4)
    assert {"park", "forest", "sports", "allotment", "cemetery"} <= set(green["kind"])
    assert not green.loc[green["kind"].isin(["allotment", "cemetery", "sports"]), "public"].any()
    assert green.loc[green["kind"].isin(["park", "forest"]), "public"].all()
    parks = green.loc[green["kind"] == "park", "area_ha"]
    assert parks.min() < 0.5 and parks.max() > 3.0
    polys = np.asarray(region.buildings.geometry.array)
    gi, bi = shapely.STRtree(polys).query(np.asarray(green.geometry.array),
                                          predicate="intersects")
    overlap = shapely.area(shapely.intersection(np.asarray(green.geometry.array)[gi],
                                                polys[bi]))
    assert (overlap < 1e-6).all()


def test_trees(region: Region) -> None:
    trees = region.trees
    assert trees["crown_diameter_m"].between(3.0, 15.0).all()
    assert {"street", "park"} <= set(trees["kind"])


def test_landcover_covers_the_region(region: Region) -> None:
    lc = region.landcover
    assert lc is not None
    assert lc.classes.dtype == np.uint8 and lc.cell_size_m == 10.0
    assert lc.transform.e < 0 and lc.transform.b == 0 and lc.transform.d == 0
    assert set(np.unique(lc.classes).tolist()) <= set(LANDCOVER_CLASSES)
    assert {1, 2, 3, 4, 5, 6} <= set(np.unique(lc.classes).tolist())
    minx, miny, maxx, maxy = region.areas.total_bounds
    bx0, by0, bx1, by1 = lc.bounds
    assert bx0 <= minx and by0 <= miny and bx1 >= maxx and by1 >= maxy


# --- indicators and the spread between neighbourhoods ----------------------------------------


def _indicator(region: Region, name: str, year: int = 2022, prefix: str = "BU") -> pd.Series:
    ind = region.indicators
    rows = ind[(ind["indicator"] == name) & (ind["year"] == year)
               & ind["area_code"].str.startswith(prefix)]
    return rows.set_index("area_code")["value"]


def test_health_indicators_cover_every_buurt_and_year(region: Region,
                                                      buurten: gpd.GeoDataFrame) -> None:
    ind = region.indicators
    assert (ind["lower"] <= ind["value"]).all() and (ind["value"] <= ind["upper"]).all()
    assert (ind["source"] == f"synthetic (groengezond synth, seed {SEED})").all()
    health = ind[ind["indicator"].isin(HEALTH) & ind["area_code"].str.startswith("BU")]
    counts = health.groupby(["indicator", "year"]).size()
    assert len(counts) == 6 * 4 and (counts == len(buurten)).all()
    pct = health[health["indicator"].str.endswith("_pct")]
    assert pct["value"].between(0, 100).all()
    score = health[health["indicator"] == "living_environment_satisfaction"]
    assert score["lower"].ge(1).all() and score["upper"].le(10).all()


def test_intervals_are_wider_for_small_buurten(region: Region,
                                               buurten: gpd.GeoDataFrame) -> None:
    ind = region.indicators
    rows = ind[(ind["indicator"] == "perceived_health_good_pct") & (ind["year"] == 2022)
               & ind["area_code"].str.startswith("BU")].set_index("area_code")
    width = rows["upper"] - rows["lower"]
    pop = buurten.set_index("code")["inhabitants"].reindex(width.index)
    assert np.corrcoef(width, 1 / np.sqrt(pop.clip(lower=1)))[0, 1] > 0.3


def test_real_spread_between_neighbourhoods(region: Region) -> None:
    hle_wijk = _indicator(region, "healthy_life_expectancy_years", prefix="WK")
    assert hle_wijk.max() - hle_wijk.min() >= 8.0
    decile = _indicator(region, "income_decile_mean")
    assert decile.max() - decile.min() >= 2.0
    green = _indicator(region, "green_share_300m_pct")
    assert green.max() - green.min() >= 20.0
    hle = _indicator(region, "healthy_life_expectancy_years")
    frame = pd.DataFrame({"hle": hle, "decile": decile, "green": green}).dropna()
    assert frame["hle"].corr(frame["decile"]) > 0.5
    assert frame["hle"].corr(frame["green"]) > 0.0
    depression = _indicator(region, "depression_anxiety_risk_pct")
    assert depression.corr(decile) < -0.3


def test_postwar_neighbourhoods_are_poorer_and_less_green(region: Region) -> None:
    addr = region.addresses
    bld = region.buildings.set_index("building_id")
    xy = shapely.get_coordinates(np.asarray(addr.geometry.array))
    assert region.landcover is not None
    frame = pd.DataFrame({"typ": bld.loc[addr["building_id"], "typology"].to_numpy(),
                          "decile": addr["income_decile"].to_numpy(),
                          "green": green_share(region.landcover, xy)})
    means = frame.groupby("typ").mean()
    assert means.loc["postwar", "decile"] < means["decile"].drop("postwar").min() - 0.5
    assert means.loc["villa", "decile"] == means["decile"].max()
    assert means.loc["postwar", "green"] < means.loc[["suburb", "villa", "village"], "green"].min()
    assert means.loc["core", "green"] < means.loc[["suburb", "villa", "village"], "green"].min()


def test_trends_over_the_years(region: Region) -> None:
    ind = region.indicators
    top = ind[ind["area_code"] == "NL9000"].pivot(index="year", columns="indicator",
                                                   values="value")
    assert top.loc[2022, "overweight_pct"] > top.loc[2012, "overweight_pct"]
    assert top.loc[2022, "depression_anxiety_risk_pct"] > top.loc[2012,
                                                                  "depression_anxiety_risk_pct"]
    assert top.loc[2022, "inhabitants"] == N


def test_summary_counts(region: Region) -> None:
    counts = summary(region)
    assert counts["inhabitants"] == N
    assert counts["buurten"] == len(region.areas_at("buurt"))
    assert counts["addresses"] == len(region.addresses)


# --- kernels --------------------------------------------------------------------------------


@settings(max_examples=30, deadline=None)
@given(st.integers(min_value=2, max_value=8), st.integers(min_value=0, max_value=10_000))
def test_balanced_clusters_use_every_label_and_balance(k: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0, 1000, (400, 2))
    weight = rng.uniform(0.5, 1.5, 400)
    labels = balanced_clusters(xy, weight, k, np.random.default_rng(seed))
    assert set(labels.tolist()) == set(range(k))
    mass = np.bincount(labels, weights=weight)
    assert mass.max() / mass.min() < 3.0


@settings(max_examples=30, deadline=None)
@given(st.integers(min_value=0, max_value=10_000))
def test_make_contiguous_leaves_one_piece_per_label(seed: int) -> None:
    rng = np.random.default_rng(seed)
    side = 12
    idx = np.arange(side * side).reshape(side, side)
    pairs = np.vstack([np.column_stack([idx[:, :-1].ravel(), idx[:, 1:].ravel()]),
                       np.column_stack([idx[:-1, :].ravel(), idx[1:, :].ravel()])])
    labels = rng.integers(0, 4, side * side)
    fixed = make_contiguous(labels, pairs, np.ones(side * side), rounds=50)
    for lab in np.unique(fixed):
        members = fixed == lab
        sel = members[pairs[:, 0]] & members[pairs[:, 1]]
        graph = sparse.coo_matrix((np.ones(int(sel.sum())), (pairs[sel, 0], pairs[sel, 1])),
                                  shape=(side * side, side * side))
        _, comp = csgraph.connected_components(graph, directed=False)
        assert len(np.unique(comp[members])) == 1
