"""Figures of a Planner result that are not computable: blanked, with their reason.

A scenario on a region with a missing or placeholder layer still runs; the figures that rest
on that layer must not read as numbers (a silent 0 or an artefact). :func:`without_unknowns`
sets them to None and attaches the :class:`~groengezond.region.quality.NotComputable` reason,
also for the totals, euros and per-buurt columns that sum them.
"""

from __future__ import annotations

from typing import Any

from groengezond.region.quality import NotComputable
from groengezond.scenario.result import BuurtEffect, ScenarioResult

__all__ = ["without_unknowns"]


def without_unknowns(result: ScenarioResult, nc: dict[str, NotComputable]) -> ScenarioResult:
    """``result`` with every figure in ``nc`` set to None and its reason attached.

    Parameters
    ----------
    result : ScenarioResult
        The scenario's result as computed (placeholders still in).
    nc : dict of str to NotComputable
        Figure paths (``pathways.<erf>``, ``exposures.<field>``, ``money``, ``equity``,
        ``costs.benefit_cost_ratio``) that rest on a missing or placeholder input.

    Returns
    -------
    ScenarioResult
        The same result in which those figures, and the totals, euros and per-buurt columns
        summed from them, read "not computable" with their reason instead of a number.
    """
    if not nc:
        return result
    gone = {k.split(".", 1)[1] for k in nc if k.startswith("pathways.")}
    pathways = [p.model_copy(update={"total": None, "not_computable": nc[f"pathways.{p.erf_id}"]})
                if p.erf_id in gone else p for p in result.pathways]
    first = next(iter(nc.values()))
    totals = [t.model_copy(update={"total": None, "not_computable": nc.get(
        f"pathways.{next(e for e in t.summed if e in gone)}", first)})
        if gone & set(t.summed) else t for t in result.totals]
    money = result.money
    if gone & set(money.summed):
        money = money.model_copy(update={"total": None, "not_computable": nc.get("money", first)})
    ex_fields = {k.split(".", 1)[1]: None for k in nc if k.startswith("exposures.")}
    exposures = result.exposures.model_copy(update=ex_fields)
    b_fields: dict[str, Any] = {k: None for k in ex_fields if k in BuurtEffect.model_fields}
    if gone:
        by_erf = {"green_mortality": "deaths_prevented",
                  "green_depression": "depression_cases_prevented",
                  "heat_mortality": "heat_deaths_prevented"}
        b_fields.update({by_erf[e]: None for e in gone if e in by_erf})
        if money.total is None:
            b_fields["value_eur_per_year"] = None
    buurten = [b.model_copy(update=b_fields) for b in result.buurten]
    costs = result.costs
    if costs is not None and "costs.benefit_cost_ratio" in nc:
        why = nc["costs.benefit_cost_ratio"]
        costs = costs.model_copy(update={"benefit_cost_ratio": None,
                                         "benefits_present_value_eur": None,
                                         "reason": f"not computable: {why.reason}"})
    equity = result.equity
    if "equity" in nc:
        why = nc["equity"]
        nan = float("nan")
        equity = equity.model_copy(update={
            "sii_after": nan, "sii_change": nan, "sii_change_interval": None,
            "abs_sii_change": None, "quintile_gap_after": nan, "quintile_gap_change": nan,
            "quintile_gap_change_interval": None, "verdict": "unknown",
            "statement": f"The change of the health gap is not computable: {why.reason}."})
    return result.model_copy(update={
        "pathways": pathways, "totals": totals, "money": money, "exposures": exposures,
        "buurten": buurten, "costs": costs, "equity": equity, "not_computable": dict(nc)})
