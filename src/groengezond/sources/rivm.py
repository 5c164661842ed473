"""Health estimates: RIVM small-area estimates and Gezondheidsmonitor tables in StatLine shape.

Two readers:

- :func:`read_small_area` for a table of one estimate per area with its standard error (e.g.
  the RIVM 2012 small-area estimates of overweight per buurt: ``bu_code, pop, p, se.p``);
- :func:`read_statline_health` for the RIVM/GGD/CBS tables as StatLine publishes them: OData v3
  ``TypedDataSet`` JSON of 'Gezondheid per wijk en buurt' (50120NED, 50150NED) or a StatLine CSV
  export of the Gezondheidsmonitor (``ID;Persoonskenmerken;Marges;RegioS;<Measure>_<n>``).

Estimates keep their uncertainty: the 95% interval becomes ``lower``/``upper`` and the standard
error is kept in the extra column ``standard_error`` (same unit as the value). Measures are
mapped to indicator ids by ``statline_health.yaml``; the age group of a StatLine table
(``Leeftijd``/``Persoonskenmerken``) becomes the ``age_group`` column (``"18+"``, ``"65+"``),
never part of the id. RIVM 50090NED has its own reader, :mod:`groengezond.sources.rivm_50090`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from groengezond.errors import Problem
from groengezond.sources._io import (
    NA_TOKENS,
    Findings,
    code_parts,
    listing,
    parse_json_value,
    parse_number,
    read_delimited,
    require_file,
)
from groengezond.sources.cbs import INDICATOR_COLUMNS, read_odata_rows, year_from_name
from groengezond.sources.scale import percent_factor

Z95 = 1.959964
"""Two-sided 95% normal quantile: interval = estimate ± Z95 · standard error."""

HEALTH_COLUMNS = [*INDICATOR_COLUMNS, "standard_error"]
STATLINE_COLUMNS = [*INDICATOR_COLUMNS, "age_group", "standard_error"]

AREA_KEYS = ("WijkenEnBuurten", "RegioS", "Codering_3")
AGE_KEYS = ("Leeftijd", "Persoonskenmerken")
SKIP_KEYS = frozenset({"ID", "Gemeentenaam_1", "SoortRegio_2", "Codering_3", "Perioden",
                       "Marges", *AREA_KEYS, *AGE_KEYS})


@dataclass(frozen=True)
class HealthTable:
    """Health estimates in the long form of the Region's indicators.

    Attributes
    ----------
    indicators : DataFrame
        ``area_code, indicator, year, value, lower, upper, source, standard_error``; values in
        percent of the population group, ``lower``/``upper`` the 95% interval where known.
    source : str
        Description of the source (stored with every value).
    warnings : tuple of Problem
        What was left out or repaired.
    """

    indicators: pd.DataFrame
    source: str
    warnings: tuple[Problem, ...]


def read_small_area(path: Path, *, indicator: str, year: int, source: str | None = None,
                    proportion: bool | None = None,
                    region_codes: Collection[str] | None = None) -> HealthTable:
    """Read one estimate per area with its standard error.

    Parameters
    ----------
    path : Path
        Delimited table with an area code column (``bu_code``, ``wk_code``, ``code`` ...), the
        estimate (``p`` or ``value``) and its standard error (``se.p``, ``se``); optional
        ``pop``.
    indicator : str
        Indicator id of the values (e.g. ``overweight_pct``).
    year : int
        Year the estimates describe (the survey year, e.g. 2012).
    source : str, optional
        Source text stored with each value.
    proportion : bool, optional
        Whether the estimates are proportions (0-1, multiplied by 100). Decided when not
        given from the rows inside the region (:func:`~groengezond.sources.scale.
        percent_factor`): proportions if none of them exceeds 1; rows that mix both scales are
        refused, naming them.
    region_codes : collection of str, optional
        Area codes of the region: only their rows decide the scale and are kept (the others
        are counted in a warning). All rows when absent.

    Returns
    -------
    HealthTable
        Values in percent; ``lower``/``upper`` = estimate ± 1.96 SE, clipped to 0-100.
    """
    path = require_file(Path(path), "health table")
    findings = Findings(path.name)
    table = read_delimited(path, findings)
    lower = {h.lower(): i for i, h in enumerate(table.header)}
    code_i = next((lower[c] for c in ("bu_code", "wk_code", "gm_code", "buurtcode", "code",
                                      "area_code", "gwb_code") if c in lower), None)
    value_i = next((lower[c] for c in ("p", "value", "prevalence") if c in lower), None)
    se_i = next((lower[c] for c in ("se.p", "se", "standard_error") if c in lower), None)
    for index, name, fix in ((code_i, "bu_code", "the area codes"),
                             (value_i, "p", "the estimates")):
        if index is None:
            findings.error("header", name, "column is missing", f"give {fix} in column {name}")
    findings.raise_if_errors()
    assert code_i is not None and value_i is not None
    decimal_comma = table.delimiter != ","
    codes, values, ses = [], [], []
    for row, line in zip(table.rows, table.lines, strict=True):
        code = row[code_i]
        if code_parts(code) is None:
            findings.error(f"line {line}", table.header[code_i], f"{code!r} is not a CBS area "
                           "code", "give GMxxxx, WKxxxxxx or BUxxxxxxxx")
            continue
        parsed = []
        for index in (value_i, se_i):
            if index is None:
                parsed.append(math.nan)
                continue
            try:
                number = parse_number(row[index], decimal_comma, NA_TOKENS)
            except ValueError:
                findings.error(f"line {line} ({code})", table.header[index],
                               f"{row[index]!r} is not a number", "give a number or leave the "
                               "cell empty")
                number = math.nan
            if number < 0:
                findings.error(f"line {line} ({code})", table.header[index],
                               f"{number:g} is negative", "give a proportion or percentage ≥ 0")
            parsed.append(number)
        codes.append(code)
        values.append(parsed[0])
        ses.append(parsed[1])
    _no_duplicates(codes, table.lines, findings)
    findings.raise_if_errors()
    value = np.asarray(values, dtype=float)
    se = np.asarray(ses, dtype=float)
    inside = np.ones(len(codes), dtype=bool)
    if region_codes is not None:
        wanted = set(region_codes)
        inside = np.array([c in wanted for c in codes], dtype=bool)
    labels = [f"line {line} ({code})" for line, code in zip(table.lines, codes, strict=True)]
    factor = percent_factor(value, file=path.name, column=table.header[value_i], rows=labels,
                            inside=inside, proportion=proportion)
    if factor != 1.0 and proportion is None:
        findings.warn("", table.header[value_i], "the estimates of the region's areas are at "
                      "most 1", "read as proportions and multiplied by 100 (percent)")
    value, se = value * factor, se * factor
    over = inside & (np.nan_to_num(value) > 100.0)
    for i in np.flatnonzero(over)[:20]:
        findings.error(labels[i], table.header[value_i], f"{value[i]:g}% exceeds 100%",
                       "give percentages (0-100) or proportions (0-1)")
    findings.raise_if_errors()
    if not inside.all():
        findings.warn("", table.header[code_i], f"{int((~inside).sum()):,} rows describe areas "
                      "outside the region", "left out; the scale was decided from the "
                      "region's rows only")
        keep = np.flatnonzero(inside)
        codes = [codes[i] for i in keep]
        value, se = value[keep], se[keep]
    if se_i is None:
        findings.warn("header", "se.p", "no standard error column",
                      "values stored without interval")
    n_missing = int(np.isnan(value).sum())
    if n_missing:
        findings.warn("", table.header[value_i], f"{n_missing} areas have no estimate",
                      "stored as missing values")
    label = source or f"{path.name}, {year}"
    frame = pd.DataFrame({
        "area_code": codes, "indicator": indicator, "year": np.int64(year), "value": value,
        "lower": np.clip(value - Z95 * se, 0.0, 100.0),
        "upper": np.clip(value + Z95 * se, 0.0, 100.0), "source": label,
        "standard_error": se})
    frame["year"] = frame["year"].astype("int64")
    return HealthTable(frame[HEALTH_COLUMNS], label, tuple(findings.warnings))


def _no_duplicates(codes: list[str], lines: list[int], findings: Findings) -> None:
    seen: dict[str, int] = {}
    for code, line in zip(codes, lines, strict=False):
        if code in seen:
            findings.error(f"line {line}", "code", f"{code} duplicates line {seen[code]}",
                           "keep one row per area")
        seen.setdefault(code, line)


def load_health_mapping(path: Path | None = None) -> dict[str, Any]:
    """Read ``statline_health.yaml`` (measures, age groups, margins)."""
    if path is None:
        text = resources.files("groengezond.sources").joinpath(
            "statline_health.yaml").read_text("utf-8")
    else:
        text = Path(path).read_text("utf-8")
    raw: dict[str, Any] = yaml.safe_load(text)
    return raw


def _statline_rows(path: Path, findings: Findings) -> tuple[list[dict[str, Any]], bool]:
    """Rows as dicts of raw cells, and whether cells are JSON values (vs text)."""
    if path.suffix.lower() == ".json":
        rows, _ = read_odata_rows(path, findings)
        return rows, True
    table = read_delimited(path, findings)
    out = [dict(zip(table.header, row, strict=True)) | {"__line": line}
           for row, line in zip(table.rows, table.lines, strict=True)]
    return out, False


def read_statline_health(path: Path, *, year: int | None = None, source: str | None = None,
                         mapping: dict[str, Any] | None = None,
                         region_codes: Collection[str] | None = None) -> HealthTable:
    """Read a health table in StatLine shape (OData JSON or StatLine CSV export).

    Parameters
    ----------
    path : Path
        ``.json`` (OData v3 TypedDataSet of 50120NED/50150NED) or ``.csv``.
    year : int, optional
        Year of the values when the table has no ``Perioden`` column.
    source : str, optional
        Source text stored with each value.
    mapping : dict, optional
        Parsed ``statline_health.yaml``; the packaged one by default.
    region_codes : collection of str, optional
        Area codes of the region: only their rows decide the scale (fraction or percent) of
        each measure (:func:`~groengezond.sources.scale.percent_factor`). All rows when absent.

    Returns
    -------
    HealthTable
        One row per area, indicator, year and age group (column ``age_group``; adults ``18+``
        when the table has no age dimension); ``lower``/``upper`` from the ``Marges`` rows
        MOG0095/MBG0095 where the table has them.
    """
    path = require_file(Path(path), "health table")
    mapping = mapping or load_health_mapping()
    findings = Findings(path.name)
    rows, is_json = _statline_rows(path, findings)
    keys: list[str] = list(dict.fromkeys(k for r in rows for k in r if k != "__line"))
    area_key = next((k for k in AREA_KEYS if k in keys), None)
    if area_key is None:
        findings.error("header", "RegioS", "column is missing",
                       "give the area codes in WijkenEnBuurten or RegioS")
        findings.raise_if_errors()
    age_key = next((k for k in AGE_KEYS if k in keys), None)
    year = year if "Perioden" in keys else (year or year_from_name(path))
    if "Perioden" not in keys and year is None:
        findings.error("header", "Perioden", "the table has no Perioden column",
                       "give `year` in the config")
        findings.raise_if_errors()
    measures: dict[str, str] = {}
    unknown = []
    for key in keys:
        if key in SKIP_KEYS:
            continue
        stem = re.sub(r"_\d+$", "", key)
        if stem in mapping["measures"]:
            measures[key] = str(mapping["measures"][stem]["id"])
        else:
            unknown.append(key)
    if unknown:
        findings.warn("header", listing(unknown), "columns are not in statline_health.yaml",
                      "left out")
    if not measures:
        findings.error("header", "", "no known health measure column",
                       f"give one of {listing(mapping['measures'])} (with its _n suffix)")
        findings.raise_if_errors()
    ages: dict[str, str] = {str(k): str(v) for k, v in mapping["age_group_labels"].items()}
    margins: dict[str, str] = {str(k): str(v) for k, v in mapping["margins"].items()}
    cells: dict[tuple[str, str, int, str], dict[str, float]] = {}
    skipped: dict[str, set[str]] = {"age": set(), "margin": set()}
    for i, row in enumerate(rows):
        where = f"line {row['__line']}" if "__line" in row else f"row {i}"
        assert area_key is not None
        code = str(row.get(area_key) or "").strip()
        if code_parts(code) is None:
            if not code.upper().startswith(("NL", "PV", "GG")):
                findings.error(where, area_key, f"{code!r} is not a CBS area code",
                               "give GMxxxx, WKxxxxxx or BUxxxxxxxx")
            continue
        age = str(row.get(age_key) or "").strip() if age_key else "20300"
        if age not in ages:
            skipped["age"].add(age)
            continue
        margin = str(row.get("Marges") or "MW00000").strip()
        if margin not in margins:
            skipped["margin"].add(margin)
            continue
        row_year = year
        if "Perioden" in row:
            match = re.match(r"(\d{4})", str(row["Perioden"]).strip())
            if not match:
                findings.error(where, "Perioden", f"{row['Perioden']!r} is not a period",
                               "give periods like 2022JJ00")
                continue
            row_year = int(match.group(1))
        assert row_year is not None
        for key, indicator in measures.items():
            raw = row.get(key)
            try:
                number = parse_json_value(raw) if is_json else parse_number(str(raw or ""))
            except ValueError:
                findings.error(f"{where} ({code})", key, f"{raw!r} is not a number",
                               "give a number, '.' or leave the cell empty")
                continue
            slot = cells.setdefault((code, indicator, row_year, ages[age]), {})
            if margins[margin] in slot:
                findings.error(f"{where} ({code})", key, f"repeats the {margin} value of "
                               "this area, age group and year", "keep one row per combination")
            slot[margins[margin]] = number
    findings.raise_if_errors()
    for what, codes in skipped.items():
        if codes:
            findings.warn("", "Marges" if what == "margin" else str(age_key),
                          f"unknown {what} codes {listing(sorted(codes))}",
                          "their rows are left out (add them to statline_health.yaml)")
    _to_percent(cells, measures, path.name, region_codes)
    return _health_frame(cells, source or f"{path.name}", findings)


def _to_percent(cells: dict[tuple[str, str, int, str], dict[str, float]],
                measures: dict[str, str], file: str,
                region_codes: Collection[str] | None) -> None:
    """Scale each measure to percent, deciding from the region's rows (in place).

    A value below 1 of an area, year and age group whose other measures are above 1 is a
    small percent and does not decide (as in :mod:`groengezond.sources.rivm_50090`).
    """
    keys = list(cells)
    if not keys:
        return
    row_max: dict[tuple[str, int, str], float] = {}
    for (code, _, year, age), slot in cells.items():
        top = max((v for v in slot.values() if not math.isnan(v)), default=-math.inf)
        row_max[(code, year, age)] = max(row_max.get((code, year, age), -math.inf), top)
    column_of = {ind: key for key, ind in measures.items()}
    for indicator in sorted(set(measures.values())):
        mine = [k for k in keys if k[1] == indicator]
        values = np.array([cells[k].get(m, math.nan) for k in mine
                           for m in ("value", "lower", "upper")], dtype=float)
        labels = [f"{k[0]} {k[2]} {k[3]}" for k in mine for _ in range(3)]
        inside = np.array([region_codes is None or k[0] in region_codes for k in mine
                           for _ in range(3)], dtype=bool)
        percent_row = np.array([row_max[(k[0], k[2], k[3])] > 1.0 for k in mine
                                for _ in range(3)], dtype=bool)
        small = (values > 0.0) & (values < 1.0)
        factor = percent_factor(values, file=file, column=column_of[indicator], rows=labels,
                                inside=inside & ~(small & percent_row))
        if factor != 1.0:
            for k in mine:
                cells[k] = {m: v * factor for m, v in cells[k].items()}


def _health_frame(cells: dict[tuple[str, str, int, str], dict[str, float]], label: str,
                  findings: Findings) -> HealthTable:
    records = []
    broken = []
    for (code, indicator, year, age), slot in cells.items():
        value = slot.get("value", math.nan)
        low, high = slot.get("lower", math.nan), slot.get("upper", math.nan)
        if not (math.isnan(value) or math.isnan(low) or math.isnan(high)) and \
                not low <= value <= high:
            broken.append(code)
            low = high = math.nan
        se = (high - low) / (2 * Z95) if not (math.isnan(low) or math.isnan(high)) else math.nan
        records.append((code, indicator, year, value, low, high, label, age, se))
    if broken:
        findings.warn(listing(sorted(set(broken))), "Marges",
                      "the 95% interval does not hold the estimate",
                      "interval left out for those values")
    frame = pd.DataFrame(records, columns=STATLINE_COLUMNS)
    frame["year"] = frame["year"].astype("int64")
    return HealthTable(frame, label, tuple(findings.warnings))
