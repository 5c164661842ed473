"""Issues 12 and 13 end to end, as a user types them, on the real data in ../shared/data.

The exact commands of the issues (their names are part of the interface)::

    groengezond build --config examples/utrecht-sources.yaml --out data/utrecht
    groengezond monitor data/utrecht --indicator perceived_health_good_pct --level wijk \
        --year 2020 --out DIR
    groengezond plan examples/scenarios/utrecht_overvecht_park.yaml --region data/utrecht

Skipped where ../shared/data is absent.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from groengezond.cli.app import app

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "data"
CONFIG = REPO / "examples" / "utrecht-sources.yaml"

pytestmark = [
    pytest.mark.realdata,
    pytest.mark.skipif(not SHARED.exists(), reason=f"shared real data not found at {SHARED} "
                       "(CI clones the repository next to shared/)"),
]


@pytest.fixture(scope="module")
def utrecht(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("work") / "data" / "utrecht"
    result = CliRunner().invoke(app, ["build", "--config", str(CONFIG), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_monitor_ranks_overvecht_last_with_a_finite_sii(utrecht: Path, tmp_path: Path) -> None:
    out = tmp_path / "monitor"
    result = CliRunner().invoke(app, [
        "monitor", str(utrecht), "--indicator", "perceived_health_good_pct", "--level", "wijk",
        "--year", "2020", "--out", str(out)])
    assert result.exit_code == 0, result.output
    ranking = pd.read_csv(out / "ranking.csv")
    ranked = ranking.dropna(subset=["rank"]).sort_values("rank")
    assert len(ranked) == 10
    assert ranked["area_code"].iloc[-1] == "WK034403"
    assert ranked["value"].iloc[-1] == pytest.approx(ranked["value"].min())
    ineq = pd.read_csv(out / "inequality.csv", keep_default_na=False)
    row = ineq[ineq["year"].astype(str) == "2020"].iloc[0]
    sii, lower, upper = (float(row[c]) for c in ("sii", "sii_lower", "sii_upper"))
    assert math.isfinite(sii) and lower < sii < upper
    # better health among the less deprived: the SII of a 'higher is better' indicator,
    # most minus least deprived, is negative
    assert sii < 0
    assert row["ranking"] in ("ses_woa_score", "difficulty_making_ends_meet_pct")
    assert row["interval_method"] == "regression"  # 50090NED has point estimates only


def test_plan_overvecht_park_gives_deaths_or_the_reason(utrecht: Path, tmp_path: Path) -> None:
    out = tmp_path / "park.result.json"
    result = CliRunner().invoke(app, [
        "plan", str(REPO / "examples" / "scenarios" / "utrecht_overvecht_park.yaml"),
        "--region", str(utrecht), "--out", str(out)])
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text("utf-8"))["results"][0]
    deaths = [p for p in doc["pathways"] if p["outcome"] == "all_cause_mortality"]
    assert deaths
    for pathway in deaths:
        if pathway["total"] is None:
            assert pathway["not_computable"]["reason"], pathway["erf_id"]
        else:
            total = pathway["total"]
            assert total["lower"] <= total["median"] <= total["upper"]
    greenness = next(p for p in deaths if p["erf_id"] == "green_mortality")
    assert greenness["total"] is not None and greenness["total"]["median"] > 0
