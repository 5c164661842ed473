"""People: one address per dwelling, with its household's size, ages and income.

Household sizes are drawn per dwelling from the typology's distribution (singles in the
centres, families in the suburbs) and then nudged by ±1 person at random households until the
region holds exactly the requested number of inhabitants. Ages follow household composition
(singles, couples, single parents, families with children; the share of people aged 65+ per
typology). Income is a latent score: the block's score (typology, smooth income field, district
and block noise; :mod:`~groengezond.synth.landuse`) plus household noise and composition
effects; its rank gives the income decile (1-10, region-wide) and a standardised disposable
household income in euros (price year 2022) on a log-normal scale with a median of €33,000.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.special import ndtri

from groengezond.synth.blocks import Blocks
from groengezond.synth.buildings import Buildings
from groengezond.synth.fields import FloatArray, IntArray
from groengezond.synth.landuse import LandUse
from groengezond.synth.typology import TYPOLOGIES

MEDIAN_INCOME_EUR = 33_000.0
"""Median standardised disposable household income (€ per year, price year 2022); invented
but of the order of the Dutch median."""
INCOME_SIGMA = 0.5
"""Standard deviation of log income."""
LOW_INCOME_EUR = 18_000.0
"""Threshold below which a household counts as low-income (€ per year, price year 2022)."""
MAX_HOUSEHOLD = 8
"""Largest household the adjustment to the exact total may create (persons)."""


@dataclass(frozen=True)
class People:
    """Addresses and their households (arrays of one entry per address).

    Attributes
    ----------
    building : ndarray of int
        Index of the building (in :class:`~groengezond.synth.buildings.Buildings`).
    cell : ndarray of int
        Block of the address.
    xy : ndarray (n, 2)
        Address point inside its building (m, RD New).
    residents, age_0_17, age_18_64, age_65_plus : ndarray of int
        Persons in the household and per age band.
    income_decile : ndarray of int
        Income decile of the household (1-10).
    income_eur : ndarray of float
        Standardised disposable household income (€ per year, price year 2022).
    """

    building: IntArray
    cell: IntArray
    xy: FloatArray
    residents: IntArray
    age_0_17: IntArray
    age_18_64: IntArray
    age_65_plus: IntArray
    income_decile: IntArray
    income_eur: FloatArray

    def __len__(self) -> int:
        return len(self.building)


def _rebalance_dwellings(bld: Buildings, typ: IntArray, inhabitants: int) -> Buildings:
    """Change apartment counts when the buildings cannot house ``inhabitants`` plausibly."""
    dw = bld.dwellings
    mean_p = np.array([np.dot(np.arange(1, 7), t.household_p) for t in TYPOLOGIES])
    expected = float((dw * mean_p[typ]).sum())
    ratio = inhabitants / max(expected, 1.0)
    if 0.8 <= ratio <= 1.25:
        return bld
    multi = dw > 1
    fixed = float((dw[~multi] * mean_p[typ][~multi]).sum())
    flexible = float((dw[multi] * mean_p[typ][multi]).sum())
    factor = np.clip((inhabitants - fixed) / max(flexible, 1.0), 0.2, 4.0)
    new = dw.copy()
    new[multi] = np.maximum(1, np.round(dw[multi] * factor)).astype(np.int64)
    return bld.with_dwellings(new)


def _sizes(typ: IntArray, inhabitants: int, rng: np.random.Generator) -> IntArray:
    """Household size per dwelling, summing to exactly ``inhabitants``."""
    table = np.cumsum(np.array([t.household_p for t in TYPOLOGIES]), axis=1)
    draw = rng.random(len(typ))
    size = 1 + (draw[:, None] > table[typ]).sum(axis=1).astype(np.int64)
    size = np.minimum(size, 6)
    diff = inhabitants - int(size.sum())
    if len(size) > inhabitants:
        raise ValueError(f"{len(size)} dwellings cannot house only {inhabitants} inhabitants")
    while diff != 0:
        step = 1 if diff > 0 else -1
        eligible = np.flatnonzero(size < MAX_HOUSEHOLD) if step > 0 else np.flatnonzero(size > 1)
        k = min(abs(diff), len(eligible))
        if k == 0:
            raise ValueError(f"cannot house {inhabitants} inhabitants in {len(size)} dwellings")
        pick = rng.choice(eligible, size=k, replace=False)
        size[pick] += step
        diff -= step * k
    return np.asarray(size, dtype=np.int64)


def _ages(size: IntArray, p65: FloatArray,
          rng: np.random.Generator) -> tuple[IntArray, IntArray, IntArray]:
    """Persons aged 0-17, 18-64 and 65+ per household."""
    n = len(size)
    r = rng.random((n, 4))
    single = size == 1
    two = size == 2
    big = size >= 3
    parent_child = two & (r[:, 0] < 0.12)
    adults = np.where(single, 1, np.where(two, np.where(parent_child, 1, 2),
                                          np.where(r[:, 1] < 0.15, 1, 2)))
    young = np.where(parent_child, 1, 0)
    rest = np.where(big, size - adults, 0)
    adult_children = np.where(big & (r[:, 2] < 0.35), np.minimum(rest, 1 + (rest > 2)), 0)
    young = young + rest - adult_children
    older = np.where(single, np.clip(p65 * 1.2, 0, 0.9),
                     np.where(two & ~parent_child, np.clip(p65 * 1.1, 0, 0.9), 0.03))
    seniors = np.where(r[:, 3] < older, adults, 0)
    seniors = np.where(big, np.minimum(seniors, 1), seniors)
    working = adults - seniors + adult_children
    return (young.astype(np.int64), working.astype(np.int64), seniors.astype(np.int64))


def make_people(b: Blocks, lu: LandUse, bld: Buildings, inhabitants: int,
                rng: np.random.Generator) -> tuple[People, Buildings]:
    """Place the households of ``inhabitants`` residents in the dwellings.

    Parameters
    ----------
    b : Blocks
        The blocks (typology per block).
    lu : LandUse
        Latent income score per block.
    bld : Buildings
        Buildings with their dwellings.
    inhabitants : int
        Residents of the region (persons); the addresses hold exactly this many.
    rng : numpy.random.Generator
        Source of randomness.

    Returns
    -------
    People
        The addresses.
    Buildings
        The buildings, with dwelling counts changed if they had to be.
    """
    typ_b = b.typology[bld.cell].astype(np.int64)
    bld = _rebalance_dwellings(bld, typ_b, inhabitants)
    building = np.repeat(np.arange(len(bld)), bld.dwellings)
    cell = bld.cell[building]
    typ = b.typology[cell].astype(np.int64)
    size = _sizes(typ, inhabitants, rng)
    p65 = np.array([t.p65 for t in TYPOLOGIES])[typ]
    young, working, seniors = _ages(size, p65, rng)
    z = lu.income[cell] + rng.normal(0.0, 0.85, len(size))
    z -= 0.35 * ((size == 1) & (seniors == 1))
    z -= 0.2 * ((size == 1) & (working == 1))
    z += 0.15 * ((young > 0) & (working + seniors >= 2))
    rank = np.empty(len(z), dtype=np.int64)
    rank[np.argsort(z, kind="stable")] = np.arange(len(z))
    decile = 1 + (10 * rank) // max(len(z), 1)
    income = MEDIAN_INCOME_EUR * np.exp(INCOME_SIGMA * ndtri((rank + 0.5) / len(z)))
    uu = rng.uniform(0.12, 0.88, (len(size), 2))
    xy = (bld.origin[building] + bld.u[building] * (bld.a[building] * uu[:, 0])[:, None]
          + bld.v[building] * (bld.b[building] * uu[:, 1])[:, None])
    people = People(building=building, cell=cell, xy=xy, residents=size, age_0_17=young,
                    age_18_64=working, age_65_plus=seniors,
                    income_decile=decile.astype(np.int64), income_eur=np.round(income, 0))
    return people, bld


def per_block(values: npt.NDArray[np.number], cell: IntArray, n: int) -> FloatArray:
    """Sum of ``values`` per block."""
    return np.asarray(np.bincount(cell, weights=values.astype(np.float64), minlength=n),
                      dtype=np.float64)
