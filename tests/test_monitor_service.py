"""Tests of the Monitor service (groengezond.services.monitor)."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from groengezond.errors import InputError
from groengezond.indicators.disclosure import SUPPRESSED_MARK, PublishedTable
from groengezond.indicators.testing import monitor_region
from groengezond.region.testing import tiny_region
from groengezond.services.monitor import (
    MonitorQuery,
    access_inputs,
    compute_monitor,
    publish_all,
    run_monitor,
    write_csv,
    write_gpkg,
)

SIMS = 2_000


@pytest.fixture(scope="module")
def region():  # type: ignore[no-untyped-def]
    return monitor_region()


@pytest.fixture(scope="module")
def report(region):  # type: ignore[no-untyped-def]
    return run_monitor(region, MonitorQuery(indicator="healthy_life_expectancy_years",
                                            n_sims=SIMS, compare=("Wijk 1.1", "WK900202")))


def test_default_indicator_is_the_first_in_the_registry_that_the_region_has(region) -> None:  # type: ignore[no-untyped-def]
    assert run_monitor(region, MonitorQuery(n_sims=100)).indicator.id == \
        "healthy_life_expectancy_years"
    without = region.with_layers(indicators=region.indicators[
        region.indicators["indicator"] != "healthy_life_expectancy_years"])
    assert run_monitor(without, MonitorQuery(n_sims=100)).indicator.id == \
        "perceived_health_good_pct"


def test_latest_year_wijk(report) -> None:  # type: ignore[no-untyped-def]
    assert report.indicator.id == "healthy_life_expectancy_years"
    assert (report.level, report.year, report.years) == ("wijk", 2022, (2012, 2016, 2020, 2022))
    assert report.synthetic
    for name in ("ranking", "gap", "gap_trend", "inequality", "values", "trends",
                 "concentration", "comparison"):
        assert isinstance(getattr(report, name), PublishedTable), name


def test_ranking_best_first_with_quartile_and_trend(report) -> None:  # type: ignore[no-untyped-def]
    r = report.ranking.frame
    assert len(r) == 6
    assert list(r["rank"]) == [1, 2, 3, 4, 5, 6]
    assert r["value"].is_monotonic_decreasing
    assert (r["lower"] < r["value"]).all() and (r["value"] < r["upper"]).all()
    assert r["position"].iloc[0] == "best 25%" and r["position"].iloc[-1] == "worst 25%"
    assert set(r["arrow"]) <= {"▲", "▼", "►", "·"}
    assert set(r["colour"]) <= {"green", "red", "grey"}
    # A rising trend of a higher-is-better indicator is green.
    rising = r[r["direction"] == "rising"]
    assert (rising["colour"] == "green").all()


def test_gap_between_best_and_worst_wijk_widens(report) -> None:  # type: ignore[no-untyped-def]
    gap = report.gap.frame
    assert list(gap["year"]) == [2012, 2016, 2020, 2022]
    assert (gap["gap"] > 0).all()
    assert (gap["gap_lower"] < gap["gap"]).all() and (gap["gap"] < gap["gap_upper"]).all()
    assert gap["best_code"].nunique() == 1 and gap["worst_code"].nunique() == 1
    last = gap.iloc[-1]
    best = report.ranking.frame.iloc[0]
    assert last["best_code"] == best["area_code"]
    assert last["best_value"] - last["worst_value"] == pytest.approx(last["gap"])
    trend = report.gap_trend.frame.iloc[0]
    assert trend["direction"] == "rising"  # the test region widens the gap by construction
    assert trend["colour"] == "red"  # a widening gap is bad news


def test_inequality_sii_negative_for_deprived_areas(report) -> None:  # type: ignore[no-untyped-def]
    ineq = report.inequality.frame
    assert set(ineq["level"]) == {"wijk"}
    assert list(ineq["year"]) == [2012, 2016, 2020, 2022]
    assert (ineq["sii_upper"] < 0).all()  # deprived wijken live fewer healthy years
    assert (ineq["rii"] < 0).all()
    assert (ineq["gap"] < 0).all()  # most − least deprived quintile
    assert (ineq["sims"] == SIMS).all()
    assert set(ineq["ranking"]) == {"low_income_households_pct"}


def test_small_buurt_suppressed_and_not_ranked(region) -> None:  # type: ignore[no-untyped-def]
    rep = run_monitor(region, MonitorQuery(level="buurt", n_sims=SIMS))
    r = rep.ranking.frame
    small = r[r["area_code"] == "BU90020304"].iloc[0]
    assert small["suppressed"] and np.isnan(small["value"]) and np.isnan(small["rank"])
    assert small["direction"] == SUPPRESSED_MARK
    assert r["rank"].dropna().tolist() == list(range(1, len(r)))
    shown = rep.ranking.display_frame()
    row = shown[shown["area_code"] == "BU90020304"].iloc[0]
    assert row["value"] == SUPPRESSED_MARK and row["rank"] == SUPPRESSED_MARK
    trends = rep.trends.frame
    t = trends[(trends["area_code"] == "BU90020304") & (trends["indicator"] != "canopy_pct")]
    assert t.empty or t["suppressed"].all()
    # Land cover is not about persons (rule 'none'): published even for a tiny buurt.
    canopy = trends[(trends["area_code"] == "BU90020304") & (trends["indicator"] == "canopy_pct")]
    assert not canopy["suppressed"].any()


def test_comparison_of_two_areas(report) -> None:  # type: ignore[no-untyped-def]
    c = report.comparison.frame.iloc[0]
    assert (c["area_a"], c["area_b"]) == ("WK900101", "WK900202")
    assert c["difference"] == pytest.approx(c["value_a"] - c["value_b"])
    assert c["lower"] < c["difference"] < c["upper"]
    assert c["significant"] in ("yes", "no")


def test_concentration_of_poor_access_among_low_income(report) -> None:  # type: ignore[no-untyped-def]
    c = report.concentration.frame
    assert set(c["method"]) == {"buurten"}
    assert (c["concentration_index"] < 0).all()  # low access where income is low
    assert (c["ratio"] > 1).all()


def test_address_level_concentration() -> None:
    access = pd.DataFrame({"address_id": [0, 1, 2, 3],
                           "green_within_300m": [False, False, True, True]})
    tables = compute_monitor(tiny_region(), n_sims=200, address_access=access)
    row = tables.concentration[tables.concentration["method"] == "addresses"].iloc[0]
    # Decile ≤ 2: only address 0 (3 residents); without access: addresses 0 and 1 (6).
    assert row["low_income_share_without_access"] == pytest.approx(0.5)
    assert row["low_income_share_all"] == pytest.approx(0.3)
    assert row["ratio"] == pytest.approx(0.5 / 0.3)
    assert row["concentration_index"] < 0


def test_compute_monitor_covers_all_levels(region) -> None:  # type: ignore[no-untyped-def]
    tables = compute_monitor(region, n_sims=200)
    v = tables.values
    assert set(v["level"]) == {"buurt", "wijk", "gemeente", "region"}
    assert {"healthy_life_expectancy_years", "green_within_300m_pct", "canopy_pct"} <= set(
        v["indicator"])
    assert set(tables.inequality["level"]) == {"buurt", "wijk"}  # 2 gemeenten < 3 areas
    small = v[(v["area_code"] == "BU90020304") & (v["indicator"] != "canopy_pct")]
    assert small["quartile"].isna().all()
    published = publish_all(tables)
    assert all(isinstance(t, PublishedTable) for t in published.values())


def test_records_are_json_ready(report) -> None:  # type: ignore[no-untyped-def]
    text = json.dumps(report.ranking.records())
    assert "NaN" not in text
    json.dumps(report.values.records()[:50])


@pytest.mark.parametrize("query, match", [
    (MonitorQuery(indicator="nope"), "unknown indicator"),
    (MonitorQuery(indicator="overweight_pct"), "no values"),
    (MonitorQuery(year=1999), "no values for 1999"),
])
def test_bad_queries_raise_input_error(region, query, match) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match=match):
        run_monitor(region, query)


def test_compare_unknown_area(region) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match="no area"):
        run_monitor(region, MonitorQuery(n_sims=200, compare=("Nowhere", "Wijk 1.1")))


def test_writers(tmp_path, report, region) -> None:  # type: ignore[no-untyped-def]
    csv = write_csv(report.ranking, tmp_path / "r.csv")
    back = pd.read_csv(csv, dtype=str, keep_default_na=False)
    assert list(back["rank"]) == ["1", "2", "3", "4", "5", "6"]
    gpkg = write_gpkg({"ranking": report.ranking, "inequality": report.inequality},
                      region.areas, tmp_path / "m.gpkg")
    layer = gpd.read_file(gpkg, layer="ranking")
    assert layer.crs.to_epsg() == 28992 and len(layer) == 6
    assert not list(tmp_path.glob(".*tmp*"))


def test_access_inputs_maps_columns_to_registry_ids() -> None:
    areas = pd.DataFrame({"code": ["BU1", "WK1"], "within_300m_network": [0.25, 0.5],
                          "meets_3_30_300": [0.1, 0.2], "canopy_share": [0.3, 0.2],
                          "green_m2_per_inhabitant_500m": [40.0, 50.0], "unrelated": [1, 2]})
    addresses = pd.DataFrame({"address_id": [1, 2], "within_300m_network": [True, False]})
    extra, address_access = access_inputs(areas, addresses, 2022)
    got = extra.set_index(["area_code", "indicator"])["value"]
    assert got[("BU1", "green_within_300m_pct")] == 25
    assert got[("WK1", "rule_3_30_300_all_pct")] == 20
    assert got[("BU1", "canopy_pct")] == pytest.approx(30)
    assert got[("WK1", "green_m2_per_inhabitant")] == 50
    assert set(extra["year"]) == {2022}
    assert address_access is not None
    assert address_access["green_within_300m"].tolist() == [True, False]


def test_end_to_end_synthetic_region() -> None:
    """30,000-inhabitant synthetic region, with the access engine's green indicators."""
    synth = pytest.importorskip("groengezond.synth")
    access_service = pytest.importorskip("groengezond.services.access")
    region = synth.generate_region(30_000, seed=42)
    access = access_service.compute_access(region)
    extra, address_access = access_inputs(access.areas, access.addresses,
                                          max(region.meta.years))
    rep = run_monitor(region, MonitorQuery(indicator="healthy_life_expectancy_years",
                                           n_sims=2_000), extra=extra,
                      address_access=address_access)
    assert rep.indicator.id == "healthy_life_expectancy_years"
    assert rep.years == (2012, 2016, 2020, 2022) and rep.year == 2022
    gap = rep.gap.frame
    assert list(gap["year"]) == [2012, 2016, 2020, 2022]
    last = gap.iloc[-1]
    assert last["gap"] > 3 and last["gap_lower"] > 0  # a real health gap between wijken
    assert len(rep.gap_trend) == 1
    ineq = rep.inequality.frame
    assert (ineq["sii"] < 0).all()  # deprived wijken: fewer healthy years
    values = rep.values.frame
    assert {"buurt", "wijk", "gemeente", "region"} <= set(values["level"])
    assert {"green_within_300m_pct", "rule_3_30_300_all_pct", "perceived_health_good_pct",
            "income_mean_eur"} <= set(values["indicator"])
    shown = values[~values["suppressed"]]
    persons_rule = shown["indicator"] != "canopy_pct"
    assert (shown.loc[persons_rule, "persons"] >= 10).all()
    conc = rep.concentration.frame
    assert "addresses" in set(conc["method"])
    json.dumps(rep.ranking.records())
