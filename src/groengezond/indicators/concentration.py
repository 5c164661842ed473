"""Concentration of poor green access among low-income residents.

Is lacking green near home concentrated among the residents with the lowest incomes? Two
measures, over the buurten of a region (and over its addresses when per-address access is
known):

- the concentration index of the lack of green by income (Wagstaff, Paci & van Doorslaer
  1991; Kakwani, Wagstaff & van Doorslaer 1997), :math:`C = 2\\,\\mathrm{cov}_w(y, R)/\bar y`
  with :math:`R` the fractional income rank, poorest first: :math:`C < 0` means the lack is
  concentrated among the poor;
- the share of residents in the lowest income quintile (national income deciles 1-2) among
  those without public green of at least 1 ha within 300 m, against their share among all
  residents (ratio above 1: concentrated).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from groengezond.indicators.inequality import concentration_index, low_income_share
from groengezond.region.model import Region

ACCESS_INDICATOR = "green_within_300m_pct"
"""The WHO access indicator: share of residents within 300 m of public green of 1 ha or more."""


def _low_income_fraction(region: Region, values: pd.DataFrame) -> pd.Series | None:
    """Share (0-1) of residents in the lowest income quintile per buurt (income deciles 1-2
    of the addresses, else the share of low-income households)."""
    addr = region.addresses
    if len(addr) and "income_decile" in addr.columns:
        low = (addr["income_decile"] <= 2).to_numpy(dtype=float) * addr["residents"].to_numpy()
        frame = pd.DataFrame({"buurt": addr["buurt"].to_numpy(), "low": low,
                              "res": addr["residents"].to_numpy(dtype=float)})
        g = frame.groupby("buurt").sum()
        return (g["low"] / g["res"].where(g["res"] > 0)).rename("low")
    rows = values[(values["indicator"] == "low_income_households_pct")
                  & (values["level"] == "buurt")]
    if len(rows):
        latest = rows[rows["year"] == rows["year"].max()]
        return (latest.set_index("area_code")["value"] / 100.0).rename("low")
    return None


CONCENTRATION_INDICATORS: tuple[str, ...] = (ACCESS_INDICATOR, "green_share_300m_pct")
"""Green indicators (percentages, higher is better) whose lack is tested for concentration
among low-income residents; the low-income share without access needs a yes/no access."""


def green_concentration(region: Region, values: pd.DataFrame,
                        address_access: pd.DataFrame | None = None) -> pd.DataFrame:
    """Concentration of poor green access among low-income residents.

    Over the buurten, for each green indicator of :data:`CONCENTRATION_INDICATORS` and year:
    the concentration index of the lack of green, :math:`y = 1 - v/100`, by the buurt's share
    of low-income residents (:func:`~.inequality.concentration_index`, poorest first), and for
    the yes/no access indicator the share of low-income residents among those without access
    (:func:`~.inequality.low_income_share`). With ``address_access`` the same per address,
    ranked by the address's income decile.

    Parameters
    ----------
    region : Region
        The region (``addresses`` with ``income_decile`` and ``residents`` when present).
    values : DataFrame
        Values per area (:func:`~.compute.area_values` table): ``indicator``, ``level``,
        ``year``, ``area_code``, ``value`` (%), ``persons``.
    address_access : DataFrame, optional
        ``address_id`` and ``green_within_300m`` (bool).

    Returns
    -------
    DataFrame
        One row per indicator, year and method (``buurten`` or ``addresses``):
        ``concentration_index`` (negative: lack of green concentrated among the poor),
        ``low_income_share_without_access``, ``low_income_share_all``, ``ratio`` (> 1:
        concentrated), ``persons_without_access`` and ``persons``.
    """
    columns = ["indicator", "level", "year", "method", "concentration_index",
               "low_income_share_without_access", "low_income_share_all", "ratio",
               "persons_without_access", "persons"]
    low = _low_income_fraction(region, values)
    rows: list[tuple[object, ...]] = []
    nan = float("nan")
    green = values[values["indicator"].isin(CONCENTRATION_INDICATORS)
                   & (values["level"] == "buurt")]
    for (ind, year), grp in green.groupby(["indicator", "year"], sort=True):
        if low is None:
            break
        lack = 1.0 - grp["value"].to_numpy(dtype=float) / 100.0
        lowf = grp["area_code"].map(low).to_numpy(dtype=float)
        pop = grp["persons"].to_numpy(dtype=float)
        ci = concentration_index(lack, -lowf, pop)
        if ind == ACCESS_INDICATOR:
            share = low_income_share(lack, lowf, pop)
            rows.append((ind, "region", int(year), "buurten", ci, share.share_without,
                         share.share_all, share.ratio, share.persons_without,
                         float(np.nansum(pop))))
        else:
            rows.append((ind, "region", int(year), "buurten", ci, nan, nan, nan, nan,
                         float(np.nansum(pop))))
    addr = region.addresses
    if address_access is not None and len(addr) and "income_decile" in addr.columns:
        acc = addr[["address_id", "residents", "income_decile"]].merge(
            address_access[["address_id", "green_within_300m"]], on="address_id", how="inner")
        lack = 1.0 - acc["green_within_300m"].to_numpy(dtype=float)
        res = acc["residents"].to_numpy(dtype=float)
        dec = acc["income_decile"].to_numpy(dtype=float)
        share = low_income_share(lack, (dec <= 2).astype(float), res)
        year = int(max(region.meta.years)) if region.meta.years else 0
        rows.append((ACCESS_INDICATOR, "region", year, "addresses",
                     concentration_index(lack, dec, res), share.share_without, share.share_all,
                     share.ratio, share.persons_without, float(res.sum())))
    return pd.DataFrame(rows, columns=columns)
