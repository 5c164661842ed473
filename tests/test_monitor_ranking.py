"""The deprivation ranking of the Monitor: default, --rank-by, nearest year, not computable.

On the Monitor test region (income and low-income share every survey year) and, where
../shared/data exists, on gemeente Utrecht: perceived good health (RIVM 50090NED, 2020, read
through a `tables:` entry) per wijk, ranked by the SES-WOA score of the province table.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from groengezond.api.app import create_app
from groengezond.cli.app import app
from groengezond.errors import InputError
from groengezond.indicators.deprivation import RankingChoice, choose_ranking
from groengezond.indicators.registry import load_registry
from groengezond.indicators.testing import monitor_region
from groengezond.region.model import Region
from groengezond.region.quality import NotComputable
from groengezond.region.store import read_region, write_region
from groengezond.services.build import build_to_folder
from groengezond.services.monitor import MonitorQuery, compute_monitor, run_monitor

SIMS = 500
HLE = "healthy_life_expectancy_years"
RANKINGS = ("low_income_households_pct", "income_mean_eur")
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def region() -> Region:
    return monitor_region()


def without(region: Region, keep_years: dict[str, list[int]]) -> Region:
    """The region with the ranking indicators kept only in the given years."""
    ind = region.indicators
    drop = pd.Series(False, index=ind.index)
    for rid in RANKINGS:
        drop |= (ind["indicator"] == rid) & ~ind["year"].isin(keep_years.get(rid, []))
    return Region(meta=region.meta, areas=region.areas, indicators=ind[~drop])


def test_default_names_the_first_preference_present(region: Region) -> None:
    rep = run_monitor(region, MonitorQuery(n_sims=SIMS))
    ineq = rep.inequality.frame
    assert set(ineq["ranking"]) == {"low_income_households_pct"}
    assert (ineq["ranking_year"] == ineq["year"]).all()
    assert (ineq["not_computable"] == "").all()
    assert rep.deprivation == RankingChoice("low_income_households_pct", rep.year)
    ranking = rep.ranking.frame
    assert set(ranking["deprivation_ranking"]) == {"low_income_households_pct"}
    assert set(ranking["deprivation_ranking_year"]) == {rep.year}


def test_rank_by_another_indicator(region: Region) -> None:
    rep = run_monitor(region, MonitorQuery(n_sims=SIMS, rank_by="income_mean_eur"))
    ineq = rep.inequality.frame
    assert set(ineq["ranking"]) == {"income_mean_eur"}
    assert (ineq["sii"] < 0).all()  # deprived (low income) wijken: fewer healthy years
    with pytest.raises(InputError, match="unknown indicator"):
        run_monitor(region, MonitorQuery(n_sims=SIMS, rank_by="no_such_indicator"))
    with pytest.raises(InputError, match="has no values of 'ses_woa_score'"):
        run_monitor(region, MonitorQuery(n_sims=SIMS, rank_by="ses_woa_score"))


def test_nearest_year_is_stated(region: Region) -> None:
    only_2020 = without(region, {"income_mean_eur": [2020]})
    tables = compute_monitor(only_2020, n_sims=SIMS)
    hle = tables.inequality[(tables.inequality["indicator"] == HLE)
                            & (tables.inequality["level"] == "wijk")].set_index("year")
    assert hle.loc[2012, "ranking"] == "income_mean_eur"
    assert hle.loc[2012, "ranking_year"] == 2020
    assert "nearest to 2012" in hle.loc[2012, "ranking_note"]
    assert hle.loc[2020, "ranking_note"] == ""
    stated = "wijk level in 2012, 2016, 2022: ranked by income_mean_eur of 2020"
    assert any(stated in n for n in tables.notes)


def test_no_ranking_reads_not_computable(region: Region, tmp_path: Path) -> None:
    none = without(region, {})
    rep = run_monitor(none, MonitorQuery(n_sims=SIMS))
    ineq = rep.inequality.frame
    assert len(ineq) >= 1 and ineq["sii"].isna().all()
    reason = ineq.loc[ineq["year"] == rep.year, "not_computable"].iloc[0]
    assert reason.startswith("not computable: no deprivation ranking (ses_woa_score or ")
    assert isinstance(rep.deprivation, NotComputable)
    assert rep.deprivation.key == "inequality.no_ranking"
    assert set(rep.ranking.frame["deprivation_ranking"]) == {reason}
    choice = choose_ranking(compute_monitor(none, n_sims=SIMS).values, load_registry(),
                            "wijk", 2020)
    assert isinstance(choice, NotComputable) and "ses_woa_score" in choice.missing


def test_cli_rank_by_writes_the_ranking_into_every_table(region: Region,
                                                         tmp_path: Path) -> None:
    folder = write_region(region, tmp_path / "region")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["monitor", str(folder), "--sims", "200", "--rank-by",
                                      "income_mean_eur", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "ranked by income_mean_eur 2022" in " ".join(result.output.split())
    ineq = pd.read_csv(out / "inequality.csv", dtype=str, keep_default_na=False)
    assert set(ineq["ranking"]) == {"income_mean_eur"}
    ranking = pd.read_csv(out / "ranking.csv", dtype=str, keep_default_na=False)
    assert set(ranking["deprivation_ranking"]) == {"income_mean_eur"}
    bad = CliRunner().invoke(app, ["monitor", str(folder), "--sims", "200", "--rank-by", "x"])
    assert bad.exit_code == 2 and "rank_by" in bad.output
    none = write_region(without(region, {}), tmp_path / "none")
    result = CliRunner().invoke(app, ["monitor", str(none), "--sims", "200"])
    assert result.exit_code == 0, result.output
    assert "not computable: no deprivation ranking" in " ".join(result.output.split())


def test_api_rank_by(region: Region, tmp_path: Path) -> None:
    folder = write_region(region, tmp_path / "region")
    client = TestClient(create_app(folder))
    url = f"/api/indicators/{HLE}/inequality"
    body = client.get(url, params={"level": "wijk"}).json()
    assert body["ranking"] == "low_income_households_pct" and body["not_computable"] is None
    body = client.get(url, params={"level": "wijk", "rank_by": "income_mean_eur"}).json()
    assert body["ranking"] == "income_mean_eur" and body["ranking_year"] == 2022
    assert {r["ranking"] for r in body["series"]} == {"income_mean_eur"}
    assert client.get(url, params={"rank_by": "unknown_id"}).status_code == 422


# ------------------------------------------------------------------ real data


@pytest.mark.realdata
@pytest.mark.skipif(not SHARED.exists(), reason=f"shared real data not found at {SHARED}")
def test_utrecht_sii_of_perceived_health_ranked_by_ses(tmp_path: Path) -> None:
    province = yaml.safe_load((REPO / "examples" / "amersfoort-sources.yaml")
                              .read_text("utf-8"))["tables"][0]
    province.pop("defines_areas")
    province["path"] = str(SHARED / "cbs_kwb" / province["path"].split("/cbs_kwb/")[1])
    doc = {
        "name": "Utrecht", "gemeenten": ["GM0344"], "primary_year": 2023,
        "region": {"code": "RG0344"},
        "cbs": [{"path": str(SHARED / "cbs_kwb" / "kwb2023_gemeente_utrecht.csv"),
                 "year": 2023}],
        "tables": [province, {
            "path": str(SHARED / "health" / "RIVM_50090NED_gezondheid_wijk_buurt_2020_18plus"
                                            ".xlsx"),
            "year": 2020, "code_column": "WijkenEnBuurten",
            "ignore": ["ID", "Leeftijd", "Marges", "Perioden", "Gemeentenaam_1",
                       "SoortRegio_2", "Codering_3"],
            "columns": {"ErvarenGezondheidGoedZeerGoed_4": "perceived_health_good_pct"}}],
        "boundaries": [{"path": str(SHARED / "boundaries"
                                    / "cbs_wijken_2016_gegeneraliseerd_regio_utrecht.gpkg"),
                        "year": 2016}],
        "population": {"method": "lattice", "spacing_m": 200},
    }
    config = tmp_path / "utrecht.yaml"
    config.write_text(yaml.safe_dump(doc))
    report = build_to_folder(config, tmp_path / "utrecht")
    assert any("not mapped" in w for w in report.warnings)  # the other RIVM columns, listed
    region = read_region(tmp_path / "utrecht")
    rep = run_monitor(region, MonitorQuery(indicator="perceived_health_good_pct", level="wijk",
                                           year=2020, n_sims=2_000))
    assert rep.ranking.frame.sort_values("value")["area_code"].iloc[0] == "WK034403"
    row = rep.inequality.frame.set_index("year").loc[2020]
    assert row["ranking"] == "ses_woa_score" and row["ranking_year"] == 2020
    assert row["not_computable"] == "" and row["n_areas"] == 10
    assert pd.notna(row["sii"]) and row["sii"] < 0  # more deprived wijken: less good health
    assert set(rep.ranking.frame["deprivation_ranking"]) == {"ses_woa_score"}
