"""Land cover, NDVI calibration and BAG placement of the real Utrecht build (../shared/data).

Shared data has OSM green (meadow, grass, park, forest), OSM trees, the OSM cycleways (paved)
and the BAG centre sample (buildings), but no water or bare-land layer: those two classes are
checked to be recorded as missing, every other class to be in the raster. The calibration
target is the Sentinel-2 mean of GM0344 in item 9 (0.217).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from groengezond.landcover import ndvi_proxy, region_ndvi_by_class
from groengezond.landcover_build import CLASS_CODE, landcover_not_computable, missing_classes
from groengezond.region.model import Region
from groengezond.region.store import read_region
from groengezond.services.build import build_to_folder

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
CONFIG = REPO / "examples" / "utrecht-sources.yaml"
NDVI = SHARED / "green" / "ndvi_sentinel2_zomer2021_gemeenten_nl.csv"

pytestmark = [
    pytest.mark.realdata,
    pytest.mark.skipif(not SHARED.exists(), reason=f"shared real data not found at {SHARED} "
                       "(CI clones the repository next to shared/)"),
]

NO_SOURCE_IN_SHARED_DATA = {"water", "bare"}


@pytest.fixture(scope="module")
def utrecht(tmp_path_factory: pytest.TempPathFactory) -> Region:
    out = tmp_path_factory.mktemp("utrecht_lc") / "region"
    build_to_folder(CONFIG, out)
    return read_region(out)


def _target() -> float:
    table = pd.read_csv(NDVI, dtype={"gemeentecode": str})
    return float(table.set_index("gemeentecode").loc["GM0344", "_NDVImean"])


def test_raster_holds_every_class_with_a_source(utrecht: Region) -> None:
    assert utrecht.landcover is not None and utrecht.landcover.cell_size_m == 10.0
    present = set(np.unique(utrecht.landcover.classes).tolist())
    quality = utrecht.meta.quality
    for name, code in CLASS_CODE.items():
        if name in NO_SOURCE_IN_SHARED_DATA:
            assert quality[f"landcover.{name}"].status == "missing"
            assert code not in present
        else:
            assert code in present, name
            assert quality[f"landcover.{name}"].status == "derived"
    assert set(missing_classes(quality)) == NO_SOURCE_IN_SHARED_DATA
    record = quality["landcover"]
    assert record.status == "derived"
    assert 0.0 < record.figures["default_share"] < 1.0
    assert "water" in record.reason and "paved" in record.reason
    why = landcover_not_computable(quality, True, ("trees", "water", "building"))
    assert why is not None and why.missing == ["landcover.water"]
    assert landcover_not_computable(quality, True, ("low_green", "trees")) is None


def test_mean_ndvi_matches_the_sentinel2_target(utrecht: Region) -> None:
    target = _target()
    assert target == pytest.approx(0.217, abs=5e-4)
    assert utrecht.landcover is not None
    table = region_ndvi_by_class(utrecht.meta)
    proxy = ndvi_proxy(utrecht.landcover, utrecht.meta.landcover_classes, table)
    gemeente = utrecht.areas_at("gemeente").geometry.iloc[0]
    from rasterio import features

    inside = features.rasterize([(gemeente, 1)], out_shape=proxy.shape,
                                transform=utrecht.landcover.transform).astype(bool)
    assert abs(float(np.nanmean(proxy[inside])) - target) < 0.01
    figures = utrecht.meta.quality["landcover"].figures
    assert figures["ndvi_target"] == pytest.approx(target)
    assert abs(figures["ndvi_after"] - target) < 0.01
    assert figures["ndvi_before"] != pytest.approx(target, abs=1e-3)
    # a shift keeps every difference between classes, hence every scenario's NDVI change
    assert table["low_green"] - table["paved"] == pytest.approx(0.5)


def test_bag_sample_places_residents_and_the_lattice_is_flagged(utrecht: Region) -> None:
    addresses = utrecht.addresses
    per = addresses.groupby("placement")["residents"].sum()
    assert per.get("bag_pand", 0) > 0 and per.get("lattice", 0) > 0
    assert int(addresses["residents"].sum()) == 367_715
    bag = addresses[addresses["placement"] == "bag_pand"]
    assert bag["bag_id"].str.fullmatch(r"0344100000\d{6}").all()
    quality = utrecht.meta.quality["addresses"]
    assert quality.status == "placeholder" and quality.key == "addresses.lattice"
    assert quality.figures["residents.bag_pand"] == per["bag_pand"]
    licences = {s.licence for s in utrecht.meta.sources}
    assert "CC0 1.0" in licences
