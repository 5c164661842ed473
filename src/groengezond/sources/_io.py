"""Shared reading helpers of the importers: text decoding, delimited tables, numbers, CRS.

Every importer reports what it cannot use as an :class:`~groengezond.errors.InputError` whose
problems name the file, the row or feature, the field, what is wrong and what would be right,
and what it repaired as a warning: a :class:`~groengezond.errors.Problem` whose ``fix`` says
what was done. :class:`Findings` collects both while a file is read.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS as PyprojCRS  # noqa: N811
from pyproj.exceptions import CRSError

from groengezond.errors import InputError, Problem
from groengezond.region.schema import CRS

MAX_NAMED = 20
"""Rows named per kind of problem; the rest are counted."""

RD_BOUNDS = (-7_000.0, 289_000.0, 300_000.0, 629_000.0)
"""Valid extent of RD New (EPSG:28992) in metres: (minx, miny, maxx, maxy)."""

MISSING_TOKENS = frozenset({"", "."})
"""Cells that mean 'missing': empty, and CBS's '.' (secret or not (yet) known)."""

NA_TOKENS = frozenset({"NA", "NaN", "nan", "null", "NULL"})
"""Missing-value spellings of R and pandas exports, accepted where a reader allows them."""

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_COMMA_NUMBER = re.compile(r"^[+-]?\d+,\d+$")


@dataclass
class Findings:
    """Errors and warnings found while reading one file.

    Parameters
    ----------
    file : str
        Name of the file, used in every problem.
    """

    file: str
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    _counts: dict[tuple[str, str, str], int] = field(default_factory=dict)

    def error(self, location: str, field_: str, problem: str, fix: str) -> None:
        """Record a problem that stops the import (at most :data:`MAX_NAMED` per kind)."""
        key = ("e", field_, fix)
        n = self._counts.get(key, 0)
        self._counts[key] = n + 1
        if n < MAX_NAMED:
            self.errors.append(Problem(self.file, location, field_, problem, fix))

    def warn(self, location: str, field_: str, problem: str, done: str) -> None:
        """Record something repaired or skipped; ``done`` says what was done about it."""
        self.warnings.append(Problem(self.file, location, field_, problem, done))

    def raise_if_errors(self) -> None:
        """Raise one InputError with every error recorded (and a count of unnamed ones)."""
        if not self.errors:
            return
        extra = []
        for (kind, field_, fix), n in self._counts.items():
            if kind == "e" and n > MAX_NAMED:
                extra.append(Problem(self.file, f"{n - MAX_NAMED} more rows", field_,
                                     "have the same kind of problem as the rows named above",
                                     fix))
        raise InputError([*self.errors, *extra])


def listing(items: Iterable[object], n: int = MAX_NAMED) -> str:
    """Join the first ``n`` items with commas and count the rest ('a, b and 3 more')."""
    values = [str(i) for i in items]
    if len(values) <= n:
        return ", ".join(values)
    return f"{', '.join(values[:n])} and {len(values) - n} more"


def require_file(path: Path, what: str) -> Path:
    """Return ``path`` if it is an existing file, else raise InputError naming ``what``."""
    path = Path(path)
    if not path.is_file():
        raise InputError.single(str(path), "", "", "does not exist" if not path.exists()
                                else "is not a file",
                                f"give the path of the {what} (relative paths are read from "
                                "the config's base_dir)")
    return path


FIRST_BLOCK_BYTES = 65_536
"""Bytes of a file looked at before it is read whole."""
MAX_PARQUET_FOOTER_BYTES = 64 * 1024 * 1024
"""Largest Parquet footer (schema and row-group metadata) accepted; real ones are kilobytes."""


def first_block_problem(path: Path) -> str | None:
    """Why a text file is refused from its first block alone (NUL bytes without a UTF-16
    byte-order mark: not text), or None. A corrupted or binary file of gigabytes is refused
    without being read into memory."""
    with open(path, "rb") as f:
        head = f.read(FIRST_BLOCK_BYTES)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    if b"\x00" in head:
        return "is not a text file (it holds NUL bytes)"
    return None


def parquet_footer_problem(path: Path) -> str | None:
    """Why a Parquet file is refused from its last bytes alone, or None: no ``PAR1`` magic
    at either end (not Parquet, or cut off), or a footer length that does not fit the file or
    exceeds :data:`MAX_PARQUET_FOOTER_BYTES` (a corrupt footer would make the reader allocate
    it)."""
    size = Path(path).stat().st_size
    if size < 12:
        return "is too short to be a Parquet file"
    with open(path, "rb") as f:
        magic = f.read(4)
        f.seek(size - 8)
        tail = f.read(8)
    if magic != b"PAR1" or tail[4:] != b"PAR1":
        return "is not a Parquet file, or is cut off (no PAR1 marker at both ends)"
    footer = int.from_bytes(tail[:4], "little")
    if footer > size - 12 or footer > MAX_PARQUET_FOOTER_BYTES:
        return f"has a corrupt footer (it claims {footer:,} bytes in a file of {size:,})"
    return None


def decode_text(path: Path, findings: Findings) -> str:
    """Read a text file: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252.

    A file that is not UTF-8 is decoded as Windows-1252 with a warning; a file with NUL bytes
    that is not UTF-16 is not text, which is an error. The first block is checked before the
    file is read whole (:func:`first_block_problem`).
    """
    early = first_block_problem(Path(path))
    if early is not None:
        findings.error("", "", early, "give a UTF-8 text file (CSV, TSV or JSON)")
        findings.raise_if_errors()
    raw = Path(path).read_bytes()
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            pass
    if b"\x00" in raw:
        findings.error("", "", "is not a text file (it holds NUL bytes)",
                       "give a UTF-8 text file (CSV, TSV or JSON)")
        findings.raise_if_errors()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        findings.warn(f"byte {exc.start}", "", "is not valid UTF-8",
                      "read the file as Windows-1252; save it as UTF-8 to be sure of names "
                      "with accents")
        return raw.decode("cp1252", errors="replace")


@dataclass(frozen=True)
class Delimited:
    """A delimited text table as strings: header, rows (1-based line numbers) and delimiter."""

    header: list[str]
    rows: list[list[str]]
    lines: list[int]
    delimiter: str


def read_delimited(path: Path, findings: Findings) -> Delimited:
    """Read a CSV/TSV file of strings; the delimiter (``,`` ``;`` or tab) is sniffed.

    Every row must have as many fields as the header (a shorter last row means the file was
    cut off); cells are stripped of surrounding spaces and quotes.
    """
    text = decode_text(path, findings)
    if not text.strip():
        findings.error("", "", "is empty", "give a table with a header row and data rows")
        findings.raise_if_errors()
    first = text.lstrip("\ufeff").splitlines()[0]
    delimiter = max(("\t", ";", ","), key=first.count)
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=delimiter)
    try:
        records = list(reader)
    except csv.Error as exc:
        findings.error(f"line {reader.line_num}", "", f"cannot be parsed ({exc})",
                       "repair the quoting of that line")
        findings.raise_if_errors()
        raise AssertionError("unreachable") from exc
    header = [h.strip() for h in records[0]]
    if len(set(header)) != len(header):
        dups = sorted({h for h in header if header.count(h) > 1})
        findings.error("header", listing(dups), "column name appears more than once",
                       "give every column a unique name")
    rows: list[list[str]] = []
    lines: list[int] = []
    for i, record in enumerate(records[1:], start=2):
        if not record or all(not c.strip() for c in record):
            continue
        if len(record) != len(header):
            last = i == len(records)
            findings.error(f"line {i}", "", f"has {len(record)} fields, the header has "
                           f"{len(header)}" + (" (the file seems cut off)" if last else ""),
                           "give every row one value per column (leave missing values empty)")
            continue
        rows.append([c.strip() for c in record])
        lines.append(i)
    findings.raise_if_errors()
    return Delimited(header, rows, lines, delimiter)


def parse_number(text: str, decimal_comma: bool = False, na: frozenset[str] = frozenset()
                 ) -> float:
    """Parse a published number: NaN for missing (``''``, CBS ``'.'`` and the ``na`` tokens).

    Raises
    ------
    ValueError
        When the text is not a number.
    """
    value = text.strip()
    if value in MISSING_TOKENS or value in na:
        return math.nan
    if decimal_comma and _COMMA_NUMBER.match(value):
        value = value.replace(",", ".")
    if not _NUMBER.match(value):
        raise ValueError(value)
    return float(value)


def parse_json_value(value: Any) -> float:
    """A JSON cell as float: None and CBS '.' are NaN; numbers and numeric strings parse."""
    if value is None or isinstance(value, bool):
        if isinstance(value, bool):
            raise ValueError(str(value))
        return math.nan
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        return parse_number(value)
    raise ValueError(str(value))


def read_json(path: Path, findings: Findings) -> Any:
    """Parse a JSON file; a syntax error (e.g. a cut-off file) is an error with line/column."""
    text = decode_text(path, findings)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        cut = exc.pos >= len(text.rstrip()) - 1
        findings.error(f"line {exc.lineno}, column {exc.colno}", "",
                       f"is not valid JSON ({exc.msg})" + (" - the file seems cut off"
                                                          if cut else ""),
                       "download or export the file again")
        findings.raise_if_errors()
        raise AssertionError("unreachable") from exc


def code_parts(code: str) -> tuple[str, str | None] | None:
    """Level and parent of a CBS area code, or None if it is not one.

    ``GM0344`` -> ('gemeente', None); ``WK034401`` -> ('wijk', 'GM0344');
    ``BU03440101`` -> ('buurt', 'WK034401').
    """
    if re.fullmatch(r"GM\d{4}", code):
        return "gemeente", None
    if re.fullmatch(r"WK\d{6}", code):
        return "wijk", "GM" + code[2:6]
    if re.fullmatch(r"BU\d{8}", code):
        return "buurt", "WK" + code[2:8]
    return None


def gemeente_of(code: str) -> str | None:
    """The gemeente code (GMxxxx) an area code belongs to, or None."""
    parts = code_parts(code)
    if parts is None:
        return None
    return code if parts[0] == "gemeente" else "GM" + code[2:6]


def to_rd(frame: gpd.GeoDataFrame, findings: Findings, *, assume: str | None = None
          ) -> gpd.GeoDataFrame:
    """Reproject a layer to RD New, checking that it lands inside the Netherlands.

    Parameters
    ----------
    frame : GeoDataFrame
        Features in any CRS.
    findings : Findings
        Collects the problems (a missing CRS is guessed from the coordinate ranges, with a
        warning; coordinates outside the RD extent after reprojection are an error).
    assume : str, optional
        CRS to use when the file declares none (e.g. ``EPSG:4326`` for GeoJSON, RFC 7946).

    Returns
    -------
    GeoDataFrame
        In EPSG:28992 (m).
    """
    if len(frame) == 0:
        return frame.set_crs(CRS, allow_override=True)
    bounds = np.asarray(frame.total_bounds, dtype=float)
    if frame.crs is None:
        guess = assume or _guess_crs(bounds)
        if guess is None:
            findings.error("", "geometry", "has no CRS and its coordinates are neither RD New "
                           "nor longitude/latitude", "save the file with its CRS (EPSG:28992 "
                           "or EPSG:4326)")
            findings.raise_if_errors()
        assert guess is not None
        if assume is None:
            findings.warn("", "geometry", "declares no CRS",
                          f"assumed {guess} from the coordinate ranges")
        frame = frame.set_crs(guess)
    try:
        epsg = frame.crs.to_epsg() if frame.crs is not None else None
        out = frame if epsg == 28992 else frame.to_crs(CRS)
    except (CRSError, ValueError) as exc:
        findings.error("", "geometry", f"cannot be reprojected to RD New ({exc})",
                       "save the file in EPSG:28992 or EPSG:4326")
        findings.raise_if_errors()
        raise AssertionError("unreachable") from exc
    ok = np.isfinite(np.asarray(out.total_bounds, dtype=float)).all()
    minx, miny, maxx, maxy = np.asarray(out.total_bounds, dtype=float)
    x0, y0, x1, y1 = RD_BOUNDS
    if not ok or minx < x0 or miny < y0 or maxx > x1 or maxy > y1:
        findings.error("", "geometry", f"coordinates ({bounds[0]:.6g}, {bounds[1]:.6g}, "
                       f"{bounds[2]:.6g}, {bounds[3]:.6g}) in {frame.crs} do not lie in the "
                       "Netherlands", "check the CRS the file declares; it must match the "
                       "coordinates (RD New or WGS84 longitude/latitude)")
        findings.raise_if_errors()
    return out.set_crs(CRS, allow_override=True)


def _guess_crs(bounds: np.ndarray) -> str | None:
    minx, miny, maxx, maxy = bounds
    if minx >= -180 and maxx <= 180 and miny >= -90 and maxy <= 90:
        return "EPSG:4326"
    x0, y0, x1, y1 = RD_BOUNDS
    if x0 <= minx and maxx <= x1 and y0 <= miny and maxy <= y1:
        return CRS
    return None


def crs_name(value: Any) -> str | None:
    """EPSG code (``EPSG:n``) of a CRS given as text or URL, or None if it is not known."""
    if value is None:
        return None
    text = str(value)
    match = re.search(r"EPSG/\d+/(\d+)$|EPSG::?(\d+)$", text)
    if match:
        return f"EPSG:{match.group(1) or match.group(2)}"
    try:
        epsg = PyprojCRS.from_user_input(text).to_epsg()
    except CRSError:
        return None
    return f"EPSG:{epsg}" if epsg else None


def polygonal(geoms: np.ndarray) -> np.ndarray:
    """Keep the polygonal parts of each geometry (make_valid can return collections)."""
    out = np.empty(len(geoms), dtype=object)
    for i, geom in enumerate(geoms):
        if geom is None or geom.is_empty:
            out[i] = geom
            continue
        if geom.geom_type in ("Polygon", "MultiPolygon"):
            out[i] = geom
            continue
        parts = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
        polys = [p for part in parts for p in shapely.get_parts(part)]
        out[i] = (shapely.MultiPolygon(polys) if len(polys) > 1 else polys[0]) if polys else \
            shapely.Polygon()
    return out


def repair_polygons(geoms: Sequence[Any], findings: Findings, labels: Sequence[str]
                    ) -> np.ndarray:
    """Repair invalid polygons with ``make_valid`` (a warning names them) and keep areas only."""
    arr = np.asarray(geoms, dtype=object)
    present = ~(shapely.is_missing(arr) | shapely.is_empty(arr))
    invalid = present & ~shapely.is_valid(arr)
    if invalid.any():
        arr = arr.copy()
        arr[invalid] = shapely.make_valid(arr[invalid])
        names = [labels[int(i)] for i in np.flatnonzero(invalid)]
        findings.warn(listing(names), "geometry", f"{int(invalid.sum())} invalid polygon(s)",
                      "repaired with make_valid")
    return polygonal(arr)


def union_all(geoms: Iterable[Any]) -> Any:
    """Valid union of polygons (None when there are none)."""
    parts = [g for g in geoms if g is not None and not g.is_empty]
    if not parts:
        return None
    merged = shapely.union_all(np.asarray(parts, dtype=object))
    if not merged.is_valid:
        merged = shapely.make_valid(merged)
    result = polygonal(np.asarray([merged], dtype=object))[0]
    return result
