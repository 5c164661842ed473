"""Validation: each rule fires on a crafted bad file, naming file, place, field and fix."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from affine import Affine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import Point, Polygon, box

from groengezond.errors import InputError
from groengezond.region.model import Landcover, Region
from groengezond.region.store import read_region, write_region

Mutation = Callable[[Region], Region]


def _problems(region: Region, tmp_path: Path) -> str:
    write_region(region, tmp_path / "bad")
    with pytest.raises(InputError) as info:
        read_region(tmp_path / "bad")
    return str(info.value)


def _areas(region: Region, **changes: object) -> gpd.GeoDataFrame:
    areas = region.areas.copy()
    for key, value in changes.items():
        row, column = key.split("__")
        areas.loc[int(row), column] = value
    return areas


def test_valid_region_has_no_problems(tiny_dir: Path, tiny: Region) -> None:
    from groengezond.region.checks import check_layers

    frames = {name: tiny.layer(name) for name in ("areas", "indicators", "addresses",
                                                  "buildings", "green", "trees",
                                                  "network_nodes", "network_edges")}
    assert check_layers(frames, tiny.landcover, tiny.meta) == []
    assert read_region(tiny_dir).counts()["areas"] == 5


def test_unknown_crs(tiny: Region, tmp_path: Path) -> None:
    bad = tiny.with_layers(green=tiny.green.set_crs("EPSG:4326", allow_override=True))
    msg = _problems(bad, tmp_path)
    assert "green.parquet" in msg and "field 'geometry'" in msg and "EPSG:28992" in msg


def test_missing_column(tiny: Region, tmp_path: Path) -> None:
    msg = _problems(tiny.with_layers(trees=tiny.trees.drop(columns="crown_diameter_m")), tmp_path)
    assert "trees.parquet: field 'crown_diameter_m': column is missing; add column" in msg


def test_wrong_type(tiny: Region, tmp_path: Path) -> None:
    buildings = tiny.buildings.copy()
    buildings["height_m"] = ["tall", "low"]
    msg = _problems(tiny.with_layers(buildings=buildings), tmp_path)
    assert "buildings.parquet: field 'height_m': has type" in msg and "expected float" in msg


def test_invalid_and_empty_geometry(tiny: Region, tmp_path: Path) -> None:
    green = tiny.green.copy()
    bowtie = Polygon([(0, 0), (10, 10), (10, 0), (0, 10)])
    green.loc[0, "geometry"] = bowtie
    green.loc[1, "geometry"] = Polygon()
    msg = _problems(tiny.with_layers(green=green), tmp_path)
    assert "green.parquet: row 0 (green_id 1), field 'geometry': geometry is invalid" in msg
    assert "row 1 (green_id 2), field 'geometry': geometry is empty" in msg


def test_wrong_geometry_type(tiny: Region, tmp_path: Path) -> None:
    trees = tiny.trees.copy()
    trees.loc[0, "geometry"] = box(0, 0, 1, 1)
    msg = _problems(tiny.with_layers(trees=trees), tmp_path)
    assert "trees.parquet: row 0 (tree_id 0), field 'geometry': geometry has the wrong type" in msg


def test_duplicate_codes(tiny: Region, tmp_path: Path) -> None:
    msg = _problems(tiny.with_layers(areas=_areas(tiny, **{"4__code": "BU99990101"})), tmp_path)
    assert "areas.parquet: row 4 (code BU99990101), field 'code': duplicates" in msg


def test_child_outside_parent(tiny: Region, tmp_path: Path) -> None:
    x0, y0 = 140_000.0, 455_000.0
    moved = _areas(tiny, **{"4__geometry": box(x0 + 500, y0, x0 + 1600, y0 + 500)})
    msg = _problems(tiny.with_layers(areas=moved), tmp_path)
    assert "row 4 (code BU99990102), field 'geometry': area lies outside its parent" in msg


def test_parent_errors(tiny: Region, tmp_path: Path) -> None:
    bad = _areas(tiny, **{"3__parent": "WK000000", "4__parent": "GM9999", "2__level": "stad"})
    msg = _problems(tiny.with_layers(areas=bad), tmp_path)
    assert "row 3 (code BU99990101), field 'parent': parent code is not an area" in msg
    assert "row 4 (code BU99990102), field 'parent': parent is not exactly one level up" in msg
    assert "row 2 (code WK999901), field 'level': unknown level; use one of buurt" in msg


def test_address_outside_every_buurt_and_in_wrong_buurt(tiny: Region, tmp_path: Path) -> None:
    addresses = tiny.addresses.copy()
    addresses.loc[0, "geometry"] = Point(0, 0)
    addresses.loc[1, "buurt"] = "BU99990102"
    msg = _problems(tiny.with_layers(addresses=addresses), tmp_path)
    assert "addresses.parquet: row 0 (address_id 0), field 'geometry': address lies outside" in msg
    assert "row 1 (address_id 1), field 'buurt': address lies in another buurt" in msg


def test_negative_residents(tiny: Region, tmp_path: Path) -> None:
    addresses = tiny.addresses.copy()
    addresses.loc[2, "residents"] = -1
    msg = _problems(tiny.with_layers(addresses=addresses), tmp_path)
    assert ("addresses.parquet: row 2 (address_id 2), field 'residents': value is below 0; "
            "give a value of at least 0") in msg


def test_edges_to_missing_nodes(tiny: Region, tmp_path: Path) -> None:
    edges = tiny.network_edges.copy()
    edges.loc[3, "v"] = 999
    msg = _problems(tiny.with_layers(network_edges=edges), tmp_path)
    assert "network_edges.parquet: row 3 (edge_id 3), field 'v': points to a node" in msg


def test_raster_not_covering_areas(tiny: Region, tmp_path: Path) -> None:
    assert tiny.landcover is not None
    small = Landcover(tiny.landcover.classes[:, :40], tiny.landcover.transform)
    msg = _problems(tiny.with_layers(landcover=small), tmp_path)
    assert "landcover.tif: field 'extent': raster" in msg and "does not cover the areas" in msg


def test_indicator_interval_and_unknown_area(tiny: Region, tmp_path: Path) -> None:
    ind = tiny.indicators.copy()
    ind.loc[0, "lower"] = 90.0
    ind.loc[1, "area_code"] = "BU00000000"
    msg = _problems(tiny.with_layers(indicators=ind), tmp_path)
    assert "indicators.parquet: row 0, field 'lower/upper': interval does not hold" in msg
    assert "row 1, field 'area_code': refers to an area that is not in areas.parquet" in msg


def test_all_problems_of_a_file_are_collected(tiny: Region, tmp_path: Path) -> None:
    addresses = tiny.addresses.copy()
    addresses["residents"] = -1
    msg = _problems(tiny.with_layers(addresses=addresses), tmp_path)
    assert msg.count("value is below 0") == 4


def test_many_bad_rows_are_summarised(tmp_path: Path, tiny: Region) -> None:
    trees = gpd.GeoDataFrame({"tree_id": np.arange(100), "crown_diameter_m": -1.0},
                             geometry=[Point(140_100, 455_100)] * 100, crs=28992)
    msg = _problems(tiny.with_layers(trees=trees), tmp_path)
    assert msg.count("value is below 0") == 21
    assert "80 more rows" in msg


def test_bad_region_json(tiny_dir: Path) -> None:
    meta = json.loads((tiny_dir / "region.json").read_text())
    meta["synthetic"] = "perhaps"
    meta["crs"] = "EPSG:4326"
    (tiny_dir / "region.json").write_text(json.dumps(meta))
    with pytest.raises(InputError, match=r"region\.json: field 'synthetic'"):
        read_region(tiny_dir)


def test_truncated_parquet(tiny_dir: Path) -> None:
    data = (tiny_dir / "green.parquet").read_bytes()
    (tiny_dir / "green.parquet").write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError, match=r"green\.parquet: cannot be read as Parquet"):
        read_region(tiny_dir)


def test_plain_parquet_for_spatial_layer(tiny_dir: Path) -> None:
    pd.DataFrame({"tree_id": [1]}).to_parquet(tiny_dir / "trees.parquet")
    with pytest.raises(InputError, match=r"trees\.parquet: field 'geometry': is not GeoParquet"):
        read_region(tiny_dir)


def test_raster_wrong_dtype(tiny: Region, tmp_path: Path) -> None:
    import rasterio

    folder = write_region(tiny, tmp_path / "r")
    with rasterio.open(folder / "landcover.tif", "w", driver="GTiff", height=2, width=2, count=1,
                       dtype="float32", crs="EPSG:28992",
                       transform=Affine(10, 0, 0, 0, -10, 20)) as dst:
        dst.write(np.zeros((2, 2), dtype="float32"), 1)
    with pytest.raises(InputError, match=r"landcover\.tif: band 1, field 'dtype'"):
        read_region(folder)


# --- random corruption: nothing but InputError ------------------------------------------------

FILES = ["areas.parquet", "indicators.parquet", "addresses.parquet", "green.parquet",
         "network_edges.parquet", "landcover.tif", "region.json"]


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    file=st.sampled_from(FILES),
    how=st.sampled_from(["truncate", "flip", "garbage", "empty"]),
    where=st.floats(0.0, 1.0),
    junk=st.binary(min_size=1, max_size=64),
)
def test_random_byte_corruption_gives_input_error(
    tmp_path_factory: pytest.TempPathFactory, file: str, how: str, where: float, junk: bytes
) -> None:
    from groengezond.region.testing import tiny_region

    folder = write_region(tiny_region(), tmp_path_factory.mktemp("c") / "r")
    path = folder / file
    data = bytearray(path.read_bytes())
    cut = int(where * (len(data) - 1))
    if how == "truncate":
        data = data[:cut]
    elif how == "flip":
        data[cut : cut + len(junk)] = junk
    elif how == "garbage":
        data = bytearray(junk)
    else:
        data = bytearray()
    path.write_bytes(bytes(data))
    try:
        read_region(folder)
    except InputError as exc:
        assert file in str(exc) or "region.json" in str(exc)


COLUMN_EDITS = st.sampled_from(["drop", "text", "null", "negative", "shuffle"])


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(layer=st.sampled_from(["areas", "addresses", "buildings", "green", "trees",
                              "network_edges", "indicators"]),
       edit=COLUMN_EDITS, pick=st.integers(0, 100))
def test_random_column_corruption_gives_input_error(
    tmp_path_factory: pytest.TempPathFactory, layer: str, edit: str, pick: int
) -> None:
    from groengezond.region.testing import tiny_region

    region = tiny_region()
    frame = region.layer(layer).copy()
    columns = [c for c in frame.columns if c != "geometry"]
    column = columns[pick % len(columns)]
    if edit == "drop":
        frame = frame.drop(columns=column)
    elif edit == "text":
        frame[column] = "x"
    elif edit == "null":
        frame[column] = None
    elif edit == "negative":
        if pd.api.types.is_numeric_dtype(frame[column]) and not pd.api.types.is_bool_dtype(
                frame[column]):
            frame[column] = -frame[column] - 1
    else:
        frame[column] = frame[column].sample(frac=1.0, random_state=pick).to_numpy()
    folder = write_region(region.with_layers(**{layer: frame}),
                          tmp_path_factory.mktemp("k") / "r")
    try:
        read_region(folder)
    except InputError as exc:
        assert exc.problems
