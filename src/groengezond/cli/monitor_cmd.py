"""``groengezond monitor``: health and green per area, the gap between areas, and trends.

A thin adapter over :func:`groengezond.services.monitor.run_monitor`: it reads the region,
prints the ranking (value with interval, quartile position, trend arrow coloured by the
indicator's good direction), the gap between the best and worst area with its interval and
its trend over the survey years, the SII/RII and the quintile gap; it writes CSV and
GeoPackage files and, with ``--chart``, PNG and SVG charts. Every table it prints or writes is
a :class:`~groengezond.indicators.disclosure.PublishedTable` (disclosure-controlled).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import numpy as np
import typer
from rich.table import Table

from groengezond.cli.common import console, progress_bar, report_errors
from groengezond.errors import InputError
from groengezond.indicators.concentration import ACCESS_INDICATOR
from groengezond.indicators.disclosure import SUPPRESSED_MARK, PublishedTable
from groengezond.region.store import atomic_file, read_region
from groengezond.services.monitor import (
    MonitorQuery,
    MonitorReport,
    access_inputs,
    run_monitor,
    write_csv,
    write_gpkg,
)

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd
    from matplotlib.figure import Figure

    from groengezond.region.model import Region

LEVELS = ("buurt", "wijk", "gemeente", "region")
COLOURS = {"green": "green", "red": "red", "grey": "grey50", ".": "grey50"}


def survey_rows(url: str) -> pd.DataFrame:
    """Survey rows of the closed field labs in the participation database at ``url``."""
    from groengezond.participation.db import Database
    from groengezond.participation.results import closed_lab_rows

    db = Database.from_url(url)
    try:
        return closed_lab_rows(db)
    finally:
        db.dispose()


@report_errors
def monitor_command(
    region: Annotated[Path, typer.Argument(help="Folder of a region (region.json + GeoParquet).")],
    indicator: Annotated[str | None, typer.Option(
        help="Indicator id (default: the first indicator of the registry that the region "
             "has).")] = None,
    level: Annotated[str, typer.Option(help="Level: buurt, wijk, gemeente or region.")] = "wijk",
    year: Annotated[int | None, typer.Option(help="Year (default: the latest).")] = None,
    age_group: Annotated[str, typer.Option(
        "--age-group", help="Age group of age-specific values such as the RIVM health "
                            "estimates: 18+ (default) or 65+.")] = "18+",
    out: Annotated[Path | None, typer.Option(
        help="Folder to write CSV, GeoPackage (and charts) to.")] = None,
    chart: Annotated[bool, typer.Option(
        "--chart", help="Also write PNG and SVG charts (ranking, trends, map) to --out.")] = False,
    compare: Annotated[str | None, typer.Option(
        help="Two areas to compare, 'A,B' (codes or names).")] = None,
    rank_by: Annotated[str | None, typer.Option(
        "--rank-by", help="Indicator that ranks areas from most to least deprived for the "
                          "SII/RII and quintile gap (default: the first of the registry's "
                          "ranking preference the region has, e.g. ses_woa_score).")] = None,
    sims: Annotated[int, typer.Option(
        help="Simulations for the SII/RII intervals (PHE default 100,000).")] = 100_000,
    access: Annotated[Path | None, typer.Option(
        help="Folder with access_areas.parquet (and access_addresses.parquet) from "
             "'groengezond access'; without it green access is computed when the region has "
             "a walking network and addresses.")] = None,
    field_labs: Annotated[str | None, typer.Option(
        "--field-labs", help="Participation database URL (e.g. sqlite:///data/groengezond."
                             "sqlite): the survey results of its closed field labs join the "
                             "Monitor as 'belevingswaarde' and living-environment satisfaction."
                             )] = None,
) -> None:
    """Rank areas on an indicator, show the gap between them and its trend, and export."""
    if level not in LEVELS:
        raise InputError.single("--level", "", "level", f"unknown level {level!r}",
                                f"use one of {', '.join(LEVELS)}")
    if chart and out is None:
        raise InputError.single("--chart", "", "out", "charts need a folder to go to",
                                "add --out FOLDER")
    pair: tuple[str, str] | None = None
    if compare:
        parts = [p.strip() for p in compare.split(",")]
        if len(parts) != 2 or not all(parts):
            raise InputError.single("--compare", "", "compare", f"{compare!r} is not two areas",
                                    "give two codes or names separated by a comma")
        pair = (parts[0], parts[1])
    if sims < 100:
        raise InputError.single("--sims", "", "sims", f"{sims} simulations are too few",
                                "use at least 100 (default 100,000)")
    query = MonitorQuery(indicator=indicator, level=level,  # type: ignore[arg-type]
                         year=year, n_sims=sims, compare=pair, rank_by=rank_by,
                         age_group=age_group)
    with progress_bar("Monitor") as progress:
        progress("reading the region", 0.05)
        reg = read_region(region)
        progress("green access", 0.3)
        extra, address_access, note = green_access(reg, access)
        if field_labs:
            progress("field labs", 0.6)
            import pandas as pd

            frames = [f for f in (survey_rows(field_labs), extra) if f is not None and len(f)]
            extra = pd.concat(frames, ignore_index=True) if frames else extra
        progress("indicators, gaps and trends", 0.7)
        report = run_monitor(reg, query, extra=extra, address_access=address_access)
    if note:
        report = replace(report, notes=(*report.notes, note))
    render(report)
    if out is not None:
        written = write_outputs(report, reg.areas, out, chart=chart)
        console.print("[bold]Written:[/] " + ", ".join(str(p) for p in written))


def green_access(region: Region, folder: Path | None
                 ) -> tuple[pd.DataFrame | None, pd.DataFrame | None, str]:
    """Green-access inputs for the Monitor: read from ``folder`` or computed for the region.

    Returns ``(extra, address_access, note)``; both frames are None when the region already has
    the access indicators or cannot have them (no network or addresses), and ``note`` says so.
    """
    import pandas as pd

    year = max(region.meta.years) if region.meta.years else 0
    if folder is not None:
        areas_file = Path(folder) / "access_areas.parquet"
        if not areas_file.exists():
            raise InputError.single(str(areas_file), "", "", "is missing",
                                    "run 'groengezond access REGION --out FOLDER' first")
        addr_file = Path(folder) / "access_addresses.parquet"
        areas = pd.read_parquet(areas_file)
        addresses = pd.read_parquet(addr_file, columns=["address_id", "within_300m_network"]) \
            if addr_file.exists() else None
        extra, address_access = access_inputs(areas, addresses, year)
        return extra, address_access, f"Green access read from {folder} (as of {year})."
    if (region.indicators["indicator"] == ACCESS_INDICATOR).any():
        return None, None, ""
    if len(region.network_edges) == 0 or len(region.addresses) == 0:
        return None, None, ("No walking network or addresses in the region: green access "
                            "indicators are not shown.")
    from groengezond.services.access import AccessOptions, compute_access

    result = compute_access(region, AccessOptions(allow_degraded_network=True))
    extra, address_access = access_inputs(result.areas, result.addresses, year)
    flag = ""
    if result.summary.get("network_degraded"):
        flag = (" FLAGGED: the walking network is degraded ("
                + "; ".join(result.summary["network_degraded_reasons"])
                + "); see 'groengezond validate'.")
    return extra, address_access, (f"Green access computed by the access engine (walking "
                                   f"network, default options) for {year}.{flag}")


# --------------------------------------------------------------------------- terminal


def _interval(value: str, lower: str, upper: str) -> str:
    if value in (SUPPRESSED_MARK, ""):
        return value or "-"
    return f"{value} ({lower}–{upper})" if lower and upper else value


def render(report: MonitorReport) -> None:
    """Print a Monitor report as rich tables (suppressed values as '.')."""
    ind = report.indicator
    flag = " [bold yellow]SYNTHETIC DATA[/]" if report.synthetic else ""
    good = {1: "higher is better", -1: "lower is better", 0: "no good direction"}[ind.sign]
    ages = f"; age group {report.age_group}" if report.age_group else ""
    console.print(f"[bold]{ind.name_en}[/] ({ind.name_nl}) — {ind.unit}{ages}; per "
                  f"{report.level}, {report.year}; {good}{flag}")
    rows = report.ranking.display_frame(decimals={"rank": 0, "quartile": 0})
    flagged = "quality" in rows.columns and bool((rows["quality"] != "real").any())
    table = Table("#", "area", "name", f"value (95% CI) [{ind.unit}]", "position",
                  f"trend {report.years[0]}–{report.years[-1]}",
                  *(["quality"] if flagged else []), title="Ranking")
    for _, r in rows.iterrows():
        colour = COLOURS.get(str(r["colour"]), "grey50")
        arrow = str(r["arrow"]) if r["arrow"] not in ("", None) else "·"
        change = f" {r['change']}" if r["change"] not in ("", SUPPRESSED_MARK) else ""
        quality = [str(r["quality"])] if flagged else []
        table.add_row(str(r["rank"]), str(r["area_code"]), str(r["name"]),
                      _interval(str(r["value"]), str(r["lower"]), str(r["upper"])),
                      str(r["position"]), f"[{colour}]{arrow}{change}[/]", *quality)
    console.print(table)
    if flagged:
        console.print("quality: 'derived' = computed from real inputs by a documented rule "
                      "(e.g. a wijk drawn as the union of its buurten); 'placeholder' = rests on "
                      "stand-in data (a buurt carrying its wijk's polygon, lattice addresses, a "
                      "truncated layer): not a real figure. See 'groengezond info'.")
    if report.ranking.n_suppressed:
        console.print(f"'{SUPPRESSED_MARK}' = suppressed: fewer than 10 persons "
                      "(CBS rule of thumb).")
    _render_gap(report)
    _render_inequality(report)
    if report.comparison is not None:
        c = report.comparison.display_frame(decimals=2).iloc[0]
        console.print(f"[bold]{c['name_a']}[/] − [bold]{c['name_b']}[/] ({report.year}): "
                      f"{_interval(str(c['difference']), str(c['lower']), str(c['upper']))}; "
                      f"significant: {c['significant']}")
    for note in report.notes:
        console.print(f"[yellow]note:[/] {note}")
    for source in report.sources:
        console.print(f"[dim]source: {source}[/]")


def _render_gap(report: MonitorReport) -> None:
    gap = report.gap.display_frame(decimals=1)
    if gap.empty or _reason(gap.iloc[0]):
        console.print(f"Gap between the best and worst {report.level}: "
                      f"{_reason(gap.iloc[0]) if len(gap) else 'not computable'}.")
        return
    last = gap[gap["year"] == report.year]
    first = gap.iloc[-1] if last.empty else last.iloc[0]
    unit = report.indicator.unit
    console.print(
        f"[bold]Gap[/] best {report.level} {first['best_name']} ({first['best_value']}) − worst "
        f"{first['worst_name']} ({first['worst_value']}) in {report.year}: [bold]"
        f"{_interval(str(first['gap']), str(first['gap_lower']), str(first['gap_upper']))}"
        f"[/] {unit}; significant: {first['significant']}")
    table = Table("year", f"gap (95% CI) [{unit}]", "significant",
                  title=f"Gap {first['best_name']} − {first['worst_name']} over the years")
    for _, r in gap.iterrows():
        table.add_row(str(r["year"]), _interval(str(r["gap"]), str(r["gap_lower"]),
                                                 str(r["gap_upper"])), str(r["significant"]))
    console.print(table)
    trend = report.gap_trend.display_frame(decimals=2)
    if len(trend) and trend.iloc[0]["direction"] == "insufficient_data":
        console.print("Trend of the gap: too few years with values.")
    elif len(trend):
        t = trend.iloc[0]
        colour = COLOURS.get(str(t["colour"]), "grey50")
        console.print(f"Trend of the gap: [{colour}]{t['arrow']} {t['direction']}[/], "
                      f"{t['slope_per_year']} {unit} per year "
                      f"(95% CI {t['slope_lower']}–{t['slope_upper']})")


def _reason(row: pd.Series) -> str:
    """The row's "not computable: ..." text, or "" for a computed row."""
    text = row.get("not_computable", "")
    return "" if text is None or str(text) in ("", "nan") else str(text)


def _render_inequality(report: MonitorReport) -> None:
    ineq = report.inequality.display_frame(decimals=2)
    now = ineq[ineq["year"] == report.year]
    if now.empty or _reason(now.iloc[0]):
        why = _reason(now.iloc[0]) if len(now) else \
            "not computable: needs ≥ 3 areas and a ranking by income or deprivation"
        console.print(f"SII at {report.level} level: {why}.")
        return
    r = now.iloc[0]
    if str(r.get("not_computable", "") or ""):
        console.print(f"[bold]SII/RII[/] at {report.level} level: {r['not_computable']}")
        return
    nearest = " (nearest year)" if str(r.get("ranking_note", "") or "") else ""
    console.print(
        f"[bold]SII[/] (most − least deprived, ranked by {r['ranking']} "
        f"{int(float(r['ranking_year']))}{nearest}): "
        f"{_interval(str(r['sii']), str(r['sii_lower']), str(r['sii_upper']))}; "
        f"[bold]RII[/] {_interval(str(r['rii']), str(r['rii_lower']), str(r['rii_upper']))}; "
        f"quintile gap {_interval(str(r['gap']), str(r['gap_lower']), str(r['gap_upper']))}, "
        f"ratio {_interval(str(r['ratio']), str(r['ratio_lower']), str(r['ratio_upper']))}")


# --------------------------------------------------------------------------- files


def write_outputs(report: MonitorReport, areas: gpd.GeoDataFrame, out: Path,
                  chart: bool = False) -> list[Path]:
    """Write the report's tables (CSV, GeoPackage) and optionally charts to ``out``."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    tables: dict[str, PublishedTable] = {
        "ranking": report.ranking, "gap": report.gap, "gap_trend": report.gap_trend,
        "inequality": report.inequality, "values": report.values, "trends": report.trends,
        "concentration": report.concentration}
    if report.comparison is not None:
        tables["comparison"] = report.comparison
    written = [write_csv(t, out / f"{name}.csv") for name, t in tables.items()]
    written.append(write_gpkg({"ranking": report.ranking}, areas, out / "monitor.gpkg"))
    if chart:
        written += write_charts(report, areas, out)
    return written


def write_charts(report: MonitorReport, areas: gpd.GeoDataFrame, out: Path) -> list[Path]:
    """Write the ranking, trend and map charts as PNG and SVG (matplotlib, Agg backend)."""
    import matplotlib

    matplotlib.use("Agg")
    figures = {"ranking": ranking_chart(report.ranking, report),
               "trend": trend_chart(report.values, report),
               "map": map_chart(report.ranking, areas, report)}
    written: list[Path] = []
    import matplotlib.pyplot as plt

    for name, fig in figures.items():
        for ext in ("png", "svg"):
            target = out / f"{name}.{ext}"
            with atomic_file(target) as tmp:
                fig.savefig(tmp, format=ext, dpi=150, bbox_inches="tight")
            written.append(target)
        plt.close(fig)
    return written


def _title(report: MonitorReport) -> str:
    synth = " — synthetic data" if report.synthetic else ""
    ages = f" ({report.age_group})" if report.age_group else ""
    return f"{report.indicator.name_en}{ages} per {report.level}, {report.year}{synth}"


def ranking_chart(ranking: PublishedTable, report: MonitorReport) -> Figure:
    """Horizontal bars of the ranked areas with 95 % intervals; suppressed areas labelled '.'."""
    import matplotlib.pyplot as plt

    if not isinstance(ranking, PublishedTable):
        raise TypeError("charts are drawn only from a PublishedTable")
    df = ranking.frame
    fig, ax = plt.subplots(figsize=(8, max(3.0, 0.28 * len(df) + 1.5)))
    pos = list(range(len(df)))[::-1]
    ok = ~df["suppressed"].to_numpy(dtype=bool) & df["value"].notna().to_numpy()
    val = df["value"].to_numpy(dtype=float)
    err = [val - df["lower"].to_numpy(dtype=float), df["upper"].to_numpy(dtype=float) - val]
    sign = report.indicator.sign
    best_q, worst_q = (4, 1) if sign > 0 else (1, 4)
    colours = ["#1b7837" if sign and q == best_q else "#b2182b" if sign and q == worst_q
               else "#8c8c8c" for q in df["quartile"].to_numpy()]
    for i, p in enumerate(pos):
        if ok[i]:
            ax.barh(p, val[i], color=colours[i], alpha=0.8)
            if not np.isnan(err[0][i]):
                ax.errorbar(val[i], p, xerr=[[err[0][i]], [err[1][i]]], color="black",
                            capsize=2, lw=0.8)
        else:
            ax.text(0, p, f" {SUPPRESSED_MARK} (suppressed)", va="center", fontsize=8)
    ax.set_yticks(pos, [str(n) for n in df["name"]], fontsize=8)
    lo = float(max(0.0, min(val[ok].min() * 0.9, (val[ok] - err[0][ok]).min()))) if ok.any() \
        else 0.0
    ax.set_xlim(left=lo)
    ax.set_xlabel(report.indicator.unit)
    ax.set_title(_title(report), fontsize=10)
    return fig


def trend_chart(values: PublishedTable, report: MonitorReport) -> Figure:
    """One line per area over the survey years; the best and worst area of the gap stand out.

    Suppressed values are left out of the lines (never drawn as 0).
    """
    import matplotlib.pyplot as plt

    if not isinstance(values, PublishedTable):
        raise TypeError("charts are drawn only from a PublishedTable")
    df = values.frame
    df = df[(df["indicator"] == report.indicator.id) & (df["level"] == report.level)
            & ~df["suppressed"]]
    gap = report.gap.frame
    pair = {}
    if len(gap):
        pair = {str(gap["best_code"].iloc[0]): "#1b7837", str(gap["worst_code"].iloc[0]): "#b2182b"}
    fig, ax = plt.subplots(figsize=(8, 5))
    for code, grp in df.groupby("area_code"):
        grp = grp.sort_values("year")
        colour = pair.get(str(code))
        if colour is None:
            ax.plot(grp["year"], grp["value"], color="#9a9a9a", lw=0.8, alpha=0.6)
            continue
        ax.errorbar(grp["year"], grp["value"],
                    yerr=[grp["value"] - grp["lower"], grp["upper"] - grp["value"]],
                    color=colour, marker="o", lw=2, capsize=3, label=str(grp["name"].iloc[0]))
    if pair:
        ax.legend(fontsize=8, title="best and worst", title_fontsize=8)
    ax.set_xticks(list(report.years))
    ax.set_ylabel(report.indicator.unit)
    ax.set_title(f"{report.indicator.name_en} per {report.level}, "
                 f"{report.years[0]}–{report.years[-1]}", fontsize=10)
    return fig


def map_chart(ranking: PublishedTable, areas: gpd.GeoDataFrame, report: MonitorReport
              ) -> Figure:
    """Choropleth of the ranking's values; suppressed areas hatched grey (never as 0)."""
    import geopandas as gpd
    import matplotlib.pyplot as plt

    if not isinstance(ranking, PublishedTable):
        raise TypeError("charts are drawn only from a PublishedTable")
    df = ranking.frame
    geo = areas.set_index("code").geometry
    gdf = gpd.GeoDataFrame(df, geometry=df["area_code"].map(geo).to_numpy(), crs=areas.crs)
    fig, ax = plt.subplots(figsize=(8, 7))
    shown = gdf[~gdf["suppressed"] & gdf["value"].notna()]
    hidden = gdf[gdf["suppressed"] | gdf["value"].isna()]
    cmap = "RdYlGn" if report.indicator.sign > 0 else "RdYlGn_r" if report.indicator.sign < 0 \
        else "viridis"
    if len(shown):
        shown.plot(column="value", ax=ax, cmap=cmap, legend=True, edgecolor="white", lw=0.3,
                   legend_kwds={"label": report.indicator.unit, "shrink": 0.6})
    if len(hidden):
        hidden.plot(ax=ax, color="#dddddd", hatch="///", edgecolor="grey", lw=0.3)
    ax.set_axis_off()
    ax.set_title(_title(report) + ("; hatched = suppressed ('.')" if len(hidden) else ""),
                 fontsize=10)
    return fig
