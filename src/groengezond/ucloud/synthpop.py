"""A synthetic population with care and social-domain events, from the synthetic region.

Test data for the hub at scale: one person per resident of the region's addresses, with a
made-up but valid BSN (11-test), birth year, sex and address (synthetic postcode and house
number, see :func:`~groengezond.ucloud.addresses.synthetic_address_keys`); GP contacts, GP
contacts for mental-health reasons, hospital contacts, conditions and prescriptions; and Wmo,
Jeugdwet and Participatiewet provisions.

The rates follow the region's health indicators per buurt: the probability that an adult has
mental-health GP care is the buurt's ``depression_anxiety_risk_pct`` (scaled by
:data:`MH_CARE_SHARE`), the GP contact rate rises with the share of residents in less than good
health (``100 - perceived_health_good_pct``), and Wmo and Participatiewet rise in the lower
income deciles. **Every rate here is an assumption for a synthetic test set** (chosen so that
1.5M persons give about 10M care events, the scale of a year of GP and hospital data for the
region), not an estimate; the outputs say ``synthetic: true``.

Core: no I/O; randomness from an explicit ``numpy.random.Generator``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from groengezond.region.model import Region
from groengezond.ucloud.addresses import synthetic_address_keys

IntArray = npt.NDArray[np.int64]

GP_CONTACTS_BY_AGE = {"0-17": 2.8, "18-64": 4.0, "65+": 7.2}
"""Mean GP contacts per person per year by age band (assumption, synthetic)."""
MH_CARE_SHARE = 0.35
"""Share of adults at risk of anxiety/depression who have mental-health GP care in a year
(assumption, synthetic)."""
MH_CONTACTS_MEAN = 3.0
"""Mean mental-health GP contacts of such a person in the year (assumption, synthetic)."""
HOSPITAL_MEAN = 0.45
CONDITIONS_MEAN = 0.35
PRESCRIPTIONS_MEAN = 1.2
WMO_BY_AGE = {"0-17": 0.004, "18-64": 0.025, "65+": 0.16}
JEUGD_RATE = 0.11
BIJSTAND_BY_DECILE = np.array([0.22, 0.10, 0.05, 0.025, 0.012, 0.006, 0.003, 0.002, 0.001,
                               0.001])
EVENT_KINDS = ("gp_contact", "gp_mental_health", "hospital_contact", "condition",
               "prescription")
ICPC_MH = ("P74", "P76", "P01", "P03")  # anxiety, depression, feeling anxious, feeling down
YEAR = 2024


@dataclass(frozen=True)
class Population:
    """The synthetic deliveries, as sources would send them (with BSNs)."""

    register: pd.DataFrame
    """Persons: ``bsn`` (int), ``postcode``, ``huisnummer``, ``birth_year``, ``sex``,
    ``income_decile`` (the municipality's population register, BRP-like)."""
    care_events: pd.DataFrame
    """``bsn``, ``kind`` (see :data:`EVENT_KINDS`), ``code``, ``year``, ``month``."""
    social: dict[str, pd.DataFrame]
    """Per scheme, the extract in the declared CSV schema (all text)."""
    addresses: pd.DataFrame
    """``postcode``, ``house_number``, ``buurt`` (and banded exposures ``exp_*`` when given):
    the address table for ingestion."""


def valid_bsns(n: int, rng: np.random.Generator) -> IntArray:
    """``n`` distinct random BSNs that pass the 11-test (made up; first digit 1-9)."""
    weights = np.array([9, 8, 7, 6, 5, 4, 3, 2], dtype=np.int64)
    out: list[IntArray] = []
    have = 0
    while have < n:
        pre = rng.integers(10_000_000, 100_000_000, size=int((n - have) * 1.2) + 100)
        digits = np.stack([(pre // 10 ** (7 - i)) % 10 for i in range(8)], axis=1)
        check = (digits @ weights) % 11
        ok = check < 10
        bsn = pre[ok] * 10 + check[ok]
        out.append(bsn)
        have += len(bsn)
    allb = np.unique(np.concatenate(out))
    rng.shuffle(allb)
    if len(allb) < n:
        return np.concatenate([allb, valid_bsns(n - len(allb), rng)])
    return allb[:n]


def _buurt_value(region: Region, indicator: str, buurten: npt.NDArray[np.object_],
                 default: float) -> npt.NDArray[np.float64]:
    ind = region.indicators
    sel = ind[(ind["indicator"] == indicator)]
    if sel.empty:
        return np.full(len(buurten), default)
    latest = sel[sel["year"] == sel["year"].max()].set_index("area_code")["value"]
    return np.asarray(pd.Series(buurten).map(latest).fillna(default), dtype=np.float64)


def generate_population(region: Region, rng: np.random.Generator, *,
                        year: int = YEAR, exposures: pd.DataFrame | None = None
                        ) -> Population:
    """The synthetic deliveries of one year for every resident of the region.

    Parameters
    ----------
    region : Region
        A synthetic region (its addresses with age bands and income deciles, its health
        indicators per buurt).
    rng : numpy.random.Generator
        Source of randomness.
    year : int
        Year of the events.
    exposures : DataFrame, optional
        Banded exposures per ``address_id``
        (:func:`~groengezond.ucloud.exposures.address_exposures`), added to the address table
        as the data steward would deliver them.

    Returns
    -------
    Population
    """
    addr = region.addresses
    aid = addr["address_id"].to_numpy(dtype=np.int64)
    bands = (("0-17", "age_0_17", 0, 17), ("18-64", "age_18_64", 18, 64),
             ("65+", "age_65_plus", 65, 97))
    parts_addr, parts_band, parts_age = [], [], []
    for label, col, lo, hi in bands:
        k = addr[col].to_numpy(dtype=np.int64)
        idx = np.repeat(np.arange(len(addr)), k)
        parts_addr.append(idx)
        parts_band.append(np.full(len(idx), label, dtype=object))
        parts_age.append(rng.integers(lo, hi + 1, size=len(idx)))
    pa = np.concatenate(parts_addr)
    band = np.concatenate(parts_band)
    age = np.concatenate(parts_age)
    n = len(pa)
    bsn = valid_bsns(n, rng)
    pcs, nums = synthetic_address_keys(aid)
    buurt = addr["buurt"].astype(str).to_numpy()[pa]
    decile = addr["income_decile"].to_numpy(dtype=np.int64)[pa]
    sex = np.where(rng.random(n) < 0.5, "M", "F").astype(object)
    register = pd.DataFrame({"bsn": bsn, "postcode": pcs[pa], "huisnummer": nums[pa],
                             "birth_year": year - age, "sex": sex, "income_decile": decile})
    # health of the buurt
    ub, inv = np.unique(buurt, return_inverse=True)
    risk = _buurt_value(region, "depression_anxiety_risk_pct", ub, 45.0)[inv] / 100.0
    good = _buurt_value(region, "perceived_health_good_pct", ub, 75.0)[inv] / 100.0
    poor_rel = (1.0 - good) / max(1e-9, float(np.mean(1.0 - good)))
    gp_mean = np.vectorize(GP_CONTACTS_BY_AGE.get)(band).astype(float) * poor_rel
    adult = age >= 18
    mh = adult & (rng.random(n) < risk * MH_CARE_SHARE)
    counts = {
        "gp_contact": rng.poisson(gp_mean),
        "gp_mental_health": np.where(mh, 1 + rng.poisson(MH_CONTACTS_MEAN - 1, n), 0),
        "hospital_contact": rng.poisson(HOSPITAL_MEAN * (1 + (age >= 65)), n),
        "condition": rng.poisson(CONDITIONS_MEAN, n),
        "prescription": rng.poisson(PRESCRIPTIONS_MEAN * (1 + (age >= 65)), n),
    }
    ev_person, ev_kind = [], []
    for k, kind in enumerate(EVENT_KINDS):
        c = counts[kind].astype(np.int64)
        ev_person.append(np.repeat(np.arange(n), c))
        ev_kind.append(np.full(int(c.sum()), k, dtype=np.int8))
    person = np.concatenate(ev_person)
    kind_i = np.concatenate(ev_kind)
    m = len(person)
    code = np.full(m, "", dtype=object)
    is_mh = kind_i == 1
    code[is_mh] = np.asarray(ICPC_MH, dtype=object)[rng.integers(0, len(ICPC_MH),
                                                                  int(is_mh.sum()))]
    care = pd.DataFrame({"bsn": bsn[person],
                         "kind": pd.Categorical.from_codes(kind_i, categories=EVENT_KINDS),
                         "code": code, "year": np.int16(year),
                         "month": rng.integers(1, 13, m).astype(np.int8)})
    social = _social(register, band, decile, rng, year)
    addresses = pd.DataFrame({"postcode": pcs, "house_number": nums,
                              "buurt": addr["buurt"].astype(str).to_numpy()})
    if exposures is not None:
        bands = exposures.set_index("address_id").reindex(aid)
        for col in bands.columns:
            addresses[col] = bands[col].astype(object).where(bands[col].notna(), None
                                                             ).to_numpy()
    return Population(register, care, social, addresses)


def _social(register: pd.DataFrame, band: npt.NDArray[np.object_],
            decile: IntArray, rng: np.random.Generator, year: int
            ) -> dict[str, pd.DataFrame]:
    n = len(register)
    p_wmo = np.vectorize(WMO_BY_AGE.get)(band).astype(float) * (1.6 - 0.12 * decile / 2)
    picks = {
        "wmo": (rng.random(n) < p_wmo,
                ("hulp_huishouden", "begeleiding", "dagbesteding", "hulpmiddelen",
                 "woonvoorziening", "vervoer", "beschermd_wonen")),
        "jeugdwet": ((band == "0-17") & (rng.random(n) < JEUGD_RATE),
                     ("jeugdhulp_zonder_verblijf", "jeugdhulp_met_verblijf",
                      "jeugdbescherming", "jeugdreclassering")),
        "participatiewet": ((band == "18-64") & (rng.random(n) < BIJSTAND_BY_DECILE[
            np.clip(decile, 1, 10) - 1]), ("algemene_bijstand", "ioaw", "ioaz")),
    }
    out: dict[str, pd.DataFrame] = {}
    for scheme, (sel, provisions) in picks.items():
        idx = np.flatnonzero(sel)
        k = len(idx)
        p = np.linspace(2.0, 1.0, len(provisions))
        prov = np.asarray(provisions, dtype=object)[rng.choice(len(provisions), size=k,
                                                               p=p / p.sum())]
        start_year = year - rng.integers(0, 4, k)
        start = pd.to_datetime({"year": start_year, "month": rng.integers(1, 13, k),
                                "day": rng.integers(1, 29, k)})
        ends = rng.random(k) < 0.3
        end = (start + pd.to_timedelta(rng.integers(30, 700, k), unit="D")).dt.strftime(
            "%Y-%m-%d").where(ends, "")
        out[scheme] = pd.DataFrame({
            "bsn": pd.Series(register["bsn"].to_numpy()[idx]).map("{:09d}".format),
            "postcode": register["postcode"].to_numpy()[idx],
            "huisnummer": register["huisnummer"].to_numpy()[idx].astype(str),
            "voorziening": prov, "startdatum": start.dt.strftime("%Y-%m-%d"),
            "einddatum": end})
    return out
