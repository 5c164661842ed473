"""Health: RIVM small-area estimates with SE, Gezondheidsmonitor CSV, RIVM OData 50120NED."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from groengezond.errors import InputError
from groengezond.sources.rivm import Z95, read_small_area, read_statline_health

DATA = Path(__file__).resolve().parent / "data" / "sources"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
OVERWEIGHT = SHARED / "health" / "rivm_overgewicht_prevalentie_buurt2016_regio_utrecht.tsv"
MONITOR = SHARED / "health" / "gezondheidsmonitor2020_ervaren_gezondheid_65plus_gemeente.csv"
needs_shared = pytest.mark.skipif(not OVERWEIGHT.exists(),
                                  reason=f"shared real data not found at {SHARED}")


def test_small_area_keeps_standard_error_and_interval(tmp_path: Path) -> None:
    path = tmp_path / "p.tsv"
    path.write_text("bu_code\tpop\tp\tse.p\nBU99900101\t100\t0.4\t0.02\nBU99900102\t0\tNA\tNA\n")
    table = read_small_area(path, indicator="overweight_pct", year=2012)
    rows = table.indicators.set_index("area_code")
    assert rows.loc["BU99900101", "value"] == pytest.approx(40.0)
    assert rows.loc["BU99900101", "standard_error"] == pytest.approx(2.0)
    assert rows.loc["BU99900101", "lower"] == pytest.approx(40.0 - Z95 * 2.0)
    assert rows.loc["BU99900101", "upper"] == pytest.approx(40.0 + Z95 * 2.0)
    assert math.isnan(rows.loc["BU99900102", "value"])
    assert rows["year"].iloc[0] == 2012
    assert any("proportions" in str(w) for w in table.warnings)


def test_small_area_errors(tmp_path: Path) -> None:
    path = tmp_path / "p.tsv"
    path.write_text("bu_code\tp\tse.p\nBU99900101\tveel\t0.1\nBU99900101\t0.2\t-0.1\n")
    with pytest.raises(InputError) as err:
        read_small_area(path, indicator="overweight_pct", year=2012)
    text = str(err.value)
    assert "'veel' is not a number" in text and "negative" in text and "duplicates" in text


@needs_shared
@pytest.mark.realdata
def test_real_overweight_estimates_cover_every_utrecht_buurt() -> None:
    table = read_small_area(OVERWEIGHT, indicator="overweight_pct", year=2012)
    frame = table.indicators
    assert len(frame) == 2955
    utrecht = frame[frame["area_code"].str.startswith("BU0344")]
    assert len(utrecht) == 111
    assert int(utrecht["value"].notna().sum()) == 108
    assert utrecht["value"].mean() == pytest.approx(39, abs=1)
    known = utrecht.dropna(subset=["value"])
    assert (known["lower"] <= known["value"]).all() and (known["value"] <= known["upper"]).all()


@needs_shared
@pytest.mark.realdata
def test_real_gezondheidsmonitor_65plus() -> None:
    table = read_statline_health(MONITOR, year=2020)
    frame = table.indicators.set_index("area_code")
    assert len(frame) == 355
    assert set(frame["indicator"]) == {"perceived_health_good_pct"}
    assert set(frame["age_group"]) == {"65+"}
    assert frame.loc["GM0344", "value"] == pytest.approx(59.8)
    assert frame.loc["GM0307", "value"] == pytest.approx(69.6)
    assert frame.loc["GM0356", "value"] == pytest.approx(65.9)


def test_statline_csv_needs_a_year(tmp_path: Path) -> None:
    path = tmp_path / "monitor.csv"
    path.write_text("ID;Persoonskenmerken;Marges;RegioS;ErvarenGezondheidGoedZeerGoed_6\n"
                    "1;80200;MW00000;GM9990;    70.1\n", "utf-8-sig")
    with pytest.raises(InputError, match="give `year`"):
        read_statline_health(path)
    assert read_statline_health(path, year=2020).indicators["value"].iloc[0] == 70.1


def test_rivm_odata_pivots_margins_into_interval() -> None:
    table = read_statline_health(DATA / "rivm_50120NED_typeddataset.json")
    frame = table.indicators
    assert set(frame["year"]) == {2020, 2022}
    row = frame[(frame["area_code"] == "BU99900101") & (frame["year"] == 2022)
                & (frame["indicator"] == "perceived_health_good_pct")
                & (frame["age_group"] == "18+")].iloc[0]
    assert (row["lower"], row["value"], row["upper"]) == (64.5, 68.5, 72.5)
    assert row["standard_error"] == pytest.approx(8.0 / (2 * Z95))
    old = frame[(frame["indicator"] == "perceived_health_good_pct")
                & (frame["age_group"] == "65+")]
    assert len(old) == 8
    missing = old[(old["area_code"] == "BU99900102")]
    assert missing["value"].isna().all()
    assert {"overweight_pct", "depression_anxiety_risk_pct", "lonely_pct"} <= set(
        frame["indicator"])
    assert any("MantelzorgOntvangen_99" in str(w) for w in table.warnings)


def test_interval_that_does_not_hold_the_value_is_dropped(tmp_path: Path) -> None:
    rows = [{"WijkenEnBuurten": "GM9990", "Leeftijd": "20300", "Perioden": "2022JJ00",
             "Marges": m, "Overgewicht_9": v}
            for m, v in (("MW00000", 50.0), ("MOG0095", 55.0), ("MBG0095", 60.0))]
    path = tmp_path / "t.json"
    path.write_text(json.dumps({"value": rows}))
    table = read_statline_health(path)
    assert math.isnan(table.indicators["lower"].iloc[0])
    assert any("does not hold" in str(w) for w in table.warnings)

