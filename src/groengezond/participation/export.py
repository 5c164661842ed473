"""Export a field lab's results for planners: CSV, GeoPackage or a static HTML summary.

Only published material leaves the database: figures after disclosure control (suppressed
cells as empty values with ``suppressed = true``, never 0) and approved comments. No
individual rating, survey answer or resident token is ever exported.

Every file is written atomically (:func:`groengezond.region.store.atomic_file`): a failed
export leaves the old file, never half a file.

- **CSV**: one long table; column ``table`` says what a row is (``rating``, ``survey``,
  ``comment``). Text written by residents that starts with ``=``, ``+``, ``-``, ``@`` (or a
  tab or carriage return) gets a leading ``'`` so that spreadsheets do not run it as a
  formula (CSV injection).
- **GeoPackage** (EPSG:28992): layers ``field_lab`` (polygon), ``comments`` (points),
  ``ratings`` and ``survey`` (tables without geometry).
- **HTML**: a self-contained page; everything written by people is HTML-escaped.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely
from sqlalchemy import select

from groengezond.errors import InputError
from groengezond.participation import area
from groengezond.participation.db import Database
from groengezond.participation.errors import NotFoundError
from groengezond.participation.models import Comment, FieldLab
from groengezond.participation.results import Cell, FieldLabResults, field_lab_results
from groengezond.region.store import atomic_file

FORMATS = ("csv", "gpkg", "html")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(text: object) -> object:
    """Prefix ``'`` to a string a spreadsheet would read as a formula (OWASP CSV injection)."""
    if isinstance(text, str) and text.startswith(_FORMULA_START):
        return "'" + text
    return text


def _figure_rows(table: str, keys: dict[str, Any], cell: Cell) -> list[dict[str, Any]]:
    return [{"table": table, **keys, "respondents": cell.respondents,
             "suppressed": cell.suppressed, "suppression_reason": cell.suppression_reason,
             "measure": f.measure, "unit": f.unit, "value": f.value, "lower": f.lower,
             "upper": f.upper} for f in cell.figures]


def result_frames(db: Database, lab_id: int, min_respondents: int
                  ) -> tuple[FieldLabResults, pd.DataFrame, pd.DataFrame, gpd.GeoDataFrame]:
    """The field lab's results as frames: ratings, survey and approved comments (EPSG:28992)."""
    res = field_lab_results(db, lab_id, min_respondents)
    ratings = pd.DataFrame([row for sc in res.scenarios for row in _figure_rows(
        "rating", {"scenario_id": sc.scenario_id, "scenario_ref": sc.scenario_ref,
                   "scenario_name": sc.name, "withdrawn": sc.withdrawn}, sc)],
        columns=["table", "scenario_id", "scenario_ref", "scenario_name", "withdrawn",
                 "respondents", "suppressed", "suppression_reason", "measure", "unit", "value",
                 "lower", "upper"])
    survey = pd.DataFrame([row for a in res.survey for row in _figure_rows(
        "survey", {"area_code": a.area_code, "area_name": a.name, "level": a.level,
                   "year": res.survey_year}, a)],
        columns=["table", "area_code", "area_name", "level", "year", "respondents",
                 "suppressed", "suppression_reason", "measure", "unit", "value", "lower",
                 "upper"])
    for frame in (ratings, survey):
        frame["respondents"] = frame["respondents"].astype("Int64")
    ratings["scenario_id"] = ratings["scenario_id"].astype("Int64")
    with db.read() as s:
        rows = s.scalars(select(Comment).where(Comment.field_lab_id == lab_id,
                                               Comment.status == "approved")
                         .order_by(Comment.id)).all()
        comments = gpd.GeoDataFrame(
            {"table": "comment", "comment_id": [c.id for c in rows],
             "scenario_id": pd.array([c.scenario_id for c in rows], dtype="Int64"),
             "category": [c.category for c in rows], "text": [c.text for c in rows],
             "created_at": [c.created_at.isoformat() for c in rows],
             "x_rd": [c.x_rd for c in rows], "y_rd": [c.y_rd for c in rows]},
            geometry=shapely.points([c.x_rd for c in rows], [c.y_rd for c in rows])
            if rows else gpd.GeoSeries([], crs="EPSG:28992"), crs="EPSG:28992")
    return res, ratings, survey, comments


def export_field_lab(db: Database, lab_id: int, out: Path, min_respondents: int = 10) -> Path:
    """Write a field lab's results to ``out`` (``.csv``, ``.gpkg`` or ``.html``).

    Parameters
    ----------
    db : Database
        The participation database.
    lab_id : int
        The field lab.
    out : Path
        File to write; its suffix chooses the format. Replaced atomically.
    min_respondents : int
        Disclosure threshold.

    Raises
    ------
    InputError
        When the suffix is not a known format.
    NotFoundError
        When the field lab does not exist.
    """
    fmt = out.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise InputError.single(str(out), "", "suffix", f"unknown export format {fmt!r}",
                                "end the file name in .csv, .gpkg or .html")
    res, ratings, survey, comments = result_frames(db, lab_id, min_respondents)
    with atomic_file(out) as tmp:
        if fmt == "csv":
            _write_csv(tmp, ratings, survey, comments)
        elif fmt == "gpkg":
            _write_gpkg(db, lab_id, tmp, ratings, survey, comments)
        else:
            tmp.write_text(render_html(res, comments), encoding="utf-8")
    return out


def _write_csv(tmp: Path, ratings: pd.DataFrame, survey: pd.DataFrame,
               comments: gpd.GeoDataFrame) -> None:
    com = pd.DataFrame(comments.drop(columns="geometry"))
    if len(com):
        lonlat = [area.rd_to_lonlat(x, y) for x, y in zip(com["x_rd"], com["y_rd"],
                                                          strict=True)]
        com["lon"], com["lat"] = [p[0] for p in lonlat], [p[1] for p in lonlat]
    frames = [f for f in (ratings, survey, com) if len(f)]
    table = pd.concat(frames, ignore_index=True) if frames else ratings
    for col in ("text", "scenario_name", "area_name", "scenario_ref"):
        if col in table.columns:
            table[col] = table[col].map(neutralise_formula)
    table.to_csv(tmp, index=False, encoding="utf-8")


def _write_gpkg(db: Database, lab_id: int, tmp: Path, ratings: pd.DataFrame,
                survey: pd.DataFrame, comments: gpd.GeoDataFrame) -> None:
    with db.read() as s:
        lab = s.get(FieldLab, lab_id)
        if lab is None:
            raise NotFoundError(f"there is no field lab {lab_id}")
        outline = gpd.GeoDataFrame(
            {"field_lab_id": [lab.id], "name": [lab.name], "area_code": [lab.area_code],
             "opens_on": [lab.opens_on.isoformat()], "closes_on": [lab.closes_on.isoformat()]},
            geometry=[shapely.from_wkt(lab.geometry_wkt)], crs="EPSG:28992")
    pyogrio.write_dataframe(outline, tmp, layer="field_lab", driver="GPKG")
    pyogrio.write_dataframe(comments.drop(columns="table"), tmp, layer="comments",
                            driver="GPKG", geometry_type="Point", append=True)
    for name, frame in (("ratings", ratings), ("survey", survey)):
        pyogrio.write_dataframe(frame.drop(columns="table"), tmp, layer=name, driver="GPKG",
                                append=True)


def _num(v: float | None) -> str:
    return "." if v is None else f"{v:.2f}"


def render_html(res: FieldLabResults, comments: gpd.GeoDataFrame) -> str:
    """A static HTML summary; every text from people is escaped with :func:`html.escape`."""
    e = html.escape
    parts = [f"<!doctype html><html lang='nl'><head><meta charset='utf-8'>"
             f"<title>{e(res.name)}</title></head><body><h1>{e(res.name)}</h1>",
             f"<p>Area {e(res.area_code)}, survey year {res.survey_year}. Figures on fewer "
             f"than {res.min_respondents} respondents are suppressed (shown as '.').</p>",
             "<h2>Ratings (1-5)</h2><table><tr><th>scenario</th><th>respondents</th>"
             "<th>criterion</th><th>mean</th><th>95% interval</th></tr>"]
    for sc in res.scenarios:
        for f in sc.figures:
            parts.append(f"<tr><td>{e(sc.name)}</td><td>{sc.respondents or '.'}</td>"
                         f"<td>{e(f.measure)}</td><td>{_num(f.value)}</td>"
                         f"<td>{_num(f.lower)} - {_num(f.upper)}</td></tr>")
    parts.append("</table><h2>Survey</h2><table><tr><th>area</th><th>respondents</th>"
                 "<th>measure</th><th>value</th><th>95% interval</th></tr>")
    for a in res.survey:
        for f in a.figures:
            parts.append(f"<tr><td>{e(a.name or a.area_code)}</td><td>{a.respondents or '.'}"
                         f"</td><td>{e(f.measure)}</td><td>{_num(f.value)}</td>"
                         f"<td>{_num(f.lower)} - {_num(f.upper)}</td></tr>")
    parts.append("</table><h2>Comments</h2><ul>")
    for _, c in comments.iterrows():
        parts.append(f"<li><strong>{e(str(c['category']))}</strong>: {e(str(c['text']))}</li>")
    parts.append("</ul></body></html>\n")
    return "".join(parts)
