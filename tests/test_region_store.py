"""Store: lossless round trip, atomic writes and the GeoPackage export."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import rasterio

from groengezond.errors import InputError
from groengezond.region.model import Region
from groengezond.region.store import atomic_dir, export_gpkg, read_region, write_region
from groengezond.region.testing import assert_region_equal


def test_round_trip_is_lossless(tiny: Region, tmp_path: Path) -> None:
    write_region(tiny, tmp_path / "r")
    back = read_region(tmp_path / "r")
    assert_region_equal(tiny, back)
    # extra columns survive too
    assert list(back.addresses.columns) == list(tiny.addresses.columns)
    assert back.addresses["income_decile"].tolist() == [2, 3, 8, 9]


def test_files_are_geoparquet_and_geotiff(tiny_dir: Path) -> None:
    names = sorted(p.name for p in tiny_dir.iterdir())
    assert "region.json" in names and "landcover.tif" in names and "areas.parquet" in names
    assert gpd.read_parquet(tiny_dir / "areas.parquet").crs.to_epsg() == 28992
    with rasterio.open(tiny_dir / "landcover.tif") as src:
        assert src.crs.to_epsg() == 28992
        assert src.res == (10.0, 10.0)
        assert src.dtypes[0] == "uint8"


def test_rewrite_replaces_and_failed_write_leaves_old_region(tiny: Region, tmp_path: Path) -> None:
    target = tmp_path / "r"
    write_region(tiny, target)
    before = sorted(p.name for p in target.iterdir())

    broken = tiny.with_layers(areas="not a frame")  # write fails half-way
    with pytest.raises(ValueError):
        write_region(broken, target)
    assert sorted(p.name for p in target.iterdir()) == before
    assert_region_equal(tiny, read_region(target))
    # no temporary folders left behind
    assert [p.name for p in tmp_path.iterdir()] == ["r"]


def test_atomic_dir_removes_temp_on_error(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError), atomic_dir(tmp_path / "x") as tmp:
        (tmp / "a").write_text("half")
        raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []


def test_export_gpkg_carries_layers_raster_and_attribution(tiny: Region, tmp_path: Path) -> None:
    out = export_gpkg(tiny, tmp_path / "tiny.gpkg")
    layers = {name for name, _ in pyogrio.list_layers(out)}
    assert {"areas", "addresses", "green", "trees", "network_edges", "indicators",
            "region_metadata"} <= layers
    meta = pyogrio.read_dataframe(out, layer="region_metadata")
    values = dict(zip(meta["key"], meta["value"], strict=True))
    assert values["synthetic"] == "true"
    assert "nothing in it is real" in values["attribution"]
    areas = gpd.read_file(out, layer="areas")
    assert areas.crs.to_epsg() == 28992
    assert areas["code"].tolist() == tiny.areas["code"].tolist()
    with rasterio.open(out, table="landcover") as src:
        assert np.array_equal(src.read(1), tiny.landcover.classes)  # type: ignore[union-attr]
    indicators = pyogrio.read_dataframe(out, layer="indicators")
    pd.testing.assert_series_equal(indicators["value"], tiny.indicators["value"])


def test_read_missing_folder_names_it(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is not a folder"):
        read_region(tmp_path / "nope")


def test_read_without_region_json(tmp_path: Path) -> None:
    (tmp_path / "r").mkdir()
    with pytest.raises(InputError, match=r"region\.json.*is missing"):
        read_region(tmp_path / "r")
