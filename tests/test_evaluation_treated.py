"""Treated buurten from a geometry, by hand on a tiny region (the documented 50 % / 300 m rule)."""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import Point, box

from groengezond.errors import InputError
from groengezond.evaluation.treated import treated_buurten

PARK = box(0, 0, 100, 100)  # RD New metres


def _addresses() -> gpd.GeoDataFrame:
    rows = [  # (x, y, buurt, residents): straight-line distance to the park in the comment
        (150, 50, "BU00010001", 10),   # 50 m
        (350, 50, "BU00010001", 10),   # 250 m
        (450, 50, "BU00010001", 10),   # 350 m
        (50, 500, "BU00010001", 10),   # 400 m -> A: 20 of 40 within 300 m = 0.50, treated
        (50, 400, "BU00010002", 3),    # 300 m exactly: counts (<=)
        (50, 420, "BU00010002", 7),    # 320 m -> B: 3 of 10 = 0.30, not treated
        (-100, 50, "BU00010003", 0),   # 100 m but nobody lives there -> C undecided
        (2000, 2000, "BU00010004", 100),  # far away -> D not touched
    ]
    return gpd.GeoDataFrame({"buurt": [r[2] for r in rows], "residents": [r[3] for r in rows]},
                            geometry=[Point(r[0], r[1]) for r in rows], crs="EPSG:28992")


def _buurten() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"code": ["BU00010001", "BU00010002", "BU00010003", "BU00010004"]},
                            geometry=[box(100, 0, 500, 600), box(0, 350, 100, 600),
                                      box(-300, 0, 0, 100), box(1900, 1900, 2100, 2100)],
                            crs="EPSG:28992")


def test_half_of_residents_within_300_m_makes_a_buurt_treated() -> None:
    res = treated_buurten(PARK, _addresses(), buurten=_buurten())
    assert res.codes == ["BU00010001"]
    assert res.shares == {"BU00010001": pytest.approx(0.5), "BU00010002": pytest.approx(0.3)}
    assert res.undecided == {"BU00010003": "no residents at any address of this buurt"}
    assert "BU00010004" not in res.shares
    assert res.rule == ("buurten with at least 50% of residents within 300 m straight-line of "
                        "the intervention")


def test_the_rule_parameters_move_the_decision() -> None:
    # 30 % suffices -> B joins; 250 m -> A keeps 20 of 40 (the 250 m address is on the line)
    assert treated_buurten(PARK, _addresses(), min_share=0.3).codes == ["BU00010001",
                                                                         "BU00010002"]
    assert treated_buurten(PARK, _addresses(), distance_m=249).codes == []


def test_bad_geometry_or_parameters_are_refused() -> None:
    with pytest.raises(InputError, match="distance_m"):
        treated_buurten(PARK, _addresses(), distance_m=-1)
    with pytest.raises(InputError, match="min_share"):
        treated_buurten(PARK, _addresses(), min_share=0)
    with pytest.raises(InputError, match="geometry"):
        treated_buurten(box(0, 0, 0, 0).buffer(0), _addresses())
    with pytest.raises(InputError, match="residents"):
        treated_buurten(PARK, _addresses().drop(columns="residents"))
