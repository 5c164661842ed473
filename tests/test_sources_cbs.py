"""CBS Kerncijfers wijken en buurten: csv/xlsx releases and OData v3 tables of different years."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from groengezond.errors import InputError
from groengezond.sources.cbs import load_kwb_mapping, read_kwb

DATA = Path(__file__).resolve().parent / "data" / "sources"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
KWB2023 = SHARED / "cbs_kwb" / "kwb2023_gemeente_utrecht.csv"
needs_shared = pytest.mark.skipif(not KWB2023.exists(),
                                  reason=f"shared real data not found at {SHARED}")

HEADER = "gwb_code_10,regio,recs,a_inw,a_man,a_vrouw,g_wozbag,p_koopw\n"


def write(tmp_path: Path, text: str, name: str = "kwb2022_test.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


def value(table: object, code: str, indicator: str) -> float:
    frame = table.indicators  # type: ignore[attr-defined]
    rows = frame[(frame["area_code"] == code) & (frame["indicator"] == indicator)]
    assert len(rows) == 1, (code, indicator)
    return float(rows["value"].iloc[0])


@needs_shared
@pytest.mark.realdata
def test_real_kwb2023_utrecht_counts_and_totals() -> None:
    table = read_kwb(KWB2023)
    assert table.year == 2023
    levels = table.areas["level"].value_counts().to_dict()
    assert levels == {"gemeente": 1, "wijk": 10, "buurt": 111}
    gm = table.areas.set_index("code").loc["GM0344"]
    assert gm["inhabitants"] == 367_947
    buurten = table.areas[table.areas["level"] == "buurt"]
    assert int(buurten["inhabitants"].sum()) == 367_715
    assert set(buurten["parent"]) <= set(table.areas.loc[table.areas["level"] == "wijk", "code"])
    assert value(table, "GM0344", "woz_value_mean_eur") == 458_000.0
    assert abs(value(table, "GM0344", "age_65_plus_pct") - 39_373 / 367_947 * 100) < 1e-9
    assert "income_mean_eur" not in set(table.indicators["indicator"])
    assert any("income_mean_eur" in str(w) for w in table.warnings)


def test_cbs_dot_is_missing_never_zero(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "GM9990,Testdorp,Gemeente,100,50,50,300,.\n"
                                    "WK999001,West,Wijk,.,.,.,.,40\n")
    table = read_kwb(path)
    assert table.year == 2022
    assert math.isnan(table.areas.set_index("code").loc["WK999001", "inhabitants"])
    assert math.isnan(value(table, "WK999001", "inhabitants"))
    assert math.isnan(value(table, "GM9990", "owner_occupied_pct"))
    assert value(table, "GM9990", "woz_value_mean_eur") == 300_000.0


def test_semicolon_and_decimal_comma(tmp_path: Path) -> None:
    path = write(tmp_path, "gwb_code_10;regio;a_inw;g_hhgro\nGM9990;Testdorp;100;2,3\n")
    table = read_kwb(path)
    assert value(table, "GM9990", "household_size_mean") == pytest.approx(2.3)


def test_text_in_numeric_column_names_row_field_and_fix(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "GM9990,Testdorp,Gemeente,honderd,50,50,300,40\n")
    with pytest.raises(InputError) as err:
        read_kwb(path)
    problem = err.value.problems[0]
    assert problem.file == path.name and problem.field == "a_inw"
    assert "line 2" in problem.location and "not a number" in problem.problem and problem.fix


def test_duplicated_codes_and_bad_codes_are_errors(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "GM9990,A,Gemeente,1,1,0,1,1\nGM9990,B,Gemeente,1,1,0,1,1\n"
                                    "XX12,C,Wijk,1,1,0,1,1\n")
    with pytest.raises(InputError) as err:
        read_kwb(path)
    text = str(err.value)
    assert "duplicates line 2" in text and "'XX12' is not a CBS area code" in text


def test_missing_inhabitants_column_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "gwb_code_10,regio,a_man\nGM9990,Testdorp,5\n")
    with pytest.raises(InputError, match="a_inw"):
        read_kwb(path)


def test_shuffled_columns_give_the_same_table(tmp_path: Path) -> None:
    a = read_kwb(write(tmp_path, HEADER + "GM9990,T,Gemeente,100,50,50,300,40\n", "kwb2022a.csv"))
    b = read_kwb(write(tmp_path, "p_koopw,a_inw,g_wozbag,gwb_code_10,a_vrouw,recs,a_man,regio\n"
                                 "40,100,300,GM9990,50,Gemeente,50,T\n", "kwb2022b.csv"))
    cols = ["area_code", "indicator", "value"]
    left = a.indicators[cols].sort_values(cols[:2]).reset_index(drop=True)
    right = b.indicators[cols].sort_values(cols[:2]).reset_index(drop=True)
    assert left.equals(right)


def test_latin1_file_is_read_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "kwb2022_latin1.csv"
    path.write_bytes(("gwb_code_10,regio,a_inw\nBU99900101,Mariëndaal,5\n").encode("latin-1"))
    table = read_kwb(path)
    assert table.areas["name"].iloc[0] == "Mariëndaal"
    assert any("not valid UTF-8" in str(w) for w in table.warnings)


def test_xlsx_release(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "kwb-2023"
    sheet.append(["gwb_code_10", "regio", "recs", "a_inw", "g_wozbag"])
    sheet.append(["GM9990", "Testdorp", "Gemeente", 100, "."])
    path = tmp_path / "kwb-2023.xlsx"
    book.save(path)
    table = read_kwb(path)
    assert table.year == 2023
    assert value(table, "GM9990", "inhabitants") == 100
    assert "woz_value_mean_eur" not in set(table.indicators["indicator"])


def test_odata_two_years_with_different_keys_give_the_same_indicators() -> None:
    t2019 = read_kwb(DATA / "cbs_84583NED_typeddataset.json",
                     names=DATA / "cbs_84583NED_wijkenenbuurten.json")
    t2023 = read_kwb(DATA / "cbs_85618NED_typeddataset.json",
                     names=DATA / "cbs_85618NED_wijkenenbuurten.json")
    assert (t2019.year, t2023.year) == (2019, 2023)
    raw19 = json.loads((DATA / "cbs_84583NED_typeddataset.json").read_text())["value"][0]
    raw23 = json.loads((DATA / "cbs_85618NED_typeddataset.json").read_text())["value"][0]
    assert "HuishoudensTotaal_28" in raw19 and "HuishoudensTotaal_29" in raw23
    assert value(t2019, "GM9990", "households") == raw19["HuishoudensTotaal_28"]
    assert value(t2023, "GM9990", "households") == raw23["HuishoudensTotaal_29"]
    assert value(t2023, "GM9990", "woz_value_mean_eur") == \
        raw23["GemiddeldeWOZWaardeVanWoningen_36"] * 1000
    assert value(t2019, "GM9990", "income_mean_eur") == 31_200.0
    common = {"inhabitants", "households", "woz_value_mean_eur", "owner_occupied_pct",
              "urbanity_class", "area_total_ha"}
    assert common <= set(t2019.indicators["indicator"]) & set(t2023.indicators["indicator"])
    names = t2023.areas.set_index("code")["name"]
    assert names["WK999001"] == "Wijk 01 West" and names["GM9990"] == "Testdorp"
    secret = t2023.areas.set_index("code").loc["BU99900102", "inhabitants"]
    assert math.isnan(secret)


def test_odata_key_with_shifted_number_falls_back_to_its_stem(tmp_path: Path) -> None:
    doc = json.loads((DATA / "cbs_85618NED_typeddataset.json").read_text())
    for row in doc["value"]:
        row["HuishoudensTotaal_30"] = row.pop("HuishoudensTotaal_29")
    path = tmp_path / "cbs_85618NED_typeddataset.json"
    path.write_text(json.dumps(doc))
    table = read_kwb(path)
    assert value(table, "GM9990", "households") == doc["value"][0]["HuishoudensTotaal_30"]
    assert any("HuishoudensTotaal_30 has the same stem" in str(w) for w in table.warnings)


def test_odata_without_year_or_known_table_asks_for_the_year(tmp_path: Path) -> None:
    path = tmp_path / "rows.json"
    path.write_text(json.dumps({"value": [{"WijkenEnBuurten": "GM9990", "AantalInwoners_5": 1}]}))
    with pytest.raises(InputError, match="give `year`"):
        read_kwb(path)
    assert read_kwb(path, 2021).year == 2021


def test_mapping_covers_every_table_year() -> None:
    mapping = load_kwb_mapping()
    assert mapping.tables == {2019: "84583NED", 2020: "84799NED", 2021: "85039NED",
                              2022: "85318NED", 2023: "85618NED", 2024: "85984NED"}
    for year, keys in mapping.odata.items():
        ids = {target for target, _ in keys.values()}
        assert "inhabitants" in ids, year
        assert ids <= set(mapping.indicators), year
    assert {t for t, _ in mapping.release.values()} <= set(mapping.indicators)
