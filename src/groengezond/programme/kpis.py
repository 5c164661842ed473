"""KPIs against their targets, with actuals filled in from the Monitor where linked.

A KPI linked to a Monitor indicator (``monitor_indicator``) of an area (``monitor_area``) takes
as actual of a half-year, when none was entered, the area's published value of the latest year
on or before the half-year's end (the Monitor publishes yearly). Its origin is then
``monitor``; a suppressed or absent value leaves the actual empty with the reason.
"""

from __future__ import annotations

import math

import pandas as pd
from pydantic import BaseModel

from groengezond.programme.schemas import KpiData, Programme, period_bounds


class KpiStatus(BaseModel):
    """A KPI in one half-year: baseline, target, actual, where the actual comes from."""

    project: str
    result: str
    indicator: str
    measure: str
    ascending: bool
    baseline: float | None
    target: float | None
    actual: float | None
    origin: str
    """``entered``, ``monitor`` (with the year in ``monitor_year``) or ``none``."""
    monitor_year: int | None = None
    note: str = ""
    """Why a linked KPI has no actual: ``no_region`` (no region given), ``no_value`` (the
    Monitor has no value of the indicator for the area up to the period) or ``suppressed``
    (published as suppressed: too few persons); empty otherwise."""
    status: str
    """``on_track`` (actual reaches the target), ``behind`` or ``no_actual``."""


def _monitor_value(values: pd.DataFrame | None, k: KpiData, end_year: int
                   ) -> tuple[float | None, int | None, str]:
    if values is None:
        return None, None, "no_region"
    sel = values[(values["indicator"] == k.monitor_indicator)
                 & (values["area_code"] == k.monitor_area) & (values["year"] <= end_year)]
    if sel.empty:
        return None, None, "no_value"
    last = sel.sort_values("year").iloc[-1]
    if bool(last.get("suppressed", False)) or pd.isna(last["value"]):
        return None, int(last["year"]), "suppressed"
    return float(last["value"]), int(last["year"]), ""


def kpi_statuses(programme: Programme, period: str,
                 monitor_values: pd.DataFrame | None = None) -> list[KpiStatus]:
    """Every KPI's standing in ``period`` (a half-year such as ``2026H2``).

    Parameters
    ----------
    programme : Programme
        The programme.
    period : str
        The half-year.
    monitor_values : DataFrame, optional
        The Monitor's published values (``area_code``, ``indicator``, ``year``, ``value``,
        ``suppressed``) for the linked KPIs.
    """
    end_year = period_bounds(period)[1].year
    out = []
    for k in programme.kpis:
        row = next((p for p in k.periods if p.period == period), None)
        target = row.target if row else None
        actual = row.actual if row else None
        origin, year, note = ("entered" if actual is not None else "none"), None, ""
        if actual is None and k.monitor_indicator and k.monitor_area:
            actual, year, note = _monitor_value(monitor_values, k, end_year)
            origin = "monitor" if actual is not None else "none"
        if actual is None or target is None or math.isnan(actual):
            status = "no_actual" if actual is None else "on_track"
        else:
            status = "on_track" if (actual >= target if k.ascending else actual <= target) \
                else "behind"
        out.append(KpiStatus(project=k.project, result=k.result, indicator=k.indicator,
                             measure=k.measure, ascending=k.ascending, baseline=k.baseline,
                             target=target, actual=actual, origin=origin, monitor_year=year,
                             note=note, status=status))
    return out
