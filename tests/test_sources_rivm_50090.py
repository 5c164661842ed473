"""RIVM 50090NED 'Gezondheid per wijk en buurt': the reader in every published form.

Tiny fixtures (``tests/data/sources/make_rivm_50090.py``) in the three forms StatLine publishes
the table, hypothesis tests on padding, missing cells, encodings, separators and flipped units,
and the real national files of ``../shared/data`` (skipped where that folder is absent).
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from groengezond.errors import InputError
from groengezond.indicators.age_groups import select_age_group
from groengezond.sources._io import Findings
from groengezond.sources.rivm_50090 import COLUMNS, read_rivm_50090, read_rivm_50090_rows
from groengezond.sources.rivm_50090_read import _openpyxl_rows, read_xlsx_columns

DATA = Path(__file__).resolve().parent / "data" / "sources"
XLSX = DATA / "rivm_50090NED_sample.xlsx"
CSV = DATA / "rivm_50090NED_sample_latin1.csv"
JSON = DATA / "rivm_50090NED_typeddataset.json"
HEALTH = Path(__file__).resolve().parents[2] / "shared" / "data" / "health"
NATIONAL = {(2012, "18+"): "2012_18plus", (2016, "18+"): "2016_18plus",
            (2020, "18+"): "2020_18plus", (2020, "65+"): "2020_65plus"}
HEADER = "ID,Leeftijd,Marges,WijkenEnBuurten,Perioden,ErvarenGezondheidGoedZeerGoed_4"


def value(frame: pd.DataFrame, code: str, indicator: str, year: int, age: str) -> float:
    rows = frame[(frame["area_code"] == code) & (frame["indicator"] == indicator)
                 & (frame["year"] == year) & (frame["age_group"] == age)]
    assert len(rows) == 1, (code, indicator, year, age, len(rows))
    return float(rows["value"].iloc[0])


def write(tmp: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp / name
    path.write_bytes(text.encode(encoding))
    return path


# --------------------------------------------------------------------------- fixtures


@pytest.mark.parametrize("path", [XLSX, CSV, JSON], ids=["xlsx", "csv-latin1", "odata"])
def test_every_form_gives_the_same_values(path: Path) -> None:
    table = read_rivm_50090(path)
    frame = table.indicators
    assert list(frame.columns) == COLUMNS
    assert value(frame, "GM9990", "perceived_health_good_pct", 2016, "18+") == 78.3
    assert value(frame, "BU99900101", "perceived_health_good_pct", 2020, "18+") == 69.9
    assert value(frame, "BU99900101", "perceived_health_good_pct", 2020, "65+") == 58.4
    # small percents among larger ones stay percents (0.8 %, not 80 %)
    assert value(frame, "BU99900101", "underweight_pct", 2020, "18+") == 0.8
    assert value(frame, "GM9990", "difficulty_making_ends_meet_pct", 2020, "18+") == 26.0
    # the age group is a column, never part of the id
    assert set(frame["age_group"]) == {"18+", "65+"}
    assert not frame["indicator"].str.contains("65").any()
    assert set(frame["year"]) == {2016, 2020}
    # codes are stripped of their padding; the land row is not an area of a region
    assert set(frame["area_code"]) == {"GM9990", "WK999001", "BU99900101", "BU99900102",
                                       "BU99900103", "GM1900"}
    warnings = " ".join(str(w) for w in table.warnings)
    assert "Onbekend_99" in warnings and "map to no indicator" in warnings
    assert "NL01" in warnings
    # 2016 has no physical-activity values: that indicator-year is left out, with a warning
    pa = frame[frame["indicator"] == "physical_activity_guideline_pct"]
    assert set(pa["year"]) == {2020}
    assert "physical_activity_guideline_pct 2016 18+" in warnings


@pytest.mark.parametrize("path", [XLSX, CSV, JSON], ids=["xlsx", "csv-latin1", "odata"])
def test_suppressed_cells_stay_missing_never_zero(path: Path) -> None:
    frame = read_rivm_50090(path).indicators
    suppressed = frame[frame["area_code"] == "BU99900103"]
    assert len(suppressed) and suppressed["value"].isna().all()
    assert (frame["value"].dropna() > 0).all()
    assert math.isnan(value(frame, "BU99900101", "underweight_pct", 2020, "65+"))


def test_odata_margins_become_the_interval() -> None:
    frame = read_rivm_50090(JSON).indicators
    row = frame[(frame["area_code"] == "BU99900101") & (frame["year"] == 2020)
                & (frame["age_group"] == "18+")
                & (frame["indicator"] == "overweight_pct")].iloc[0]
    assert (row["lower"], row["value"], row["upper"]) == (40.8, 45.3, 49.8)
    assert row["standard_error"] == pytest.approx((49.8 - 40.8) / (2 * 1.959964))
    no_margin = frame[frame["year"] == 2016]
    assert no_margin["lower"].isna().all() and no_margin["standard_error"].isna().all()


def test_odata_rows_in_memory() -> None:
    rows = json.loads(JSON.read_text("utf-8"))["value"]
    table = read_rivm_50090_rows(rows, region_codes={"GM9990", "BU99900101"})
    assert set(table.indicators["area_code"]) == {"GM9990", "BU99900101"}
    assert "outside the region" in " ".join(str(w) for w in table.warnings)


def test_fast_xlsx_path_equals_openpyxl() -> None:
    fast = read_xlsx_columns(XLSX, Findings(XLSX.name))
    rows, numbers = _openpyxl_rows(XLSX, Findings(XLSX.name))
    assert fast.header == [str(h) for h in rows[0]]
    assert fast.labels == [f"row {n}" for n in numbers[1:]]
    for i, name in enumerate(fast.header):
        for got, want in zip(fast.cells[name], (r[i] for r in rows[1:]), strict=True):
            assert got == want or (want is not None and str(got) == str(want)), (name, got)


def test_region_rows_decide_the_scale(tmp_path: Path) -> None:
    """Issue 15: fifty rows of 1.7 outside the region must not make its fractions percents."""
    lines = [HEADER]
    lines += [f"{i},20300,MW00000,BU0001{i:04d},2020JJ00,1.7" for i in range(50)]
    lines += ["90,20300,MW00000,BU03440101,2020JJ00,0.39",
              "91,20300,MW00000,BU03440102,2020JJ00,0.42"]
    path = write(tmp_path, "mixed_outside.csv", "\n".join(lines) + "\n")
    table = read_rivm_50090(path, region_codes={"BU03440101", "BU03440102"})
    frame = table.indicators
    assert sorted(frame["value"].round(6)) == [39.0, 42.0]
    assert "50 rows describe areas outside the region" in " ".join(str(w)
                                                                   for w in table.warnings)
    with pytest.raises(InputError, match="mixes fractions"):
        read_rivm_50090(path)


def test_mixed_scale_in_region_is_refused_naming_rows(tmp_path: Path) -> None:
    lines = [HEADER, "1,20300,MW00000,BU03440101,2020JJ00,78.3",
             "2,20300,MW00000,BU03440102,2020JJ00,0.771",
             "3,20300,MW00000,BU03440103,2020JJ00,80.8"]
    path = write(tmp_path, "flipped.csv", "\n".join(lines) + "\n")
    with pytest.raises(InputError) as err:
        read_rivm_50090(path)
    problem = err.value.problems[0]
    assert problem.file == "flipped.csv" and problem.field == "ErvarenGezondheidGoedZeerGoed_4"
    assert "line 3 (BU03440102)" in problem.location


@pytest.mark.parametrize(("cells", "message"), [
    ("1,20300,MW00000,BU03440101,2020MM01,78.3", "is not a year period"),
    ("1,20300,MW00000,WK03441,2020JJ00,78.3", "is not an area code"),
    ("1,20300,MW00000,BU03440101,2020JJ00,abc", "is not a number"),
    ("1,20300,MW00000,BU03440101,2020JJ00,178.3", "is not a percentage"),
    ("1,20300,MW00000,BU03440101,2020JJ00,-3", "is not a percentage"),
])
def test_bad_cells_are_named(tmp_path: Path, cells: str, message: str) -> None:
    path = write(tmp_path, "bad.csv", f"{HEADER}\n{cells}\n")
    with pytest.raises(InputError, match=message) as err:
        read_rivm_50090(path)
    assert all(p.file == "bad.csv" and p.fix for p in err.value.problems)


def test_repeated_rows_and_missing_keys(tmp_path: Path) -> None:
    row = "1,20300,MW00000,BU03440101,2020JJ00,78.3"
    with pytest.raises(InputError, match="repeats the value row"):
        read_rivm_50090(write(tmp_path, "dup.csv", f"{HEADER}\n{row}\n{row}\n"))
    no_period = "ID,Leeftijd,WijkenEnBuurten,Overgewicht_9\n1,20300,GM0344,38.7\n"
    with pytest.raises(InputError, match="Perioden"):
        read_rivm_50090(write(tmp_path, "gezondheid.csv", no_period))
    table = read_rivm_50090(write(tmp_path, "gezondheid_2016.csv", no_period))
    assert table.indicators["year"].tolist() == [2016]
    no_age = "WijkenEnBuurten,Perioden,Overgewicht_9\nGM0344,2020JJ00,38.7\n"
    with pytest.raises(InputError, match="Leeftijd"):
        read_rivm_50090(write(tmp_path, "no_age.csv", no_age))
    frame = read_rivm_50090(write(tmp_path, "no_age.csv", no_age), age_group="65+").indicators
    assert frame["age_group"].tolist() == ["65+"]


def test_unknown_age_codes_are_named(tmp_path: Path) -> None:
    text = f"{HEADER}\n1,20300,MW00000,GM0344,2020JJ00,80.8\n2,99999,MW00000,GM0344,2020JJ00,1\n"
    table = read_rivm_50090(write(tmp_path, "ages.csv", text))
    assert len(table.indicators) == 1
    assert "unknown age group codes 99999" in " ".join(str(w) for w in table.warnings)


def test_select_age_group_gives_one_value_per_key() -> None:
    frame = read_rivm_50090(XLSX).indicators
    extra = pd.DataFrame({"area_code": ["GM9990", "GM9990"], "indicator":
                          ["inhabitants", "perceived_health_good_pct"], "year": [2020, 2020],
                          "value": [3605.0, 1.0], "lower": np.nan, "upper": np.nan,
                          "source": "x", "age_group": [None, None]})
    both = pd.concat([frame, extra], ignore_index=True)
    for age, expected in (("18+", 80.8), ("65+", 62.1)):
        chosen = select_age_group(both, age)
        assert not chosen.duplicated(["area_code", "indicator", "year"]).any()
        got = chosen[(chosen["area_code"] == "GM9990") & (chosen["year"] == 2020)
                     & (chosen["indicator"] == "perceived_health_good_pct")]
        assert got["value"].tolist() == [expected]
        assert (chosen["indicator"] == "inhabitants").sum() == 1


# --------------------------------------------------------------------------- hypothesis

MEASURES = ("ErvarenGezondheidGoedZeerGoed_4", "Ondergewicht_7", "Overgewicht_9")
IDS = ("perceived_health_good_pct", "underweight_pct", "overweight_pct")
FUZZ = settings(max_examples=int(os.environ.get("GG_FUZZ_EXAMPLES", "40")), deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@st.composite
def tables(draw: st.DrawFn) -> dict[str, Any]:
    n = draw(st.integers(2, 8))
    codes = [f"BU0344{i:04d}" for i in range(n)]
    rows = []
    for code in codes:
        health = draw(st.integers(500, 950)) / 10
        under = draw(st.one_of(st.none(), st.integers(2, 30).map(lambda v: v / 10)))
        over = draw(st.one_of(st.none(), st.integers(150, 700).map(lambda v: v / 10)))
        rows.append({"code": code, "pad": draw(st.booleans()), "values": [health, under, over],
                     "missing": draw(st.sampled_from([".", ""]))})
    flipped = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    # one cell of a percent row written as a fraction (perceived health or overweight)
    cell = draw(st.one_of(st.none(), st.tuples(st.integers(0, n - 1), st.sampled_from([0, 2]))))
    return {"rows": rows, "flipped": flipped, "cell": cell,
            "form": draw(st.sampled_from(["csv", "csv-latin1", "xlsx", "json"]))}


def render(spec: dict[str, Any], folder: Path) -> Path:
    """Write the drawn table in its form: padded codes, '.'/empty cells, flipped rows."""
    header = ["ID", "Leeftijd", "Marges", "WijkenEnBuurten", "Perioden", "Gemeentenaam_1",
              *MEASURES]
    body: list[list[Any]] = []
    for i, (row, flip) in enumerate(zip(spec["rows"], spec["flipped"], strict=True)):
        code = row["code"].ljust(10) if row["pad"] else row["code"]
        cells = [None if v is None else (round(v / 100, 4) if flip or (i, j) == spec["cell"]
                                         else v)
                 for j, v in enumerate(row["values"])]
        body.append([i, 20300, "MW00000", code, "2020JJ00", "Súdwest-Fryslân", *cells])
    form = spec["form"]
    if form == "json":
        path = folder / "t.json"
        path.write_text(json.dumps({"value": [dict(zip(header, r, strict=True))
                                              for r in body]}), "utf-8")
        return path
    if form == "xlsx":
        import openpyxl

        book = openpyxl.Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.append(header)
        for r in body:
            sheet.append([f"{c:8}" if isinstance(c, float) else c for c in r])
        path = folder / "t.xlsx"
        book.save(path)
        return path
    latin = form == "csv-latin1"
    sep = ";" if latin else ","

    def cell(c: Any, missing: str) -> str:
        if c is None:
            return missing
        text = str(c)
        return text.replace(".", ",") if latin and isinstance(c, float) else text

    lines = [sep.join(header)] + [sep.join(cell(c, row["missing"]) for c in r)
                                  for r, row in zip(body, spec["rows"], strict=True)]
    path = folder / "t.csv"
    path.write_bytes(("\n".join(lines) + "\n").encode("cp1252" if latin else "utf-8"))
    return path


@FUZZ
@given(tables())
def test_reader_gives_an_input_error_or_the_right_values(spec: dict[str, Any]) -> None:
    """Padding, '.'/empty cells, Latin-1 and ';', flipped rows and cells: never a silent
    wrong scale."""
    # A column whose values are all below 1 as written (0.15, 0.2) is small percents or
    # fractions, and no reader can tell which from the data: the scale is only knowable when
    # the column shows it. So each column drawn holds at least one percent above 1 as written.
    for j in range(len(MEASURES)):
        written = [(row["values"][j], spec["flipped"][i] or spec["cell"] == (i, j))
                   for i, row in enumerate(spec["rows"]) if row["values"][j] is not None]
        assume(not written or any(v > 1 and not flip for v, flip in written))
    with tempfile.TemporaryDirectory() as tmp:
        path = render(spec, Path(tmp))
        flipped = spec["flipped"]
        try:
            frame = read_rivm_50090(path).indicators
        except InputError as exc:
            # only a table that mixes percents and fractions may be refused ...
            assert (any(flipped) and not all(flipped)) or spec["cell"] is not None, exc
            assert all(p.file == path.name and p.fix for p in exc.problems)
            assert any("fraction" in p.problem for p in exc.problems)
            return
        for row in spec["rows"]:
            for indicator, expected in zip(IDS, row["values"], strict=True):
                got = frame[(frame["area_code"] == row["code"])
                            & (frame["indicator"] == indicator)]["value"]
                if expected is None:
                    assert got.isna().all()
                else:
                    # ... and every value read is the right one, in percent
                    assert len(got) == 1 and got.iloc[0] == pytest.approx(expected, abs=1e-6)
        assert frame["age_group"].eq("18+").all() and frame["year"].eq(2020).all()


# --------------------------------------------------------------------------- real data

SKIP = f"shared real data not found at {HEALTH} (CI clones the repository next to shared/)"


@pytest.fixture(scope="module")
def utrecht() -> pd.DataFrame:
    frames = []
    for name in NATIONAL.values():
        path = HEALTH / f"RIVM_50090NED_gezondheid_wijk_buurt_{name}.xlsx"
        frames.append(read_rivm_50090(path).indicators)
    frame = pd.concat(frames, ignore_index=True)
    return frame[frame["area_code"].str.slice(2, 6) == "0344"].reset_index(drop=True)


@pytest.mark.realdata
@pytest.mark.skipif(not HEALTH.exists(), reason=SKIP)
def test_real_perceived_health_of_utrecht(utrecht: pd.DataFrame) -> None:
    for year, expected in ((2012, 78.3), (2016, 77.0), (2020, 80.8)):
        assert value(utrecht, "GM0344", "perceived_health_good_pct", year, "18+") == expected
    wijken = utrecht[(utrecht["indicator"] == "perceived_health_good_pct")
                     & (utrecht["year"] == 2020) & (utrecht["age_group"] == "18+")
                     & utrecht["area_code"].str.startswith("WK")]
    assert len(wijken) == 10
    assert wijken.sort_values("value")["area_code"].iloc[0] == "WK034403"


@pytest.mark.realdata
@pytest.mark.skipif(not HEALTH.exists(), reason=SKIP)
def test_real_years_age_groups_and_suppressed_buurten(utrecht: pd.DataFrame) -> None:
    groups = set(map(tuple, utrecht[["year", "age_group"]].drop_duplicates().to_numpy()))
    assert groups == set(NATIONAL)
    suppressed = {(2012, "18+"): ["0911", "0931", "0933", "0934", "0952", "0953"],
                  (2016, "18+"): ["0911", "0934", "0952"], (2020, "18+"): ["0911", "0952"],
                  (2020, "65+"): ["0533", "0821", "0911", "0934", "0952", "0953"]}
    health = utrecht[utrecht["indicator"] == "perceived_health_good_pct"]
    for (year, age), buurten in suppressed.items():
        rows = health[(health["year"] == year) & (health["age_group"] == age)
                      & health["area_code"].str.startswith("BU")]
        assert len(rows) == 111
        missing = sorted(rows.loc[rows["value"].isna(), "area_code"].str[6:])
        assert missing == buurten, (year, age)
    ends = utrecht[(utrecht["indicator"] == "difficulty_making_ends_meet_pct")
                   & (utrecht["age_group"] == "18+")]
    assert set(ends["year"]) == {2012, 2016, 2020} and ends["value"].max() < 100


@pytest.mark.realdata
@pytest.mark.skipif(not HEALTH.exists(), reason=SKIP)
def test_real_derived_csv_matches_the_xlsx(utrecht: pd.DataFrame) -> None:
    derived = HEALTH / "DERIVED_RIVM_50090NED_gemeente_utrecht_GM_WK_BU_2012_2016_2020.csv"
    table = read_rivm_50090(derived)
    assert "source_file" in " ".join(str(w) for w in table.warnings)
    merged = table.indicators.merge(utrecht, on=["area_code", "indicator", "year",
                                                 "age_group"], suffixes=("", "_xlsx"))
    assert len(merged) == len(utrecht)
    same = np.isclose(merged["value"], merged["value_xlsx"], equal_nan=True)
    assert same.all()


# --------------------------------------------------------------------------- age group


def _two_groups() -> Any:
    from groengezond.indicators.testing import monitor_region

    region = monitor_region(years=(2016, 2020))
    ind = region.indicators
    health = ind[ind["indicator"] == "perceived_health_good_pct"]
    older = health.assign(age_group="65+", value=health["value"] - 20.0,
                          lower=health["lower"] - 20.0, upper=health["upper"] - 20.0)
    adults = health.assign(age_group="18+")
    rest = ind[ind["indicator"] != "perceived_health_good_pct"].assign(age_group=None)
    return region.with_layers(indicators=pd.concat([rest, adults, older], ignore_index=True))


def test_age_group_survives_the_store_and_is_optional(tmp_path: Path) -> None:
    from groengezond.region.store import read_region, write_region

    region = _two_groups()
    back = read_region(write_region(region, tmp_path / "r"))
    counts = back.indicators["age_group"].value_counts(dropna=False)
    assert counts["65+"] == counts["18+"] > 0 and back.indicators["age_group"].isna().any()
    legacy = region.with_layers(indicators=region.indicators.drop(columns="age_group"))
    assert "age_group" not in read_region(write_region(legacy, tmp_path / "old")).indicators


def test_monitor_uses_one_age_group_and_names_it(tmp_path: Path) -> None:
    from groengezond.services.monitor import MonitorQuery, run_monitor, write_csv

    region = _two_groups()
    reports = {age: run_monitor(region, MonitorQuery(indicator="perceived_health_good_pct",
                                                     level="buurt", n_sims=200,
                                                     age_group=age))
               for age in ("18+", "65+")}
    adults, older = (reports[a].ranking.frame.set_index("area_code") for a in ("18+", "65+"))
    shown = adults["value"].notna() & older["value"].notna()
    assert shown.any()
    assert np.allclose(adults.loc[shown, "value"] - older.loc[shown, "value"], 20.0)
    assert reports["65+"].age_group == "65+" and set(older["age_group"]) == {"65+"}
    assert any("65+" in n for n in reports["18+"].notes)
    write_csv(reports["65+"].ranking, tmp_path / "ranking.csv")
    assert "age_group" in (tmp_path / "ranking.csv").read_text("utf-8").splitlines()[0]
    with pytest.raises(InputError, match="age group"):
        run_monitor(region, MonitorQuery(indicator="perceived_health_good_pct",
                                         age_group="0-17", n_sims=200))
    inhabitants = run_monitor(region, MonitorQuery(indicator="inhabitants", n_sims=200,
                                                   age_group="65+"))
    assert inhabitants.age_group is None


def test_cli_and_api_take_the_age_group(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient
    from typer.testing import CliRunner

    from groengezond.api.testing import web_app
    from groengezond.cli.app import app

    region = _two_groups()
    client = TestClient(web_app(tmp_path / "web", region))
    url = "/api/indicators/perceived_health_good_pct/values"
    bodies = {age: client.get(url, params={"level": "wijk", "age_group": age}).json()
              for age in ("18+", "65+")}
    assert bodies["65+"]["age_group"] == "65+"
    adults = {v["area_code"]: v["value"] for v in bodies["18+"]["values"]}
    older = {v["area_code"]: v["value"] for v in bodies["65+"]["values"]}
    assert all(adults[c] > older[c] for c in older if older[c] is not None)
    result = CliRunner().invoke(app, ["monitor", str(tmp_path / "web"), "--indicator",
                                      "perceived_health_good_pct", "--age-group", "65+",
                                      "--sims", "200", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "age group 65+" in " ".join(result.output.split())
    ranking = pd.read_csv(tmp_path / "out" / "ranking.csv")
    assert set(ranking["age_group"]) == {"65+"}


# --------------------------------------------------------------------------- OData / fetch

FETCHED = DATA / "fetch"


def _recorded(request: Any) -> Any:
    import httpx

    if request.url.host != "dataderden.cbs.nl":
        return httpx.Response(404, text="not recorded")
    if request.url.path.endswith("/DataProperties"):
        name = "rivm_50090NED_dataproperties.json"
    else:
        skip = "skiptoken" in request.url.query.decode()
        name = f"rivm_50090NED_page{2 if skip else 1}.json"
    return httpx.Response(200, content=(FETCHED / name).read_bytes(),
                          headers={"Content-Type": "application/json"})


def test_fetch_health_follows_pages_and_keeps_units(tmp_path: Path) -> None:
    import httpx

    from groengezond.sources._http import HttpClient
    from groengezond.sources.fetch import fetch_health

    with HttpClient(transport=httpx.MockTransport(_recorded), sleep=lambda s: None) as http:
        doc = fetch_health(http, ["GM9990"])
    assert len(doc["value"]) == 15 and len(doc["DataProperties"]) == 10
    path = tmp_path / "rivm_50090NED.json"
    path.write_text(json.dumps(doc), "utf-8")
    frame = read_rivm_50090(path).indicators
    assert value(frame, "WK999001", "perceived_health_good_pct", 2020, "65+") == 63.0
    # a measure published in another unit than % is refused, naming it
    for prop in doc["DataProperties"]:
        if prop["Key"] == "Overgewicht_9":
            prop["Unit"] = "aantal"
    path.write_text(json.dumps(doc), "utf-8")
    with pytest.raises(InputError, match="'aantal', not in %"):
        read_rivm_50090(path)


def test_fetch_health_offline_says_so(tmp_path: Path) -> None:
    import httpx

    from groengezond.sources._http import HttpClient, OfflineError
    from groengezond.sources.fetch import fetch_health

    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("Name or service not known", request=request)

    with HttpClient(transport=httpx.MockTransport(down), sleep=lambda s: None) as http, \
            pytest.raises(OfflineError, match="offline"):
        fetch_health(http, ["GM9990"])


@FUZZ
@given(source=st.sampled_from([XLSX, CSV, JSON]), cut=st.floats(0.0, 1.0),
       flips=st.lists(st.tuples(st.floats(0.0, 1.0), st.integers(0, 255)), max_size=4))
def test_damaged_files_give_an_input_error_never_a_crash(source: Path, cut: float,
                                                         flips: list[tuple[float, int]]) -> None:
    """Cut-off and corrupted files: a result or an InputError naming the file, nothing else."""
    data = bytearray(source.read_bytes())
    for where, byte in flips:
        data[int(where * (len(data) - 1))] = byte
    data = data[:max(1, int(cut * len(data)))] if cut < 1.0 else data
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / source.name
        path.write_bytes(bytes(data))
        try:
            table = read_rivm_50090(path)
        except InputError as exc:
            assert all(p.file and p.problem and p.fix for p in exc.problems)
            return
        assert list(table.indicators.columns) == COLUMNS


def test_checks_validate_age_group_only_where_present() -> None:
    from groengezond.region.checks import check_columns
    from groengezond.region.schema import LAYER_BY_NAME

    layer = LAYER_BY_NAME["indicators"]
    frame = read_rivm_50090(XLSX).indicators
    assert check_columns(frame, layer) == []
    assert check_columns(frame.drop(columns="age_group"), layer) == []
    wrong = frame.assign(age_group=18)
    problems = check_columns(wrong, layer)
    assert [p.field for p in problems] == ["age_group"] and "expected str" in problems[0].problem


def test_small_area_scale_is_decided_from_the_region_rows(tmp_path: Path) -> None:
    """Issue 15 for the small-area reader: 1.7 elsewhere must not shrink the region 100x."""
    from groengezond.sources.rivm import read_small_area

    lines = ["bu_code\tp\tse.p"] + [f"BU0001{i:04d}\t1.7\t0.1" for i in range(50)]
    lines += ["BU03440101\t0.39\t0.02", "BU03440102\t0.42\t0.03"]
    path = write(tmp_path, "overweight.tsv", "\n".join(lines) + "\n")
    region = {"BU03440101", "BU03440102"}
    table = read_small_area(path, indicator="overweight_pct", year=2012, region_codes=region)
    rows = table.indicators.set_index("area_code")
    assert set(rows.index) == region
    assert rows.loc["BU03440101", "value"] == pytest.approx(39.0)
    assert rows.loc["BU03440102", "standard_error"] == pytest.approx(3.0)
    assert "50 rows describe areas outside the region" in " ".join(map(str, table.warnings))
    with pytest.raises(InputError, match="mixes fractions") as err:
        read_small_area(path, indicator="overweight_pct", year=2012)
    assert "BU03440101" in err.value.problems[0].location


def test_one_fraction_among_percents_of_a_row_is_refused(tmp_path: Path) -> None:
    header = "Leeftijd,WijkenEnBuurten,Perioden,ErvarenGezondheidGoedZeerGoed_4,Overgewicht_9,"
    header += "Ondergewicht_7"
    rows = ["20300,BU03440101,2020JJ00,78.3,41.2,0.9",
            "20300,BU03440102,2020JJ00,80.1,0.387,1.6",  # overweight written as a fraction
            "20300,BU03440103,2020JJ00,69.9,52.0,2.2"]
    path = write(tmp_path, "cell.csv", "\n".join([header, *rows]) + "\n")
    with pytest.raises(InputError, match="looks like a fraction") as err:
        read_rivm_50090(path)
    problem = err.value.problems[0]
    assert problem.field == "Overgewicht_9" and "BU03440102" in problem.location
    fixed = path.read_text("utf-8").replace("0.387", "38.7")
    frame = read_rivm_50090(write(tmp_path, "cell.csv", fixed)).indicators
    # underweight 0.9 % stays a small percent
    assert value(frame, "BU03440101", "underweight_pct", 2020, "18+") == 0.9


def test_statline_reader_decides_the_scale_from_the_region_rows(tmp_path: Path) -> None:
    from groengezond.sources.rivm import read_statline_health

    head = "ID;Persoonskenmerken;Marges;RegioS;ErvarenGezondheidGoedZeerGoed_6\n"
    fractions = head + "1;80200;MW00000;GM0344;0.598\n2;80200;MW00000;GM0307;0.696\n"
    frame = read_statline_health(write(tmp_path, "f.csv", fractions), year=2020).indicators
    assert sorted(frame["value"].round(6)) == [59.8, 69.6]
    outside = fractions + "3;80200;MW00000;GM0001;1.7\n"
    frame = read_statline_health(write(tmp_path, "o.csv", outside), year=2020,
                                 region_codes={"GM0344", "GM0307"}).indicators
    assert frame.set_index("area_code").loc["GM0344", "value"] == pytest.approx(59.8)
    with pytest.raises(InputError, match="mixes fractions"):
        read_statline_health(write(tmp_path, "o.csv", outside), year=2020)
