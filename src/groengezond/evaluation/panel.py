"""Panels for the Evaluator: one indicator per area and year, with covariates and treatment.

Input is a *long* table with columns ``area_code``, ``indicator``, ``year``, ``value``: the
region's ``indicators`` layer has that shape, and so has the national RIVM 50090NED table
(every buurt of the Netherlands, 2012, 2016, 2020) once its reader in
:mod:`groengezond.sources` is used. Output is the panel the estimators take: ``unit``,
``time``, ``outcome``, ``first_treat`` (0 = never treated), ``cluster`` and covariates.

Rules (documented in docs/evaluator.md):

* only areas with the outcome in *every* year are kept (the estimators need a balanced panel);
  the others are listed in :attr:`Panel.dropped` with the reason, never dropped silently;
* a treatment that starts between two waves counts from the first wave at or after its start
  (``first_treat`` is always one of the panel's years); a treatment before the first wave is
  kept and the estimators leave those areas out with a note;
* covariates are other indicators (or area columns) taken in the first year (pre-treatment
  baseline), so they are not affected by the intervention.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from groengezond.errors import InputError, Problem
from groengezond.evaluation.result import require_columns
from groengezond.region.model import Region

LONG_COLUMNS = ["area_code", "indicator", "year", "value"]


@dataclass
class Panel:
    """A balanced panel of one outcome.

    Attributes
    ----------
    data : pd.DataFrame
        ``unit``, ``time``, ``outcome``, ``first_treat``, ``cluster`` and the covariates.
    indicator : str
        The outcome's indicator id.
    years : list of int
        The panel's years.
    covariates : list of str
        Covariate columns in ``data``.
    dropped : dict of str to str
        Areas left out and why.
    """

    data: pd.DataFrame
    indicator: str
    years: list[int]
    covariates: list[str] = field(default_factory=list)
    dropped: dict[str, str] = field(default_factory=dict)

    @property
    def treated_units(self) -> list[str]:
        """Units with a treatment start."""
        d = self.data
        return sorted(d.loc[d["first_treat"] > 0, "unit"].unique().tolist())

    @property
    def never_treated_units(self) -> list[str]:
        """Units never treated in the panel: the donor pool of a synthetic control."""
        d = self.data
        return sorted(d.loc[d["first_treat"] == 0, "unit"].unique().tolist())


def first_wave(start_year: int, years: Sequence[int]) -> int:
    """The first panel year at or after ``start_year`` (0 when after the last year)."""
    later = [y for y in sorted(years) if y >= start_year]
    return int(later[0]) if later else 0


def build_panel(long: pd.DataFrame, indicator: str, *,
                areas: pd.DataFrame | None = None, level: str | None = None,
                treatment: Mapping[str, int] | None = None,
                covariates: Sequence[str] = (), cluster_level: str = "parent",
                years: Sequence[int] | None = None) -> Panel:
    """Build a balanced panel of ``indicator`` from a long table.

    Parameters
    ----------
    long : pd.DataFrame
        Columns ``area_code``, ``indicator``, ``year``, ``value``.
    indicator : str
        Outcome indicator id.
    areas : pd.DataFrame, optional
        ``code``, ``level``, ``parent`` (and optional numeric columns usable as covariates);
        gives the cluster (the parent wijk or gemeente) and restricts to ``level``.
    level : str, optional
        Keep only areas of this level (``buurt``, ``wijk``); needs ``areas``.
    treatment : mapping of area code to start year, optional
        Treated areas and the year the intervention was completed.
    covariates : sequence of str
        Indicator ids (first-year values) or ``areas`` columns.
    cluster_level : {"parent", "grandparent", "unit"}
        Cluster by the parent area (wijk for buurten), its parent (gemeente) or the unit.
    years : sequence of int, optional
        Restrict to these years.

    Raises
    ------
    InputError
        Missing columns, an unknown indicator, treated areas absent from the panel, or
        covariates missing for kept areas.
    """
    require_columns(long, LONG_COLUMNS, "indicators")
    sel = long[long["indicator"] == indicator]
    if sel.empty:
        known = sorted(long["indicator"].unique().tolist())[:10]
        raise InputError.single("indicators", "", "indicator", f"no rows for {indicator!r}",
                                f"use one of {', '.join(known)}")
    if years is not None:
        sel = sel[sel["year"].isin(list(years))]
    sel = sel.assign(area_code=sel["area_code"].astype(str))
    dropped: dict[str, str] = {}
    parent: pd.Series | None = None
    if areas is not None:
        require_columns(areas, ["code", "level", "parent"], "areas")
        a = areas.assign(code=areas["code"].astype(str)).set_index("code")
        if level is not None:
            keep = set(a.index[a["level"] == level])
            sel = sel[sel["area_code"].isin(keep)]
        parent = a["parent"].astype("string")
        if cluster_level == "grandparent":
            parent = parent.map(lambda p: a["parent"].get(p) if pd.notna(p) else p)
    dup = sel.duplicated(["area_code", "year"], keep=False)
    if dup.any():
        extra = [c for c in sel.columns if c not in LONG_COLUMNS
                 and sel.loc[dup].groupby(["area_code", "year"])[c].nunique().max() > 1]
        first = sel.loc[dup].iloc[0]
        raise InputError.single(
            "indicators", f"area {first['area_code']}, year {first['year']}", "area_code, year",
            f"{int(dup.sum())} rows share an area and year"
            + (f" (they differ in {', '.join(extra)})" if extra else ""),
            "filter the table to one row per area and year first (e.g. one age_group)")
    wide = sel.pivot_table(index="area_code", columns="year", values="value", aggfunc="first")
    all_years = sorted(int(y) for y in wide.columns)
    incomplete = wide.index[wide.isna().any(axis=1)]
    for code in incomplete:
        have = [int(y) for y in wide.columns[wide.loc[code].notna()]]
        dropped[str(code)] = f"outcome only in {have} of {all_years}"
    wide = wide.drop(index=incomplete)
    if wide.empty:
        raise InputError.single("indicators", "", "year", f"no area has {indicator!r} in every "
                                f"year {all_years}", "choose years that every area has")
    treat = {str(k): int(v) for k, v in (treatment or {}).items()}
    absent = [k for k in treat if k not in wide.index]
    if absent:
        raise InputError([Problem("treatment", f"area {k}", "area_code",
                                  dropped.get(k, "not in the panel"),
                                  "give treated areas that have the outcome in every year")
                          for k in absent[:10]])
    data = wide.stack().rename("outcome").reset_index()
    data.columns = ["unit", "time", "outcome"]
    data["time"] = data["time"].astype(int)
    data["first_treat"] = data["unit"].map(
        {k: first_wave(v, all_years) for k, v in treat.items()}).fillna(0).astype(int)
    if cluster_level == "unit" or parent is None:
        data["cluster"] = data["unit"]
    else:
        data["cluster"] = data["unit"].map(parent).fillna(data["unit"]).astype(str)
    cov_cols: list[str] = []
    problems: list[Problem] = []
    base = all_years[0]
    for c in covariates:
        if areas is not None and c in areas.columns:
            vals = areas.assign(code=areas["code"].astype(str)).set_index("code")[c]
        else:
            rows = long[(long["indicator"] == c) & (long["year"] == base)]
            if rows.empty:
                problems.append(Problem("indicators", "", c, f"no covariate {c!r} in {base}",
                                        "name an indicator with values in the first year or "
                                        "an areas column"))
                continue
            vals = rows.assign(area_code=rows["area_code"].astype(str)).groupby(
                "area_code")["value"].mean()
        mapped = data["unit"].map(vals)
        if mapped.isna().any():
            miss = data.loc[mapped.isna(), "unit"].unique()[:5].tolist()
            problems.append(Problem("indicators", f"areas {miss}", c, "covariate missing",
                                    "give the covariate for every area in the panel"))
            continue
        col = f"cov_{c}"
        data[col] = mapped.astype(float)
        cov_cols.append(col)
    if problems:
        raise InputError(problems)
    data = data.sort_values(["unit", "time"]).reset_index(drop=True)
    return Panel(data=data, indicator=indicator, years=all_years, covariates=cov_cols,
                 dropped=dropped)


def panel_from_region(region: Region, indicator: str, *, level: str = "buurt",
                      treatment: Mapping[str, int] | None = None,
                      covariates: Sequence[str] = (),
                      cluster_level: str = "parent") -> Panel:
    """Panel of a Monitor indicator from a :class:`~groengezond.region.model.Region`."""
    indicators = region.indicators
    areas = pd.DataFrame(region.areas.drop(columns="geometry"))
    return build_panel(indicators, indicator, areas=areas, level=level, treatment=treatment,
                       covariates=covariates, cluster_level=cluster_level)


def simulated_panel(n_units: int = 13_000, years: Sequence[int] = (2012, 2016, 2020),
                    n_clusters: int = 350, seed: int = 0, unit_sd: float = 5.0,
                    noise_sd: float = 2.0,
                    trend_sd: float = 0.5) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A synthetic long table shaped like RIVM 50090NED (nothing in it is real).

    ``value`` = 70 + unit effect (sd ``unit_sd``) + cluster-specific trend (sd ``trend_sd``
    per wave) + noise (sd ``noise_sd``). Returns the long table and the areas table (each
    buurt's parent is one of ``n_clusters`` wijken).
    """
    rng = np.random.default_rng(seed)
    ys = np.asarray(sorted(years))
    cl = rng.integers(0, n_clusters, n_units)
    codes = np.array([f"BU{c:04d}{i:05d}" for i, c in enumerate(cl)])
    trend = rng.normal(0, trend_sd, (n_clusters, ys.size)).cumsum(axis=1)
    val = (70 + rng.normal(0, unit_sd, n_units)[:, None] + trend[cl]
           + rng.normal(0, noise_sd, (n_units, ys.size)))
    long = pd.DataFrame({"area_code": np.repeat(codes, ys.size),
                         "indicator": "perceived_health_good_pct",
                         "year": np.tile(ys, n_units), "value": val.ravel()})
    areas = pd.DataFrame({"code": codes, "level": "buurt",
                          "parent": [f"WK{c:04d}" for c in cl]})
    return long, areas
