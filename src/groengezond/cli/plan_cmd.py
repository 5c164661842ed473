"""``groengezond plan SCENARIO.yaml [--compare OTHER.yaml ...]``: evaluate scenarios."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import typer
from rich.table import Table

from groengezond.cli.common import console, progress_bar, report_errors
from groengezond.errors import InputError
from groengezond.region.store import atomic_file
from groengezond.scenario.io import load_scenario
from groengezond.scenario.result import IntervalOut, ScenarioResult
from groengezond.services.plan import Planner, base_region, region_identity
from groengezond.services.plan import compare as compare_table


def _iv(iv: IntervalOut | None, spec: str = ".3g", prefix: str = "") -> str:
    """``median [lower, upper]`` of an interval, each formatted with ``spec``."""
    if iv is None:
        return "not computable"
    return (f"{prefix}{iv.median:{spec}} [{prefix}{iv.lower:{spec}}, "
            f"{prefix}{iv.upper:{spec}}]")


def _num(value: float | None, spec: str, unit: str = "") -> str:
    """A figure with its unit, or ``not computable``."""
    return "not computable" if value is None else f"{value:{spec}}{unit}"


def _print(result: ScenarioResult) -> None:
    e = result.exposures
    table = Table(title=f"Scenario '{result.scenario}' against the baseline")
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_row("residents within 300 m of public green (walking network, from the door)",
                  f"{100 * e.within_300m_before:.2f} % → {100 * e.within_300m_after:.2f} %")
    if e.within_300m_straight_before is not None and e.within_300m_straight_after is not None:
        table.add_row("WHO: residents within 300 m of public green (straight line)",
                      f"{100 * e.within_300m_straight_before:.2f} % → "
                      f"{100 * e.within_300m_straight_after:.2f} %")
    table.add_row("addresses closer to green", f"{e.addresses_closer:,}")
    table.add_row("public green within 500 m per inhabitant: median (2SFCA)",
                  f"{e.green_m2_per_inhabitant_median_before:,.1f} m² → "
                  f"{e.green_m2_per_inhabitant_median_after:,.1f} m²")
    table.add_row("  residents with at least 60 m² / with none",
                  f"{100 * e.meets_green_norm_before:.1f} % → "
                  f"{100 * e.meets_green_norm_after:.1f} % / "
                  f"{100 * e.no_green_before:.1f} % → {100 * e.no_green_after:.1f} %")
    table.add_row("  mean (total green over residents)",
                  f"{e.green_m2_per_inhabitant_before:,.1f} m² → "
                  f"{e.green_m2_per_inhabitant_after:,.1f} m²")
    table.add_row("green share within 300 m", _num(e.d_green_share_300m_pp, "+.3f", " pp"))
    table.add_row("NDVI proxy within 500 m", _num(e.d_ndvi_500m, "+.5f"))
    table.add_row("tree canopy within 300 m", _num(e.d_canopy_300m_pp, "+.3f", " pp"))
    table.add_row("trees within 30 m of home", f"{e.d_trees_near:+.3f}")
    table.add_row("summer air temperature (mean; max cooling)",
                  f"{_num(e.d_t_air_c, '+.4f', ' °C')}; {_num(e.max_cooling_c, '.3f', ' °C')}")
    for p in result.pathways:
        tag = "" if p.in_default_total else " (not in total)"
        table.add_row(f"{p.label}{tag}", f"{_iv(p.total)} {p.unit}")
    for t in result.totals:
        table.add_row(f"total {t.outcome} ({' + '.join(t.summed)})", f"{_iv(t.total)} {t.unit}")
    m = result.money
    table.add_row(f"value ({' + '.join(m.summed)})", f"{_iv(m.total, ',.0f', '€')} {m.unit}")
    for vs in result.value_shares:
        table.add_row(f"share of the value from {vs.outcome}",
                      f"{100 * vs.share.median:.0f} % [{100 * vs.share.lower:.0f}, "
                      f"{100 * vs.share.upper:.0f}]")
    for d in result.displaced:
        table.add_row(f"displaced by {d.intervention}",
                      f"{d.buildings} buildings, {d.dwellings} dwellings, "
                      f"{d.residents} residents")
    for hb in result.per_hectare:
        table.add_row(f"{hb.label} ({hb.area_ha:+.2f} ha; not in total)",
                      f"€{hb.eur_per_year:,.0f} per year ({hb.price_year} prices)")
    c = result.costs
    if c is not None:
        table.add_row("costs (one-off)" + (" [assumption]" if c.any_assumption else ""),
                      f"€{c.total_low_eur:,.0f} – €{c.total_high_eur:,.0f}")
        if c.maintenance:
            table.add_row("maintenance per year",
                          f"€{c.maintenance_low_eur_per_year:,.0f} – "
                          f"€{c.maintenance_high_eur_per_year:,.0f}")
        b = c.benefit_cost_ratio
        nc = result.not_computable.get("costs.benefit_cost_ratio")
        table.add_row(f"benefit-cost ratio ({c.appraisal_years} years, {c.discount_rate:.2%})",
                      f"{b.median:.2f} [{b.lower:.2f}, {b.upper:.2f}]" if b else
                      f"not computable: {nc.reason}" if nc else "-")
        for sv in c.sensitivity:
            sb = sv.benefit_cost_ratio
            if sb is not None and (sv.discount_rate, sv.appraisal_years) != (
                    c.discount_rate, c.appraisal_years):
                table.add_row(f"  … at {sv.discount_rate:.2%} over {sv.appraisal_years} years",
                              f"{sb.median:.2f} [{sb.lower:.2f}, {sb.upper:.2f}]")
    eq = result.equity
    iv = eq.sii_change_interval
    table.add_row(f"health gap ({eq.indicator_name_en or eq.indicator}, SII)",
                  f"{eq.verdict}; change {eq.sii_change:+.3g} [{iv.lower:+.3g}, {iv.upper:+.3g}]"
                  if iv is not None else eq.verdict)
    for q in result.quality:
        table.add_row(f"[{q.status}] {q.layer}", q.reason)
    if eq.access is not None:
        table.add_row("green-access gap", eq.access.verdict)
    if result.cooling_map is not None and result.cooling_map.cells:
        coolest = min(cell[2] for cell in result.cooling_map.cells)
        table.add_row("cooling map (50 m blocks changing ≥ 0.005 °C)",
                      f"{len(result.cooling_map.cells):,} blocks, coolest {coolest:+.2f} °C")
    console.print(table)
    console.print(eq.statement, highlight=False, soft_wrap=True)
    if eq.access is not None:
        console.print(eq.access.statement, highlight=False, soft_wrap=True)
    if c is not None:
        console.print(c.reason, highlight=False, soft_wrap=True)


@report_errors
def plan_command(
    scenario: Path = typer.Argument(..., help="Scenario YAML or JSON file."),
    compare: list[Path] | None = typer.Option(
        None, "--compare", help="More scenarios to compare side by side (repeatable)."),
    region: Path | None = typer.Option(
        None, "--region", help="Region folder (default: the scenario's region, else the "
                               "synthetic demo region, 150,000 inhabitants, seed 42)."),
    out: Path | None = typer.Option(
        None, "--out", help="JSON result file (default: SCENARIO.result.json)."),
    draws: int = typer.Option(1000, "--draws", min=1000, help="Monte Carlo draws."),
    seed: int = typer.Option(42, "--seed", help="Seed of the Monte Carlo draws."),
) -> None:
    """Evaluate a scenario (and others to compare) against the baseline of its region."""
    main = load_scenario(scenario)
    others = [load_scenario(p) for p in (compare or [])]
    with progress_bar("planner") as progress:
        progress("region", 0.0)
        data = base_region(main, region)
        progress("baseline", 0.3)
        planner = Planner(data)
        results = []
        for i, sc in enumerate([main, *others]):
            progress(f"scenario '{sc.name}'", 0.6 + 0.4 * i / (1 + len(others)))
            results.append(planner.run(sc, np.random.default_rng(seed), n_draws=draws,
                                       seed=seed))
    for r in results:
        _print(r)
    table = compare_table(results)
    if others:
        t = Table(title="Scenarios side by side")
        for col in table.columns:
            t.add_column(str(col))
        for row in table.itertuples(index=False):
            t.add_row(*[f"{v:.4g}" if isinstance(v, float) else str(v) for v in row])
        console.print(t)
    target = out or scenario.with_suffix(".result.json")
    doc = {"region": region_identity(data),
           "results": [r.model_dump(mode="json") for r in results],
           "comparison": json.loads(table.to_json(orient="records"))}
    try:
        with atomic_file(target) as tmp:
            tmp.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", "utf-8")
    except OSError as exc:
        raise InputError.single(str(target), "", "", f"cannot be written ({exc})",
                                "give a writable --out path") from None
    console.print(f"wrote {target} (input hash {results[0].input_hash[:12]}…)",
                  highlight=False, soft_wrap=True)
