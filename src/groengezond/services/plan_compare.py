"""Scenarios side by side: the table behind ``plan --compare`` and ``/api/scenarios/compare``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from groengezond.scenario.result import ScenarioResult


def compare(results: Sequence[ScenarioResult]) -> pd.DataFrame:
    """One row per scenario (baseline first, all zeros), side by side.

    Columns: residents within 300 m (share), change of NDVI and air temperature, deaths and
    depression cases prevented per year (median [95% interval]), euros per year and the gap
    verdict.
    """
    def fmt(iv: Any) -> str:
        if iv is None:
            return "not computable"
        return f"{iv.median:.3g} [{iv.lower:.3g}, {iv.upper:.3g}]"

    rows: list[dict[str, Any]] = []
    if results:
        base = results[0].exposures
        rows.append({"scenario": "baseline", "within_300m": base.within_300m_before,
                     "d_ndvi_500m": 0.0, "d_t_air_c": 0.0, "deaths_prevented": "0",
                     "depression_cases_prevented": "0", "eur_per_year": "0",
                     "cost_eur": "0", "benefit_cost_ratio": "-",
                     "sii_change": 0.0, "gap": "-"})
    for r in results:
        tot = {t.outcome: t.total for t in r.totals}
        rows.append({
            "scenario": r.scenario, "within_300m": r.exposures.within_300m_after,
            "d_ndvi_500m": r.exposures.d_ndvi_500m, "d_t_air_c": r.exposures.d_t_air_c,
            "deaths_prevented": fmt(tot["all_cause_mortality"])
            if "all_cause_mortality" in tot else "-",
            "depression_cases_prevented": fmt(tot["depression"]) if "depression" in tot else "-",
            "eur_per_year": fmt(r.money.total),
            "cost_eur": f"{r.costs.total_low_eur:.3g}-{r.costs.total_high_eur:.3g}"
            if r.costs else "-",
            "benefit_cost_ratio": fmt(r.costs.benefit_cost_ratio)
            if r.costs and r.costs.benefit_cost_ratio else "-",
            "sii_change": r.equity.sii_change,
            "gap": r.equity.verdict})
    return pd.DataFrame(rows)
