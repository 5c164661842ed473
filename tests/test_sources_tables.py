"""Tests of the CBS-shaped table reader (groengezond.sources.tables) and the registry ranges.

Hand-written tables in the shape of the province buurt table (SOURCES.md item 4); hypothesis
covers codes with and without padding, '.' and empty cells, Latin-1 files with ';' and decimal
commas, and percentage columns whose units flip in some rows. The real province table is read
where ../shared/data exists (skipped otherwise).
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from groengezond.errors import InputError
from groengezond.indicators.registry import load_registry, parse_registry
from groengezond.sources.config import parse_config
from groengezond.sources.tables import TableSpec, normalise_code, read_table

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
PROVINCE = SHARED / "cbs_kwb" / "kwb2020_buurten_provincie_utrecht_leefbaarometer.csv"
FUZZ = settings(max_examples=int(os.environ.get("GG_FUZZ_EXAMPLES", "40")), deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])

HEADER = ",buurt_code,gm_naam,regio,aantal_inwoners,leefbarometer_score,"\
         "social_economische_score_gemiddeld,koop_pct,afstand_tot_ziekenhuis_km,energie"
ROWS = [
    "0,BU99900101,Testdorp,Noord,710,4.22,-0.12,26,2.3,1310",
    "1,BU99900102,Testdorp,Zuid,460,4.26,0.09,41,0.0,1280",
    "2,BU99910101,Anderdorp,Elders,165,4.28,0.0,45,2.6,1350",
]
SPEC = {"code_column": "buurt_code", "name_column": "regio",
        "inhabitants_column": "aantal_inwoners", "year": 2020, "ignore": ["", "gm_naam"],
        "columns": {"leefbarometer_score": "leefbaarometer_score",
                    "social_economische_score_gemiddeld": "ses_woa_score",
                    "koop_pct": "age_25_44_pct",
                    "afstand_tot_ziekenhuis_km": {"id": "distance_hospital_km",
                                                  "missing_values": [0]}}}


def write(path: Path, header: str, rows: list[str], encoding: str = "utf-8") -> Path:
    path.write_bytes(("\n".join([header, *rows]) + "\n").encode(encoding))
    return path


def spec(**changes: object) -> TableSpec:
    return TableSpec.model_validate({**SPEC, **changes})


def value(read: object, code: str, indicator: str) -> float:
    frame = read.indicators  # type: ignore[attr-defined]
    hit = frame[(frame["area_code"] == code) & (frame["indicator"] == indicator)]
    return float(hit["value"].iloc[0]) if len(hit) else math.nan


# ------------------------------------------------------------------ registry ranges


def test_registry_ranges_default_by_unit_and_explicit_for_scores() -> None:
    reg = load_registry()
    assert reg["perceived_health_good_pct"].bounds == (0.0, 100.0)
    assert reg["inhabitants"].bounds == (0.0, None)
    assert reg["distance_hospital_km"].bounds == (0.0, None)
    assert reg["ses_woa_score"].bounds == (None, None)
    assert reg["leefbaarometer_physical_environment"].bounds == (None, None)
    assert reg["leefbaarometer_score"].bounds == (0.0, None)
    assert reg["road_traffic_noise_db"].bounds == (0.0, 120.0)
    assert list(reg["ses_woa_score"].outside([-1.05, 0.7, np.nan])) == [False, False, False]
    assert list(reg["age_65_plus_pct"].outside([-1, 50, 101, np.nan])) == [True, False, True,
                                                                             False]
    for ind in ("leefbaarometer_score", "ses_woa_score", "road_traffic_noise_db",
                "rail_traffic_noise_db", "distance_large_supermarket_km"):
        entry = reg[ind]
        assert entry.name_nl and entry.name_en and entry.source in reg.sources
    assert reg.ranking_preference[0] == "ses_woa_score"


def test_registry_refuses_a_backwards_range() -> None:
    doc = {"version": 1, "sources": {"s": "x"}, "indicators": [{
        "id": "a_score", "name_nl": "A", "name_en": "A", "unit": "score", "domain": "social",
        "good_direction": "higher", "source": "s", "years": [2012, 2022],
        "aggregate": {"method": "weighted_mean", "weight": "inhabitants"},
        "disclosure": {"rule": "persons"}, "valid_range": [5, 1]}]}
    with pytest.raises(InputError, match="backwards"):
        parse_registry(yaml.safe_dump(doc))
    doc["indicators"][0]["valid_range"] = [None, 3]  # type: ignore[index]
    assert parse_registry(yaml.safe_dump(doc))["a_score"].bounds == (None, 3)


# ------------------------------------------------------------------ reading


def test_reads_mapped_columns_and_lists_the_rest(tmp_path: Path) -> None:
    path = write(tmp_path / "buurten.csv", HEADER, ROWS)
    read = read_table(path, spec(), gemeenten=["GM9990"])
    assert value(read, "BU99900101", "ses_woa_score") == pytest.approx(-0.12)
    assert value(read, "BU99900101", "leefbaarometer_score") == pytest.approx(4.22)
    assert value(read, "BU99900101", "inhabitants") == 710
    assert math.isnan(value(read, "BU99900102", "distance_hospital_km"))
    assert value(read, "BU99900101", "distance_hospital_km") == pytest.approx(2.3)
    assert read.unread == ("energie",)
    assert set(read.ignored) == {"(unnamed column 1)", "gm_naam"}
    assert read.rows_outside == 1
    assert set(read.indicators["area_code"]) == {"BU99900101", "BU99900102"}
    text = " ".join(str(w) for w in read.warnings)
    assert "energie" in text and "not mapped" in text
    assert "1 rows describe areas outside" in text
    assert "1 of 2 in-region cells equal 0" in text
    areas = read.areas.set_index("code")
    assert areas.loc["BU99900101", "name"] == "Noord"
    assert areas.loc["BU99900101", "parent"] == "WK999001"
    assert (read.indicators["year"] == 2020).all()


def test_value_out_of_range_names_file_row_column_and_fix(tmp_path: Path) -> None:
    rows = [*ROWS[:1], "1,BU99900102,Testdorp,Zuid,460,4.26,0.09,41,-3.5,1280"]
    path = write(tmp_path / "bad.csv", HEADER, rows)
    with pytest.raises(InputError) as err:
        read_table(path, spec())
    problem = err.value.problems[0]
    assert problem.file == "bad.csv"
    assert "line 3" in problem.location and "BU99900102" in problem.location
    assert problem.field == "afstand_tot_ziekenhuis_km"
    assert "-3.5 is outside the valid range [0, no upper bound]" in problem.problem
    assert "missing_values" in problem.fix


def test_negative_scores_are_allowed_where_the_registry_says_so(tmp_path: Path) -> None:
    rows = ["0,BU99900101,T,N,710,4.22,-1.05,26,2.3,1"]
    read = read_table(write(tmp_path / "t.csv", HEADER, rows), spec())
    assert value(read, "BU99900101", "ses_woa_score") == pytest.approx(-1.05)


def test_out_of_region_rows_are_not_checked_and_do_not_decide_the_scale(tmp_path: Path) -> None:
    # Fractions inside the region, percents (and a value > 100 after scaling) elsewhere.
    rows = ["0,BU99900101,T,N,710,4.2,0.1,0.26,2.3,1", "1,BU99900102,T,Z,460,4.2,0.1,0.41,2,1",
            "2,BU99910101,A,E,165,4.2,0.1,45,2.6,1", "3,BU99910102,A,F,165,4.2,0.1,1.7,2.6,1"]
    path = write(tmp_path / "national.csv", HEADER, rows)
    read = read_table(path, spec(), gemeenten=["GM9990"])
    assert value(read, "BU99900101", "age_25_44_pct") == pytest.approx(26.0)
    assert value(read, "BU99900102", "age_25_44_pct") == pytest.approx(41.0)
    with pytest.raises(InputError, match="mixes fractions"):
        read_table(path, spec(), gemeenten=["GM9990", "GM9991"])


def test_unknown_indicator_and_missing_column_are_named(tmp_path: Path) -> None:
    path = write(tmp_path / "t.csv", HEADER, ROWS)
    with pytest.raises(InputError) as err:
        read_table(path, spec(columns={"leefbarometer_score": "leefbarometer_scor"}))
    assert "leefbaarometer_score" in err.value.problems[0].fix  # close match offered
    with pytest.raises(InputError) as err:
        read_table(path, spec(columns={"leefbaarometer": "leefbaarometer_score"}))
    problem = err.value.problems[0]
    assert problem.field == "leefbaarometer" and "column is missing" in problem.problem
    assert "leefbarometer_score" in problem.fix
    with pytest.raises(InputError, match="factor"):
        read_table(path, spec(columns={"koop_pct": {"id": "age_25_44_pct", "factor": 100}}))


def test_factor_and_column_year(tmp_path: Path) -> None:
    path = write(tmp_path / "t.csv", HEADER, ROWS)
    read = read_table(path, spec(columns={"energie": {"id": "income_mean_eur",
                                                      "factor": 1000, "year": 2021}}))
    assert value(read, "BU99900101", "income_mean_eur") == 1_310_000
    assert set(read.indicators.loc[read.indicators["indicator"] == "income_mean_eur",
                                   "year"]) == {2021}


def test_bad_cells_and_duplicate_codes_are_errors(tmp_path: Path) -> None:
    rows = [ROWS[0], ROWS[0].replace("4.22", "hoog"), "3,XX12,T,N,1,4,0,1,1,1"]
    with pytest.raises(InputError) as err:
        read_table(write(tmp_path / "t.csv", HEADER, rows), spec())
    text = err.value.message
    assert "duplicates line 2" in text and "'XX12' is not a CBS area code" in text


def test_xlsx_sheet(tmp_path: Path) -> None:
    frame = pd.DataFrame([r.split(",") for r in ROWS], columns=HEADER.split(","))
    path = tmp_path / "t.xlsx"
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame({"x": [1]}).to_excel(writer, sheet_name="toelichting", index=False)
        frame.to_excel(writer, sheet_name="buurten", index=False)
    read = read_table(path, spec(sheet="buurten"))
    assert value(read, "BU99910101", "leefbaarometer_score") == pytest.approx(4.28)
    with pytest.raises(InputError, match="not in the workbook"):
        read_table(path, spec(sheet="wijken"))


@pytest.mark.parametrize("cell, level, expected", [
    ("  BU03440101 ", None, "BU03440101"), ("bu03440101", None, "BU03440101"),
    ("344", "gemeente", "GM0344"), ("34401", "wijk", "WK034401"), ("344", None, None),
    ("BU0344", None, None)])
def test_normalise_code(cell: str, level: str | None, expected: str | None) -> None:
    assert normalise_code(cell, level) == expected


# ------------------------------------------------------------------ hypothesis

CELL = st.one_of(st.just("."), st.just(""), st.floats(0, 99, allow_nan=False).map(
    lambda v: f"{v:.2f}"))


@FUZZ
@given(pad=st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3)), min_size=3, max_size=3),
       cells=st.lists(CELL, min_size=3, max_size=3), latin=st.booleans())
def test_padding_missing_cells_and_encodings(tmp_path: Path, pad: list[tuple[int, int]],
                                             cells: list[str], latin: bool) -> None:
    header = "buurt_code;naam;inw;afstand"
    rows = []
    for i, ((left, right), cell) in enumerate(zip(pad, cells, strict=True)):
        code = " " * left + f"BU999001{i:02d}" + " " * right
        comma = cell if cell in (".", "") else cell.replace(".", ",", 1)  # decimal comma
        rows.append(f"{code};Café Zuid {i};{100 + i};{comma}")
    path = write(tmp_path / f"t{int(latin)}.csv", header, rows,
                 "latin-1" if latin else "utf-8")
    read = read_table(path, TableSpec.model_validate({
        "code_column": "buurt_code", "name_column": "naam", "inhabitants_column": "inw",
        "year": 2021, "columns": {"afstand": "distance_cafe_km"}}))
    for i, cell in enumerate(cells):
        got = value(read, f"BU999001{i:02d}", "distance_cafe_km")
        if cell in (".", "") or all(c in (".", "") for c in cells):
            assert math.isnan(got)
        else:
            assert got == pytest.approx(float(cell))
    assert read.areas.set_index("code").loc["BU99900100", "name"] == "Café Zuid 0"


@FUZZ
@given(values=st.lists(st.floats(1.5, 99, allow_nan=False), min_size=4, max_size=12),
       flipped=st.sets(st.integers(0, 11), max_size=3))
def test_units_flipped_in_some_rows_are_refused_never_rescaled(
        tmp_path: Path, values: list[float], flipped: set[int]) -> None:
    cells = [v / 100 if i in flipped else v for i, v in enumerate(values)]
    rows = [f"BU999001{i:02d},{c!r}" for i, c in enumerate(cells)]
    path = write(tmp_path / "pct.csv", "code,pct", rows)
    spec_ = TableSpec.model_validate({"code_column": "code", "year": 2020,
                                      "columns": {"pct": "age_65_plus_pct"}})
    flips = {i for i in flipped if i < len(values)}
    if flips and len(flips) < len(values):
        with pytest.raises(InputError) as err:
            read_table(path, spec_)
        problem = err.value.problems[0]
        assert problem.field == "pct" and "mixes fractions" in problem.problem
    else:
        read = read_table(path, spec_)
        got = read.indicators.sort_values("area_code")["value"].to_numpy()
        assert np.allclose(got, values)


# ------------------------------------------------------------------ config


def test_config_tables_section_and_areas_from_a_table() -> None:
    config = parse_config({
        "name": "T", "boundaries": [{"path": "b.gpkg"}], "missing_buurt_polygons": "omit",
        "tables": [{"path": "t.csv", **SPEC, "defines_areas": True}]})
    assert config.cbs == [] and config.tables[0].defines_areas
    assert config.tables[0].columns["leefbarometer_score"].id == "leefbaarometer_score"
    assert config.missing_buurt_polygons == "omit"
    with pytest.raises(InputError, match="no table defines the areas"):
        parse_config({"name": "T", "boundaries": [{"path": "b.gpkg"}],
                      "tables": [{"path": "t.csv", **SPEC}]})
    with pytest.raises(InputError, match="missing_buurt_polygons"):
        parse_config({"name": "T", "cbs": [{"path": "k.csv"}], "boundaries": [{"path": "b"}],
                      "missing_buurt_polygons": "drop"})


# ------------------------------------------------------------------ real data


@pytest.mark.realdata
@pytest.mark.skipif(not PROVINCE.exists(), reason=f"shared real data not found at {SHARED}")
def test_real_province_table_leefbaarometer_and_ses() -> None:
    config = yaml.safe_load((Path(__file__).resolve().parents[1] / "examples"
                             / "amersfoort-sources.yaml").read_text("utf-8"))
    entry = {k: v for k, v in config["tables"][0].items()
             if k not in ("path", "name", "licence", "attribution")}
    read = read_table(PROVINCE, TableSpec.model_validate(entry), gemeenten=["GM0307"])
    ind = read.indicators
    lbm = ind[ind["indicator"] == "leefbaarometer_score"]
    assert len(read.areas) == 145
    assert 100 < int(lbm["value"].notna().sum()) <= 145
    assert lbm["value"].dropna().between(3.5, 4.6).all()
    assert value(read, "BU03070100", "ses_woa_score") == pytest.approx(-0.12)
    assert value(read, "BU03070100", "leefbaarometer_nuisance_safety") == pytest.approx(-0.14)
    assert "distance_public_green_km" not in set(ind["indicator"])  # all 0.0 = missing
    assert "aardgasverbruik_m3_gemiddeld" in read.unread
    assert read.rows_outside == 969 - 145


def test_kwb_release_values_are_checked_against_the_registry(tmp_path: Path) -> None:
    from groengezond.sources.cbs import read_kwb

    path = tmp_path / "kwb2023_test.csv"
    path.write_text("gwb_code_10,regio,a_inw,p_hh_li,extra\nGM9990,T,100,12,1\n"
                    "BU99900101,B,50,140,2\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_kwb(path)
    problem = err.value.problems[0]
    assert problem.location == "line 3 (BU99900101)"
    expected = "140 is outside the valid range [0, 100] of low_income_households_pct"
    assert expected in problem.problem
    path.write_text("gwb_code_10,regio,a_inw,p_hh_li,extra\nGM9990,T,100,12,1\n",
                    encoding="utf-8")
    table = read_kwb(path)
    assert any("extra" in str(w) and "not mapped" in str(w) for w in table.warnings)
