"""RIVM StatLine 50090NED 'Gezondheid per wijk en buurt; 2012/2016/2020 (indeling 2020)'.

Small-area estimates of the Gezondheidsmonitor Volwassenen en Ouderen (GGD'en, CBS, RIVM) for
every gemeente, wijk and buurt of the Netherlands, one row per area, age group (``Leeftijd``),
margin (``Marges``) and period (``Perioden``), one column per measure (percent of the residents
of the age group). :func:`read_rivm_50090` reads the table in each form StatLine publishes it:

- the download as xlsx or CSV (``,`` or ``;``, UTF-8 or Latin-1/Windows-1252), with codes
  padded with spaces (``'GM0344    '``) or stripped, ``.`` or empty for a suppressed cell;
- the OData v3 ``TypedDataSet`` (JSON file, or rows already fetched: :func:`parse_50090`).

Rules (every one tested in ``tests/test_sources_rivm_50090.py``):

- ``Perioden`` ``2020JJ00`` is the year 2020; ``Leeftijd`` 20300 is the age group ``"18+"``,
  80200 ``"65+"`` (``statline_health.yaml``, ``age_group_labels``). The age group is a column
  of the result (a dimension), never part of the indicator id.
- ``Marges`` MW00000 is the point estimate; MOG0095/MBG0095 rows, where present, are the lower
  and upper bound of its 95 % interval.
- Suppressed cells (``.`` or empty) stay missing (NaN), never 0. A measure without any value
  for a year and age group in the region (not measured that year) is left out, with a warning.
- Columns that map to no indicator are named in a warning, never dropped silently.
- The scale of each measure column (fraction 0-1 or percent 0-100) is decided from the rows
  inside the region (:func:`~groengezond.sources.scale.percent_factor`); values below 1 in a
  row whose other measures are above 1 are small percents and do not decide (unless one is
  below a tenth of the column's smallest percent while 100 times it fits the column: a
  fraction among percents, refused). A column whose deciding rows mix both scales is refused,
  naming the rows.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from groengezond.sources._io import MISSING_TOKENS, Findings, code_parts, listing, require_file
from groengezond.sources.cbs import year_from_name
from groengezond.sources.rivm import Z95, HealthTable, load_health_mapping
from groengezond.sources.rivm_50090_read import RawColumns, read_columns, rows_to_columns
from groengezond.sources.scale import percent_factor

TABLE = "50090NED"
"""StatLine id of 'Gezondheid per wijk en buurt; 2012/2016/2020 (indeling 2020)'."""

COLUMNS = ["area_code", "indicator", "year", "age_group", "value", "lower", "upper", "source",
           "standard_error"]
"""Columns of the long table :func:`read_rivm_50090` returns."""

AREA_KEYS = ("WijkenEnBuurten", "Codering_3", "RegioS")
DIMENSIONS = frozenset({"ID", "Leeftijd", "Marges", "Perioden", "Gemeentenaam_1",
                        "SoortRegio_2", *AREA_KEYS})
"""Columns that describe a row (not measures); they map to no indicator by design."""

_PERIOD = re.compile(r"^(\d{4})(JJ00)?$")
_COMMA = re.compile(r"^[+-]?\d+,\d+$")
SOURCE = ("RIVM, GGD'en en CBS, Gezondheidsmonitor Volwassenen en Ouderen: Gezondheid per wijk "
          "en buurt (StatLine 50090NED)")


def read_rivm_50090(path: Path, *, region_codes: Collection[str] | None = None,
                    year: int | None = None, age_group: str | None = None,
                    source: str | None = None, proportion: bool | None = None,
                    mapping: dict[str, Any] | None = None) -> HealthTable:
    """Read a 50090NED table (xlsx or CSV download, or OData ``TypedDataSet`` JSON).

    Parameters
    ----------
    path : Path
        The file; its form is detected from its content (zip = xlsx) and suffix.
    region_codes : collection of str, optional
        Area codes of the region. Only these rows decide the scale of a column and are kept;
        the others are counted in a warning. All GM/WK/BU rows when absent.
    year : int, optional
        Year of the values when the table has no ``Perioden`` column (else read from the
        file name).
    age_group : str, optional
        Age group (``"18+"``) when the table has no ``Leeftijd`` column.
    source : str, optional
        Source text stored with each value (default: the table and file name).
    proportion : bool, optional
        Declared scale of every measure column (True: fractions, False: percents); decided
        per column from the data when absent.
    mapping : dict, optional
        Parsed ``statline_health.yaml``; the packaged one by default.

    Returns
    -------
    HealthTable
        ``indicators`` with :data:`COLUMNS`: values in percent of the age group,
        ``lower``/``upper`` the 95 % interval where the table gives it, ``standard_error``
        derived from it (percentage points).

    Raises
    ------
    InputError
        Naming the file, row, column, problem and fix: missing key columns, area codes,
        periods or numbers that cannot be read, repeated rows, mixed scales, percents > 100.
    """
    path = require_file(Path(path), "RIVM 50090NED table")
    findings = Findings(path.name)
    raw = read_columns(path, findings)
    if year is None and "Perioden" not in raw.cells:
        year = year_from_name(path)
    return parse_50090(raw, findings, region_codes=region_codes, year=year,
                       age_group=age_group, source=source or f"{SOURCE}, {path.name}",
                       proportion=proportion, mapping=mapping)


def read_rivm_50090_rows(rows: list[dict[str, Any]], *, file: str = TABLE,
                         region_codes: Collection[str] | None = None,
                         source: str | None = None,
                         properties: list[dict[str, Any]] | None = None) -> HealthTable:
    """Read OData ``TypedDataSet`` rows of 50090NED already in memory (from ``fetch``);
    ``properties`` are the table's ``DataProperties`` (their units are checked)."""
    findings = Findings(file)
    return parse_50090(rows_to_columns(rows, findings, properties), findings,
                       region_codes=region_codes, source=source or f"{SOURCE}, OData")


def _level(code: str) -> str:
    parts = code_parts(code)
    return parts[0] if parts is not None else ""


def _text(cells: list[Any]) -> list[str]:
    """Cells as stripped text; numbers without a trailing ``.0`` (20300.0 -> '20300')."""
    out = []
    for cell in cells:
        if cell is None:
            out.append("")
        elif isinstance(cell, float) and cell.is_integer():
            out.append(str(int(cell)))
        else:
            out.append(str(cell).strip())
    return out


def _numbers(cells: list[Any], decimal_comma: bool) -> tuple[npt.NDArray[np.float64],
                                                            npt.NDArray[np.bool_]]:
    """Cells as floats (NaN for ``.`` and empty) and a mask of cells that are not numbers."""
    series = pd.Series(cells, dtype=object)
    values = np.array(pd.to_numeric(series, errors="coerce"), dtype="float64")
    bad = np.zeros(len(values), dtype=bool)
    for i in np.flatnonzero(~np.isfinite(values)):
        cell = cells[i]
        if cell is None or (isinstance(cell, float) and math.isnan(cell)):
            values[i] = np.nan
            continue
        text = str(cell).strip()
        if text in MISSING_TOKENS:
            values[i] = np.nan
        elif decimal_comma and _COMMA.match(text):
            values[i] = float(text.replace(",", "."))
        else:
            values[i] = np.nan
            bad[i] = True
    return values, bad


def parse_50090(raw: RawColumns, findings: Findings, *,
                region_codes: Collection[str] | None = None, year: int | None = None,
                age_group: str | None = None, source: str = SOURCE,
                proportion: bool | None = None,
                mapping: dict[str, Any] | None = None) -> HealthTable:
    """Interpret the raw cells of a 50090NED table (see :func:`read_rivm_50090`)."""
    mapping = mapping or load_health_mapping()
    file = findings.file
    area_key = next((k for k in AREA_KEYS if k in raw.cells), None)
    if area_key is None:
        findings.error("header", "WijkenEnBuurten", "column is missing",
                       "give the area codes in WijkenEnBuurten (or Codering_3, RegioS)")
    if "Perioden" not in raw.cells and year is None:
        findings.error("header", "Perioden", "column is missing and no year is given",
                       "keep the Perioden column (e.g. 2020JJ00) or give `year`")
    if "Leeftijd" not in raw.cells and age_group is None:
        findings.error("header", "Leeftijd", "column is missing and no age group is given",
                       "keep the Leeftijd column (20300 = 18+, 80200 = 65+) or give "
                       "`age_group`")
    measures: dict[str, str] = {}
    unmapped: list[str] = []
    stems: dict[str, dict[str, Any]] = mapping["measures"]
    for key in raw.header:
        if key in DIMENSIONS:
            continue
        stem = re.sub(r"_\d+$", "", key)
        if stem in stems:
            measures[key] = str(stems[stem]["id"])
        else:
            unmapped.append(key)
    for key in measures:
        unit = raw.units.get(key)
        if unit is not None and unit != "%":
            findings.error("DataProperties", key, f"is published in {unit!r}, not in %",
                           "map this measure to an indicator of that unit, or leave it out")
    if unmapped:
        findings.warn("header", listing(unmapped), "columns map to no indicator",
                      "left out (add their stem to statline_health.yaml to import them)")
    if not measures:
        findings.error("header", "", "no health measure column of 50090NED",
                       f"give one of {listing(sorted(stems))} (with its _n suffix)")
    doubled = sorted({i for i in measures.values() if list(measures.values()).count(i) > 1})
    if doubled:
        findings.error("header", listing(k for k, i in measures.items() if i in doubled),
                       "columns map to the same indicator", "keep one column per measure")
    findings.raise_if_errors()
    assert area_key is not None
    n = len(raw)
    labels = raw.labels
    codes = _text(raw.cells[area_key])
    kind = np.array([_level(c) for c in codes], dtype=object)
    other = (kind == "") & np.array([bool(re.fullmatch(r"[A-Z]{2}[0-9A-Z]*", c))
                                     and not c.startswith(("GM", "WK", "BU"))
                                     for c in codes], dtype=bool)
    for i in np.flatnonzero((kind == "") & ~other):
        findings.error(labels[i], area_key, f"{raw.cells[area_key][i]!r} is not an area code",
                       "give CBS codes such as GM0344, WK034401, BU03440101 (padding with "
                       "spaces is fine)")
    years = np.full(n, -1, dtype=np.int64)
    if "Perioden" in raw.cells:
        for j, period in enumerate(_text(raw.cells["Perioden"])):
            match = _PERIOD.match(period)
            if match is None:
                findings.error(labels[j], "Perioden", f"{period!r} is not a year period",
                               "give periods such as 2020JJ00")
            else:
                years[j] = int(match.group(1))
    else:
        assert year is not None
        years[:] = year
    age_labels = {str(k): str(v) for k, v in mapping["age_group_labels"].items()}
    ages = np.array([age_group] * n if "Leeftijd" not in raw.cells else
                    [age_labels.get(a, "") for a in _text(raw.cells["Leeftijd"])], dtype=object)
    unknown_ages = sorted({a for a, g in zip(_text(raw.cells.get("Leeftijd", [None] * n)), ages,
                                              strict=True) if not g and a})
    margin_of = {str(k): str(v) for k, v in mapping["margins"].items()}
    margins = np.array(["value"] * n if "Marges" not in raw.cells else
                       [margin_of.get(m, "") for m in _text(raw.cells["Marges"])], dtype=object)
    unknown_margins = sorted({m for m, g in zip(_text(raw.cells.get("Marges", [None] * n)),
                                                margins, strict=True) if not g and m})
    values: dict[str, npt.NDArray[np.float64]] = {}
    for key in measures:
        parsed, bad = _numbers(raw.cells[key], raw.decimal_comma)
        for i in np.flatnonzero(bad & (kind != "")):
            findings.error(f"{labels[i]} ({codes[i]})", key,
                           f"{raw.cells[key][i]!r} is not a number",
                           "give a number, '.' or leave the cell empty")
        values[key] = parsed
    findings.raise_if_errors()
    usable = (kind != "") & (ages != "") & (margins != "")
    for what, field_, found in (("age group codes", "Leeftijd", unknown_ages),
                                ("margin codes", "Marges", unknown_margins)):
        if found:
            findings.warn("", field_, f"unknown {what} {listing(found)}",
                          "their rows are left out (add them to statline_health.yaml)")
    if other.any():
        findings.warn(listing(sorted(set(np.asarray(codes, dtype=object)[other]))), area_key,
                      f"{int(other.sum())} rows describe other kinds of region (land, "
                      "province, ...)", "left out: a region holds gemeenten, wijken, buurten")
    inside = usable.copy()
    if region_codes is not None:
        wanted = set(region_codes)
        inside &= np.array([c in wanted for c in codes], dtype=bool)
        outside = int((usable & ~inside).sum())
        if outside:
            findings.warn("", area_key, f"{outside:,} rows describe areas outside the region",
                          "left out; the scale of each column was decided from the region's "
                          "rows only")
    _rescale(values, inside, labels, codes, file, proportion, findings)
    keep = np.flatnonzero(inside)
    return _long(values, measures, keep, codes, years, ages, margins, labels, source, findings)


def _rescale(values: dict[str, npt.NDArray[np.float64]], inside: npt.NDArray[np.bool_],
             labels: list[str], codes: list[str], file: str, proportion: bool | None,
             findings: Findings) -> None:
    """Bring every measure column to percent, deciding its scale from in-region rows."""
    if not values:
        return
    stack = np.vstack(list(values.values()))
    with np.errstate(invalid="ignore"):
        percent_row = np.nanmax(np.where(np.isnan(stack), -np.inf, stack), axis=0) > 1.0
    rows = [f"{label} ({code})" for label, code in zip(labels, codes, strict=True)]
    for key, v in values.items():
        small = (v > 0.0) & (v < 1.0)
        deciding = inside & ~(small & percent_row)
        factor = percent_factor(v, file=file, column=key, rows=rows, inside=deciding,
                                proportion=proportion)
        if factor == 1.0 and proportion is None:
            _flipped_cells(v, inside & small & percent_row, inside & (v > 1.0), rows, key,
                           findings)
        v *= factor
        with np.errstate(invalid="ignore"):
            wrong = inside & ((v < 0.0) | (v > 100.0))
        for i in np.flatnonzero(wrong)[:20]:
            findings.error(rows[i], key, f"{v[i] / factor:g} is not a percentage"
                           + (" (read as a fraction)" if factor != 1.0 else ""),
                           "give percentages between 0 and 100 (or fractions 0-1 throughout "
                           "the column)")
    findings.raise_if_errors()


def _flipped_cells(v: npt.NDArray[np.float64], small: npt.NDArray[np.bool_],
                   big: npt.NDArray[np.bool_], rows: list[str], column: str,
                   findings: Findings) -> None:
    """Refuse values below 1 in a percent column that look like fractions written among
    percents: below a tenth of the column's smallest value above 1, while 100 times the value
    lies near the column's range (within a factor 3): 0.387 among overweight percents of 41-52
    is refused; an underweight of 0.9 % or 0.2 % among 1.1-3 % is kept."""
    if not small.any() or not big.any():
        return
    low, high = float(v[big].min()), float(v[big].max())
    scaled = v * 100.0
    suspect = small & (v < low / 10.0) & (scaled >= low / 3.0) & (scaled <= high * 3.0)
    for i in np.flatnonzero(suspect)[:20]:
        findings.error(rows[i], column, f"{v[i]:g} looks like a fraction among percents "
                       f"({low:g}-{high:g})", f"write it as a percent ({v[i] * 100:g}) or the "
                       "whole column as fractions")


def _long(values: dict[str, npt.NDArray[np.float64]], measures: dict[str, str],
          keep: npt.NDArray[np.intp], codes: list[str], years: npt.NDArray[np.int64],
          ages: npt.NDArray[Any], margins: npt.NDArray[Any], labels: list[str], source: str,
          findings: Findings) -> HealthTable:
    """One row per area, indicator, year and age group; margins become lower/upper."""
    slots: dict[tuple[str, int, str], dict[str, int]] = {}
    for row in keep:
        slot = slots.setdefault((codes[row], int(years[row]), str(ages[row])), {})
        margin = str(margins[row])
        if margin in slot:
            findings.error(f"{labels[row]} ({codes[row]})", "Marges",
                           f"repeats the {margin} row of this area, age group and year",
                           "keep one row per area, age group, margin and period")
        slot.setdefault(margin, int(row))
    findings.raise_if_errors()
    keys = list(slots)
    at = {m: np.array([slots[k].get(m, -1) for k in keys], dtype=np.intp)
          for m in ("value", "lower", "upper")}
    key_code = np.array([k[0] for k in keys], dtype=object)
    key_year = np.array([k[1] for k in keys], dtype=np.int64)
    key_age = np.array([k[2] for k in keys], dtype=object)
    groups = {(int(y), str(a)) for y, a in zip(key_year, key_age, strict=True)}
    parts: list[tuple[str, npt.NDArray[np.bool_], dict[str, npt.NDArray[np.float64]]]] = []
    dropped: list[str] = []
    for column, indicator in measures.items():
        v = values[column]
        got = {m: np.where(idx >= 0, v[np.maximum(idx, 0)], np.nan) for m, idx in at.items()}
        filled = ~(np.isnan(got["value"]) & np.isnan(got["lower"]) & np.isnan(got["upper"]))
        take = np.ones(len(keys), dtype=bool)
        for year, age in sorted(groups):
            member = (key_year == year) & (key_age == age)
            if not filled[member].any():
                take &= ~member
                dropped.append(f"{indicator} {year} {age}")
        parts.append((indicator, take, got))
    if dropped:
        findings.warn("", listing(dropped), "have no value for any area of the region (not "
                      "measured that year)", "left out")
    sel = [take for _, take, _ in parts]
    value = np.concatenate([got["value"][t] for (_, _, got), t in zip(parts, sel, strict=True)]
                           or [np.empty(0)])
    low = np.concatenate([got["lower"][t] for (_, _, got), t in zip(parts, sel, strict=True)]
                         or [np.empty(0)])
    high = np.concatenate([got["upper"][t] for (_, _, got), t in zip(parts, sel, strict=True)]
                          or [np.empty(0)])
    with np.errstate(invalid="ignore"):
        broken = ~np.isnan(value) & ~np.isnan(low) & ~np.isnan(high) & \
            ~((low <= value) & (value <= high))
    area = np.concatenate([key_code[t] for t in sel] or [np.empty(0, dtype=object)])
    if broken.any():
        findings.warn(listing(sorted(set(area[broken]))), "Marges",
                      "the 95% interval does not hold the estimate",
                      "interval left out for those values")
        low = np.where(broken, np.nan, low)
        high = np.where(broken, np.nan, high)
    n_suppressed = int(np.isnan(value).sum())
    if n_suppressed:
        findings.warn("", "", f"{n_suppressed:,} values are suppressed or missing ('.' or "
                      "empty)", "stored as missing values, never 0")
    if not len(keep):
        findings.warn("", "", "no rows of gemeenten, wijken or buurten of the region",
                      "nothing imported")
    frame = pd.DataFrame({
        "area_code": area,
        "indicator": np.concatenate([np.full(int(t.sum()), ind, dtype=object)
                                     for (ind, _, _), t in zip(parts, sel, strict=True)]
                                    or [np.empty(0, dtype=object)]),
        "year": np.concatenate([key_year[t] for t in sel] or [np.empty(0, dtype=np.int64)]),
        "age_group": np.concatenate([key_age[t] for t in sel] or [np.empty(0, dtype=object)]),
        "value": value, "lower": low, "upper": high, "source": source,
        "standard_error": (high - low) / (2 * Z95)})
    frame["year"] = frame["year"].astype("int64")
    return HealthTable(frame, source, tuple(findings.warnings))
