"""The table forms of RIVM 50090NED as columns of raw cells: xlsx, CSV and OData rows.

StatLine publishes 'Gezondheid per wijk en buurt' (50090NED) as a download (xlsx or CSV, one
row per area, age group, margin and period) and as an OData v3 ``TypedDataSet``. Each form is
read here into a :class:`RawColumns`: the header, one list of raw cells per column (``str``,
numbers or ``None``) and a label per row for messages. Interpreting the cells (codes, periods,
age groups, numbers, scale) is :mod:`groengezond.sources.rivm_50090`'s job.

The national xlsx files hold 17,341 rows by 43 columns. openpyxl (even in read-only mode) needs
about 2 s per file for that; :func:`read_xlsx_columns` reads the sheet XML of such a plain
table directly (shared strings, numbers, inline strings) in a fraction of that and falls back
to openpyxl for any workbook whose sheet it does not recognise (formulas, cells without a
reference, several sheets with the data not first).
"""

from __future__ import annotations

import html
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from groengezond.sources._io import Findings, read_delimited, read_json

Cell = str | float | int | None


@dataclass(frozen=True)
class RawColumns:
    """A table as raw cells per column.

    Attributes
    ----------
    header : list of str
        Column names (stripped).
    cells : dict of str to list
        Raw cells per column, one per data row (``None`` = empty cell).
    labels : list of str
        Where each data row is in the file (``"row 12"`` in a sheet, ``"line 12"`` in a CSV,
        ``"row 3"`` of an OData ``value`` list, 0-based).
    decimal_comma : bool
        Whether text numbers may use a decimal comma (``;``-separated CSV).
    units : dict of str to str
        Published unit per measure column, where the file says it (the ``DataProperties``
        of an OData download: ``Unit`` of each ``Topic``).
    """

    header: list[str]
    cells: dict[str, list[Cell]]
    labels: list[str]
    decimal_comma: bool = False
    units: dict[str, str] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.labels)


_CELL = re.compile(r'<c r="([A-Z]{1,3})(\d+)"([^>]*?)(?:/>|><v>([^<]*)</v></c>|>(.*?)</c>)',
                   re.S)
_OPEN_CELL = re.compile(r"<c[\s>/]")
_VALUE = re.compile(r"<v>([^<]*)</v>")
_TEXT = re.compile(r"<t(?:\s[^>]*)?>([^<]*)</t>", re.S)


def _value(inner: str) -> str | None:
    found = _VALUE.search(inner)
    return html.unescape(found.group(1)) if found else None


def _col_index(letters: str) -> int:
    out = 0
    for ch in letters:
        out = out * 26 + ord(ch) - 64
    return out - 1


def _first_sheet(book: zipfile.ZipFile) -> str | None:
    names = set(book.namelist())
    try:
        workbook = book.read("xl/workbook.xml").decode("utf-8")
        rels = book.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    except KeyError:
        return None
    sheet = re.search(r'<sheet\b[^>]*\br:id="([^"]+)"', workbook)
    if sheet is None:
        return None
    for rel in re.finditer(r"<Relationship\b[^>]*>", rels):
        tag = rel.group(0)
        if f'Id="{sheet.group(1)}"' in tag:
            target = re.search(r'Target="([^"]+)"', tag)
            if target is None:
                return None
            path = target.group(1).lstrip("/")
            path = path if path.startswith("xl/") else "xl/" + path
            return path if path in names else None
    return None


def _shared_strings(book: zipfile.ZipFile) -> list[str]:
    try:
        text = book.read("xl/sharedStrings.xml").decode("utf-8")
    except KeyError:
        return []
    items = re.findall(r"<si>(.*?)</si>|<si/>", text, re.S)
    return [html.unescape("".join(_TEXT.findall(item))) if item else "" for item in items]


def _fast_xlsx(path: Path) -> tuple[list[list[Cell]], list[int]] | None:
    """Rows of the first sheet of a plain xlsx (None when the sheet is not plain).

    One pass of :data:`_CELL` over the sheet XML; the usual cells (``<c r="B2"><v>..</v></c>``
    and shared strings ``t="s"``) take the short branches. Empty rows are skipped.
    """
    with zipfile.ZipFile(path) as book:
        sheet_name = _first_sheet(book)
        if sheet_name is None:
            return None
        strings = _shared_strings(book)
        xml = book.read(sheet_name).decode("utf-8")
    if "<f>" in xml or "<f " in xml:
        return None
    start = xml.find("<sheetData")
    data = xml[start:] if start >= 0 else xml
    matches = _CELL.findall(data)
    if len(matches) != len(_OPEN_CELL.findall(data)):
        return None
    by_row: list[dict[str, Cell]] = []
    numbers: list[str] = []
    last = ""
    row: dict[str, Cell] = {}
    try:
        for letters, number, attrs, v, other in matches:
            if number != last:
                row = {}
                by_row.append(row)
                numbers.append(number)
                last = number
            if not other:
                if attrs == ' t="s"':
                    row[letters] = strings[int(v)]
                elif not attrs or 't="' not in attrs or 't="n"' in attrs:
                    if v:
                        row[letters] = v
                elif 't="s"' in attrs:
                    row[letters] = strings[int(v)]
                elif v:
                    row[letters] = html.unescape(v)
            elif 't="inlineStr"' in attrs:
                row[letters] = html.unescape("".join(_TEXT.findall(other)))
            else:
                found = _value(other)
                if found is not None:
                    row[letters] = strings[int(found)] if 't="s"' in attrs else found
    except (ValueError, IndexError):
        return None
    used = sorted({k for d in by_row for k in d}, key=_col_index)
    width = _col_index(used[-1]) + 1 if used else 0
    named = {_col_index(k): k for k in used}
    keys = [named.get(i, "") for i in range(width)]
    rows = [[d.get(k) for k in keys] for d in by_row if d]
    return rows, [int(n) for n, d in zip(numbers, by_row, strict=True) if d]


def _openpyxl_rows(path: Path, findings: Findings) -> tuple[list[list[Cell]], list[int]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken workbook
        findings.error("", "", f"cannot be read as an xlsx workbook ({type(exc).__name__})",
                       "save the StatLine download again as .xlsx or .csv")
        findings.raise_if_errors()
        raise AssertionError("unreachable") from exc
    rows: list[list[Cell]] = []
    numbers: list[int] = []
    try:
        sheet = book.worksheets[0]
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            if row is None or all(c is None for c in row):
                continue
            rows.append([c if isinstance(c, str | int | float) or c is None else str(c)
                         for c in row])
            numbers.append(number)
    except Exception as exc:  # a damaged sheet: zlib, XML and zip errors of many types
        findings.error("", "", f"its first sheet cannot be read ({type(exc).__name__})",
                       "save the StatLine download again as .xlsx or .csv")
        findings.raise_if_errors()
    finally:
        book.close()
    return rows, numbers


def read_xlsx_columns(path: Path, findings: Findings) -> RawColumns:
    """Read the first sheet of an xlsx download: the first non-empty row is the header.

    Parameters
    ----------
    path : Path
        ``.xlsx`` file.
    findings : Findings
        Collects the problems (no header, duplicate column names).

    Returns
    -------
    RawColumns
        Cells as the sheet holds them: text as ``str`` (space-padded codes kept as they
        are), numbers as the text of the stored number, empty cells as ``None``.
    """
    try:
        fast = _fast_xlsx(path)
    except (zipfile.BadZipFile, zlib.error, UnicodeDecodeError, ValueError, KeyError, EOFError,
            OSError, NotImplementedError):
        fast = None
    rows, numbers = fast if fast is not None else _openpyxl_rows(path, findings)
    return _columns(rows, [f"row {n}" for n in numbers], findings)


def _columns(rows: list[list[Cell]], labels: list[str], findings: Findings,
             decimal_comma: bool = False) -> RawColumns:
    if not rows:
        findings.error("", "", "holds no rows", "give the table with its header row")
        findings.raise_if_errors()
    header = ["" if h is None else str(h).strip() for h in rows[0]]
    while header and not header[-1]:
        header.pop()
    dups = sorted({h for h in header if h and header.count(h) > 1})
    if dups:
        findings.error("header", ", ".join(dups), "column name appears more than once",
                       "give every column a unique name")
    findings.raise_if_errors()
    body = rows[1:]
    cells: dict[str, list[Cell]] = {}
    for i, name in enumerate(header):
        if name:
            cells[name] = [row[i] if i < len(row) else None for row in body]
    return RawColumns([h for h in header if h], cells, labels[1:], decimal_comma)


def read_csv_columns(path: Path, findings: Findings) -> RawColumns:
    """Read a StatLine CSV download (``,``, ``;`` or tab; UTF-8 or Windows-1252/Latin-1).

    A ``;``-separated file may write numbers with a decimal comma.
    """
    table = read_delimited(path, findings)
    rows: list[list[Cell]] = [list(table.header)]
    rows += [[c if c != "" else None for c in row] for row in table.rows]
    labels = ["line 1", *(f"line {n}" for n in table.lines)]
    return _columns(rows, labels, findings, decimal_comma=table.delimiter == ";")


def topic_units(properties: Any) -> dict[str, str]:
    """``Key -> Unit`` of the measures (``Topic``) in OData ``DataProperties`` rows."""
    if not isinstance(properties, list):
        return {}
    return {str(p["Key"]): str(p.get("Unit") or "").strip() for p in properties
            if isinstance(p, dict) and p.get("Type") == "Topic" and p.get("Key")}


def rows_to_columns(rows: list[dict[str, Any]], findings: Findings,
                    properties: Any = None) -> RawColumns:
    """OData ``TypedDataSet`` rows (dicts) as columns; row labels are 0-based positions.

    ``properties`` are the table's ``DataProperties`` rows, whose units are kept.
    """
    keys: list[str] = list(dict.fromkeys(k for r in rows for k in r))
    cells: dict[str, list[Cell]] = {}
    for key in keys:
        column: list[Cell] = []
        for row in rows:
            value = row.get(key)
            column.append(value if (isinstance(value, str | int | float) and
                          not isinstance(value, bool)) or value is None else str(value))
        cells[key] = column
    return RawColumns(keys, cells, [f"row {i}" for i in range(len(rows))],
                      units=topic_units(properties))


def read_json_columns(path: Path, findings: Findings) -> RawColumns:
    """Read an OData v3 ``TypedDataSet`` JSON file (``{"value": [...]}`` or a list of rows).

    A ``DataProperties`` list next to ``value`` (as ``groengezond fetch`` writes it) gives the
    published unit of each measure.
    """
    doc = read_json(path, findings)
    rows = doc.get("value") if isinstance(doc, dict) else doc
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows) or not rows:
        findings.error("", "value", "is not a non-empty list of rows",
                       "give the JSON of an OData v3 TypedDataSet ({\"value\": [...]})")
        findings.raise_if_errors()
    assert isinstance(rows, list)
    properties = doc.get("DataProperties") if isinstance(doc, dict) else None
    return rows_to_columns(rows, findings, properties)


def read_columns(path: Path, findings: Findings) -> RawColumns:
    """Read any published form of the table, chosen by the file's content and suffix."""
    head = Path(path).read_bytes()[:4]
    if head.startswith(b"PK"):
        return read_xlsx_columns(path, findings)
    suffix = Path(path).suffix.lower()
    if suffix == ".json":
        return read_json_columns(path, findings)
    if suffix in (".xlsx", ".xlsm"):
        findings.error("", "", "is not an xlsx workbook (no zip signature)",
                       "download the table again, or save it as CSV")
        findings.raise_if_errors()
    return read_csv_columns(path, findings)
