"""CBS Kerncijfers wijken en buurten (KWB): the xlsx/csv releases and the OData v3 tables.

Every release names its columns differently (``a_inw`` in the xlsx release,
``AantalInwoners_5`` in the StatLine table, with a column number that changes from year to
year); the mapping file ``cbs_kwb.yaml`` normalises them to the indicator ids of the Region.
CBS's ``'.'`` (secret or not known) becomes a missing value, never 0, and buurt counts stay as
published (rounded to multiples of 5), so buurt sums differ slightly from the gemeente total.

This module only parses: it returns the areas the table describes and its indicator values in
long form; joining them to boundaries is :mod:`groengezond.sources.areas`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from groengezond.errors import Problem
from groengezond.sources._io import (
    Delimited,
    Findings,
    code_parts,
    listing,
    parse_json_value,
    parse_number,
    read_delimited,
    read_json,
    require_file,
)

SENTINEL_MAX = -99_990.0
"""Values at or below this are CBS 'secret / not available' codes (-99995, -99997, ...)."""

INDICATOR_COLUMNS = ["area_code", "indicator", "year", "value", "lower", "upper", "source"]


@dataclass(frozen=True)
class KwbMapping:
    """The contents of ``cbs_kwb.yaml`` (see that file for the meaning of each part)."""

    tables: dict[int, str]
    indicators: dict[str, dict[str, str]]
    derived: dict[str, tuple[str, str]]
    release: dict[str, tuple[str, float]]
    release_years: dict[int, dict[str, tuple[str, float]]]
    odata: dict[int, dict[str, tuple[str, float]]]

    def release_for(self, year: int) -> dict[str, tuple[str, float]]:
        """Column -> (indicator id, scale) of the xlsx/csv release of ``year``."""
        return {**self.release, **self.release_years.get(year, {})}

    def year_of_table(self, table_id: str) -> int | None:
        """The KWB year of a StatLine table id (e.g. 85618NED -> 2023)."""
        for year, table in self.tables.items():
            if table.upper() == table_id.upper():
                return year
        return None


def _entries(raw: dict[str, Any]) -> dict[str, tuple[str, float]]:
    out: dict[str, tuple[str, float]] = {}
    for key, value in raw.items():
        if isinstance(value, dict):
            out[str(key)] = (str(value["id"]), float(value.get("scale", 1.0)))
        else:
            out[str(key)] = (str(value), 1.0)
    return out


def load_kwb_mapping(path: Path | None = None) -> KwbMapping:
    """Read the KWB column mapping (the packaged ``cbs_kwb.yaml`` unless ``path`` is given)."""
    if path is None:
        text = resources.files("groengezond.sources").joinpath("cbs_kwb.yaml").read_text("utf-8")
    else:
        text = Path(path).read_text("utf-8")
    raw = yaml.safe_load(text)
    return KwbMapping(
        tables={int(k): str(v) for k, v in raw["tables"].items()},
        indicators={str(k): dict(v) for k, v in raw["indicators"].items()},
        derived={str(k): (str(v[0]), str(v[1])) for k, v in raw["derived"].items()},
        release=_entries(raw["release"]),
        release_years={int(y): _entries(m) for y, m in (raw.get("release_years") or {}).items()},
        odata={int(y): _entries(m) for y, m in raw["odata"].items()},
    )


@dataclass(frozen=True)
class KwbTable:
    """One KWB table, parsed.

    Attributes
    ----------
    year : int
        Year the figures describe (the KWB edition).
    source : str
        Short description of the source, stored with every indicator value.
    areas : DataFrame
        ``code``, ``name``, ``level`` (gemeente/wijk/buurt), ``parent`` (code one level up) and
        ``inhabitants`` (persons, float; NaN where CBS published '.').
    indicators : DataFrame
        Long form: ``area_code, indicator, year, value, lower, upper, source`` (values in the
        unit of ``cbs_kwb.yaml``; ``lower``/``upper`` are empty: KWB figures are counts).
    warnings : tuple of Problem
        What was repaired or left out (e.g. mapped columns missing from this release).
    """

    year: int
    source: str
    areas: pd.DataFrame
    indicators: pd.DataFrame
    warnings: tuple[Problem, ...]


def year_from_name(path: Path) -> int | None:
    """A year (2000-2099) in a file name such as ``kwb2023_gemeente_utrecht.csv``."""
    match = re.search(r"(?<!\d)(20\d{2})(?!\d)", Path(path).name)
    return int(match.group(1)) if match else None


def read_kwb(path: Path, year: int | None = None, *, names: Path | None = None,
             mapping: KwbMapping | None = None) -> KwbTable:
    """Read a KWB table: csv/tsv or xlsx release, or an OData v3 ``TypedDataSet`` JSON.

    Parameters
    ----------
    path : Path
        ``.csv``/``.tsv``/``.txt``, ``.xlsx`` or ``.json`` (StatLine OData v3 TypedDataSet, as
        downloaded from ``opendata.cbs.nl/ODataApi/odata/<table>/TypedDataSet``).
    year : int, optional
        KWB year. Taken from the table id (OData) or the file name when not given.
    names : Path, optional
        For OData: the ``WijkenEnBuurten`` dimension JSON (Key, Title) giving area names.
    mapping : KwbMapping, optional
        Column mapping; the packaged one by default.

    Returns
    -------
    KwbTable

    Raises
    ------
    InputError
        With file, row, field, problem and fix for everything that cannot be read.
    """
    path = require_file(Path(path), "KWB table")
    mapping = mapping or load_kwb_mapping()
    findings = Findings(path.name)
    if path.suffix.lower() == ".json":
        return _read_odata(path, year, names, mapping, findings)
    table = read_xlsx(path, findings) if path.suffix.lower() in (".xlsx", ".xlsm") \
        else read_delimited(path, findings)
    year = year or year_from_name(path)
    if year is None:
        findings.error("", "", "the KWB year is not known", "give `year` in the config (or "
                       "keep the year in the file name, e.g. kwb2023_....csv)")
        findings.raise_if_errors()
    assert year is not None
    return _read_release(table, year, mapping, findings, path.name)


def read_xlsx(path: Path, findings: Findings, sheet: str | None = None) -> Delimited:
    """Read one sheet of a workbook as strings (the first row is the header).

    Parameters
    ----------
    path : Path
        ``.xlsx``/``.xlsm`` file.
    findings : Findings
        Collects the problems.
    sheet : str, optional
        Sheet to read; default the first whose name starts with ``kwb``, else the first.
    """
    try:
        sheets = pd.read_excel(path, sheet_name=None, dtype=str, header=None)
    except ImportError as exc:
        findings.error("", "", "needs the package openpyxl to read .xlsx",
                       "pip install openpyxl, or save the sheet as CSV")
        findings.raise_if_errors()
        raise AssertionError("unreachable") from exc
    except Exception as exc:  # openpyxl/zipfile raise many types for a broken file
        findings.error("", "", f"cannot be read as xlsx ({type(exc).__name__}: {exc})",
                       "save the workbook again or export the sheet as CSV")
        findings.raise_if_errors()
        raise AssertionError("unreachable") from exc
    if sheet is not None and sheet not in sheets:
        findings.error("", "sheet", f"sheet {sheet!r} is not in the workbook",
                       f"use one of {listing(str(s) for s in sheets)}")
        findings.raise_if_errors()
    name = sheet if sheet is not None else next(
        (s for s in sheets if str(s).lower().startswith("kwb")), next(iter(sheets)))
    frame = sheets[name].fillna("")
    if frame.empty:
        findings.error(f"sheet {name}", "", "is empty", "give the KWB sheet")
        findings.raise_if_errors()
    header = [str(h).strip() for h in frame.iloc[0]]
    rows = [[str(c).strip() for c in row] for row in frame.iloc[1:].to_numpy()]
    return Delimited(header, rows, list(range(2, len(rows) + 2)), ",")


def _read_release(table: Delimited, year: int, mapping: KwbMapping, findings: Findings,
                  label: str) -> KwbTable:
    header = table.header
    code_col = next((c for c in ("gwb_code_10", "gwb_code", "code") if c in header), None)
    if code_col is None:
        findings.error("header", "gwb_code_10", "column is missing",
                       "give the area codes (GM/WK/BU) in column gwb_code_10")
    if "a_inw" not in header and "inhabitants" not in header:
        findings.error("header", "a_inw", "column is missing",
                       "give the number of inhabitants in column a_inw")
    findings.raise_if_errors()
    assert code_col is not None
    idx = {h: i for i, h in enumerate(header)}
    columns = mapping.release_for(year)
    present = {c: v for c, v in columns.items() if c in idx}
    absent = [c for c in columns if c not in idx]
    if absent:
        findings.warn("header", listing(absent), "mapped columns are not in this release",
                      "the indicators they map to are left out for this year")
    roles = {code_col, "gwb_code_10", "gwb_code_8", "gwb_code", "regio", "gm_naam", "recs",
             "ind_wbi", ""}
    unread = [h for h in header if h not in columns and h not in roles]
    if unread:
        findings.warn("header", listing(unread), f"{len(unread)} columns are not mapped to an "
                      "indicator (cbs_kwb.yaml) and were not read",
                      "map them in a `tables:` entry of the build config to read them")
    decimal_comma = table.delimiter != ","
    records: list[dict[str, Any]] = []
    values: dict[str, list[float]] = {v[0]: [] for v in present.values()}
    seen: dict[str, int] = {}
    for row, line in zip(table.rows, table.lines, strict=True):
        code = row[idx[code_col]].strip()
        if code.upper().startswith("NL"):
            findings.warn(f"line {line}", code_col, f"national row {code}", "skipped")
            continue
        parts = code_parts(code)
        if parts is None:
            findings.error(f"line {line}", code_col, f"{code!r} is not a CBS area code",
                           "give GMxxxx, WKxxxxxx or BUxxxxxxxx")
            continue
        if code in seen:
            findings.error(f"line {line}", code_col, f"{code} duplicates line {seen[code]}",
                           "keep one row per area code")
            continue
        seen[code] = line
        name = row[idx["regio"]] if "regio" in idx else code
        records.append({"code": code, "name": name or code, "level": parts[0],
                        "parent": parts[1], "line": line})
        for column, (indicator, scale) in present.items():
            cell = row[idx[column]]
            try:
                number = parse_number(cell, decimal_comma)
            except ValueError:
                findings.error(f"line {line} ({code})", column, f"{cell!r} is not a number",
                               "give a number, '.' or leave the cell empty for missing")
                number = math.nan
            values[indicator].append(number * scale)
    findings.raise_if_errors()
    wide = pd.DataFrame(values, index=[r["code"] for r in records], dtype=float)
    areas = pd.DataFrame(records, columns=["code", "name", "level", "parent", "line"])
    return _finish(areas, wide, year, f"CBS KWB {year} ({label})", mapping, findings)


def read_odata_rows(path: Path, findings: Findings) -> tuple[list[dict[str, Any]], str | None]:
    """Rows of a StatLine OData v3 JSON file and its table id (from ``odata.metadata``/name).

    The file is ``{"odata.metadata": ..., "value": [...]}`` as the API returns it (or a plain
    list of rows).
    """
    doc = read_json(path, findings)
    rows = doc.get("value") if isinstance(doc, dict) else doc
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        findings.error("", "value", "is not a list of rows",
                       "give the JSON of an OData v3 TypedDataSet ({\"value\": [...]})")
        findings.raise_if_errors()
    assert isinstance(rows, list)
    if not rows:
        findings.error("", "value", "holds no rows", "download the table again")
        findings.raise_if_errors()
    meta = doc.get("odata.metadata", "") if isinstance(doc, dict) else ""
    table = None
    for text in (str(meta), Path(path).name):
        match = re.search(r"(\d{5}NED)", text, re.IGNORECASE)
        if match:
            table = match.group(1).upper()
            break
    return rows, table


def resolve_keys(wanted: dict[str, tuple[str, float]], keys: set[str], findings: Findings
                 ) -> dict[str, tuple[str, float]]:
    """Match mapped OData keys to the keys of a table; fall back to a unique key of the same stem.

    A key such as ``HuishoudensTotaal_29`` has the stem ``HuishoudensTotaal``. When the exact key
    is absent and exactly one key of the table has that stem, it is used with a warning.
    """
    stems: dict[str, list[str]] = {}
    for key in keys:
        stems.setdefault(re.sub(r"_\d+$", "", key), []).append(key)
    out: dict[str, tuple[str, float]] = {}
    missing: list[str] = []
    for key, target in wanted.items():
        if key in keys:
            out[key] = target
            continue
        same = stems.get(re.sub(r"_\d+$", "", key), [])
        if len(same) == 1:
            out[same[0]] = target
            findings.warn("", key, f"is not in the table; {same[0]} has the same stem",
                          f"used {same[0]} for {target[0]}; update cbs_kwb.yaml")
        else:
            missing.append(key)
    if missing:
        findings.warn("", listing(missing), "mapped keys are not in the table",
                      "the indicators they map to are left out for this year")
    return out


def _read_odata(path: Path, year: int | None, names: Path | None, mapping: KwbMapping,
                findings: Findings) -> KwbTable:
    rows, table = read_odata_rows(path, findings)
    if year is None and table is not None:
        year = mapping.year_of_table(table)
    if year is None:
        year = year_from_name(path)
    if year is None or year not in mapping.odata:
        known = ", ".join(f"{y} ({t})" for y, t in mapping.tables.items())
        findings.error("", "", f"the KWB year is {'not known' if year is None else year}, "
                       "for which cbs_kwb.yaml has no OData keys",
                       f"give `year` in the config; known years: {known}")
        findings.raise_if_errors()
    assert year is not None
    keys: set[str] = set().union(*(r.keys() for r in rows))
    if "WijkenEnBuurten" not in keys and "Codering_3" not in keys:
        findings.error("", "WijkenEnBuurten", "column is missing",
                       "give the TypedDataSet of a Kerncijfers wijken en buurten table")
        findings.raise_if_errors()
    resolved = resolve_keys(mapping.odata[year], keys, findings)
    if "inhabitants" not in {v[0] for v in resolved.values()}:
        findings.error("", "AantalInwoners_5", "column is missing",
                       "give the number of inhabitants (AantalInwoners_n)")
        findings.raise_if_errors()
    titles = _region_titles(names, findings) if names is not None else {}
    if names is None:
        findings.warn("", "WijkenEnBuurten", "area names are not in a TypedDataSet",
                      "wijk and buurt names set to their codes; give `names` (the "
                      "WijkenEnBuurten dimension JSON) for real names")
    records: list[dict[str, Any]] = []
    values: dict[str, list[float]] = {v[0]: [] for v in resolved.values()}
    seen: dict[str, int] = {}
    for i, row in enumerate(rows):
        raw = row.get("WijkenEnBuurten", row.get("Codering_3"))
        code = str(raw).strip() if raw is not None else ""
        if code.upper().startswith("NL"):
            continue
        parts = code_parts(code)
        if parts is None:
            findings.error(f"row {i}", "WijkenEnBuurten", f"{code!r} is not a CBS area code",
                           "give GMxxxx, WKxxxxxx or BUxxxxxxxx")
            continue
        if code in seen:
            findings.error(f"row {i}", "WijkenEnBuurten", f"{code} duplicates row {seen[code]}",
                           "keep one row per area code")
            continue
        seen[code] = i
        name = titles.get(code) or (str(row.get("Gemeentenaam_1", "")).strip()
                                    if parts[0] == "gemeente" else "") or code
        records.append({"code": code, "name": name, "level": parts[0], "parent": parts[1],
                        "line": i})
        for key, (indicator, scale) in resolved.items():
            try:
                number = parse_json_value(row.get(key))
            except ValueError:
                findings.error(f"row {i} ({code})", key, f"{row.get(key)!r} is not a number",
                               "give a number or null")
                number = math.nan
            values[indicator].append(number * scale)
    findings.raise_if_errors()
    wide = pd.DataFrame(values, index=[r["code"] for r in records], dtype=float)
    areas = pd.DataFrame(records, columns=["code", "name", "level", "parent", "line"])
    label = f"CBS KWB {year} ({table or 'OData'}, {path.name})"
    return _finish(areas, wide, year, label, mapping, findings, place="row")


def _region_titles(path: Path, findings: Findings) -> dict[str, str]:
    sub = Findings(Path(path).name)
    rows, _ = read_odata_rows(Path(path), sub)
    out = {str(r.get("Key", "")).strip(): str(r.get("Title", "")).strip() for r in rows}
    findings.warnings.extend(sub.warnings)
    return out


def _finish(areas: pd.DataFrame, wide: pd.DataFrame, year: int, source: str,
            mapping: KwbMapping, findings: Findings, place: str = "line") -> KwbTable:
    if len(areas) == 0:
        findings.error("", "", "holds no gemeente, wijk or buurt rows",
                       "give a KWB table with GM/WK/BU rows")
        findings.raise_if_errors()
    sentinel = wide <= SENTINEL_MAX
    if sentinel.to_numpy().any():
        findings.warn("", listing(wide.columns[sentinel.any()]),
                      f"{int(sentinel.to_numpy().sum())} values are CBS codes for 'secret' "
                      "(-99995, -99997)", "stored as missing")
        wide = wide.mask(sentinel)
    _check_ranges(areas, wide, findings, place)
    for name, (num, den) in mapping.derived.items():
        if num in wide and den in wide:
            denominator = wide[den].where(wide[den] > 0)
            wide[name] = wide[num] / denominator * 100.0
    empty = [c for c in wide.columns if wide[c].isna().all()]
    if empty:
        findings.warn("", listing(empty), "indicators are empty for every area in this table",
                      "left out for this year")
        wide = wide.drop(columns=empty)
    long = wide.rename_axis("area_code").reset_index().melt(
        id_vars="area_code", var_name="indicator", value_name="value")
    long["year"] = np.int64(year)
    long["lower"] = np.nan
    long["upper"] = np.nan
    long["source"] = source
    areas = areas.drop(columns="line").reset_index(drop=True)
    areas["inhabitants"] = wide["inhabitants"].reindex(areas["code"]).to_numpy() \
        if "inhabitants" in wide else np.nan
    return KwbTable(year, source, areas, long[INDICATOR_COLUMNS].reset_index(drop=True),
                    tuple(findings.warnings))


def _check_ranges(areas: pd.DataFrame, wide: pd.DataFrame, findings: Findings,
                  place: str) -> None:
    """Every published value of a registry indicator must lie in its valid range."""
    from groengezond.indicators.registry import load_registry

    reg = load_registry()
    where = [f"{place} {ln} ({code})"
             for ln, code in zip(areas["line"], areas["code"], strict=True)]
    for column in wide.columns:
        if column not in reg:
            continue
        ind = reg[column]
        for i in np.flatnonzero(ind.outside(wide[column].to_numpy(dtype=float))):
            findings.error(where[i], column,
                           f"{wide[column].iloc[i]:g} is outside the valid range "
                           f"{ind.range_text()} of {ind.id} ({ind.unit})",
                           "correct the value, or leave the cell empty / '.' for missing")
    findings.raise_if_errors()
