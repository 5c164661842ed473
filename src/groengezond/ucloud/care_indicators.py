"""Care-use and social-domain indicators per area, released only through disclosure control.

From the linked data (:mod:`.linkage`) this computes, for one year, per buurt, wijk and
gemeente:

================================================  =========================================
indicator (registry id)                           numerator / denominator
================================================  =========================================
``gp_mental_health_contacts_per_1000_adults``     GP contacts for mental-health reasons
                                                  (ICPC P) / residents 18+ x 1000
``wmo_clients_per_1000``                          persons with a Wmo provision in the year /
                                                  residents x 1000
``jeugdwet_clients_per_1000_youth``               persons 0-17 with youth care / residents
                                                  0-17 x 1000
``bijstand_per_1000_adults``                      persons 18-64 with a Participatiewet
                                                  benefit / residents 18-64 x 1000
================================================  =========================================

Each numerator is released as a set of linked tables (by age band and by sex, across the
three levels, with shared totals), protected by :func:`~groengezond.ucloud.suppression.protect`
(minimum 10 persons, dominance for contacts, secondary suppression, rounding). An indicator's
value is published only where its numerator's total cell is published; elsewhere it is NaN and
``suppressed`` says why. Denominators are residents counts from the register.

Core: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from groengezond.ucloud.exposures import EXPOSURE_COLUMNS
from groengezond.ucloud.linkage import Linked
from groengezond.ucloud.suppression import Rules, protect
from groengezond.ucloud.tables import (
    TOTAL,
    CellSystem,
    build_system,
    hierarchy_counts,
    hierarchy_magnitudes,
)

LEVELS = ("buurt", "wijk", "gemeente")
CARE_SOURCES = ("care", "care_fhir")
"""Linked sources of care events: the columnar extract and FHIR deliveries (:mod:`.fhir_care`)."""
SOURCE = "ucloud"
"""Registry source key of every indicator computed here."""


@dataclass(frozen=True)
class Release:
    """A protected release of one numerator (all its tables)."""

    name: str
    system: CellSystem
    cells: pd.DataFrame
    """``system.cells`` with ``suppressed``, ``reason`` and ``published``."""


def age_band(age: np.ndarray) -> np.ndarray:
    """``0-17``, ``18-64`` or ``65+``."""
    return np.where(age < 18, "0-17", np.where(age < 65, "18-64", "65+")).astype(object)


def _active(events: pd.DataFrame, year: int) -> pd.Series:
    end = pd.to_numeric(events["end_year"], errors="coerce")
    return (events["start_year"] <= year) & (end.isna() | (end >= year))


def person_table(linked: Linked, year: int) -> pd.DataFrame:
    """One row per person with a buurt: buurt, age band, sex and the year's care use.

    Columns: ``buurt``, ``age_band``, ``sex``, the exposure bands the persons carry
    (``exp_*``), ``gp_mh_contacts`` (int), ``wmo``, ``jeugdwet``, ``participatiewet`` (bool).
    """
    p = linked.persons
    n = len(p)
    age = year - pd.to_numeric(p["birth_year"], errors="coerce").to_numpy(dtype=float)
    out = pd.DataFrame({"buurt": p["buurt"].to_numpy(), "age_band": age_band(age),
                        "sex": p["sex"].astype(str).to_numpy()})
    for col in (c for c in EXPOSURE_COLUMNS if c in p.columns):
        out[col] = p[col].to_numpy()
    mh = np.zeros(n, dtype=np.int64)
    for source in CARE_SOURCES:  # the columnar extract and the FHIR deliveries
        care = linked.events.get(source)
        if care is not None:
            sel = (care["person"] >= 0) & (care["kind"] == "gp_mental_health") & \
                (care["year"] == year)
            mh += np.bincount(care.loc[sel, "person"].to_numpy(dtype=np.int64), minlength=n)
    out["gp_mh_contacts"] = mh
    for scheme in ("wmo", "jeugdwet", "participatiewet"):
        flag = np.zeros(n, dtype=bool)
        ev = linked.events.get(scheme)
        if ev is not None:
            sel = (ev["person"] >= 0) & _active(ev, year)
            flag[ev.loc[sel, "person"].to_numpy(dtype=np.int64)] = True
        out[scheme] = flag
    return out[out["buurt"].notna()].reset_index(drop=True)


def _count_release(name: str, persons: pd.DataFrame, flag: str, areas: pd.DataFrame,
                   by: tuple[str, ...], rules: Rules) -> Release:
    sel = persons[persons[flag]]
    tables = []
    for col in by:
        counts = sel.groupby(["buurt", col]).size().rename("value").reset_index()
        tables.append(hierarchy_counts(counts, areas, table=f"{name}_by_{col}",
                                       category_column=col, levels=LEVELS))
    system = build_system(tables)
    return Release(name, system, protect(system, rules))


def _contacts_release(persons: pd.DataFrame, areas: pd.DataFrame, rules: Rules) -> Release:
    t = hierarchy_magnitudes(persons, areas, table="gp_mh_contacts_by_age_band",
                             category_column="age_band", amount_column="gp_mh_contacts",
                             levels=LEVELS)
    system = build_system([t])
    return Release("gp_mh_contacts", system, protect(system, rules))


def releases(linked: Linked, areas: pd.DataFrame, year: int,
             rules: Rules | None = None, persons: pd.DataFrame | None = None
             ) -> dict[str, Release]:
    """Every protected release of the year (see the module's table); ``persons`` is
    :func:`person_table` when the caller has it already."""
    rules = rules or Rules()
    persons = person_table(linked, year) if persons is None else persons
    out = {
        "gp_mh_contacts": _contacts_release(persons, areas, rules),
        "wmo": _count_release("wmo", persons, "wmo", areas, ("age_band", "sex"), rules),
        "jeugdwet": _count_release("jeugdwet", persons, "jeugdwet", areas, ("sex",), rules),
        "participatiewet": _count_release("participatiewet", persons, "participatiewet",
                                          areas, ("sex",), rules),
    }
    out.update(exposure_releases(persons, areas, rules))
    return out


def exposure_releases(persons: pd.DataFrame, areas: pd.DataFrame, rules: Rules
                      ) -> dict[str, Release]:
    """Care use by the green exposure of the home, when the persons carry exposure bands.

    Two protected releases per exposure (``exp_green_distance``, ``exp_3_30_300``), each by
    band across buurt, wijk and gemeente: adults (18+) with an exposure band
    (``adults_by_<exposure>``, the denominator) and adults with at least one GP contact for
    mental-health reasons in the year (``gp_mh_persons_by_<exposure>``). Their ratio per band
    is the contact rate by exposure. Persons without a band (address known only to the
    postcode, degraded network) are left out of both.
    """
    adults = persons[persons["age_band"].isin(("18-64", "65+"))]
    out: dict[str, Release] = {}
    for col in ("exp_green_distance", "exp_3_30_300"):
        if col not in adults.columns:
            continue
        known = adults[adults[col].notna()].assign(
            adult=True, gp_mh_any=lambda f: f["gp_mh_contacts"] > 0)
        if known.empty:
            continue
        short = col.removeprefix("exp_")
        for base, flag in (("adults", "adult"), ("gp_mh_persons", "gp_mh_any")):
            # the table inside is named <base>_by_<col>, the release <base>_by_<short>
            out[f"{base}_by_{short}"] = _count_release(base, known, flag, areas, (col,),
                                                       rules)
    return out


INDICATORS = {
    "gp_mental_health_contacts_per_1000_adults": ("gp_mh_contacts", ("18-64", "65+")),
    "wmo_clients_per_1000": ("wmo", ("0-17", "18-64", "65+")),
    "jeugdwet_clients_per_1000_youth": ("jeugdwet", ("0-17",)),
    "bijstand_per_1000_adults": ("participatiewet", ("18-64",)),
}
"""Indicator id → (release, age bands of the denominator)."""


def indicator_rows(linked: Linked, areas: pd.DataFrame, released: dict[str, Release],
                   year: int, persons: pd.DataFrame | None = None) -> pd.DataFrame:
    """The indicators per area from the protected releases.

    Returns
    -------
    DataFrame
        ``area_code``, ``level``, ``indicator``, ``year``, ``value`` (per 1000; NaN when
        suppressed), ``denominator`` (residents), ``suppressed`` (bool), ``reason``
        (``disclosure_control`` or ``""``; never whether primary or secondary), ``source``.
    """
    persons = person_table(linked, year) if persons is None else persons
    parent = dict(zip(areas["code"].astype(str), areas["parent"].astype(object), strict=True))
    frames = []
    for ind, (rel_name, bands) in INDICATORS.items():
        cells = released[rel_name].cells
        tot = cells[cells["category"] == TOTAL].set_index("area_code")
        area = persons.loc[persons["age_band"].isin(bands), "buurt"].astype(str)
        for lv in LEVELS:
            den = area.value_counts()
            den = den[den.index.isin(tot.index)]
            t = tot.loc[den.index]
            sup = t["suppressed"].to_numpy(dtype=bool)
            value = t["value"].to_numpy(dtype=float) / den.to_numpy(dtype=float) * 1000.0
            value[sup] = np.nan
            frames.append(pd.DataFrame({
                "area_code": den.index.astype(str), "level": lv, "indicator": ind,
                "year": year, "value": value, "denominator": den.to_numpy(dtype=np.int64),
                "suppressed": sup, "reason": np.where(sup, "disclosure_control", ""),
                "source": SOURCE}))
            area = area.map(parent).dropna().astype(str)
    return pd.concat(frames, ignore_index=True)
