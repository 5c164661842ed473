"""Benchmark of the Evaluator, and the planted-effect table of docs/evaluator.md.

Results (``benchmarks/results/evaluate.json``):

* ``did_national_buurt``: one Callaway & Sant'Anna DiD (not-yet-treated controls, doubly
  robust, analytic SEs) on every buurt of the Netherlands with RIVM 50090NED ervaren
  gezondheid in 2012, 2016 and 2020 (~13,000 buurten × 3 waves), 100 buurten treated, staggered
  over 2016 and 2020. Target 5 s. Without ../shared/data the panel is simulated with the same
  shape (the workload says which).
* ``synth_placebo_100``: a synthetic control with placebo-in-space inference over 100 donors
  (101 simulated units × 30 years, 7 predictors; each placebo uses the ``quick`` search).
  Target 10 s.

``--planted`` also runs the planted-effect simulations (bias, coverage, power per estimator) on
the same national panel and writes ``benchmarks/results/evaluate_planted.json`` and a markdown
table on stdout.

Run: ``.venv/bin/python benchmarks/bench_evaluate.py [--planted]``.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.harness import RESULTS_DIR, Report, time_runs

HEALTH = Path(__file__).resolve().parents[2] / "shared" / "data" / "health"
FILES = {2012: "RIVM_50090NED_gezondheid_wijk_buurt_2012_18plus.xlsx",
         2016: "RIVM_50090NED_gezondheid_wijk_buurt_2016_18plus.xlsx",
         2020: "RIVM_50090NED_gezondheid_wijk_buurt_2020_18plus.xlsx"}
COLUMN = "ErvarenGezondheidGoedZeerGoed_4"
CACHE = Path("/tmp/groengezond_bench_rivm_long.parquet")


def national_long() -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """RIVM 50090NED ervaren gezondheid per buurt (long) and buurt → gemeente, or a simulation.

    The benchmark reads the xlsx files itself (the maintained reader belongs to
    :mod:`groengezond.sources`); the long table is cached outside the repository.
    """
    from groengezond.evaluation.panel import simulated_panel

    if not all((HEALTH / f).exists() for f in FILES.values()):
        long, areas = simulated_panel(13_000, n_clusters=342)
        return long, areas, "simulated (RIVM files absent)"
    if CACHE.exists():
        long = pd.read_parquet(CACHE)
    else:
        parts = []
        for year, name in FILES.items():
            d = pd.read_excel(HEALTH / name, usecols=["WijkenEnBuurten", COLUMN])
            code = d["WijkenEnBuurten"].astype(str).str.strip()
            val = pd.to_numeric(d[COLUMN], errors="coerce")
            keep = code.str.startswith("BU") & val.notna()
            parts.append(pd.DataFrame({"area_code": code[keep], "indicator": "perceived_health",
                                       "year": year, "value": val[keep]}))
        long = pd.concat(parts, ignore_index=True)
        long.to_parquet(CACHE)
    codes = long["area_code"].unique()
    areas = pd.DataFrame({"code": codes, "level": "buurt",
                          "parent": ["GM" + c[2:6] for c in codes]})
    return long, areas, "RIVM 50090NED 18+, ervaren gezondheid goed/zeer goed (%)"


def national_panel() -> tuple[pd.DataFrame, dict[str, object]]:
    """The balanced national panel (unit, time, outcome, first_treat, cluster = gemeente)."""
    from groengezond.evaluation.panel import build_panel

    long, areas, source = national_long()
    ind = str(long["indicator"].iloc[0])
    panel = build_panel(long, ind, areas=areas, level="buurt")
    work = {"source": source, "buurten": int(panel.data["unit"].nunique()),
            "waves": panel.years, "dropped_unbalanced": len(panel.dropped),
            "clusters": int(panel.data["cluster"].nunique())}
    return panel.data, work


def synth_problem(n_donors: int = 100, years: int = 30, seed: int = 0):  # type: ignore[no-untyped-def]
    """A factor-model panel: 1 treated + ``n_donors`` units, 7 predictors, effect -5 after."""
    from groengezond.evaluation.synth import Predictor, prepare

    rng = np.random.default_rng(seed)
    n = n_donors + 1
    t = np.arange(1970, 1970 + years)
    loadings = rng.normal(size=(n, 3))
    factors = rng.normal(size=(years, 3)).cumsum(axis=0)
    y = 100 + loadings @ factors.T + rng.normal(0, 1, (n, years))
    treat_year = 1970 + 2 * years // 3
    y[0, t >= treat_year] -= 5.0
    rows = pd.DataFrame({"unit": np.repeat([f"u{i:03d}" for i in range(n)], years),
                         "year": np.tile(t, n), "y": y.ravel()})
    for j in range(3):
        rows[f"x{j}"] = np.repeat(loadings[:, j] + rng.normal(0, 0.1, n), years)
    pre = tuple(int(v) for v in t[t < treat_year])
    preds = [Predictor(f"x{j}", pre) for j in range(3)]
    preds += [Predictor("y", (pre[i],)) for i in (0, len(pre) // 3, 2 * len(pre) // 3, -1)]
    return prepare(rows, unit="unit", time="year", outcome="y", treated="u000",
                   treat_year=treat_year, predictors=preds, optimise_years=pre)


def main(planted: bool = False) -> Path:
    from groengezond.evaluation.simulate import draw_treated, plant
    from groengezond.evaluation.staggered import cs_did
    from groengezond.evaluation.synth import fit, placebo_in_space

    report = Report("evaluate")
    panel, work = national_panel()
    units = sorted(panel["unit"].unique())
    treated = draw_treated(units, 100, [2016, 2020], np.random.default_rng(1))
    df = plant(panel, treated, 1.0)
    cs_did(df)  # warm the imports
    t = time_runs(lambda: cs_did(df), runs=3, warmup=0)
    res = cs_did(df).estimates["simple"]
    report.add("did_national_buurt", **t, target_s=5.0, n_rows=len(df), n_units=len(units),
               estimate=res.estimate, se=res.se, planted=1.0)
    print(f"did_national_buurt: {t['median_s']:.2f} s, ATT {res.estimate:.3f} "
          f"(SE {res.se:.3f}) for a planted 1.0", file=sys.stderr)
    data = synth_problem()
    fit(data, search="quick")  # compile numba kernels (cached on disk after the first run)

    def run() -> None:
        main_fit = fit(data)
        placebo_in_space(data, main_fit)

    t2 = time_runs(run, runs=3, warmup=0)
    main_fit = fit(data)
    pl = placebo_in_space(data, main_fit)
    rank = int(pl.loc[pl["treated"], "rank"].iloc[0])
    report.add("synth_placebo_100", **t2, target_s=10.0, donors=100, years=30, predictors=7,
               rank=rank, n_units=len(pl), pre_rmspe=main_fit.pre_rmspe)
    print(f"synth_placebo_100: {t2['median_s']:.2f} s, rank {rank} of {len(pl)}",
          file=sys.stderr)
    report.workload = {"did_panel": work, "synth": "simulated factor model, seed 0"}
    out = report.write()
    if planted:
        planted_table(panel, work)
    return out


def planted_table(panel: pd.DataFrame, work: dict[str, object], n_sims: int = 25) -> None:
    """Bias, coverage and power of each estimator on the national panel (docs/evaluator.md)."""
    from groengezond.evaluation.simulate import planted_effects

    t0 = time.perf_counter()
    sd = float(panel.groupby("unit")["outcome"].diff().std())
    rows = []
    for n_treated in (20, 100):
        tab = planted_effects(panel, effects=[0.0, 0.5], n_treated=n_treated,
                              treat_years=[2016, 2020], n_sims=n_sims, seed=n_treated)
        tab.insert(0, "n_treated", n_treated)
        rows.append(tab)
        print(tab.to_string(), file=sys.stderr, flush=True)
    table = pd.concat(rows, ignore_index=True)
    doc = {"workload": work, "n_sims": n_sims, "sd_wave_change": sd,
           "seconds": time.perf_counter() - t0, "rows": table.to_dict(orient="records")}
    (RESULTS_DIR / "evaluate_planted.json").write_text(json.dumps(doc, indent=2) + "\n")
    print(table.to_markdown(index=False, floatfmt=".3f"))


if __name__ == "__main__":
    if "--planted-only" in sys.argv:
        planted_table(*national_panel())
    else:
        print(main(planted="--planted" in sys.argv))
