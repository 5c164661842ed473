"""Disclosure control of linked tables, and the differencing attack that must fail on it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from groengezond.ucloud.attack import differencing_attack
from groengezond.ucloud.suppression import (
    Rules,
    determined_cells,
    nk_sensitive,
    p_percent_sensitive,
    primary,
    protect,
)
from groengezond.ucloud.tables import TOTAL, CellSystem, build_system, hierarchy_counts


def _areas(n_wijk: int = 4, n_buurt: int = 5) -> pd.DataFrame:
    rows = [("GM9001", "gemeente", None)]
    for w in range(n_wijk):
        wk = f"WK9001{w:02d}"
        rows.append((wk, "wijk", "GM9001"))
        rows += [(f"BU9001{w:02d}{b:02d}", "buurt", wk) for b in range(n_buurt)]
    return pd.DataFrame(rows, columns=["code", "level", "parent"])


def _release(seed: int) -> tuple[pd.DataFrame, CellSystem]:
    """Two linked tables (age band, sex) of the same persons over buurt/wijk/gemeente."""
    rng = np.random.default_rng(seed)
    areas = _areas()
    people = []
    for b in areas.loc[areas["level"] == "buurt", "code"]:
        n = int(rng.integers(3, 70))
        people.append(pd.DataFrame({
            "buurt": b, "age": rng.choice(["0-17", "18-64", "65+"], n, p=[.2, .5, .3]),
            "sex": rng.choice(["M", "F"], n)}))
    p = pd.concat(people)
    t_age = hierarchy_counts(p.groupby(["buurt", "age"]).size().rename("value").reset_index(),
                             areas, table="age", category_column="age")
    t_sex = hierarchy_counts(p.groupby(["buurt", "sex"]).size().rename("value").reset_index(),
                             areas, table="sex", category_column="sex")
    return areas, build_system([t_age, t_sex])


def test_relations_hold_and_tables_share_their_totals() -> None:
    _, system = _release(0)
    cells = system.cells
    assert np.allclose(system.relations @ system.values, 0)
    totals = cells[cells["category"] == TOTAL]
    # one total per area, shared by both tables: 1 gemeente + 4 wijken + 20 buurten
    assert len(totals) == 25 and set(totals["table"]) == {"*"}
    gm = totals.loc[totals["area_code"] == "GM9001", "value"].iloc[0]
    assert gm == totals.loc[totals["level"] == "buurt", "value"].sum()


def test_relations_are_exactly_what_an_outsider_knows() -> None:
    """Every relation, written out from its definition: per table and category a parent area
    is the sum of its child areas, per table and area the total is the sum of the categories
    (2 tables x 3 age bands / 2 sexes + total, 4 wijken of 5 buurten, 1 gemeente)."""
    areas, system = _release(1)
    cells = system.cells
    cell = {(r.table, r.area_code, r.category): r.cell for r in cells.itertuples()}
    parent = dict(zip(areas["code"], areas["parent"], strict=True))

    def key(table: str, code: str, cat: str) -> int:
        return cell[("*", code, TOTAL)] if cat == TOTAL else cell[(table, code, cat)]

    want = set()
    for table, cats in (("age", ["0-17", "18-64", "65+"]), ("sex", ["F", "M"])):
        for cat in [*cats, TOTAL]:
            for par in areas.loc[areas["level"] != "buurt", "code"]:
                kids = [c for c, p in parent.items() if p == par]
                want.add(frozenset({(key(table, par, cat), 1.0),
                                    *((key(table, k, cat), -1.0) for k in kids)}))
        for code in areas["code"]:
            want.add(frozenset({(key(table, code, TOTAL), 1.0),
                                *((key(table, code, c), -1.0) for c in cats)}))
    m = system.relations.tocsr()
    got = [frozenset(zip(m.indices[m.indptr[i]:m.indptr[i + 1]].tolist(),
                         m.data[m.indptr[i]:m.indptr[i + 1]].tolist(), strict=True))
           for i in range(m.shape[0])]
    assert set(got) == want
    # 5 parents (4 wijken, 1 gemeente) per table and category (the shared totals' hierarchy
    # once per table), and one total relation per table and area
    assert len(got) == (3 + 1 + 2 + 1) * 5 + 2 * 25


def test_primary_rules() -> None:
    cells = pd.DataFrame({"value": [0.0, 3.0, 9.0, 10.0, 250.0, 100.0],
                          "top1": [0, 1, 1, 1, 230.0, 30.0], "top2": [0, 1, 1, 1, 15.0, 25.0]})
    sup, reason = primary(cells, Rules())
    assert reason.tolist() == ["", "min_count", "min_count", "", "p_percent", ""]
    assert sup.tolist() == [r != "" for r in reason]
    # row 5: 250 - 230 - 15 = 5 < 0.1 * 230; below, 250 - 200 - 20 = 30 >= 20 (p = 10)
    assert p_percent_sensitive(250, 200, 20, 20.0).item()
    assert not p_percent_sensitive(250, 200, 20, 10.0).item()
    assert nk_sensitive(100, 86, 85.0).item() and not nk_sensitive(100, 85, 85.0).item()
    assert p_percent_sensitive(100, np.nan, 0, 10.0).item()  # unknown contributions fail closed


def test_attack_recovers_cells_when_only_primary_suppression_is_applied() -> None:
    """The attack is real: without secondary suppression it finds suppressed cells."""
    _, system = _release(1)
    sup, _ = primary(system.cells, Rules())
    assert sup.any()
    res = differencing_attack(system.relations, system.values, sup)
    assert len(res.recovered) > 0
    # what it recovers is right
    solved = res.by_differences
    assert len(solved) > 0


@pytest.mark.parametrize("seed", range(6))
def test_differencing_attack_recovers_no_suppressed_cell(seed: int) -> None:
    _, system = _release(seed)
    out = protect(system)
    sup = out["suppressed"].to_numpy()
    assert (out.loc[out["reason"] == "min_count", "value"] < 10).all()
    res = differencing_attack(system.relations, system.values, sup)
    assert len(res.by_differences) == 0
    assert len(res.by_algebra) == 0
    assert len(res.recovered) == 0
    # the bounds attack leaves every suppressed cell at least one person wide
    width = (res.upper - res.lower)[sup]
    assert np.all(width >= 1.0)
    # no relation has exactly one suppressed cell
    m = system.relations.tocsr()
    per_row = np.asarray((m != 0).astype(int) @ sup.astype(int)).ravel()
    assert not (per_row == 1).any()


def test_published_counts_are_rounded_to_five_and_suppressed_are_nan() -> None:
    _, system = _release(2)
    out = protect(system)
    pub = out.loc[~out["suppressed"], "published"].to_numpy()
    assert np.all(pub % 5 == 0)
    assert out.loc[out["suppressed"], "published"].isna().all()
    assert set(out["reason"]) <= {"", "min_count", "secondary"}


def test_determined_cells_finds_a_lone_difference() -> None:
    import scipy.sparse as sp

    # a = b + c; b suppressed alone is determined; b and c suppressed together are not
    m = sp.csr_matrix(np.array([[1.0, -1.0, -1.0]]))
    assert determined_cells(m, np.array([False, True, False])).tolist() == [False, True, False]
    assert not determined_cells(m, np.array([False, True, True])).any()
