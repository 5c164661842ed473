"""The network gate on the real Utrecht build, whose network is OSM cycleways only (issue 13).

Skipped where ../shared/data is absent.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
from typer.testing import CliRunner

from groengezond.cli.app import app
from groengezond.region.store import read_region
from groengezond.services.build import build_to_folder

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
CONFIG = REPO / "examples" / "utrecht-sources.yaml"

pytestmark = [
    pytest.mark.realdata,
    pytest.mark.slow,
    pytest.mark.skipif(not SHARED.exists(), reason=f"shared real data not found at {SHARED} "
                       "(CI clones the repository next to shared/)"),
]


@pytest.fixture(scope="module")
def utrecht(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("utrecht-network") / "region"
    build_to_folder(CONFIG, out)
    return out


def test_build_records_a_degraded_network(utrecht: Path) -> None:
    record = read_region(utrecht).meta.quality["network"]
    assert record.status == "placeholder" and record.key == "network.degraded"
    figures = record.figures
    assert figures["components"] > 100
    assert figures["main_component_residents_share"] < 0.95
    assert figures["snap_p50_m"] > 50 and figures["snap_max_m"] > 1000
    assert 0 < figures["no_green_residents_share"] < 1


def test_validate_warns_with_component_and_snap_figures(utrecht: Path) -> None:
    result = CliRunner().invoke(app, ["validate", str(utrecht)])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "warning:" in text and "valid:" in text
    assert "components; the largest holds" in text and "% of the residents" in text
    assert "snap distance p50" in text and "p99" in text and "max" in text
    assert "no route to green" in text


def test_access_exits_2_without_the_flag_and_flags_with_it(utrecht: Path,
                                                           tmp_path: Path) -> None:
    out = tmp_path / "access"
    refused = CliRunner().invoke(app, ["access", str(utrecht), "--out", str(out)])
    assert refused.exit_code == 2, refused.output
    assert "network distances are not published" in " ".join(refused.output.split())
    assert not out.exists()
    flagged = CliRunner().invoke(app, ["access", str(utrecht), "--out", str(out),
                                       "--allow-degraded-network"])
    assert flagged.exit_code == 0, flagged.output
    areas = gpd.read_parquet(out / "access_areas.parquet")
    addresses = gpd.read_parquet(out / "access_addresses.parquet")
    assert areas["network_degraded"].all() and addresses["network_degraded"].all()
