"""Results of a field lab: ratings per scenario, survey per buurt, and Monitor indicator rows.

Every figure passes disclosure control before it leaves this module:

- **threshold** — no figure on fewer than ``min_respondents`` respondents (10, the CBS rule of
  thumb used by the Monitor): the whole cell is suppressed (values and the respondent count
  are ``None``, ``suppressed`` is true, with the reason), never shown as 0.
- **secondary suppression** — when exactly one buurt with respondents is suppressed while the
  field lab's total is published, its figures could be worked out from the total and the
  other buurten; the next smallest buurt is suppressed as well.
- the Monitor's rows (:func:`published_indicators`) also pass the Monitor's own gate,
  :func:`groengezond.indicators.disclosure.disclose`.

What the public sees (:func:`public_results`, the unauthenticated results route) also
withstands *differencing*: reading exact figures before and after one submission (or one
deletion) would give that person's answers away (``x = (n+1)·mean(n+1) - n·mean(n)``). So

- **while a field lab is open** the residents' figures (survey and ratings) are not public:
  every cell is withheld, with the date from which they will be;
- **once it has closed** they are computed once, with the respondent counts rounded to a
  multiple of 5 as the Monitor rounds counts (:func:`~groengezond.indicators.disclosure.
  round_to_multiple`), stored (:class:`~groengezond.participation.models.ResultRelease`) and
  served from that copy ever after, also to the Monitor, so an erasure after closing does not
  move a published figure.

Planners (the export, :func:`field_lab_results`) see the live figures under the threshold
rule only.

Intervals are 95 % intervals: for a mean the Student t interval
:math:`\\bar x \\pm t_{0.975, n-1}\\, s / \\sqrt{n}`, for a share the Wilson score interval
(Wilson 1927, *JASA* 22:209), which stays inside 0-100 % for small or extreme samples.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from pydantic import BaseModel, ConfigDict
from scipy import stats
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from groengezond.indicators.disclosure import PublishedTable, disclose, round_to_multiple
from groengezond.participation.db import Database
from groengezond.participation.errors import NotFoundError
from groengezond.participation.models import (
    RATING_CRITERIA,
    Comment,
    FieldLab,
    PublishedScenario,
    Rating,
    ResultRelease,
    SurveyResponse,
)

SOURCE = "participation"
"""Source id of the indicator rows (see ``indicators/registry.yaml``)."""

INDICATORS = {"living_environment_satisfaction": "satisfaction", "belevingswaarde": "green_rating"}
"""Monitor indicator id -> survey question whose mean it is (both scores 1-10)."""

INDICATOR_COLUMNS = ("area_code", "indicator", "year", "value", "lower", "upper", "source")


class Figure(BaseModel):
    """One published figure with its 95 % interval (all None when suppressed)."""

    model_config = ConfigDict(frozen=True)
    measure: str
    unit: str
    value: float | None
    lower: float | None
    upper: float | None


class Cell(BaseModel):
    """A group of respondents and its figures, after disclosure control."""

    model_config = ConfigDict(frozen=True)
    respondents: int | None
    suppressed: bool
    suppression_reason: str
    figures: list[Figure]


class ScenarioResult(Cell):
    """Ratings of one published scenario (mean and 95 % CI per criterion, scale 1-5)."""

    scenario_id: int
    scenario_ref: str
    name: str
    withdrawn: bool


class AreaResult(Cell):
    """Survey results of one buurt, or of the whole field lab (``level`` ``field_lab``)."""

    area_code: str
    name: str
    level: str


class FieldLabResults(BaseModel):
    """Everything a planner sees of a field lab's results."""

    field_lab_id: int
    name: str
    area_code: str
    survey_year: int
    min_respondents: int
    approved_comments: int
    scenarios: list[ScenarioResult]
    survey: list[AreaResult]
    disclosure: list[str]


def mean_ci(values: npt.NDArray[np.float64]) -> tuple[float, float | None, float | None]:
    """Mean and 95 % Student t interval; no interval for fewer than 2 values."""
    n = len(values)
    mean = float(values.mean())
    if n < 2:
        return mean, None, None
    half = float(stats.t.ppf(0.975, n - 1)) * float(values.std(ddof=1)) / math.sqrt(n)
    return mean, mean - half, mean + half


def wilson_pct(hits: int, n: int, z: float = 1.959964) -> tuple[float, float, float]:
    """Share (%) and its 95 % Wilson score interval (%)."""
    p = hits / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return 100 * p, 100 * max(0.0, centre - half), 100 * min(1.0, centre + half)


def _fig(measure: str, unit: str, v: tuple[float, float | None, float | None],
         lo: float, hi: float) -> Figure:
    def clip(x: float | None) -> float | None:
        return None if x is None else round(min(max(x, lo), hi), 4)

    return Figure(measure=measure, unit=unit, value=clip(v[0]), lower=clip(v[1]),
                  upper=clip(v[2]))


def _suppressed_figures(figs: list[Figure]) -> list[Figure]:
    return [Figure(measure=f.measure, unit=f.unit, value=None, lower=None, upper=None)
            for f in figs]


def _cell(n: int, figs: list[Figure], min_n: int) -> dict[str, Any]:
    if n < min_n:
        return {"respondents": None, "suppressed": True,
                "suppression_reason": f"fewer than {min_n} respondents",
                "figures": _suppressed_figures(figs)}
    return {"respondents": n, "suppressed": False, "suppression_reason": "", "figures": figs}


def rating_figures(frame: pd.DataFrame) -> list[Figure]:
    """Mean and 95 % CI (scale 1-5) of every criterion in a frame of ratings."""
    return [_fig(c, "score 1-5", mean_ci(frame[c].to_numpy(float)), 1, 5)
            if len(frame) else Figure(measure=c, unit="score 1-5", value=None, lower=None,
                                      upper=None)
            for c in RATING_CRITERIA]


def survey_figures(frame: pd.DataFrame) -> list[Figure]:
    """Figures of a group of survey responses (means of marks, shares agreeing)."""
    n = len(frame)
    if n == 0:
        return _suppressed_figures([
            Figure(measure=m, unit=u, value=None, lower=None, upper=None)
            for m, u in _SURVEY_MEASURES])
    figs = [_fig("satisfaction", "score 1-10", mean_ci(frame["satisfaction"].to_numpy(float)),
                 1, 10),
            _fig("green_rating", "score 1-10", mean_ci(frame["green_rating"].to_numpy(float)),
                 1, 10)]
    for measure, hits in (
        ("feels_safe_pct", int((frame["feels_safe"] >= 4).sum())),
        ("neighbour_contact_pct", int((frame["neighbour_contact"] >= 4).sum())),
        ("visits_green_weekly_pct", int(frame["green_visits"].isin(["daily", "weekly"]).sum())),
    ):
        figs.append(_fig(measure, "% of respondents", wilson_pct(hits, n), 0, 100))
    return figs


_SURVEY_MEASURES = (("satisfaction", "score 1-10"), ("green_rating", "score 1-10"),
                    ("feels_safe_pct", "% of respondents"),
                    ("neighbour_contact_pct", "% of respondents"),
                    ("visits_green_weekly_pct", "% of respondents"))


def _secondary(cells: list[dict[str, Any]], counts: list[int], total_published: bool) -> None:
    """Suppress the next smallest buurt when one suppressed buurt could be derived."""
    primary = [i for i, c in enumerate(cells) if c["suppressed"] and counts[i] > 0]
    if len(primary) != 1 or not total_published:
        return
    shown = [i for i, c in enumerate(cells) if not c["suppressed"]]
    if not shown:
        return
    j = min(shown, key=lambda i: (counts[i], i))
    cells[j] = {"respondents": None, "suppressed": True,
                "suppression_reason": "secondary suppression (protects a smaller buurt)",
                "figures": _suppressed_figures(cells[j]["figures"])}


def field_lab_results(db: Database, lab_id: int, min_respondents: int) -> FieldLabResults:
    """Compute a field lab's results with disclosure control.

    Parameters
    ----------
    db : Database
        The participation database.
    lab_id : int
        The field lab.
    min_respondents : int
        Threshold below which a cell is suppressed (10 by default).
    """
    with db.read() as s:
        lab = s.get(FieldLab, lab_id)
        if lab is None:
            raise NotFoundError(f"there is no field lab {lab_id}")
        scenarios = s.scalars(select(PublishedScenario).where(
            PublishedScenario.field_lab_id == lab_id).order_by(PublishedScenario.id)).all()
        ratings = pd.DataFrame(s.execute(select(
            Rating.scenario_id, *(getattr(Rating, c) for c in RATING_CRITERIA))
            .join(PublishedScenario, PublishedScenario.id == Rating.scenario_id)
            .where(PublishedScenario.field_lab_id == lab_id)).all(),
            columns=["scenario_id", *RATING_CRITERIA])
        survey = survey_frame(s, lab_id)
        approved = int(s.scalar(select(func.count()).select_from(Comment).where(
            Comment.field_lab_id == lab_id, Comment.status == "approved")) or 0)
    scen_out = []
    for sc in scenarios:
        sub = ratings[ratings["scenario_id"] == sc.id]
        scen_out.append(ScenarioResult(
            scenario_id=sc.id, scenario_ref=sc.scenario_ref, name=sc.name,
            withdrawn=sc.withdrawn_at is not None,
            **_cell(len(sub), rating_figures(sub), min_respondents)))
    names = {b["code"]: b["name"] for b in lab.buurten}
    codes = list(names) + sorted(set(survey["buurt_code"]) - set(names))
    counts = [int((survey["buurt_code"] == c).sum()) for c in codes]
    cells = [_cell(n, survey_figures(survey[survey["buurt_code"] == c]), min_respondents)
             for c, n in zip(codes, counts, strict=True)]
    total = _cell(len(survey), survey_figures(survey), min_respondents)
    _secondary(cells, counts, not total["suppressed"])
    areas = [AreaResult(area_code=c, name=names.get(c, ""), level="buurt", **cell)
             for c, cell in zip(codes, cells, strict=True)]
    areas.append(AreaResult(area_code=lab.area_code, name=lab.name, level="field_lab", **total))
    return FieldLabResults(
        field_lab_id=lab.id, name=lab.name, area_code=lab.area_code,
        survey_year=lab.closes_on.year, min_respondents=min_respondents,
        approved_comments=approved, scenarios=scen_out, survey=areas,
        disclosure=[f"no figure on fewer than {min_respondents} respondents (suppressed, "
                    "never 0)", "secondary suppression of the next smallest buurt where one "
                    "suppressed buurt could be derived from the total",
                    "95 % intervals: Student t for means, Wilson score for shares"])


ROUND_COUNTS_TO = 5
"""Published respondent counts are multiples of this (as the Monitor rounds counts)."""


def _rounded(cell: Any) -> dict[str, Any]:
    n = cell.respondents
    return {"respondents": None if n is None else int(round_to_multiple(
        np.array([float(n)]), ROUND_COUNTS_TO)[0])}


def _withheld(res: FieldLabResults, closes_on: date) -> FieldLabResults:
    reason = ("not public while the field lab is open: residents' figures are published once "
              f"it has closed (after {closes_on.isoformat()})")

    def hide(cell: Any) -> Any:
        return cell.model_copy(update={"respondents": None, "suppressed": True,
                                       "suppression_reason": reason,
                                       "figures": _suppressed_figures(cell.figures)})

    return res.model_copy(update={
        "scenarios": [hide(c) for c in res.scenarios], "survey": [hide(c) for c in res.survey],
        "disclosure": [*res.disclosure, reason]})


def release_results(db: Database, lab_id: int, min_respondents: int, today: date,
                    now: Any) -> FieldLabResults | None:
    """The frozen public release of a closed field lab (made on first call), or None while
    it is open. Respondent counts are rounded to multiples of :data:`ROUND_COUNTS_TO`."""
    with db.read() as s:
        lab = s.get(FieldLab, lab_id)
        if lab is None:
            raise NotFoundError(f"there is no field lab {lab_id}")
        if lab.closes_on >= today:
            return None
        stored = s.scalars(select(ResultRelease).where(
            ResultRelease.field_lab_id == lab_id)).one_or_none()
        if stored is not None:
            return FieldLabResults.model_validate(stored.payload)
    res = field_lab_results(db, lab_id, min_respondents)
    res = res.model_copy(update={
        "scenarios": [c.model_copy(update=_rounded(c)) for c in res.scenarios],
        "survey": [c.model_copy(update=_rounded(c)) for c in res.survey],
        "disclosure": [*res.disclosure, "frozen when the field lab closed; respondent counts "
                       f"rounded to multiples of {ROUND_COUNTS_TO}"]})
    try:
        with db.write() as s:
            s.add(ResultRelease(field_lab_id=lab_id, released_at=now,
                                payload=res.model_dump(mode="json")))
    except IntegrityError:  # released at the same moment by another request: serve that one
        with db.read() as s:
            stored = s.scalars(select(ResultRelease).where(
                ResultRelease.field_lab_id == lab_id)).one()
            return FieldLabResults.model_validate(stored.payload)
    return res


def public_results(db: Database, lab_id: int, min_respondents: int, today: date,
                   now: Any) -> FieldLabResults:
    """What anyone may see of a field lab's results (see the module docstring).

    Parameters
    ----------
    db : Database
        The participation database.
    lab_id : int
        The field lab.
    min_respondents : int
        Disclosure threshold.
    today : date
        Today in the field labs' time zone (a lab is open up to and including ``closes_on``).
    now : datetime
        Time of the release, if one is made.
    """
    released = release_results(db, lab_id, min_respondents, today, now)
    if released is not None:
        return released
    with db.read() as s:
        lab = s.get(FieldLab, lab_id)
        closes_on = lab.closes_on if lab is not None else today
    return _withheld(field_lab_results(db, lab_id, min_respondents), closes_on)


def survey_frame(s: Any, lab_id: int) -> pd.DataFrame:
    """All survey responses of a field lab (answers only: no resident, no time)."""
    cols = ["buurt_code", "satisfaction", "green_rating", "feels_safe", "neighbour_contact",
            "green_visits"]
    rows = s.execute(select(*(getattr(SurveyResponse, c) for c in cols)).where(
        SurveyResponse.field_lab_id == lab_id)).all()
    return pd.DataFrame(rows, columns=cols)


def published_indicators(db: Database, lab_id: int, min_respondents: int,
                         today: date | None = None, now: Any = None) -> PublishedTable:
    """The field lab's survey as Monitor indicator rows, through the Monitor's disclosure gate.

    Gives ``living_environment_satisfaction`` (mean mark for the living environment, 1-10)
    and ``belevingswaarde`` (mean mark for the green, 1-10) with their 95 % intervals, for
    every buurt and for the field lab's own area code, in the survey year (the year the field
    lab closes), source ``participation``. The cells pass this module's rules first (threshold
    ``min_respondents`` and secondary suppression) and then
    :func:`groengezond.indicators.disclosure.disclose` with the respondents as the persons a
    value describes (the registry's rule ``persons``), so the stricter of the two applies and
    the Monitor's writers accept the table.

    With ``today`` given (the public routes and the Monitor), the figures are the frozen
    release of a closed lab (:func:`release_results`) and an open lab gives no rows; without
    it (planners' export), the live figures.

    Returns
    -------
    PublishedTable
        Columns ``area_code, indicator, year, value, lower, upper, source, respondents,
        suppressed, suppression_reason`` (respondents rounded to 5 by the gate).
    """
    res = field_lab_results(db, lab_id, min_respondents) if today is None else \
        release_results(db, lab_id, min_respondents, today, now)
    if res is None:  # open: nothing of the residents' figures is published yet
        res = field_lab_results(db, lab_id, min_respondents)
        res = res.model_copy(update={"survey": []})
    rows = []
    seen: set[str] = set()
    for cell in res.survey:
        if cell.area_code in seen:  # a field lab of one buurt: its total is that buurt
            continue
        seen.add(cell.area_code)
        figs = {f.measure: f for f in cell.figures}
        for indicator, measure in INDICATORS.items():
            f = figs[measure]
            rows.append({"area_code": cell.area_code, "indicator": indicator,
                         "year": res.survey_year, "value": f.value, "lower": f.lower,
                         "upper": f.upper, "source": SOURCE, "respondents": cell.respondents,
                         "level": "buurt" if cell.level == "buurt" else "wijk"})
    frame = pd.DataFrame(rows, columns=[*INDICATOR_COLUMNS, "respondents", "level"])
    frame = frame.astype({"year": "int64", "value": "float64", "lower": "float64",
                          "upper": "float64", "respondents": "float64"})
    return disclose(frame, name=f"participation_field_lab_{lab_id}",
                    value_columns=("value", "lower", "upper"), persons_column="respondents")


def indicator_rows(db: Database, lab_id: int, min_respondents: int,
                   today: date | None = None, now: Any = None) -> pd.DataFrame:
    """The published rows of :func:`published_indicators` in the long form of the Monitor.

    Suppressed cells are left out (a missing row, never a 0).

    Returns
    -------
    DataFrame
        Columns ``area_code, indicator, year, value, lower, upper, source``.
    """
    table = published_indicators(db, lab_id, min_respondents, today, now).frame
    out = table.loc[~table["suppressed"].astype(bool), list(INDICATOR_COLUMNS)]
    return out.reset_index(drop=True)


def monitor_rows(db: Database, min_respondents: int, today: date) -> pd.DataFrame:
    """The survey rows of every field lab that has closed, for the Monitor's indicator table.

    A field lab's figures are final once it has closed (``closes_on`` before ``today``);
    an open lab is left out, so the Monitor does not publish figures that are still moving.

    Parameters
    ----------
    db : Database
        The participation database.
    min_respondents : int
        Disclosure threshold (see :func:`field_lab_results`).
    today : date
        The current date (Europe/Amsterdam).

    Returns
    -------
    DataFrame
        Columns :data:`INDICATOR_COLUMNS` (:func:`indicator_rows` of each closed lab).
    """
    with db.read() as s:
        ids = [int(i) for i in s.scalars(select(FieldLab.id).where(FieldLab.closes_on < today)
                                         .order_by(FieldLab.id)).all()]
    from datetime import UTC, datetime

    stamp = datetime.now(UTC)
    frames = [indicator_rows(db, lab_id, min_respondents, today, stamp) for lab_id in ids]
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype="float64" if c in ("value", "lower", "upper")
                                          else "int64" if c == "year" else object)
                             for c in INDICATOR_COLUMNS})
    return pd.concat(frames, ignore_index=True)


def closed_lab_rows(db: Database) -> pd.DataFrame:
    """:func:`monitor_rows` as of today (Europe/Amsterdam, or ``GG_PARTICIPATION_TIMEZONE``),
    with the configured threshold: what the Monitor publishes of the field labs now."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from groengezond.participation.config import ParticipationSettings

    cfg = ParticipationSettings()
    return monitor_rows(db, cfg.min_respondents, datetime.now(ZoneInfo(cfg.timezone)).date())
