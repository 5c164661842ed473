"""Joining KWB tables of different years and boundaries: reports, placeholders, hierarchy."""

from __future__ import annotations

from pathlib import Path

import pytest

from groengezond.errors import InputError
from groengezond.region import checks
from groengezond.region.model import RegionMeta
from groengezond.sources.areas import assemble_areas, drop_unknown_areas
from groengezond.sources.cbs import read_kwb
from groengezond.sources.pdok import read_boundaries

DATA = Path(__file__).resolve().parent / "data" / "sources"


def tables() -> tuple[object, object]:
    t19 = read_kwb(DATA / "cbs_84583NED_typeddataset.json",
                   names=DATA / "cbs_84583NED_wijkenenbuurten.json")
    t23 = read_kwb(DATA / "cbs_85618NED_typeddataset.json",
                   names=DATA / "cbs_85618NED_wijkenenbuurten.json")
    return t19, t23


def valid(result: object) -> None:
    frames = {"areas": result.areas, "indicators": result.indicators}  # type: ignore[attr-defined]
    assert checks.check_layers(frames, None, RegionMeta(name="t", synthetic=False)) == []


def test_year_join_reports_split_buurten() -> None:
    t19, t23 = tables()
    boundaries = read_boundaries(DATA / "wijkenbuurten_2023_sample.gpkg", year=2023)
    result = assemble_areas([t19, t23], [boundaries], region_code="RG9990", region_name="Test")
    valid(result)
    areas = result.areas.set_index("code")
    assert areas.loc["RG9990", "level"] == "region" and areas.loc["GM9990", "parent"] == "RG9990"
    assert "BU99900201" not in areas.index  # 2019 code, split in 2023
    text = " ".join(result.warnings)
    assert "BU99900201" in text and "split, merged or renamed" in text
    assert "BU99900202" in text  # the 2019 table has no row for the new codes
    assert areas.loc["BU99900102", "inhabitants"] == 0
    assert not areas.loc["BU99900102", "inhabitants_known"]
    assert any("secret or unknown" in n for n in result.notes)
    assert (areas["geometry_source"] == "boundary").sum() == 4
    assert areas.loc["WK999001", "geometry_source"] == "union of buurten"
    years = set(result.indicators["year"])
    assert years == {2019, 2023}
    assert set(result.indicators["area_code"]) <= set(areas.index)


def test_wijk_polygons_only_give_buurt_placeholders() -> None:
    _, t23 = tables()
    wijken = read_boundaries(DATA / "wijkenbuurten_2023_sample.gpkg", layers=["wijken"])
    result = assemble_areas([t23], [wijken])
    valid(result)
    buurten = result.areas[result.areas["level"] == "buurt"]
    assert (buurten["geometry_source"] == "placeholder:wijk").all()
    assert any("placeholder" in n for n in result.notes)
    assert any("no buurt polygons" in w for w in result.warnings)


def test_unknown_gemeente_and_missing_polygons_are_errors() -> None:
    _, t23 = tables()
    with pytest.raises(InputError, match="GM0344 not in the KWB 2023 table"):
        assemble_areas([t23], [], gemeenten=["GM0344"])
    with pytest.raises(InputError, match="no polygon covers this gemeente"):
        assemble_areas([t23], [])


def test_drop_unknown_areas_counts_and_names() -> None:
    import pandas as pd

    frame = pd.DataFrame({"area_code": ["BU99900101", "BU99900299", "BU00340101"]})
    warnings: list[str] = []
    kept = drop_unknown_areas(frame, {"GM9990", "BU99900101"}, "test", warnings)
    assert list(kept["area_code"]) == ["BU99900101"]
    assert "BU99900299" in warnings[0] and "1 rows describe areas outside" in warnings[1]
