"""Gemeente Utrecht's real buurt polygons (SOURCES.md item 13) through the build and its outputs.

Facts a person can check in the files: 111 buurt polygons that tile the gemeente (union
99.21 km²); wijken and the gemeente are unions of their buurten, so no buurt carries its wijk's
polygon any more. Skipped where ../shared/data is absent.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from typer.testing import CliRunner

from groengezond.cli.app import app
from groengezond.errors import InputError
from groengezond.region.model import Region
from groengezond.region.store import export_gpkg, read_region
from groengezond.services.build import build_to_folder
from groengezond.sources.pdok import read_boundaries

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
CONFIG = REPO / "examples" / "utrecht-sources.yaml"
BUURTEN = SHARED / "buurten"

pytestmark = [
    pytest.mark.realdata,
    pytest.mark.skipif(not SHARED.exists(), reason=f"shared real data not found at {SHARED} "
                       "(CI clones the repository next to shared/)"),
]


@pytest.fixture(scope="module")
def utrecht(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Region]:
    out = tmp_path_factory.mktemp("utrecht_buurten") / "region"
    build_to_folder(CONFIG, out)
    return out, read_region(out)


def test_111_real_buurt_polygons_tile_the_gemeente(utrecht: tuple[Path, Region]) -> None:
    _, region = utrecht
    areas = region.areas.set_index("code")
    buurten = region.areas_at("buurt")
    assert len(buurten) == 111
    polys = np.asarray(buurten.geometry.array, dtype=object)
    union_km2 = shapely.area(shapely.union_all(polys)) / 1e6
    assert union_km2 == pytest.approx(99.2, abs=0.5)
    wijk_polys = np.asarray(areas.loc[buurten["parent"], "geometry"].array, dtype=object)
    assert not shapely.equals(polys, wijk_polys).any()
    # every buurt is clearly smaller than its wijk (none carries the wijk's outline)
    assert (shapely.area(polys) < 0.9 * shapely.area(wijk_polys)).all()
    assert (buurten["geometry_quality"] == "real").all()
    assert (buurten["geometry_source"] == "boundary").all()
    upper = region.areas[region.areas["level"].isin(["wijk", "gemeente", "region"])]
    assert (upper["geometry_quality"] == "derived").all()
    gm = areas.loc["GM0344", "geometry"]
    assert gm.area / 1e6 == pytest.approx(union_km2, rel=1e-6)


def test_quality_records_say_what_is_real(utrecht: tuple[Path, Region]) -> None:
    _, region = utrecht
    quality = region.meta.quality
    assert quality["areas"].status == "derived"
    assert quality["areas"].figures == {"derived_wijk": 10.0, "derived_gemeente": 1.0}
    assert quality["addresses"].status == "placeholder"
    assert quality["addresses"].key == "addresses.lattice"
    assert quality["green"].status == "placeholder" and "4,000" in quality["green"].reason
    assert quality["indicators"].status == "real"
    assert quality["buildings"].status == "missing"
    assert quality["landcover"].status in {"missing", "derived", "real"}


def test_validate_and_info_report_quality(utrecht: tuple[Path, Region]) -> None:
    folder, _ = utrecht
    runner = CliRunner()
    result = runner.invoke(app, ["validate", str(folder)])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "warning: addresses is placeholder" in text
    assert "warning: green is placeholder" in text and "4,000 features" in text
    info = runner.invoke(app, ["info", str(folder)])
    assert info.exit_code == 0, info.output
    text = " ".join(info.output.split())
    assert "Placeholder polygons: none" in text
    assert "placeholder" in text and "derived" in text


def test_geopackage_carries_geometry_quality(utrecht: tuple[Path, Region],
                                              tmp_path: Path) -> None:
    _, region = utrecht
    out = export_gpkg(region, tmp_path / "utrecht.gpkg")
    areas = gpd.read_file(out, layer="areas")
    assert "geometry_quality" in areas.columns
    assert (areas.loc[areas["level"] == "buurt", "geometry_quality"] == "real").sum() == 111


def test_original_geojson_reads_to_the_same_polygons() -> None:
    derived = read_boundaries(BUURTEN / "DERIVED_utrecht_buurten_111_with_cbs_codes_rd.gpkg")
    original = read_boundaries(
        BUURTEN / "utrecht_buurten_111_gemeente_utrecht_2013_wgs84.geojson",
        gemeenten=["GM0344"])
    a = derived.polygons.set_index("code").sort_index()
    b = original.polygons.set_index("code").sort_index()
    assert list(a.index) == list(b.index) and len(a) == 111
    assert set(b["level"]) == {"buurt"}
    diff = shapely.area(shapely.symmetric_difference(np.asarray(a.geometry.array, dtype=object),
                                                     np.asarray(b.geometry.array,
                                                                dtype=object)))
    assert diff.max() < 1.0  # m², reprojection rounding only
    with pytest.raises(InputError, match="4-digit buurt codes"):
        read_boundaries(BUURTEN / "utrecht_buurten_111_gemeente_utrecht_2013_wgs84.geojson")
