"""Money settings a scenario changes: its ``valuation`` block applied to the packaged values.

Every money value, the outcome each is used for, the valuation parameters (discount rate,
exchange factor) and the price year can be set in the scenario file, so that a municipality's
own figures travel with the scenario (and its input hash). Problems name the scenario file,
``valuation`` and the field.
"""

from __future__ import annotations

from groengezond.errors import InputError, Problem
from groengezond.health.valuation import ValuationSettings
from groengezond.scenario.model import ValuationOverrides


def _relabel(exc: InputError, file: str, field: str) -> list[Problem]:
    """The problems of ``exc`` as problems of the scenario's ``valuation`` block."""
    return [Problem(file, "valuation",
                    field if p.field in ("", "values", "parameters") else f"{field}.{p.field}",
                    p.problem, p.fix)
            for p in exc.problems]


def apply_overrides(settings: ValuationSettings, overrides: ValuationOverrides,
                    file: str = "scenario") -> ValuationSettings:
    """Return ``settings`` with the scenario's money overrides applied.

    Parameters
    ----------
    settings : ValuationSettings
        The base settings (usually the packaged ones).
    overrides : ValuationOverrides
        The scenario's ``valuation`` block.
    file : str
        Name of the scenario file or request, for error messages.

    Raises
    ------
    InputError
        For an unknown value id, outcome value or parameter, an invalid amount or range, or a
        price year the price index does not hold.
    """
    problems: list[Problem] = []
    out = settings
    for vid, v in overrides.values.items():
        try:
            out = out.override(vid, amount=v.amount, low=v.low, high=v.high,
                               currency=v.currency, price_year=v.price_year, source=v.source)
        except InputError as exc:
            problems += _relabel(exc, file, f"values.{vid}")
    for outcome, vid in overrides.outcome_values.items():
        try:
            out = out.with_outcome_value(outcome, vid)
        except InputError as exc:
            problems += _relabel(exc, file, f"outcome_values.{outcome}")
    for name, prm in overrides.parameters.items():
        try:
            out = out.with_parameter(name, prm.value, prm.low, prm.high, source=prm.source)
        except InputError as exc:
            problems += _relabel(exc, file, f"parameters.{name}")
    year = overrides.price_year
    if year == "own":
        out = out.in_own_price_years()
    elif year is not None:
        if year not in out.price_index:
            known = sorted(out.price_index)
            problems.append(Problem(
                file, "valuation", "price_year", f"{year} is not in the price index",
                f"use a year from {known[0]} to {known[-1]}, or 'own'" if known
                else "use 'own'"))
        else:
            out = out.model_validate(out.model_dump() | {"target_price_year": year})
    if problems:
        raise InputError(problems)
    return out


__all__ = ["apply_overrides"]
