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

needs_data = pytest.mark.skipif(not RIVM_2020.exists(),
                                reason="../shared/data (SOURCES.md items 7 and 14) is absent")


@pytest.fixture(scope="module")
def nederland(tmp_path_factory: pytest.TempPathFactory) -> Region:
    out = tmp_path_factory.mktemp("nl") / "region"
    build_to_folder(REPO / "examples" / "nederland-sources.yaml", out)
    return read_region(out)


@needs_data
def test_every_gemeente_is_an_area_with_its_cbs_inhabitants(nederland: Region) -> None:
    gemeenten = nederland.areas_at("gemeente").set_index("code")
    assert len(gemeenten) == 342
    assert gemeenten.loc["GM0344", "inhabitants"] == pytest.approx(367_984, rel=0.05)
    assert nederland.counts()["areas_buurt"] == 0  # no national buurt polygons: omitted


@needs_data
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


@needs_data
def test_gap_within_every_gemeente_from_buurt_values_without_polygons() -> None:
    from groengezond.indicators.within_gaps import within_gemeente_gaps
    from groengezond.sources.rivm_50090 import read_rivm_50090

    table = read_rivm_50090(RIVM_2020).indicators
    gaps = within_gemeente_gaps(table, "perceived_health_good_pct",
                                "difficulty_making_ends_meet_pct", 2020).set_index("gemeente")
    assert len(gaps) >= 342
    assert (gaps["geometry"] == "none").all() and (gaps["weights"] == "equal_per_buurt").all()
    utrecht = gaps.loc["GM0344"]
    assert utrecht["n_buurten"] > 100
    assert utrecht["sii_lower"] < utrecht["sii"] < utrecht["sii_upper"] < 0
    small = gaps[gaps["n_buurten"] < 5]
    assert small["sii"].isna().all() and (small["not_computable"] != "").all()
    # within gemeenten the gap is wider than between them (about -4.6 points in 2020)
    assert gaps["sii"].median() < -4.6


def test_within_gemeente_gap_by_hand() -> None:
    import pandas as pd

    from groengezond.indicators.within_gaps import within_gemeente_gaps

    # five buurten of one gemeente: health falls 2 points per step of deprivation rank
    rows = [{"area_code": f"BU0999010{i}", "indicator": ind, "year": 2020, "age_group": "18+",
             "value": v} for i in range(5)
            for ind, v in (("perceived_health_good_pct", 80.0 - 2 * i),
                           ("difficulty_making_ends_meet_pct", 10.0 + i))]
    out = within_gemeente_gaps(pd.DataFrame(rows), "perceived_health_good_pct",
                               "difficulty_making_ends_meet_pct", 2020).iloc[0]
    # equal weights: rank midpoints 0.1 .. 0.9, slope of (80, 78, ..., 72) over them = -10
    assert out["sii"] == pytest.approx(-10.0)
    assert out["n_buurten"] == 5
