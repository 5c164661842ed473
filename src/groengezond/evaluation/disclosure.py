"""Disclosure control of the Evaluator's published figures: the Monitor's gate, applied.

Every figure the Evaluator publishes (API, web app) goes through
:func:`groengezond.indicators.disclosure.disclose` with the outcome indicator's own rule from
the registry. What the gate needs is the number of persons each figure describes:

- an **estimate** (ATT, its SE and interval) compares the treated areas with the comparison
  areas: it describes ``min(residents of the treated areas, residents of the comparison
  areas)``;
- an **event-study coefficient** at event time ``e`` describes the residents of the treated
  areas observed ``e`` waves after their treatment (their cohort's treatment wave plus ``e``
  lies in the panel), against the comparison areas, with the same minimum;
- a point of the **treated series** describes the treated areas' residents, a point of the
  **comparison series** the comparison areas' residents.

When any area's number of residents is unknown the figure is suppressed (the gate fails
closed), as the Monitor does. A suppressed figure is ``null`` with ``suppressed: true`` and the
reason; it is never 0. Core: no I/O.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from groengezond.evaluation.panel import Panel
from groengezond.evaluation.run import Evaluation
from groengezond.indicators.disclosure import disclose
from groengezond.indicators.registry import Registry

ESTIMATE_VALUES = ("estimate", "se", "ci_low", "ci_high", "p_value")
EVENT_VALUES = ("coef", "se", "ci_low", "ci_high")


def _sum(units: list[str], persons: Mapping[str, float]) -> float:
    """Residents of ``units``; NaN when any is unknown, 0 for no units."""
    vals = [persons.get(u, math.nan) for u in units]
    return float(np.sum(vals)) if vals else 0.0


def _gate(frame: pd.DataFrame, name: str, values: list[str], indicator: str,
          registry: Registry | None) -> tuple[list[dict[str, Any]], tuple[str, ...]]:
    frame = frame.assign(indicator=indicator)
    for col in values:
        frame[col] = pd.to_numeric(frame[col], errors="coerce").astype(float)
    table = disclose(frame, name=name, value_columns=values, registry=registry)
    rows = [{k: v for k, v in r.items() if k != "indicator"} for r in table.records()]
    return rows, table.rules


def publish(result: Evaluation, panel: Panel, persons: Mapping[str, float], *,
            registry: Registry | None = None) -> dict[str, Any]:
    """The publishable form of an evaluation: estimates, event study and series, gated.

    Parameters
    ----------
    result : Evaluation
        From :func:`groengezond.evaluation.run.evaluate`.
    panel : Panel
        The panel it was run on (gives the treated and comparison areas).
    persons : mapping of str to float
        Residents per area code (NaN or absent = unknown).
    registry : Registry, optional
        Indicator registry (default: the package's).

    Returns
    -------
    dict
        ``estimates`` (each with ``persons``, ``suppressed``, ``suppression_reason``; its
        ``verdict`` and ``details`` kept only when not suppressed), ``event_study``,
        ``series`` (``treated``/``comparison`` with their own suppression flags) and
        ``disclosure`` (the rules applied and the number of suppressed figures).
    """
    d = panel.data
    first = d.groupby("unit")["first_treat"].first()
    treated = [str(u) for u in first.index[first > 0]]
    control = [str(u) for u in first.index[first == 0]]
    p_treated, p_control = _sum(treated, persons), _sum(control, persons)
    both = min(p_treated, p_control) if not (math.isnan(p_treated) or math.isnan(p_control)) \
        else math.nan
    ind = panel.indicator
    n_sup = 0
    # estimates
    est = pd.DataFrame([{k: getattr(e, k) for k in ESTIMATE_VALUES} for e in result.estimates])
    est["persons"] = both
    rows, rules = _gate(est, "evaluation_estimates", list(ESTIMATE_VALUES), ind, registry)
    estimates = []
    for e, gated in zip(result.estimates, rows, strict=True):
        full = e.to_dict()
        if gated["suppressed"]:
            n_sup += 1
            full.update({k: None for k in ESTIMATE_VALUES})
            full["details"] = {}
        full.update(persons=gated["persons"], suppressed=gated["suppressed"],
                    suppression_reason=gated["suppression_reason"])
        estimates.append(full)
    # event study
    event: list[dict[str, Any]] = []
    es = result.event_study
    if not es.empty:
        years = list(panel.years)
        cohort = {u: years.index(int(g)) for u, g in first[first > 0].items() if g in years}
        table = es.copy()
        for col in EVENT_VALUES:
            if col not in table.columns:
                table[col] = math.nan
        table["persons"] = [
            min(_sum([u for u, k in cohort.items() if 0 <= k + int(e) < len(years)], persons),
                p_control) if not math.isnan(p_control) else math.nan
            for e in table["e"]]
        event, _ = _gate(table, "evaluation_event_study", list(EVENT_VALUES), ind, registry)
        n_sup += sum(bool(r["suppressed"]) for r in event)
    # series: the treated and the comparison line are gated apart
    series: list[dict[str, Any]] = []
    if not result.series.empty:
        s = result.series
        t_rows, _ = _gate(pd.DataFrame({"time": s["time"], "treated": s["treated"],
                                        "persons": p_treated}),
                          "evaluation_series_treated", ["treated"], ind, registry)
        synthetic = result.estimates[0].estimator == "synth"
        c_rows, _ = _gate(pd.DataFrame({"time": s["time"], "comparison": s["comparison"],
                                        "persons": p_control}),
                          "evaluation_series_comparison", ["comparison"], ind, registry)
        for tr, cr in zip(t_rows, c_rows, strict=True):
            series.append({"time": int(tr["time"]), "treated": tr["treated"],
                           "comparison": cr["comparison"],
                           "treated_suppressed": tr["suppressed"],
                           "comparison_suppressed": cr["suppressed"],
                           "comparison_kind": "synthetic" if synthetic else "mean"})
            n_sup += int(tr["suppressed"]) + int(cr["suppressed"])
    return {"estimates": estimates, "event_study": event, "series": series,
            "disclosure": {"rules": list(rules), "suppressed": n_sup,
                           "persons_treated": _round5(p_treated),
                           "persons_comparison": _round5(p_control)}}


def _round5(v: float) -> int | None:
    return None if math.isnan(v) else int(5 * math.floor(v / 5 + 0.5))
