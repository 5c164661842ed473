"""The Monitor use case: a region in, published tables out.

:func:`compute_monitor` computes every registry indicator at every level and year, the
inequality measures (SII/RII, quintile gap) per indicator, level and year, the trends of every
area and the concentration of poor green access among low-income residents. It is pure.
:func:`run_monitor` answers one question (an indicator at a level in a year: ranking, gap
between the best and worst area with its interval, the trend of that gap) and passes every
table through :func:`~groengezond.indicators.disclosure.disclose`, so all it returns is
:class:`~groengezond.indicators.disclosure.PublishedTable`. The CLI renders these; a FastAPI
router can return ``table.records()``.

The writers at the end of this module (:func:`write_csv`, :func:`write_gpkg`) are the only
file writers of the Monitor; they accept nothing but a ``PublishedTable`` and write atomically.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from groengezond.errors import InputError
from groengezond.indicators.age_groups import DEFAULT_AGE_GROUP, age_groups_of, select_age_group
from groengezond.indicators.compute import area_values
from groengezond.indicators.concentration import ACCESS_INDICATOR, green_concentration
from groengezond.indicators.deprivation import (
    INEQUALITY_COLUMNS,
    MIN_AREAS,
    RankingChoice,
    choose_ranking,
    inequality_table,
    not_computable_row,
)
from groengezond.indicators.disclosure import PublishedTable, disclose
from groengezond.indicators.inequality import DEFAULT_SIMS, Difference
from groengezond.indicators.registry import Indicator, Registry, load_registry
from groengezond.indicators.trends import ARROWS, fit_trends, quartile_positions, trend_colour
from groengezond.region.model import Region
from groengezond.region.quality import NotComputable, area_geometry_quality
from groengezond.region.quality import worst as worst_status
from groengezond.region.store import atomic_file
from groengezond.services.figure_quality import (
    default_indicator,
    figure_quality,
    gap_reason,
    group_quality,
    mark_not_computable,
)

Level = Literal["buurt", "wijk", "gemeente", "region"]
DEFAULT_INDICATOR = "healthy_life_expectancy_years"
"""Kept for old callers; the Monitor's default is the first registry indicator the region has
(:func:`~groengezond.services.figure_quality.default_indicator`)."""


class MonitorQuery(BaseModel):
    """What the Monitor is asked (shared by the CLI and the API).

    Attributes
    ----------
    indicator : str or None
        Indicator id; None takes the first indicator in registry order that the region has.
    level : {"buurt", "wijk", "gemeente", "region"}
        Level of the ranking.
    year : int or None
        Year of the ranking; None takes the latest year with values.
    n_sims : int
        Simulations for the SII/RII intervals (PHE default 100,000).
    seed : int
        Seed of the simulations.
    compare : tuple of str
        Optional pair of area codes or names to compare side by side.
    rank_by : str or None
        Indicator that ranks areas from most to least deprived for the SII/RII and quintile
        gap; None takes the first of the registry's ``ranking_preference`` the region has.
    age_group : str
        Age group of age-specific values (``"18+"``, ``"65+"``); values that are not
        age-specific are used whatever it is.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    indicator: str | None = None
    level: Level = "wijk"
    year: int | None = None
    n_sims: int = Field(DEFAULT_SIMS, ge=100, le=1_000_000)
    seed: int = 42
    compare: tuple[str, str] | None = None
    rank_by: str | None = None
    age_group: str = Field(DEFAULT_AGE_GROUP, min_length=1, max_length=20)


@dataclass(frozen=True)
class MonitorTables:
    """Everything computed for a region, before disclosure: never written as it is."""

    values: pd.DataFrame
    inequality: pd.DataFrame
    trends: pd.DataFrame
    concentration: pd.DataFrame
    notes: tuple[str, ...]
    age_group: str = DEFAULT_AGE_GROUP


@dataclass(frozen=True)
class MonitorReport:
    """The answer to a :class:`MonitorQuery`: published tables and what they are about."""

    indicator: Indicator
    level: str
    year: int
    years: tuple[int, ...]
    ranking: PublishedTable
    gap: PublishedTable
    gap_trend: PublishedTable
    inequality: PublishedTable
    comparison: PublishedTable | None
    values: PublishedTable
    trends: PublishedTable
    concentration: PublishedTable
    notes: tuple[str, ...]
    synthetic: bool
    sources: tuple[str, ...]
    deprivation: RankingChoice | NotComputable | None = None
    age_group: str | None = None
    """Age group of the indicator's values (None when they are not age-specific)."""


def _publishable(table: pd.DataFrame, reg: Registry) -> np.ndarray:
    """Rows whose area has enough persons to be published (ranked only among these)."""
    rule = table["indicator"].map({i.id: i.disclosure.rule for i in reg.indicators})
    threshold = table["indicator"].map({i: reg.min_persons_of(i) for i in reg.ids})
    ok = (rule == "none") | (table["persons"] >= threshold)
    return np.asarray(ok & table["value"].notna(), dtype=bool)


ACCESS_COLUMNS: dict[str, tuple[str, float]] = {
    "within_300m_network": (ACCESS_INDICATOR, 100.0),
    "meets_3_trees": ("rule_3_30_300_trees_pct", 100.0),
    "meets_30_canopy": ("rule_3_30_300_canopy_pct", 100.0),
    "meets_300_green": ("rule_3_30_300_park_pct", 100.0),
    "meets_3_30_300": ("rule_3_30_300_all_pct", 100.0),
    "green_m2_per_inhabitant_500m": ("green_m2_per_inhabitant", 1.0),
    "canopy_share": ("canopy_pct", 100.0),
}
"""Per-area columns of :func:`groengezond.services.access.compute_access` → (indicator id,
factor to the indicator's unit)."""


def access_inputs(areas: pd.DataFrame, addresses: pd.DataFrame | None, year: int,
                  source: str = "groengezond access engine"
                  ) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Turn green-access results into Monitor inputs.

    Parameters
    ----------
    areas : DataFrame
        Per-area access results (``code`` and the columns of :data:`ACCESS_COLUMNS`, shares
        0-1), e.g. ``AccessResult.areas`` or ``access_areas.parquet``.
    addresses : DataFrame or None
        Per-address results with ``address_id`` and ``within_300m_network`` (bool).
    year : int
        Year the access describes (the region's buildings and green: its latest year).
    source : str
        Text of the ``source`` column.

    Returns
    -------
    (DataFrame, DataFrame or None)
        ``extra`` indicator values in long form and ``address_access`` (``address_id``,
        ``green_within_300m``) for :func:`compute_monitor`.
    """
    frames = []
    for column, (indicator, factor) in ACCESS_COLUMNS.items():
        if column not in areas.columns:
            continue
        frames.append(pd.DataFrame({
            "area_code": areas["code"].astype(str).to_numpy(), "indicator": indicator,
            "year": np.int64(year), "value": areas[column].to_numpy(dtype=float) * factor,
            "lower": np.nan, "upper": np.nan, "source": source}))
    extra = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["area_code", "indicator", "year", "value", "lower", "upper", "source"])
    address_access = None
    if addresses is not None and {"address_id", "within_300m_network"} <= set(addresses.columns):
        address_access = pd.DataFrame({
            "address_id": addresses["address_id"].to_numpy(),
            "green_within_300m": addresses["within_300m_network"].to_numpy(dtype=bool)})
    return extra, address_access


def compute_monitor(region: Region, registry: Registry | None = None, *,
                    n_sims: int = DEFAULT_SIMS, seed: int = 42, extra: pd.DataFrame | None = None,
                    address_access: pd.DataFrame | None = None,
                    rank_by: str | None = None,
                    age_group: str = DEFAULT_AGE_GROUP) -> MonitorTables:
    """Compute all indicators at all levels, inequality, trends and concentration.

    Parameters
    ----------
    region : Region
        The region (indicator values in ``region.indicators``).
    registry : Registry, optional
        Defaults to the package registry.
    n_sims : int
        Simulations for the SII/RII intervals.
    seed : int
        Seed of the simulations (results are reproducible).
    extra : DataFrame, optional
        More indicator values in long form (e.g. per-buurt access indicators).
    address_access : DataFrame, optional
        ``address_id`` and ``green_within_300m`` (bool) per address, for the address-level
        concentration of poor access among low-income residents.
    rank_by : str, optional
        Deprivation ranking of the SII/RII (see :func:`choose_ranking`).
    age_group : str
        Age group of age-specific values (:func:`~groengezond.indicators.age_groups.
        select_age_group`); the others are left out, so each area, indicator and year has
        one value.

    Returns
    -------
    MonitorTables
        Not yet disclosed: pass through :func:`run_monitor` or
        :func:`~groengezond.indicators.disclosure.disclose` before publishing.
    """
    reg = registry or load_registry()
    groups = age_groups_of(region.indicators)
    region = region.with_layers(indicators=select_age_group(region.indicators, age_group))
    computed = area_values(region, reg, extra)
    notes = list(computed.notes)
    others = [g for g in groups if g != age_group]
    if groups:
        notes.append(f"Age-specific values are those of age group {age_group}"
                     + (f"; the region also has {', '.join(others)} (choose with the age "
                        "group option)." if others else "."))
    values = computed.table
    values["name"] = values["area_code"].map(region.areas.set_index("code")["name"])
    values["quality"] = figure_quality(values, region, reg)
    values = mark_not_computable(values, region, reg)
    values["publishable"] = _publishable(values, reg)
    pub = values[values["publishable"]]
    values["quartile"] = quartile_positions(pub, ["indicator", "level", "year"]).reindex(
        values.index)
    inequality = inequality_table(values, reg, n_sims, seed, notes, rank_by)
    trends = fit_trends(values[values["publishable"]], ["indicator", "level", "area_code"])
    sign = trends["indicator"].map({i.id: i.sign for i in reg.indicators})
    trends["colour"] = trend_colour(trends["direction"], sign)
    trends["arrow"] = trends["direction"].map(ARROWS)
    key = ["indicator", "level", "area_code"]
    trends["persons"] = values.groupby(key)["persons"].min().reindex(
        pd.MultiIndex.from_frame(trends[key])).to_numpy()
    inequality["quality"] = group_quality(inequality, values[values["publishable"]],
                                          ["indicator", "level", "year"])
    inequality.loc[_not_computed(inequality), "quality"] = "missing"
    trends["quality"] = group_quality(trends, values, key)
    concentration = green_concentration(region, values, address_access)
    return MonitorTables(values, inequality, trends, concentration, tuple(notes), age_group)


def _resolve_area(values: pd.DataFrame, key: str) -> str:
    codes = values.drop_duplicates("area_code")
    hit = codes[(codes["area_code"] == key) | (codes["name"].str.lower() == key.lower())]
    if hit.empty:
        raise InputError.single("--compare", "", "area", f"no area with code or name {key!r}",
                                "give an area code (e.g. WK900101) or its exact name")
    return str(hit["area_code"].iloc[0])


def _comparison(values: pd.DataFrame, ind: str, year: int, pair: tuple[str, str],
                reg: Registry) -> PublishedTable:
    from groengezond.indicators.inequality import compare

    a, b = (_resolve_area(values, k) for k in pair)
    sel = values[(values["indicator"] == ind) & (values["year"] == year)].set_index("area_code")
    ra, rb = sel.loc[a], sel.loc[b]
    ok = bool(ra["publishable"] and rb["publishable"])
    d = compare(float(ra["value"]), float(ra["se"]), float(rb["value"]), float(rb["se"]))
    frame = pd.DataFrame([{
        "indicator": ind, "year": year, "area_a": a, "name_a": ra["name"], "area_b": b,
        "name_b": rb["name"], "value_a": ra["value"], "value_b": rb["value"],
        "difference": d.difference, "lower": d.lower, "upper": d.upper,
        "significant": _significance(d),
        "persons": min(ra["persons"], rb["persons"]) if ok else 0.0}])
    return disclose(frame, name="comparison", registry=reg, text_columns=["significant"],
                    value_columns=["value_a", "value_b", "difference", "lower", "upper"])


RELIABLE_WIDTH = 2.0
"""Best and worst areas are chosen among those whose 95 % interval is at most this many times
the median interval width of the level and year (the extremes of noisy estimates are mostly
the smallest areas; see docs/monitor.md)."""


def _significance(d: Difference) -> str:
    """'yes' / 'no', or 'n/a' when the values have no interval (e.g. counted, not sampled)."""
    if np.isnan(d.lower):
        return "n/a"
    return "yes" if d.significant else "no"


def gap_tables(values: pd.DataFrame, ind: Indicator, level: str, year: int,
               reg: Registry | None = None, notes: list[str] | None = None
               ) -> tuple[PublishedTable, PublishedTable]:
    """Gap between the best and the worst area of ``year``, followed over all years.

    Parameters
    ----------
    values : DataFrame
        ``MonitorTables.values``.
    ind : Indicator
        The indicator.
    level : str
        Level of the areas.
    year : int
        Year whose best and worst area are followed.
    reg : Registry, optional
        Defaults to the package registry.
    notes : list of str, optional
        Receives a note when uncertain areas were left out of the choice.

    Returns
    -------
    (PublishedTable, PublishedTable)
        The gap per year (``gap``, ``gap_lower``, ``gap_upper``, ``significant``) and its trend.
    """
    reg = reg or load_registry()
    notes = notes if notes is not None else []
    from groengezond.indicators.inequality import compare

    sel = values[(values["indicator"] == ind.id) & (values["level"] == level)
                 & values["publishable"]]
    now = sel[sel["year"] == year].sort_values("value", kind="stable")
    width = (now["upper"] - now["lower"]).to_numpy(dtype=float)
    if np.isfinite(width).any():
        reliable = width <= RELIABLE_WIDTH * np.nanmedian(width)
        if (~reliable).any():
            notes.append(f"Best and worst {level} chosen among the {int(reliable.sum())} of "
                         f"{len(now)} areas whose 95% interval is at most {RELIABLE_WIDTH:g}× "
                         "the median width; the others are too uncertain to single out.")
        now = now[reliable]
    rows = []
    if len(now) >= 2:
        low, high = now.iloc[0], now.iloc[-1]
        best, worst = (low, high) if ind.sign < 0 else (high, low)
        series = sel.set_index(["area_code", "year"])
        for y in sorted(sel["year"].unique()):
            if (best["area_code"], y) not in series.index or (worst["area_code"], y) \
                    not in series.index:
                continue
            rb, rw = series.loc[(best["area_code"], y)], series.loc[(worst["area_code"], y)]
            d = compare(float(rb["value"]), float(rb["se"]), float(rw["value"]), float(rw["se"]))
            rows.append({"indicator": ind.id, "level": level, "year": int(y),
                         "best_code": best["area_code"], "best_name": best["name"],
                         "worst_code": worst["area_code"], "worst_name": worst["name"],
                         "best_value": rb["value"], "worst_value": rw["value"],
                         "gap": d.difference, "gap_lower": d.lower, "gap_upper": d.upper,
                         "se": (d.upper - d.lower) / (2 * 1.96),
                         "significant": _significance(d),
                         "persons": min(rb["persons"], rw["persons"]),
                         "quality": worst_status([str(rb.get("quality", "real")),
                                                  str(rw.get("quality", "real"))])})
    gap = pd.DataFrame(rows, columns=["indicator", "level", "year", "best_code", "best_name",
                                      "worst_code", "worst_name", "best_value", "worst_value",
                                      "gap", "gap_lower", "gap_upper", "se", "significant",
                                      "persons", "quality"])
    trend = fit_trends(gap.rename(columns={"gap": "value"}), ["indicator", "level"])
    trend["colour"] = trend_colour(trend["direction"], np.full(len(trend), -1))
    trend["arrow"] = trend["direction"].map(ARROWS)
    trend["persons"] = float(gap["persons"].min()) if len(gap) else np.nan
    return (disclose(gap, name="gap", registry=reg, text_columns=["significant"],
                     value_columns=["best_value", "worst_value", "gap", "gap_lower",
                                    "gap_upper", "se"]),
            disclose(trend, name="gap_trend", registry=reg,
                     text_columns=["direction", "colour", "arrow"],
                     value_columns=["slope_per_year", "slope_se", "slope_lower",
                                    "slope_upper", "change"]))


VALUE_COLS = ["value", "lower", "upper", "se", "coverage", "quartile"]
TREND_COLS = ["slope_per_year", "slope_se", "slope_lower", "slope_upper", "change"]
INEQ_COLS = ["mean", "sii", "sii_lower", "sii_upper", "rii", "rii_lower", "rii_upper",
             "quintile_most_deprived", "quintile_least_deprived", "gap", "gap_lower",
             "gap_upper", "ratio", "ratio_lower", "ratio_upper"]
CONC_COLS = ["concentration_index", "low_income_share_without_access", "low_income_share_all",
             "ratio", "persons_without_access"]


def publish_all(tables: MonitorTables, registry: Registry | None = None
                ) -> dict[str, PublishedTable]:
    """Disclose the region-wide tables: values, inequality, trends and concentration."""
    reg = registry or load_registry()
    values = tables.values.drop(columns=["publishable"])
    return {
        "values": disclose(values, name="values", registry=reg, value_columns=VALUE_COLS),
        "inequality": disclose(tables.inequality, name="inequality", registry=reg,
                               value_columns=INEQ_COLS),
        "trends": disclose(tables.trends, name="trends", registry=reg,
                           value_columns=TREND_COLS,
                           text_columns=["direction", "colour", "arrow"]),
        "concentration": disclose(tables.concentration, name="concentration", registry=reg,
                                  value_columns=CONC_COLS),
    }


def run_monitor(region: Region, query: MonitorQuery | None = None,
                registry: Registry | None = None, *, extra: pd.DataFrame | None = None,
                address_access: pd.DataFrame | None = None) -> MonitorReport:
    """Answer a Monitor query with published (disclosure-controlled) tables.

    Parameters
    ----------
    region : Region
        The region.
    query : MonitorQuery, optional
        Indicator, level, year, simulations, comparison; defaults as in :class:`MonitorQuery`.
    registry : Registry, optional
        Defaults to the package registry.
    extra, address_access : DataFrame, optional
        As in :func:`compute_monitor`.

    Returns
    -------
    MonitorReport

    Raises
    ------
    InputError
        Unknown indicator, an indicator without values, a year without values.
    """
    q = query or MonitorQuery()
    reg = registry or load_registry()
    tables = compute_monitor(region, reg, n_sims=q.n_sims, seed=q.seed, extra=extra,
                             address_access=address_access, rank_by=q.rank_by,
                             age_group=q.age_group)
    values = tables.values
    ind = reg.get(q.indicator or default_indicator(
        values.loc[values["value"].notna(), "indicator"].astype(str), reg))
    mine = values[(values["indicator"] == ind.id) & values["value"].notna()]
    ages = age_groups_of(region.indicators, ind.id)
    if mine.empty:
        have = sorted(values["indicator"].unique())
        if ages and q.age_group not in ages:
            raise InputError.single("--age-group", "", "age_group",
                                    f"{ind.id} has no values for age group {q.age_group!r}",
                                    f"choose one of: {', '.join(ages)}")
        raise InputError.single("indicators.parquet", "", "indicator",
                                f"the region has no values of {ind.id!r}",
                                f"choose one of: {', '.join(have) or '(none)'}")
    age_group = q.age_group if q.age_group in ages else None
    years = tuple(sorted(int(y) for y in mine["year"].unique()))
    year = q.year if q.year is not None else years[-1]
    if year not in years:
        raise InputError.single("--year", "", "year", f"{ind.id} has no values for {year}",
                                f"choose one of: {', '.join(map(str, years))}")
    published = publish_all(tables, reg)
    rank = values[(values["indicator"] == ind.id) & (values["level"] == q.level)
                  & (values["year"] == year)].copy()
    order = rank["value"] * (-1 if ind.sign >= 0 else 1)
    rank["rank"] = order.where(rank["publishable"]).rank(method="min")
    t = tables.trends[(tables.trends["indicator"] == ind.id)
                      & (tables.trends["level"] == q.level)].set_index("area_code")
    for col in ("direction", "arrow", "colour", "change"):
        rank[col] = rank["area_code"].map(t[col])
    rank["position"] = _position(rank["quartile"], ind.sign)
    rank["age_group"] = age_group or ""
    deprivation = choose_ranking(values, reg, q.level, year, q.rank_by)
    chosen = deprivation if isinstance(deprivation, RankingChoice) else None
    missing = deprivation.reason if isinstance(deprivation, NotComputable) else ""
    rank["deprivation_ranking"] = chosen.indicator if chosen else missing
    rank["deprivation_ranking_year"] = chosen.year if chosen else np.nan
    rank = rank.sort_values(["rank", "area_code"], na_position="last", kind="stable")
    keep = ["rank", "area_code", "name", "indicator", "age_group", "level", "year", "value",
            "lower", "upper", "quartile", "position", "direction", "arrow", "colour", "change",
            "persons", "derivation", "source", "quality", "not_computable",
            "deprivation_ranking", "deprivation_ranking_year"]
    ranking = disclose(rank[keep], name="ranking", registry=reg,
                       value_columns=["rank", "value", "lower", "upper", "quartile", "change"],
                       text_columns=["position", "direction", "arrow", "colour"])
    notes = list(tables.notes)
    gap, gap_trend = gap_tables(values, ind, q.level, year, reg, notes)
    ineq = tables.inequality[(tables.inequality["indicator"] == ind.id)
                             & (tables.inequality["level"] == q.level)]
    if not (ineq["year"] == year).any():
        if chosen is None:
            reason, key = missing, "monitor.no_ranking"
        elif chosen.indicator == ind.id:
            reason = (f"not computable: {ind.id} is the deprivation ranking itself (choose "
                      "another with --rank-by)")
            key = "monitor.ranking_is_indicator"
        else:
            n = int(rank["publishable"].sum())
            reason = (f"not computable: {n} {q.level} areas with a published value "
                      f"(needs {MIN_AREAS})")
            key = "monitor.too_few_areas"
        row = not_computable_row(ind.id, q.level, year, float(rank["persons"].sum()),
                                  reason, chosen, key)
        ineq = pd.concat([ineq, pd.DataFrame([row], columns=INEQUALITY_COLUMNS)],
                         ignore_index=True).sort_values("year", kind="stable")
        ineq.loc[_not_computed(ineq), "quality"] = "missing"
    if gap.frame.empty:
        gap = gap_reason(values, ind, q.level, year, reg)
    comparison = _comparison(values, ind.id, year, q.compare, reg) if q.compare else None
    sources = tuple(f"{s.name} ({s.licence}): {s.attribution}" for s in region.meta.sources)
    return MonitorReport(
        indicator=ind, level=q.level, year=year, years=years, ranking=ranking, gap=gap,
        gap_trend=gap_trend,
        inequality=disclose(ineq, name="inequality", registry=reg, value_columns=INEQ_COLS),
        comparison=comparison, values=published["values"], trends=published["trends"],
        concentration=published["concentration"], notes=tuple(notes),
        synthetic=region.meta.synthetic, sources=sources, deprivation=deprivation,
        age_group=age_group)


def _not_computed(table: pd.DataFrame) -> pd.Series:
    """Rows of an inequality table that say why the SII is not computable."""
    return table["not_computable"].fillna("").astype(str) != ""


def _position(quartile: pd.Series, sign: int) -> pd.Series:
    """Words for a quartile: best / worst 25 % by the indicator's good direction."""
    if sign == 0:
        words = {1: "lowest 25%", 2: "below middle", 3: "above middle", 4: "highest 25%"}
    elif sign > 0:
        words = {1: "worst 25%", 2: "below middle", 3: "above middle", 4: "best 25%"}
    else:
        words = {1: "best 25%", 2: "above middle", 3: "below middle", 4: "worst 25%"}
    return quartile.map(words).fillna("")


# --------------------------------------------------------------------------- writers


def write_csv(table: PublishedTable, path: Path) -> Path:
    """Write a published table as CSV (UTF-8); suppressed values as ``.``, atomically.

    Raises
    ------
    TypeError
        If ``table`` is not a :class:`PublishedTable` (it did not pass disclosure control).
    """
    if not isinstance(table, PublishedTable):
        raise TypeError("write_csv publishes only a PublishedTable (from disclose())")
    with atomic_file(Path(path)) as tmp:
        table.display_frame(decimals=4, trim=True).to_csv(tmp, index=False)
    return Path(path)


def write_gpkg(layers: Mapping[str, PublishedTable], areas: gpd.GeoDataFrame,
               path: Path) -> Path:
    """Write published tables as layers of one GeoPackage, joined to the area polygons.

    Tables with an ``area_code`` column get the area's geometry (EPSG:28992) and its
    ``geometry_quality`` (real / derived / placeholder: a placeholder polygon is its parent's);
    others are written as attribute tables. Suppressed values are empty (NULL) with
    ``suppressed`` set.

    Raises
    ------
    TypeError
        If a layer is not a :class:`PublishedTable`.
    """
    for table in layers.values():
        if not isinstance(table, PublishedTable):
            raise TypeError("write_gpkg publishes only PublishedTable layers (from disclose())")
    geoms = areas.set_index("code").geometry
    geometry_quality = pd.Series(area_geometry_quality(areas).to_numpy(),
                                 index=areas["code"].to_numpy())
    with atomic_file(Path(path)) as tmp:
        for name, table in layers.items():
            frame = table.frame
            for col in frame.columns:
                if frame[col].dtype == object:
                    frame[col] = frame[col].astype(str).where(frame[col].notna(), None)
            if "area_code" in frame.columns:
                frame = frame.assign(geometry_quality=frame["area_code"].map(geometry_quality))
                out = gpd.GeoDataFrame(frame, geometry=frame["area_code"].map(geoms).to_numpy(),
                                       crs=areas.crs)
                out.to_file(tmp, layer=name, driver="GPKG")
            else:
                gpd.GeoDataFrame(frame).to_file(tmp, layer=name, driver="GPKG")
    return Path(path)
