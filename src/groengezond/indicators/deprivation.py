"""The deprivation ranking behind the health gap: which indicator ranks the areas, and the
SII/RII and quintile gap by it for every indicator, level and year.

An SII needs the areas ranked from least to most deprived. The ranking indicator is asked for
(``--rank-by``) or taken from the registry's ``ranking_preference`` (first present for the
level and year, else the nearest year, said in a note); its good direction turns it into a
deprivation score (higher = more deprived). Where no ranking is present, or too few areas have
one, the SII reads "not computable: <reason>", never 0 and never silently absent.
Pure: DataFrames in, DataFrames out (see :mod:`groengezond.services.monitor`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from groengezond.errors import InputError
from groengezond.indicators.inequality import quintile_gap, slope_index, standard_normals
from groengezond.indicators.registry import Registry
from groengezond.region.quality import NotComputable

INEQUALITY_LEVELS: tuple[str, ...] = ("buurt", "wijk", "gemeente")
"""Levels at which inequality between areas is measured."""

MIN_AREAS = 3
"""Fewest areas an SII is computed over."""


@dataclass(frozen=True)
class RankingChoice:
    """The deprivation ranking behind an SII/RII and quintile gap.

    Attributes
    ----------
    indicator : str
        Registry id of the ranking indicator (e.g. ``ses_woa_score``).
    year : int
        Year of its values that ranks the areas.
    note : str
        Empty when the ranking is of the same year as the figure; else says it is the nearest.
    """

    indicator: str
    year: int
    note: str = ""


def ranking_candidates(reg: Registry, rank_by: str | None = None) -> tuple[str, ...]:
    """The ranking indicators to try, in order: ``rank_by`` alone, else the registry's
    ``ranking_preference``.

    Raises
    ------
    InputError
        When ``rank_by`` is not a registry indicator.
    """
    if rank_by is None:
        return reg.ranking_preference
    if rank_by not in reg:
        raise InputError.single("--rank-by", "", "rank_by", f"unknown indicator {rank_by!r}",
                                "use a registry id, e.g. one of the ranking preference: "
                                f"{', '.join(reg.ranking_preference)}")
    return (rank_by,)


def _ranking_years(values: pd.DataFrame, candidates: tuple[str, ...]
                   ) -> dict[tuple[str, str], list[int]]:
    rows = values[values["indicator"].isin(candidates) & values["value"].notna()]
    return {(str(i), str(lv)): sorted(int(y) for y in g["year"].unique())
            for (i, lv), g in rows.groupby(["indicator", "level"])}


def choose_ranking(values: pd.DataFrame, reg: Registry, level: str, year: int,
                   rank_by: str | None = None,
                   years: dict[tuple[str, str], list[int]] | None = None
                   ) -> RankingChoice | NotComputable:
    """The deprivation ranking for areas of ``level`` in ``year``.

    The first candidate (:func:`ranking_candidates`) with values at ``level`` in ``year``;
    failing that, the first candidate with values at ``level`` in any year, in its year
    nearest to ``year`` (said in :attr:`RankingChoice.note`); failing that, not computable.

    Parameters
    ----------
    values : DataFrame
        ``MonitorTables.values`` (indicator, level, year, value).
    reg : Registry
        The registry (``ranking_preference``).
    level : str
        Level of the areas to rank.
    year : int
        Year of the figure whose inequality is measured.
    rank_by : str, optional
        Ranking indicator asked for (``--rank-by``).
    years : dict, optional
        Precomputed ``(indicator, level) -> years`` with values.

    Returns
    -------
    RankingChoice or NotComputable
    """
    candidates = ranking_candidates(reg, rank_by)
    have = years if years is not None else _ranking_years(values, candidates)
    for rid in candidates:
        if year in have.get((rid, level), []):
            return RankingChoice(rid, year)
    for rid in candidates:
        found = have.get((rid, level))
        if found:
            near = _nearest_year(found, year)
            return RankingChoice(rid, near, f"ranked by {rid} of {near}, the year nearest to "
                                            f"{year} with values at {level} level")
    return NotComputable(
        key="monitor.no_ranking",
        reason=f"not computable: no deprivation ranking ({' or '.join(candidates)} has no "
               f"values at {level} level)",
        missing=list(candidates))


def _nearest_year(available: list[int], year: int) -> int:
    return min(available, key=lambda y: (abs(y - year), y))


INEQUALITY_COLUMNS = [
    "indicator", "level", "year", "ranking", "ranking_year", "ranking_note", "not_computable",
    "not_computable_key", "n_areas", "persons", "mean", "sii", "sii_lower", "sii_upper", "rii",
    "rii_lower", "rii_upper", "quintile_most_deprived", "quintile_least_deprived", "gap",
    "gap_lower", "gap_upper", "ratio", "ratio_lower", "ratio_upper", "sims", "interval_method"]
"""Columns of the inequality table: ``ranking``/``ranking_year`` name the deprivation ranking;
``not_computable`` holds the reason where the SII cannot be computed (else empty), and
``not_computable_key`` its message key for the UI; ``interval_method`` says how the SII/RII
intervals were made (:attr:`~groengezond.indicators.inequality.SlopeIndex.interval`)."""


def not_computable_row(ind: str, level: str, year: int, persons: float,
                        reason: str, choice: RankingChoice | None,
                        key: str = "monitor.not_computable") -> dict[str, object]:
    """One inequality row saying why the SII is not computable (``reason``, ``key``)."""
    row: dict[str, object] = dict.fromkeys(INEQUALITY_COLUMNS, np.nan)
    row.update(indicator=ind, level=level, year=int(year), persons=persons,
               ranking=choice.indicator if choice else "",
               ranking_year=choice.year if choice else np.nan,
               ranking_note=choice.note if choice else "", not_computable=reason,
               not_computable_key=key,
               n_areas=0, sims=0)
    return row


def inequality_table(values: pd.DataFrame, reg: Registry, n_sims: int, seed: int,
                     notes: list[str], rank_by: str | None = None) -> pd.DataFrame:
    """SII/RII and quintile gap per indicator, level and year (before disclosure).

    Levels with fewer than :data:`MIN_AREAS` areas have no row. Where a level has enough areas
    but no deprivation ranking, or too few areas with a ranking score, the row says why in
    ``not_computable`` and its figures are empty (never 0).

    Parameters
    ----------
    values : DataFrame
        ``MonitorTables.values`` with ``publishable``.
    reg : Registry
        The registry.
    n_sims, seed : int
        Simulations of the intervals and their seed.
    notes : list of str
        Receives a note per ranking taken from another year, and when none is present.
    rank_by : str, optional
        Ranking indicator (``--rank-by``); default the registry's ``ranking_preference``.

    Returns
    -------
    DataFrame
        Columns :data:`INEQUALITY_COLUMNS`.
    """
    candidates = ranking_candidates(reg, rank_by)
    have = _ranking_years(values, candidates)
    if rank_by is not None and not any(k[0] == rank_by for k in have):
        raise InputError.single("--rank-by", "", "rank_by",
                                f"the region has no values of {rank_by!r}",
                                "choose a ranking indicator the region has (see `groengezond "
                                "info`), or leave --rank-by out for the registry's preference")
    if not have:
        notes.append("No income or deprivation indicator in the region: the SII, RII and "
                     f"quintile gap are not computable (needs one of {', '.join(candidates)}).")
    z = standard_normals(n_sims, np.random.default_rng(seed))
    rows: list[dict[str, object]] = []
    usable = values[values["publishable"] & values["level"].isin(INEQUALITY_LEVELS)]
    skip = {i.id: i.aggregate.method == "sum" for i in reg.indicators}
    usable = usable[~usable["indicator"].map(skip).astype(bool)]
    stated: dict[tuple[str, str, int], set[int]] = {}
    for (ind, level, year), grp in usable.groupby(["indicator", "level", "year"], sort=True):
        if len(grp) < MIN_AREAS:
            continue
        persons = float(grp["persons"].sum())
        choice = choose_ranking(values, reg, str(level), int(year), rank_by, have)
        if isinstance(choice, NotComputable):
            rows.append(not_computable_row(str(ind), str(level), int(year), persons,
                                            choice.reason, None, choice.key))
            continue
        if ind == choice.indicator:
            continue
        if choice.note:
            stated.setdefault((str(level), choice.indicator, choice.year), set()).add(int(year))
        sc = values[(values["indicator"] == choice.indicator) & (values["level"] == level)
                    & (values["year"] == choice.year)]
        sign = reg[choice.indicator].sign or 1
        score = pd.Series(-sign * sc["value"].to_numpy(dtype=float),
                          index=sc["area_code"].to_numpy())
        dep = grp["area_code"].map(score)
        m = dep.notna().to_numpy()
        if m.sum() < MIN_AREAS:
            rows.append(not_computable_row(
                str(ind), str(level), int(year), persons,
                f"not computable: only {int(m.sum())} {level} areas have both a value and a "
                f"{choice.indicator} score (needs {MIN_AREAS})", choice,
                "monitor.too_few_areas"))
            continue
        args = (grp["value"].to_numpy()[m], grp["se"].to_numpy()[m],
                grp["persons"].to_numpy()[m], dep.to_numpy(dtype=float)[m])
        s = slope_index(*args, n_sims=n_sims, normals=z)
        q = quintile_gap(*args)
        rows.append({
            "indicator": ind, "level": level, "year": int(year), "ranking": choice.indicator,
            "ranking_year": choice.year, "ranking_note": choice.note, "not_computable": "",
            "not_computable_key": "", "n_areas": s.n_areas,
            "persons": min(s.persons, q.persons_most, q.persons_least),
            "mean": s.mean, "sii": s.sii, "sii_lower": s.sii_lower, "sii_upper": s.sii_upper,
            "rii": s.rii, "rii_lower": s.rii_lower, "rii_upper": s.rii_upper,
            "quintile_most_deprived": q.most, "quintile_least_deprived": q.least,
            "gap": q.gap, "gap_lower": q.gap_lower, "gap_upper": q.gap_upper,
            "ratio": q.ratio, "ratio_lower": q.ratio_lower, "ratio_upper": q.ratio_upper,
            "sims": s.sims, "interval_method": s.interval})
    for (level, rid, ryear), figure_years in sorted(stated.items()):
        notes.append(f"Inequality at {level} level in {', '.join(map(str, sorted(figure_years)))}"
                     f": ranked by {rid} of {ryear}, the nearest year with values.")
    return pd.DataFrame(rows, columns=INEQUALITY_COLUMNS)
