"""``groengezond evaluate ...``: did an intervention work (estimate), and can we tell (plan)?

The panel is a long CSV (``area_code, indicator, year, value``: the region's indicators layer
or the national RIVM table in that shape) or a region folder; the treated areas come from a
CSV with ``area_code, start_year``. Both commands write CSV and JSON (and PNG charts) to OUT.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer

from groengezond.cli.common import console, report_errors
from groengezond.errors import InputError

evaluate_app = typer.Typer(
    name="evaluate",
    help="Evaluator: estimate an intervention's effect on a panel, or plan its monitoring.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

PanelOpt = Annotated[Path | None, typer.Option(
    "--panel", help="Long CSV: area_code, indicator, year, value.")]
RegionOpt = Annotated[Path | None, typer.Option(
    "--region", help="Region folder (its indicators layer) instead of --panel.")]
IndicatorOpt = Annotated[str, typer.Option(help="Outcome indicator id.")]
LevelOpt = Annotated[str, typer.Option(help="Area level of the panel (buurt, wijk).")]
OutOpt = Annotated[Path, typer.Option(help="Folder to write CSV, JSON and charts to.")]


def _long_and_areas(panel: Path | None,
                    region: Path | None) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    if (panel is None) == (region is None):
        raise InputError.single("evaluate", "", "--panel/--region", "give exactly one",
                                "pass --panel long.csv or --region folder")
    if region is not None:
        from groengezond.region.store import read_region

        r = read_region(region)
        return r.indicators, pd.DataFrame(r.areas.drop(columns="geometry"))
    assert panel is not None
    if not panel.exists():
        raise InputError.single(str(panel), "", "", "file not found", "give an existing CSV")
    long = pd.read_csv(panel, dtype={"area_code": str})
    return long, None


def _treatment(path: Path) -> dict[str, int]:
    if not path.exists():
        raise InputError.single(str(path), "", "", "file not found",
                                "give a CSV with area_code, start_year")
    t = pd.read_csv(path, dtype={"area_code": str})
    missing = [c for c in ("area_code", "start_year") if c not in t.columns]
    if missing:
        raise InputError.single(str(path), "", ", ".join(missing), "column is missing",
                                "give columns area_code, start_year")
    bad = t.index[pd.to_numeric(t["start_year"], errors="coerce").isna()].tolist()
    if bad:
        raise InputError.single(str(path), f"rows {[b + 2 for b in bad[:5]]}", "start_year",
                                "not a year", "give the year the intervention was completed")
    return {str(a): int(y) for a, y in zip(t["area_code"], t["start_year"], strict=True)}


def _write_json(path: Path, doc: Any) -> None:
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(doc, indent=2, allow_nan=False) + "\n", "utf-8")
    tmp.replace(path)


DatabaseUrl = Annotated[str | None, typer.Option(
    "--database-url", help="SQLAlchemy URL of the register (default GG_DATABASE_URL).")]


def _register(url: str | None) -> Any:
    from groengezond.evaluation.register import open_register
    from groengezond.settings import get_settings

    return open_register(url or get_settings().database_url)


def _derive(region: Path | None) -> Any:
    """Treated buurten of a geometry from the region's addresses (None without --region)."""
    if region is None:
        return None
    from groengezond.evaluation.treated import treated_buurten
    from groengezond.region.store import read_region

    r = read_region(region)
    buurten = r.areas_at("buurt")
    return lambda geom: treated_buurten(geom, r.addresses, buurten=buurten).codes


def register_command(
    csv: Annotated[Path | None, typer.Option(
        "--csv", help="Import interventions: name, areas (';'-separated codes) or geometry "
        "(WKT, EPSG:28992), start_date, [completion_date, cost_eur, catalogue_id].")] = None,
    yaml_file: Annotated[Path | None, typer.Option(
        "--yaml", help="Import interventions from YAML (a list with the same keys).")] = None,
    scenario: Annotated[Path | None, typer.Option(
        "--scenario", help="Register a built Planner scenario (one entry per intervention); "
        "needs --region, --started and --completed.")] = None,
    started: Annotated[str | None, typer.Option(
        help="Start of the works of --scenario (YYYY-MM-DD).")] = None,
    completed: Annotated[str | None, typer.Option(
        help="Completion of --scenario (YYYY-MM-DD).")] = None,
    region: Annotated[Path | None, typer.Option(
        "--region", help="Region folder: treated buurten of a geometry from its addresses "
        "(at least 50 % of residents within 300 m).")] = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Import interventions into the register (CSV, YAML or a built scenario) and list it."""
    from groengezond.evaluation.register import (
        import_csv,
        import_yaml,
        list_interventions,
        register_scenario,
    )

    if sum(x is not None for x in (csv, yaml_file, scenario)) > 1:
        raise InputError.single("evaluate register", "", "--csv/--yaml/--scenario",
                                "give at most one", "import one file at a time")
    db = _register(database_url)
    derive = _derive(region)
    ids: list[int] | None = None
    if csv is not None:
        ids = import_csv(db, csv, derive=derive)
    elif yaml_file is not None:
        ids = import_yaml(db, yaml_file, derive=derive)
    elif scenario is not None:
        import datetime as dt

        from groengezond.scenario.io import load_scenario

        if derive is None or not started or not completed:
            raise InputError.single("evaluate register", "", "--region/--started/--completed",
                                    "a scenario needs all three",
                                    "give the region it was planned on and the dates it was "
                                    "built")
        try:
            start, done = dt.date.fromisoformat(started), dt.date.fromisoformat(completed)
        except ValueError:
            raise InputError.single("evaluate register", "", "--started/--completed",
                                    "not a date", "give YYYY-MM-DD") from None
        ids = register_scenario(db, load_scenario(scenario), start_date=start,
                                completion_date=done, derive=derive, file=scenario.name)
    if ids is not None:
        console.print(f"Registered {len(ids)} interventions: ids {ids}")
    for row in list_interventions(db):
        console.print(f"{row['id']:>4}  {row['start_date']}  {row['completion_date'] or '-':10}  "
                      f"{row['name']}  ({len(row['areas'])} areas)", markup=False,
                      highlight=False)


def estimate_command(
    out: OutOpt,
    indicator: IndicatorOpt,
    treatment: Annotated[Path | None, typer.Option(help="CSV: area_code, start_year.")]
    = None,
    intervention: Annotated[list[int] | None, typer.Option(
        help="Registered intervention id instead of --treatment; repeatable.")] = None,
    database_url: DatabaseUrl = None,
    panel: PanelOpt = None,
    region: RegionOpt = None,
    level: LevelOpt = "buurt",
    estimator: Annotated[str, typer.Option(
        help="cs_did, twfe_event, matched_did or synth.")] = "cs_did",
    covariate: Annotated[list[str] | None, typer.Option(
        help="Covariate indicator (first-year value); repeatable.")] = None,
    cluster: Annotated[str, typer.Option(help="Cluster by parent, grandparent or unit.")]
    = "parent",
    seed: Annotated[int, typer.Option(help="Seed of bootstraps and permutations.")] = 0,
    inhabitants: Annotated[Path | None, typer.Option(
        help="CSV area_code, inhabitants for the disclosure control of a --panel (a region "
        "has them); without it every figure about the treated areas is suppressed.")] = None,
) -> None:
    """Estimate the effect of the treatment on INDICATOR; write estimates, tables and charts.

    Every figure written passes the Monitor's disclosure control
    (:mod:`groengezond.evaluation.disclosure`): one describing fewer than 10 residents, or
    residents unknown, is written empty (``null``) with the reason.
    """
    from groengezond.evaluation.disclosure import publish
    from groengezond.evaluation.panel import build_panel
    from groengezond.evaluation.run import evaluate

    if (treatment is None) == (not intervention):
        raise InputError.single("evaluate", "", "--treatment/--intervention", "give exactly one",
                                "pass --treatment treated.csv or --intervention ID")
    if treatment is not None:
        treated = _treatment(treatment)
    else:
        from groengezond.evaluation.register import treatment as register_treatment

        treated = register_treatment(_register(database_url), list(intervention or []))
    long, areas = _long_and_areas(panel, region)
    p = build_panel(long, indicator, areas=areas, level=level if areas is not None else None,
                    treatment=treated, covariates=covariate or (),
                    cluster_level=cluster)
    result = evaluate(p, estimator, seed=seed)
    doc = publish(result, p, _persons(areas, inhabitants))
    out.mkdir(parents=True, exist_ok=True)
    rows = doc["estimates"]
    pd.DataFrame([{k: v for k, v in r.items() if k != "details"} for r in rows]).to_csv(
        out / "estimates.csv", index=False)
    _write_json(out / "estimates.json", _clean({
        "indicator": indicator, "estimator": estimator, "years": p.years,
        "n_areas": int(p.data["unit"].nunique()), "dropped_areas": p.dropped, **doc}))
    es, series = pd.DataFrame(doc["event_study"]), pd.DataFrame(doc["series"])
    if not es.empty:
        es.to_csv(out / "event_study.csv", index=False)
        _save(_event_chart(es.dropna(subset=["coef"]), indicator), out / "event_study.png")
    if not series.empty:
        series.to_csv(out / "series.csv", index=False)
        label = "synthetic" if estimator == "synth" else "comparison areas"
        _save(_series_chart(series, indicator, label), out / "treated_vs_comparison.png")
    if (doc["disclosure"]["persons_treated"] or 0) >= 10:
        # donor weights, placebos and ATT(g,t) rows: written only when the treated group
        # itself may be published (residents known and at least 10)
        for name, table in result.tables.items():
            if not table.empty:
                table.to_csv(out / f"{name}.csv", index=False)
    head = rows[0]
    if head["suppressed"]:
        value = f"suppressed ({head['suppression_reason']})"
    else:
        interval = (f" [{head['ci_low']:.3g}, {head['ci_high']:.3g}]"
                    if head["ci_low"] is not None else "")
        value = f"{head['estimate']:.3g}{interval}" if head["identified"] else "-"
        p_text = "-" if head["p_value"] is None else f"{head['p_value']:.3g}"
        value += f"  p={p_text}"
    console.print(f"{estimator} {head['target']}: {value}  ({head['verdict']})",
                  markup=False, highlight=False)
    if head["suppression_reason"] == "number of persons unknown":
        console.print("Give --inhabitants area_code,inhabitants (or --region) to publish the "
                      "figures about the treated areas.", markup=False, highlight=False)
    console.print(f"Wrote {out}")


def _persons(areas: pd.DataFrame | None, path: Path | None) -> dict[str, float]:
    """Residents per area: from --inhabitants, else the region's areas, else none known."""
    if path is not None:
        if not path.exists():
            raise InputError.single(str(path), "", "", "file not found",
                                    "give a CSV with area_code, inhabitants")
        t = pd.read_csv(path, dtype={"area_code": str})
        if not {"area_code", "inhabitants"} <= set(t.columns):
            raise InputError.single(str(path), "", "area_code, inhabitants",
                                    "column is missing", "give columns area_code, inhabitants")
        n = pd.to_numeric(t["inhabitants"], errors="coerce")
        if (n < 0).any():
            raise InputError.single(str(path), "", "inhabitants", "negative count",
                                    "give persons as a count >= 0")
        return dict(zip(t["area_code"].astype(str), n, strict=True))
    if areas is not None and "inhabitants" in areas.columns:
        return dict(zip(areas["code"].astype(str),
                        pd.to_numeric(areas["inhabitants"], errors="coerce"), strict=True))
    return {}


def plan_command(
    out: OutOpt,
    indicator: IndicatorOpt,
    n_treated: Annotated[int, typer.Option(help="Number of areas to be treated.")],
    treat_year: Annotated[list[int], typer.Option(help="Treatment wave(s); repeatable.")],
    panel: PanelOpt = None,
    region: RegionOpt = None,
    level: LevelOpt = "buurt",
    estimator: Annotated[str, typer.Option(help="cs_did, twfe_event or matched_did.")]
    = "cs_did",
    sims: Annotated[int, typer.Option(min=20, help="Simulations per effect size.")] = 100,
    seed: Annotated[int, typer.Option(help="Simulation seed.")] = 0,
) -> None:
    """Minimum detectable effect at 80 % power for a planned intervention, by simulation."""
    from groengezond.evaluation.panel import build_panel
    from groengezond.evaluation.simulate import minimum_detectable_effect

    long, areas = _long_and_areas(panel, region)
    p = build_panel(long, indicator, areas=areas, level=level if areas is not None else None)
    later = [y for y in treat_year if y not in p.years or y == p.years[0]]
    if later:
        raise InputError.single("--treat-year", "", "treat_year",
                                f"{later} are not later waves of the panel {p.years}",
                                "give waves after the first one")
    res = minimum_detectable_effect(p.data, n_treated=n_treated, treat_years=treat_year,
                                    estimator=estimator, n_sims=sims, seed=seed)
    out.mkdir(parents=True, exist_ok=True)
    res.update(indicator=indicator, years=p.years, n_areas=int(p.data["unit"].nunique()))
    _write_json(out / "plan.json", _clean(res))
    curve = pd.DataFrame(res["curve"])
    curve.to_csv(out / "power_curve.csv", index=False)
    mde = float(res["mde"])  # type: ignore[arg-type]
    text = f"{mde:.3g}" if math.isfinite(mde) else f"not reached ({res['reason']})"
    console.print(f"{estimator}: minimum detectable effect at 80% power with {n_treated} "
                  f"treated areas: {text}", markup=False, highlight=False)
    console.print(f"Wrote {out}")


def _clean(v: Any) -> Any:
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if isinstance(v, dict):
        return {str(k): _clean(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_clean(x) for x in v]
    if hasattr(v, "item"):
        return _clean(v.item())
    return v


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    return list(_clean(df.to_dict(orient="records")))


def _save(fig: Any, path: Path) -> None:
    import matplotlib.pyplot as plt

    fig.savefig(path, dpi=120, bbox_inches="tight")
    plt.close(fig)


def _event_chart(es: pd.DataFrame, indicator: str) -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.axhline(0, color="0.6", lw=0.8)
    ax.axvline(-0.5, color="0.6", lw=0.8, ls="--")
    yerr = [es["coef"] - es["ci_low"], es["ci_high"] - es["coef"]]
    ax.errorbar(es["e"], es["coef"], yerr=yerr, fmt="o", capsize=3, color="#2b7a3d")
    ax.set_xticks(sorted(int(e) for e in es["e"]))
    ax.set_xlabel("event time (waves since treatment)")
    ax.set_ylabel(f"effect on {indicator} (95% interval)")
    return fig


def _series_chart(series: pd.DataFrame, indicator: str, label: str) -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3.5))
    for col, style, colour, name in (("treated", "-o", "#2b7a3d", "treated"),
                                     ("comparison", "--o", "0.4", label)):
        # suppressed points (None) are left out, never drawn as 0
        ax.plot(series["time"], pd.to_numeric(series[col], errors="coerce"), style,
                color=colour, label=name)
    ax.set_xticks(sorted(int(t) for t in series["time"]))
    ax.set_xlabel("year")
    ax.set_ylabel(indicator)
    ax.legend()
    return fig


evaluate_app.command("register")(report_errors(register_command))
evaluate_app.command("estimate")(report_errors(estimate_command))
evaluate_app.command("plan")(report_errors(plan_command))
