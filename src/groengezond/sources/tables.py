"""Any CBS-shaped table: one row per area code, one column per figure, mapped by config.

CBS, RIVM, BZK and derived tables share a shape: a column of area codes (``GM0344``,
``WK034401``, ``BU03440101``, sometimes space-padded or as bare digits), optionally a name and
an inhabitants column, and one column per figure. A ``tables:`` entry of the build config says
which column feeds which registry indicator (:class:`TableSpec`); :func:`read_table` reads the
file (CSV/TSV with ``,`` ``;`` or tab, UTF-8 or Windows-1252/Latin-1, decimal comma where the
delimiter is not a comma; or an xlsx sheet) and checks every value:

- every column of the file that is neither mapped nor a role column is listed in a warning
  (``ignore:`` lists the columns known not to be figures; they are listed too, as ignored);
- ``missing_values`` of a column (e.g. ``0`` where a table writes 0 for 'not known') become
  missing, and are counted in a warning; CBS's ``.`` and empty cells are missing as always;
- a column mapped to a percentage indicator has its scale (fraction or percent) decided from
  the rows inside the region only (:func:`~groengezond.sources.scale.percent_factor`); a column
  whose in-region rows mix the scales is refused, naming the rows;
- every in-region value, after its unit factor, must lie in the indicator's valid range
  (:attr:`~groengezond.indicators.registry.Indicator.bounds`); one outside is an error that
  names the file, row, column and fix;
- rows of areas outside the region (``gemeenten``) are counted in a warning, not read.

The reader returns the values in the long form of ``indicators.parquet`` and, when the table
has the roles (code, name, inhabitants), the areas it describes, so that a table such as the
province buurt table (SOURCES.md item 4) can define a region's areas (``defines_areas``).
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator

from groengezond.errors import InputError, Problem
from groengezond.indicators.registry import Registry, load_registry
from groengezond.sources._io import (
    Delimited,
    Findings,
    code_parts,
    gemeente_of,
    listing,
    parse_number,
    read_delimited,
    require_file,
)
from groengezond.sources.cbs import INDICATOR_COLUMNS, read_xlsx, year_from_name
from groengezond.sources.scale import percent_factor

AreaLevel = Literal["buurt", "wijk", "gemeente"]

PREFIX: dict[str, tuple[str, int]] = {"gemeente": ("GM", 4), "wijk": ("WK", 6),
                                      "buurt": ("BU", 8)}
"""Code prefix and number of digits per level (a bare ``344`` at gemeente level is GM0344)."""


class TableColumn(BaseModel):
    """How one column of a table becomes an indicator.

    Attributes
    ----------
    id : str
        Registry indicator id.
    factor : float
        Unit factor: value × factor is stored in the indicator's unit (e.g. 1000 for a WOZ
        value in thousands of euros). Not allowed for percentage indicators, whose scale is
        decided from the data (see ``proportion``).
    year : int or None
        Year of this column's figures when it differs from the table's.
    missing_values : list of float
        Values that mean 'missing' in this column (e.g. ``[0]``).
    proportion : bool or None
        Percentage indicators only: True = fractions (0-1), False = percents (0-100); decided
        from the in-region rows when not given.
    """

    model_config = ConfigDict(extra="forbid")

    id: str
    factor: float = 1.0
    year: int | None = None
    missing_values: list[float] = Field(default_factory=list)
    proportion: bool | None = None

    @field_validator("factor")
    @classmethod
    def _nonzero(cls, value: float) -> float:
        if not math.isfinite(value) or value == 0:
            raise ValueError("factor must be a finite number other than 0")
        return value


class TableSpec(BaseModel):
    """The mapping of one CBS-shaped table (the part of a ``tables:`` entry besides ``path``).

    Attributes
    ----------
    code_column : str
        Column of the area codes.
    level : {"buurt", "wijk", "gemeente"} or None
        Level of the rows to read; rows of other levels are skipped (and counted). Needed for
        bare numeric codes; otherwise the level follows each code's prefix.
    year : int or None
        Year of the figures (from the file name when not given).
    sheet : str or None
        Sheet of an xlsx workbook.
    name_column, inhabitants_column : str or None
        Role columns: area names and inhabitants (persons; also stored as the indicator
        ``inhabitants`` for the table's year).
    defines_areas : bool
        The table defines the region's areas (in place of, or besides, a KWB table).
    columns : dict of str to TableColumn
        Source column → indicator (a bare id is ``{id: ...}``).
    ignore : list of str
        Columns that are known not to be figures (listed in the report as ignored).
    """

    model_config = ConfigDict(extra="forbid")

    code_column: str
    level: AreaLevel | None = None
    year: int | None = None
    sheet: str | None = None
    name_column: str | None = None
    inhabitants_column: str | None = None
    defines_areas: bool = False
    columns: dict[str, TableColumn] = Field(default_factory=dict)
    ignore: list[str] = Field(default_factory=list)

    @field_validator("columns", mode="before")
    @classmethod
    def _bare_ids(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {str(k): ({"id": v} if isinstance(v, str) else v) for k, v in value.items()}
        return value


@dataclass(frozen=True)
class TableRead:
    """A CBS-shaped table, read and checked.

    Attributes
    ----------
    year : int
        Year of the table (columns may carry their own).
    source : str
        Short description of the source, stored with every value.
    indicators : DataFrame
        Long form ``area_code, indicator, year, value, lower, upper, source`` of the rows
        inside the region (values in the indicator's unit).
    areas : DataFrame
        ``code, name, level, parent, inhabitants`` of the rows inside the region.
    unread : tuple of str
        Columns that were not read (neither mapped, a role, nor ignored).
    ignored : tuple of str
        Columns ignored as configured.
    rows_outside : int
        Rows of areas outside the region (not read).
    warnings : tuple of Problem
        Everything left out, repaired or worth knowing.
    """

    year: int
    source: str
    indicators: pd.DataFrame
    areas: pd.DataFrame
    unread: tuple[str, ...]
    ignored: tuple[str, ...]
    rows_outside: int
    warnings: tuple[Problem, ...]


def normalise_code(text: str, level: str | None) -> str | None:
    """A CBS area code from a cell: stripped, upper case; bare digits padded when ``level``
    is known (``'344'`` at gemeente level -> ``'GM0344'``). None when it is not a code."""
    code = text.strip().upper()
    if code_parts(code) is not None:
        return code
    if level is not None and re.fullmatch(r"\d{1,8}", code):
        prefix, digits = PREFIX[level]
        if len(code) <= digits:
            padded = prefix + code.zfill(digits)
            return padded if code_parts(padded) is not None else None
    return None


def _read_attributes(path: Path, findings: Findings) -> Delimited:
    """The attribute table of a GeoJSON/GeoPackage layer as strings (geometry left out).

    Lets a polygon file that carries its key figures (e.g. CBS gemeenten with
    ``aantal_inwoners``) serve as a table; row numbers are feature numbers (1-based).
    """
    import pyogrio

    try:
        frame = pyogrio.read_dataframe(path, read_geometry=False)
    except Exception as exc:  # pyogrio raises its own errors for unreadable files
        findings.error("", "", f"cannot be read as a GeoJSON/GeoPackage layer ({exc})",
                       "give a valid .geojson or .gpkg file, or a .csv/.xlsx table")
        return Delimited([], [], [], ",")

    def cell(value: object) -> str:
        if value is None or (isinstance(value, float) and value != value):
            return ""
        if isinstance(value, bool):
            return "1" if value else "0"
        return str(value)

    header = [str(c) for c in frame.columns]
    rows = [[cell(v) for v in row] for row in frame.itertuples(index=False, name=None)]
    return Delimited(header, rows, list(range(1, len(rows) + 1)), ",")


def _read_cells(path: Path, sheet: str | None, findings: Findings) -> Delimited:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return read_xlsx(path, findings, sheet)
    if path.suffix.lower() in (".geojson", ".json", ".gpkg"):
        return _read_attributes(path, findings)
    if sheet is not None:
        findings.warn("", "sheet", f"sheet {sheet!r} is given for a text file", "ignored")
    return read_delimited(path, findings)


def _column_label(header: str, position: int) -> str:
    return header if header else f"(unnamed column {position + 1})"


def read_table(path: Path, spec: TableSpec, *, gemeenten: Sequence[str] | None = None,
               registry: Registry | None = None, source: str | None = None) -> TableRead:
    """Read a CBS-shaped table through its mapping, checking every value per row.

    Parameters
    ----------
    path : Path
        ``.csv``/``.tsv``/``.txt`` (``,`` ``;`` or tab; UTF-8 or Windows-1252), ``.xlsx``, or
        the attribute table of a ``.geojson``/``.gpkg`` layer.
    spec : TableSpec
        Code column, level, year, role columns and column → indicator mapping.
    gemeenten : sequence of str, optional
        The region's gemeenten (``GM0307``): rows of other gemeenten are counted, not read,
        and do not take part in deciding a percentage column's scale. All rows when None.
    registry : Registry, optional
        Indicator registry (valid ranges, units); the package registry by default.
    source : str, optional
        Source text stored with each value (default: the file name and year).

    Returns
    -------
    TableRead

    Raises
    ------
    InputError
        Missing or unknown columns, unknown indicator ids, malformed or duplicate codes,
        cells that are not numbers, a percentage column that mixes scales, values outside an
        indicator's valid range: each naming the file, row, column and fix.
    """
    path = require_file(Path(path), "table")
    reg = registry or load_registry()
    findings = Findings(path.name)
    year = spec.year or year_from_name(path)
    if year is None:
        raise InputError.single(path.name, "", "year", "the year of the table is not known",
                                "give `year` in the tables: entry (or keep the year in the "
                                "file name, e.g. kwb2020_....csv)")
    for column, entry in spec.columns.items():
        if entry.id not in reg:
            close = difflib.get_close_matches(entry.id, reg.ids, n=3)
            findings.error("config", column, f"maps to {entry.id!r}, which is not an "
                           "indicator of the registry",
                           (f"did you mean {', '.join(close)}? " if close else "") +
                           "use a registry id (docs/monitor.md) or add the indicator to "
                           "registry.yaml")
        elif reg[entry.id].is_percent and entry.factor != 1.0:
            findings.error("config", column, f"gives a factor for the percentage indicator "
                           f"{entry.id}", "drop `factor`; the scale of a percentage column is "
                           "decided from the data, or declared with `proportion`")
    findings.raise_if_errors()
    table = _read_cells(path, spec.sheet, findings)
    header = table.header
    idx = {h: i for i, h in enumerate(header)}
    roles = {"code_column": spec.code_column, "name_column": spec.name_column,
             "inhabitants_column": spec.inhabitants_column}
    wanted = [(role, c) for role, c in roles.items() if c is not None]
    wanted += [(f"columns.{c}", c) for c in spec.columns]
    for role, column in wanted:
        if column not in idx:
            close = difflib.get_close_matches(column, header, n=3)
            findings.error("header", column, f"column is missing ({role})",
                           f"use a column of the file{': ' + ', '.join(close) if close else ''}"
                           f" (the header has {len(header)} columns)")
    findings.raise_if_errors()
    used = {c for _, c in wanted}
    ignored = tuple(_column_label(h, i) for i, h in enumerate(header)
                    if h in spec.ignore and h not in used)
    unread = tuple(_column_label(h, i) for i, h in enumerate(header)
                   if h not in used and h not in spec.ignore)
    if unread:
        findings.warn("header", listing(unread, 40), f"{len(unread)} columns are not mapped to "
                      "an indicator and were not read", "map them under `columns:` of the "
                      "tables: entry, or list them under `ignore:`")
    if ignored:
        findings.warn("header", listing(ignored, 40), f"{len(ignored)} columns ignored as "
                      "configured (`ignore:`)", "not read")
    codes, lines, inside, n_outside, other_level = _codes(table, spec, gemeenten, findings)
    findings.raise_if_errors()
    if other_level:
        findings.warn("", spec.code_column, f"{other_level} rows are not at level {spec.level}",
                      "skipped (set `level` to read another level)")
    if n_outside:
        findings.warn("", spec.code_column, f"{n_outside} rows describe areas outside the "
                      "region's gemeenten", "not read")
    labels = [f"line {ln} ({c})" for ln, c in zip(lines, codes, strict=True)]
    decimal_comma = table.delimiter != ","
    rows = [table.rows[i] for i in inside]
    frames = []
    for column, entry in spec.columns.items():
        frames.append(_column(column, idx[column], entry, rows, codes, labels, year, reg,
                              decimal_comma, findings, path.name))
    inhabitants = None
    if spec.inhabitants_column is not None:
        inhabitants = _numbers(rows, idx[spec.inhabitants_column], spec.inhabitants_column,
                               labels, decimal_comma, findings)
        bad = inhabitants < 0
        for i in np.flatnonzero(bad):
            findings.error(labels[i], spec.inhabitants_column,
                           f"{inhabitants[i]:g} inhabitants is negative",
                           "give a count of persons ≥ 0, '.' or an empty cell")
    findings.raise_if_errors()
    label = source or f"{path.name} ({year})"
    if inhabitants is not None:
        frames.append(pd.DataFrame({"area_code": codes, "indicator": "inhabitants",
                                    "year": np.int64(year), "value": inhabitants}))
    values = pd.concat([f for f in frames if len(f)], ignore_index=True) if any(
        len(f) for f in frames) else pd.DataFrame(columns=["area_code", "indicator", "year",
                                                            "value"])
    values["lower"] = np.nan
    values["upper"] = np.nan
    values["source"] = label
    values["year"] = values["year"].astype("int64")
    values["value"] = values["value"].astype(float)
    names = ([rows[i][idx[spec.name_column]].strip() or codes[i] for i in range(len(rows))]
             if spec.name_column is not None else list(codes))
    parts = [code_parts(c) for c in codes]
    areas = pd.DataFrame({
        "code": codes, "name": names, "level": [p[0] if p else "" for p in parts],
        "parent": [p[1] if p else None for p in parts],
        "inhabitants": inhabitants if inhabitants is not None else np.full(len(codes), np.nan)})
    return TableRead(year, label, values[INDICATOR_COLUMNS].reset_index(drop=True), areas,
                     unread, ignored, n_outside, tuple(findings.warnings))


def _codes(table: Delimited, spec: TableSpec, gemeenten: Sequence[str] | None,
           findings: Findings) -> tuple[list[str], list[int], list[int], int, int]:
    """Codes, line numbers and row positions of the in-region rows; rows outside; rows of
    another level."""
    col = table.header.index(spec.code_column)
    chosen = set(gemeenten) if gemeenten else None
    seen: dict[str, int] = {}
    codes: list[str] = []
    lines: list[int] = []
    inside: list[int] = []
    outside = other = 0
    for i, (row, line) in enumerate(zip(table.rows, table.lines, strict=True)):
        cell = row[col]
        if cell.strip().upper().startswith("NL"):
            findings.warn(f"line {line}", spec.code_column, f"national row {cell.strip()}",
                          "skipped")
            continue
        code = normalise_code(cell, spec.level)
        if code is None:
            findings.error(f"line {line}", spec.code_column, f"{cell!r} is not a CBS area code",
                           "give GMxxxx, WKxxxxxx or BUxxxxxxxx (or set `level` for bare "
                           "numbers)")
            continue
        parts = code_parts(code)
        assert parts is not None
        if spec.level is not None and parts[0] != spec.level:
            other += 1
            continue
        if chosen is not None and gemeente_of(code) not in chosen:
            outside += 1
            continue
        if code in seen:
            findings.error(f"line {line}", spec.code_column,
                           f"{code} duplicates line {seen[code]}", "keep one row per area code")
            continue
        seen[code] = line
        codes.append(code)
        lines.append(line)
        inside.append(i)
    return codes, lines, inside, outside, other


def _numbers(rows: list[list[str]], col: int, name: str, labels: list[str],
             decimal_comma: bool, findings: Findings) -> np.ndarray:
    out = np.empty(len(rows))
    for i, row in enumerate(rows):
        try:
            out[i] = parse_number(row[col], decimal_comma)
        except ValueError:
            findings.error(labels[i], name, f"{row[col]!r} is not a number",
                           "give a number, '.' or leave the cell empty for missing")
            out[i] = math.nan
    return out


def _column(column: str, col: int, entry: TableColumn, rows: list[list[str]],
            codes: list[str], labels: list[str], year: int, reg: Registry,
            decimal_comma: bool, findings: Findings, file: str) -> pd.DataFrame:
    """One mapped column: parsed, missing values applied, scaled and range-checked."""
    ind = reg[entry.id]
    raw = _numbers(rows, col, column, labels, decimal_comma, findings)
    if entry.missing_values:
        hit = np.isin(raw, np.asarray(entry.missing_values, dtype=float))
        if hit.any():
            findings.warn("", column, f"{int(hit.sum())} of {len(raw)} in-region cells equal "
                          f"{listing(f'{m:g}' for m in entry.missing_values)}",
                          "read as missing (missing_values)")
            raw = np.where(hit, np.nan, raw)
    if ind.is_percent:
        factor = percent_factor(raw, file=file, column=column, rows=labels,
                                proportion=entry.proportion)
        if factor != 1.0:
            findings.warn("", column, "holds fractions (0-1) in the region's rows",
                          f"multiplied by {factor:g} to percent for {ind.id}")
    else:
        if entry.proportion is not None:
            findings.error("config", column, f"gives `proportion` for {ind.id}, which is not a "
                           f"percentage ({ind.unit})", "drop `proportion`; use `factor`")
        factor = entry.factor
    value = raw * factor
    bad = ind.outside(value)
    for i in np.flatnonzero(bad):
        findings.error(labels[i], column,
                       f"{value[i]:g} is outside the valid range {ind.range_text()} of "
                       f"{ind.id} ({ind.unit})" + (f" (cell {raw[i]:g} × factor {factor:g})"
                                                   if factor != 1.0 else ""),
                       "correct the value, declare it missing (`missing_values`), or map the "
                       "column to an indicator whose range allows it (valid_range in "
                       "registry.yaml)")
    if len(value) and np.isnan(value).all():
        findings.warn("", column, f"holds no value for the region's areas ({ind.id})",
                      "left out")
        return pd.DataFrame(columns=["area_code", "indicator", "year", "value"])
    return pd.DataFrame({"area_code": codes, "indicator": ind.id,
                         "year": np.int64(entry.year or year), "value": value})
