"""Gemeente Utrecht from the real open data in ../shared/data (skipped where that is absent).

Facts a person can check in the files: 10 wijken and 111 buurten, 367,947 inhabitants in 2023,
every buurt has a wijk, GM0344 rated its health (18+) 80.8% good in 2020 (RIVM 50090NED).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from groengezond.cli.app import app
from groengezond.region.model import Region
from groengezond.region.store import read_region
from groengezond.services.build import build_to_folder

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
CONFIG = REPO / "examples" / "utrecht-sources.yaml"

pytestmark = [
    pytest.mark.realdata,
    pytest.mark.skipif(not SHARED.exists(), reason=f"shared real data not found at {SHARED} "
                       "(CI clones the repository next to shared/)"),
]


@pytest.fixture(scope="module")
def utrecht(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Region]:
    out = tmp_path_factory.mktemp("utrecht") / "region"
    build_to_folder(CONFIG, out)
    return out, read_region(out)


def test_areas_and_inhabitants(utrecht: tuple[Path, Region]) -> None:
    _, region = utrecht
    counts = region.counts()
    assert counts["areas_gemeente"] == 1 and counts["areas_wijk"] == 10
    assert counts["areas_buurt"] == 111
    areas = region.areas.set_index("code")
    assert areas.loc["GM0344", "inhabitants"] == 367_947
    assert region.inhabitants == 367_947
    buurten = region.areas_at("buurt")
    wijken = set(region.areas_at("wijk")["code"])
    assert set(buurten["parent"]) <= wijken and buurten["parent"].notna().all()
    assert int(buurten["inhabitants"].sum()) == 367_715
    assert (buurten["geometry_source"] == "boundary").all()  # item 13: real buurt polygons
    assert areas.loc["WK034406", "name"] == "Wijk 06 Binnenstad"


def test_indicators_health_and_years(utrecht: tuple[Path, Region]) -> None:
    _, region = utrecht
    ind = region.indicators
    assert region.meta.years == [2012, 2016, 2020, 2023, 2024]
    health = ind[(ind["indicator"] == "perceived_health_good_pct") & (ind["area_code"] == "GM0344")]
    by_group = health.set_index(["year", "age_group"])["value"]
    assert by_group[(2020, "18+")] == pytest.approx(80.8)
    assert by_group[(2020, "65+")] == pytest.approx(62.1)
    overweight = ind[(ind["indicator"] == "overweight_pct") & (ind["year"] == 2012)
                     & ind["area_code"].str.startswith("BU")]
    # 111 buurten, 6 of them suppressed in 2012 (missing, never 0)
    assert len(overweight) == 111 and int(overweight["value"].notna().sum()) == 105
    inh = ind[(ind["indicator"] == "inhabitants") & (ind["year"] == 2024)]
    assert inh.set_index("area_code").loc["GM0344", "value"] == 374_238


def test_layers_sources_and_notes(utrecht: tuple[Path, Region]) -> None:
    _, region = utrecht
    assert len(region.green) > 3_000 and len(region.trees) > 15_000
    assert len(region.network_edges) > 2_500  # simplified through nodes of degree 2
    assert region.addresses["residents"].sum() == 367_715
    licences = {s.licence for s in region.meta.sources}
    assert "CC BY 4.0" in licences and "ODbL 1.0" in licences
    notes = " ".join(region.meta.notes)
    assert "lattice" in notes and "367,947" in notes
    assert region.meta.synthetic is False


def test_info_shows_counts_sources_and_attribution(utrecht: tuple[Path, Region]) -> None:
    folder, _ = utrecht
    result = CliRunner().invoke(app, ["info", str(folder)])
    assert result.exit_code == 0, result.output
    assert "real data" in result.output and "367,947" in result.output
    assert "ODbL 1.0" in result.output and "CC BY 4.0" in result.output
    assert "OpenStreetMap" in result.output
