"""A national Monitor from real data: 342 gemeenten, RIVM 50090NED health 2012-2020 (issue 20).

Builds examples/nederland-sources.yaml (SOURCES.md items 7 and 14) and checks the gemeente
Monitor of perceived good health against the RIVM table itself. Skips where ../shared/data is
absent.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from groengezond.region.model import Region
from groengezond.region.store import read_region
from groengezond.services.build import build_to_folder
from groengezond.services.monitor import MonitorQuery, run_monitor

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "data"
RIVM_2020 = SHARED / "health" / "RIVM_50090NED_gezondheid_wijk_buurt_2020_18plus.xlsx"

pytestmark = pytest.mark.skipif(not RIVM_2020.exists(),
                                reason="../shared/data (SOURCES.md items 7 and 14) is absent")


@pytest.fixture(scope="module")
def nederland(tmp_path_factory: pytest.TempPathFactory) -> Region:
    out = tmp_path_factory.mktemp("nl") / "region"
    build_to_folder(REPO / "examples" / "nederland-sources.yaml", out)
    return read_region(out)


def test_every_gemeente_is_an_area_with_its_cbs_inhabitants(nederland: Region) -> None:
    gemeenten = nederland.areas_at("gemeente").set_index("code")
    assert len(gemeenten) == 342
    assert gemeenten.loc["GM0344", "inhabitants"] == pytest.approx(367_984, rel=0.05)
    assert nederland.counts()["areas_buurt"] == 0  # no national buurt polygons: omitted


def test_gemeente_monitor_of_perceived_health_matches_rivm(nederland: Region) -> None:
    report = run_monitor(nederland, MonitorQuery(indicator="perceived_health_good_pct",
                                                 level="gemeente", year=2020, n_sims=2000))
    ranking = report.ranking.frame
    assert report.level == "gemeente" and report.year == 2020
    values = ranking.set_index("area_code")["value"]
    assert 300 <= values.notna().sum() <= 342
    # RIVM's own row for gemeente Utrecht, 2020, 18+: 80.8 % perceive their health as good
    assert values["GM0344"] == pytest.approx(80.8, abs=0.15)
    assert values.min() > 55 and values.max() < 90
    inequality = report.inequality.frame
    row = inequality[inequality["year"] == 2020].iloc[0]
    assert row["ranking"] == "difficulty_making_ends_meet_pct" and row["n_areas"] >= 300
    # worse health where making ends meet is harder: a negative SII, about -4.6 points in
    # 2020 (from -6.9 in 2012), its 95 % interval excluding 0
    assert row["sii_lower"] < row["sii"] < row["sii_upper"] < 0
    assert row["sii"] == pytest.approx(-4.6, abs=0.3)
    assert np.isfinite(row["rii"])
