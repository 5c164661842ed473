"""Monitor outputs carry their quality; figures that cannot be computed say so, never 0."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from typer.testing import CliRunner

from groengezond.cli.app import app
from groengezond.indicators.registry import load_registry
from groengezond.indicators.testing import monitor_region
from groengezond.region.model import Region
from groengezond.region.quality import LayerQuality, set_layer_quality
from groengezond.region.store import write_region
from groengezond.services.figure_quality import default_indicator, figure_quality, layers_of
from groengezond.services.monitor import MonitorQuery, run_monitor

PLACEHOLDER = "BU90010101"
HLE = "healthy_life_expectancy_years"


def with_placeholder(region: Region) -> Region:
    """``region`` with one buurt marked as carrying its wijk's polygon."""
    areas = region.areas.copy()
    areas["geometry_quality"] = "real"
    areas.loc[areas["code"] == PLACEHOLDER, "geometry_quality"] = "placeholder"
    areas.loc[areas["level"].isin(["wijk", "gemeente", "region"]), "geometry_quality"] = \
        "derived"
    return region.with_layers(areas=areas)


@pytest.fixture(scope="module")
def region() -> Region:
    return with_placeholder(monitor_region())


def test_rows_take_the_worst_of_geometry_and_layers(region: Region) -> None:
    reg = load_registry()
    rows = pd.DataFrame({"area_code": [PLACEHOLDER, "BU90010102", "WK900101", "BU90010102"],
                         "indicator": [HLE, HLE, HLE, "green_within_300m_pct"]})
    assert figure_quality(rows, region, reg).tolist() == ["placeholder", "real", "derived",
                                                          "real"]
    lattice = set_layer_quality(region, "addresses", LayerQuality(
        status="placeholder", reason="lattice", key="addresses.lattice"))
    assert figure_quality(rows, lattice, reg).tolist()[-1] == "placeholder"
    assert figure_quality(rows, lattice, reg).tolist()[1] == "real"  # a table value
    assert layers_of("green_within_300m_pct", reg) == ("addresses", "green", "network")
    assert layers_of(HLE, reg) == ("indicators",)


def test_default_indicator_follows_registry_order() -> None:
    reg = load_registry()
    assert default_indicator(["inhabitants", "overweight_pct"], reg) == "overweight_pct"
    assert default_indicator(["inhabitants"], reg) == "inhabitants"


def test_ranking_values_and_gap_carry_quality(region: Region) -> None:
    rep = run_monitor(region, MonitorQuery(indicator=HLE, level="buurt", n_sims=200))
    ranking = rep.ranking.frame.set_index("area_code")
    assert ranking.loc[PLACEHOLDER, "quality"] == "placeholder"
    assert ranking.loc["BU90010102", "quality"] == "real"
    values = rep.values.frame
    wijk = values[(values["level"] == "wijk") & (values["indicator"] == HLE)]
    assert set(wijk["quality"]) == {"derived"}
    assert set(rep.gap.frame["quality"]) <= {"real", "placeholder"}
    assert rep.inequality.frame["quality"].iloc[-1] == "placeholder"  # one buurt placeholder
    trends = rep.trends.frame
    assert (trends.loc[trends["area_code"] == PLACEHOLDER, "quality"] == "placeholder").all()


def test_sii_without_ranking_is_not_computable(region: Region) -> None:
    rankless = region.with_layers(indicators=region.indicators[~region.indicators["indicator"]
                                  .isin(["income_mean_eur", "low_income_households_pct"])])
    rep = run_monitor(rankless, MonitorQuery(indicator=HLE, level="wijk", n_sims=200))
    row = rep.inequality.frame.iloc[0]
    assert row["not_computable"].startswith("not computable: no deprivation ranking")
    assert row["not_computable_key"] == "monitor.no_ranking"
    assert row["quality"] == "missing" and pd.isna(row["sii"])
    shown = rep.inequality.display_frame()
    assert shown["sii"].iloc[0] == "" and shown["sii"].iloc[0] != "0"


def test_cli_writes_quality_and_not_computable(region: Region, tmp_path: Path) -> None:
    rankless = region.with_layers(indicators=region.indicators[~region.indicators["indicator"]
                                  .isin(["income_mean_eur", "low_income_households_pct"])])
    folder = write_region(rankless, tmp_path / "r")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["monitor", str(folder), "--indicator", HLE, "--level",
                                      "buurt", "--sims", "200", "--out", str(out)],
                                env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "not computable: no deprivation ranking" in " ".join(result.output.split())
    assert "quality" in result.output and "placeholder" in result.output
    ranking = pd.read_csv(out / "ranking.csv", dtype=str, keep_default_na=False)
    assert ranking.set_index("area_code").loc[PLACEHOLDER, "quality"] == "placeholder"
    ineq = pd.read_csv(out / "inequality.csv", dtype=str, keep_default_na=False)
    assert ineq["not_computable"].iloc[0].startswith("not computable")
    layer = gpd.read_file(out / "monitor.gpkg", layer="ranking")
    assert layer.loc[layer["area_code"] == PLACEHOLDER, "quality"].tolist() == ["placeholder"]
    assert layer.loc[layer["area_code"] == PLACEHOLDER, "geometry_quality"].tolist() == [
        "placeholder"]


def test_engine_figure_without_its_layer_says_not_computable(region: Region) -> None:
    assert region.landcover is None  # the Monitor test region has no land-cover raster
    buurten = region.areas_at("buurt")["code"]
    extra = pd.DataFrame({"area_code": buurten, "indicator": "rule_3_30_300_canopy_pct",
                          "year": 2022, "value": float("nan"), "lower": float("nan"),
                          "upper": float("nan"), "source": "groengezond access engine"})
    rep = run_monitor(region, MonitorQuery(indicator=HLE, level="buurt", n_sims=200),
                      extra=extra)
    values = rep.values.frame
    canopy = values[values["indicator"] == "rule_3_30_300_canopy_pct"]
    assert len(canopy) and canopy["value"].isna().all()
    assert set(canopy["quality"]) == {"missing"}
    # the test region has neither addresses nor land cover: both are named
    assert set(canopy["not_computable_key"]) == {"addresses.missing"}
    assert canopy["not_computable"].str.startswith("not computable: the region has no "
                                                   "addresses or landcover layer").all()
    table = values[values["indicator"] == "canopy_pct"]  # read from a table: kept as it is
    kept = table[table["value"].notna()]
    assert len(kept) and (kept["not_computable"] == "").all()
