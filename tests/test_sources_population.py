"""Placing residents: exact integer shares, buildings by volume, lattice points, given points."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Point, box

from groengezond.sources.population import (
    allocate,
    place_at_points,
    spread_over_buildings,
    spread_over_points,
)

X0, Y0 = 136_000.0, 455_000.0


def buurten() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"code": ["BU99900101", "BU99900102", "BU99900103"], "inhabitants": [995, 7, 0]},
        geometry=[box(X0, Y0, X0 + 500, Y0 + 500), box(X0 + 500, Y0, X0 + 1000, Y0 + 500),
                  box(X0, Y0 + 500, X0 + 500, Y0 + 1000)], crs="EPSG:28992")


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 100_000),
       st.lists(st.floats(0, 1e6, allow_nan=False), min_size=1, max_size=50))
def test_allocate_is_exact_and_non_negative(total: int, weights: list[float]) -> None:
    shares = allocate(total, weights)
    assert shares.sum() == total and (shares >= 0).all()
    w = np.asarray(weights)
    if w.sum() > 0:
        assert (np.abs(shares - total * w / w.sum()) < 1.0 + 1e-9).all()


def test_lattice_sums_per_buurt_and_points_lie_inside() -> None:
    placed = spread_over_points(buurten(), spacing_m=50, residents_per_point=10)
    frame = placed.addresses
    sums = frame.groupby("buurt")["residents"].sum().to_dict()
    assert sums == {"BU99900101": 995, "BU99900102": 7}
    assert (frame["residents"] > 0).all() and frame["address_id"].is_unique
    polys = buurten().set_index("code").geometry
    assert all(polys[b].contains(p) for b, p in zip(frame["buurt"], frame.geometry, strict=True))
    assert "lattice" in placed.notes[0] and "not addresses" in placed.notes[0]


def test_buildings_by_volume_with_lattice_fallback() -> None:
    buildings = gpd.GeoDataFrame(
        {"building_id": [1, 2, 3], "height_m": [10.0, 10.0, 3.0],
         "volume_m3": [1000.0, 3000.0, 20.0], "status": ["Pand in gebruik"] * 3},
        geometry=[box(X0 + 10, Y0 + 10, X0 + 20, Y0 + 20), box(X0 + 100, Y0 + 100, X0 + 130,
                                                                Y0 + 110),
                  box(X0 + 200, Y0 + 200, X0 + 202, Y0 + 203)], crs="EPSG:28992")
    placed = spread_over_buildings(buurten(), buildings)
    frame = placed.addresses
    at = frame[frame["placement"] == "building_volume"].set_index("building_id")
    assert at.loc[1, "residents"] + at.loc[2, "residents"] == 995
    assert at.loc[2, "residents"] == pytest.approx(3 * at.loc[1, "residents"], abs=1)
    assert 3 not in at.index  # a shed below the minimum volume
    lattice = frame[frame["placement"] == "lattice"]
    assert lattice["residents"].sum() == 7 and set(lattice["buurt"]) == {"BU99900102"}
    assert any("no building" in n for n in placed.notes)


def test_given_points_are_tagged_with_their_buurt() -> None:
    points = gpd.GeoDataFrame({"residents": [5.0, np.nan, 3.0, 4.0]},
                              geometry=[Point(X0 + 50, Y0 + 50), Point(X0 + 60, Y0 + 60),
                                        Point(X0 + 600, Y0 + 50), Point(X0 + 5000, Y0)],
                              crs="EPSG:28992")
    placed = place_at_points(points, buurten(), label="grid cells")
    frame = placed.addresses
    assert list(frame["buurt"]) == ["BU99900101", "BU99900102"]
    assert list(frame["residents"]) == [5, 3]
    assert any("outside every buurt" in str(w) for w in placed.warnings)
    assert shapely.is_valid(np.asarray(frame.geometry.array)).all()


def test_vierkantstatistieken_cells_with_secret_values(tmp_path: object) -> None:
    from pathlib import Path

    from groengezond.sources.population import read_residents

    cells = gpd.GeoDataFrame(
        {"crs28992res100m": ["E1360N4550", "E1361N4550", "E1365N4550"],
         "aantal_inwoners": [40, -99997, 25]},
        geometry=[box(X0, Y0, X0 + 100, Y0 + 100), box(X0 + 100, Y0, X0 + 200, Y0 + 100),
                  box(X0 + 500, Y0, X0 + 600, Y0 + 100)], crs="EPSG:28992")
    path = Path(str(tmp_path)) / "vierkant.gpkg"
    cells.to_file(path, layer="vierkant", engine="pyogrio")
    points, warnings = read_residents(path)
    assert list(points.geometry.x) == [X0 + 50, X0 + 150, X0 + 550]
    assert any("secret" in str(w) for w in warnings)
    placed = place_at_points(points, buurten(), label="grid cells")
    frame = placed.addresses
    assert frame.groupby("buurt")["residents"].sum().to_dict() == {"BU99900101": 40,
                                                                  "BU99900102": 25}
