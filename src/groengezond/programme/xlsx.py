"""Import and export of a programme as an xlsx workbook (openpyxl).

One sheet per kind of row (:data:`SHEETS`): ``projects``, ``budget``, ``kpis`` (one row per KPI
and period: IATI result, indicator, baseline, period, target, actual), ``milestones``,
``risks`` and ``lessons``. Lists (partners, areas, catalogue entries, links) are separated by
``;``; a link is ``kind:ref`` (``scenario:…``, ``evaluation:…``, ``field_lab:…``).

:func:`read_programme` validates everything before anything is stored and raises one
:class:`~groengezond.errors.InputError` listing *every* problem, each naming the sheet, row,
column and the fix; so an import is all or nothing (the store then writes it in one
transaction).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from pydantic import ValidationError

from groengezond.errors import InputError, Problem
from groengezond.programme.models import SOURCES, STATUSES, TRACKS
from groengezond.programme.schemas import (
    PERIOD,
    BudgetLineData,
    KpiData,
    LessonData,
    MilestoneData,
    PeriodData,
    Programme,
    ProjectData,
    ProjectLink,
    RiskData,
)
from groengezond.region.store import atomic_file

SHEETS: dict[str, tuple[str, ...]] = {
    "projects": ("code", "name", "track", "module", "lead", "lead_user", "partners", "areas",
                 "starts_on", "ends_on", "status", "catalogue", "links"),
    "budget": ("project", "source", "year", "committed_eur", "spent_eur"),
    "kpis": ("project", "result", "indicator", "measure", "ascending", "baseline_year",
             "baseline", "monitor_indicator", "monitor_area", "period", "target", "actual"),
    "milestones": ("project", "title", "due_on", "done_on"),
    "risks": ("project", "description", "likelihood", "impact", "mitigation"),
    "lessons": ("what", "where", "area_code", "result", "source", "catalogue_entry", "project"),
}
"""Sheet → its columns, in order (the header row)."""

REQUIRED: dict[str, tuple[str, ...]] = {
    "projects": ("code", "name", "track", "lead", "starts_on", "ends_on", "status"),
    "budget": ("project", "source", "year", "committed_eur"),
    "kpis": ("project", "result", "indicator", "measure"),
    "milestones": ("project", "title", "due_on"),
    "risks": ("project", "description", "likelihood", "impact"),
    "lessons": ("what", "where", "result", "source"),
}

Kind = Callable[[Any], Any]


class _CellError(ValueError):
    """A cell that cannot be read; the message is the problem, ``fix`` the remedy."""

    def __init__(self, problem: str, fix: str) -> None:
        super().__init__(problem)
        self.fix = fix


def _text(v: Any) -> str:
    return "" if v is None else str(v).strip()


def _list(v: Any) -> tuple[str, ...]:
    return tuple(x.strip() for x in _text(v).split(";") if x.strip())


def _date(v: Any) -> date | None:
    if v is None or _text(v) == "":
        return None
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    try:
        return date.fromisoformat(_text(v))
    except ValueError:
        raise _CellError(f"{v!r} is not a date", "give a date as YYYY-MM-DD") from None


def _number(v: Any) -> float | None:
    if v is None or _text(v) == "":
        return None
    if isinstance(v, bool):
        raise _CellError(f"{v!r} is not a number", "give a number (euros without € or dots)")
    if isinstance(v, int | float):
        return float(v)
    try:
        return float(_text(v).replace(",", "."))
    except ValueError:
        raise _CellError(f"{v!r} is not a number",
                    "give a number without € or thousands separators, e.g. 1250000") from None


def _int(v: Any) -> int | None:
    x = _number(v)
    if x is None:
        return None
    if x != int(x):
        raise _CellError(f"{v!r} is not a whole number", "give a whole number")
    return int(x)


def _bool(v: Any) -> bool | None:
    t = _text(v).lower()
    if t == "":
        return None
    if t in ("yes", "ja", "true", "1", "hoger", "higher"):
        return True
    if t in ("no", "nee", "false", "0", "lager", "lower"):
        return False
    raise _CellError(f"{v!r} is not yes or no", "write yes (higher is better) or no")


def _links(v: Any) -> tuple[ProjectLink, ...]:
    out = []
    for item in _list(v):
        kind, _, ref = item.partition(":")
        if kind not in ("scenario", "evaluation", "field_lab") or not ref:
            raise _CellError(f"link {item!r} is not kind:ref",
                        "write scenario:<id>, evaluation:<id> or field_lab:<id>, separated by ;")
        out.append(ProjectLink(kind=kind, ref=ref))
    return tuple(out)


KINDS: dict[str, Kind] = {
    "starts_on": _date, "ends_on": _date, "due_on": _date, "done_on": _date,
    "year": _int, "baseline_year": _int, "likelihood": _int, "impact": _int,
    "committed_eur": _number, "spent_eur": _number, "baseline": _number, "target": _number,
    "actual": _number, "ascending": _bool, "partners": _list, "areas": _list,
    "catalogue": _list, "links": _links,
}
"""How each column is read (text when not listed)."""


class _Rows:
    """Rows of one sheet as dicts, with every problem collected (sheet, row, column, fix)."""

    def __init__(self, file: str, problems: list[Problem]) -> None:
        self.file = file
        self.problems = problems

    def problem(self, sheet: str, row: int, column: str, problem: str, fix: str) -> None:
        letter = get_column_letter(SHEETS[sheet].index(column) + 1) \
            if column in SHEETS[sheet] else "?"
        self.problems.append(Problem(self.file, f"sheet {sheet}, row {row}",
                                     f"column {letter} ({column})", problem, fix))

    def read(self, wb: Any, sheet: str) -> list[tuple[int, dict[str, Any]]]:
        """The sheet's valid rows (row number, values); problems of the others are kept."""
        return [(n, row) for n, row, ok in self.read_all(wb, sheet) if ok]

    def read_all(self, wb: Any, sheet: str) -> list[tuple[int, dict[str, Any], bool]]:
        """Every row with whether all its cells could be read (bad cells are left out)."""
        if sheet not in wb.sheetnames:
            if sheet == "projects":
                self.problems.append(Problem(self.file, f"sheet {sheet}", "", "sheet missing",
                                             "add a sheet 'projects' (see examples/programme)"))
            return []
        ws = wb[sheet]
        rows = ws.iter_rows(values_only=True)
        header = [_text(h) for h in next(rows, ())]
        missing = [c for c in REQUIRED[sheet] if c not in header]
        unknown = [h for h in header if h and h not in SHEETS[sheet]]
        for col in missing:
            self.problems.append(Problem(self.file, f"sheet {sheet}, row 1", f"column {col}",
                                         "required column missing",
                                         f"add a header cell {col!r} to row 1"))
        for col in unknown:
            self.problems.append(Problem(
                self.file, f"sheet {sheet}, row 1", f"column {col}", "unknown column",
                f"use only the columns {', '.join(SHEETS[sheet])}"))
        if missing:
            return []
        out = []
        for n, values in enumerate(rows, start=2):
            if all(_text(v) == "" for v in values):
                continue
            raw = {h: v for h, v in zip(header, values, strict=False) if h in SHEETS[sheet]}
            row: dict[str, Any] = {}
            bad = False
            for col in SHEETS[sheet]:
                v = raw.get(col)
                if col in REQUIRED[sheet] and _text(v) == "":
                    self.problem(sheet, n, col, "empty", f"fill in {col}")
                    bad = True
                    continue
                try:
                    reader: Kind = KINDS.get(col, _text)
                    row[col] = reader(v)
                except _CellError as exc:
                    self.problem(sheet, n, col, str(exc), exc.fix)
                    bad = True
            out.append((n, row, not bad))
        return out


def _model(rows: _Rows, sheet: str, n: int, cls: Any, data: dict[str, Any]) -> Any:
    try:
        return cls.model_validate({k: v for k, v in data.items() if v is not None})
    except ValidationError as exc:
        for err in exc.errors():
            col = str(err["loc"][0]) if err["loc"] else ""
            rows.problem(sheet, n, col if col in SHEETS[sheet] else SHEETS[sheet][0],
                         err["msg"], "correct the value")
        return None


def read_programme(path: Path, *, catalogue_ids: Iterable[str] | None = None,
                   indicator_ids: Iterable[str] | None = None) -> Programme:
    """Read and validate a programme workbook; every problem is reported, nothing half.

    Parameters
    ----------
    path : Path
        The xlsx file.
    catalogue_ids : iterable of str, optional
        Valid catalogue entries (default: the package catalogue).
    indicator_ids : iterable of str, optional
        Valid Monitor indicators for ``monitor_indicator`` (default: the registry).

    Raises
    ------
    InputError
        With one :class:`~groengezond.errors.Problem` per wrong cell, missing sheet or
        column, duplicate, or reference to an unknown project, catalogue entry or indicator.
    """
    file = Path(path).name
    if catalogue_ids is None:
        from groengezond.catalogue.model import load_catalogue

        catalogue_ids = [i.id for i in load_catalogue().interventions]
    if indicator_ids is None:
        from groengezond.indicators.registry import load_registry

        indicator_ids = load_registry().ids
    known_cat, known_ind = set(catalogue_ids), set(indicator_ids)
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise InputError.single(file, "", "", f"not a readable xlsx workbook ({exc})",
                                "save the file as Excel workbook (.xlsx)") from None
    problems: list[Problem] = []
    rows = _Rows(file, problems)
    projects: list[ProjectData] = []
    codes: dict[str, int] = {}
    for n, r, ok in rows.read_all(wb, "projects"):
        if not ok:  # its problems are listed; keep its code so references do not cascade
            if r.get("code"):
                codes.setdefault(r["code"], n)
            continue
        if r["code"] in codes:
            rows.problem("projects", n, "code", f"code {r['code']!r} also on row "
                         f"{codes[r['code']]}", "give every project its own code")
            continue
        codes[r["code"]] = n
        if r["track"] not in TRACKS:
            rows.problem("projects", n, "track", f"unknown track {r['track']!r}",
                         f"use one of: {'; '.join(TRACKS)}")
        if r["status"] not in STATUSES:
            rows.problem("projects", n, "status", f"unknown status {r['status']!r}",
                         f"use one of: {', '.join(STATUSES)}")
        for entry in r["catalogue"]:
            if entry not in known_cat:
                rows.problem("projects", n, "catalogue", f"unknown catalogue entry {entry!r}",
                             "use ids of `groengezond catalogue list`, separated by ;")
        if r["starts_on"] and r["ends_on"] and r["ends_on"] < r["starts_on"]:
            rows.problem("projects", n, "ends_on", "ends before it starts",
                         "give an end date on or after starts_on")
            continue
        p = _model(rows, "projects", n, ProjectData, r)
        if p is not None:
            projects.append(p)

    def project_ref(sheet: str, n: int, r: dict[str, Any], required: bool = True) -> bool:
        code = r.get("project", "")
        if (code or required) and code not in codes:
            rows.problem(sheet, n, "project", f"unknown project {code!r}",
                         "use a code from the projects sheet")
            return False
        return True

    budget = []
    for n, r in rows.read(wb, "budget"):
        if r["source"] not in SOURCES:
            rows.problem("budget", n, "source", f"unknown source {r['source']!r}",
                         f"use one of: {', '.join(SOURCES)}")
            continue
        if project_ref("budget", n, r):
            r["spent_eur"] = r["spent_eur"] or 0.0
            b = _model(rows, "budget", n, BudgetLineData, r)
            if b is not None:
                budget.append(b)
    kpis = _kpis(rows, wb, project_ref, known_ind)
    milestones = [m for n, r in rows.read(wb, "milestones") if project_ref("milestones", n, r)
                  for m in [_model(rows, "milestones", n, MilestoneData, r)] if m is not None]
    risks = [m for n, r in rows.read(wb, "risks") if project_ref("risks", n, r)
             for m in [_model(rows, "risks", n, RiskData, r)] if m is not None]
    lessons = []
    for n, r in rows.read(wb, "lessons"):
        if r["catalogue_entry"] and r["catalogue_entry"] not in known_cat:
            rows.problem("lessons", n, "catalogue_entry",
                         f"unknown catalogue entry {r['catalogue_entry']!r}",
                         "use an id of `groengezond catalogue list` or leave it empty")
            continue
        if project_ref("lessons", n, r, required=False):
            m = _model(rows, "lessons", n, LessonData, r)
            if m is not None:
                lessons.append(m)
    wb.close()
    if problems:
        raise InputError(problems)
    return Programme(projects=tuple(projects), budget=tuple(budget), kpis=tuple(kpis),
                     milestones=tuple(milestones), risks=tuple(risks), lessons=tuple(lessons))


def _kpis(rows: _Rows, wb: Any, project_ref: Callable[..., bool],
          known_ind: set[str]) -> list[KpiData]:
    groups: dict[tuple[str, str, str], list[tuple[int, dict[str, Any]]]] = defaultdict(list)
    for n, r in rows.read(wb, "kpis"):
        if not project_ref("kpis", n, r):
            continue
        if r["monitor_indicator"] and r["monitor_indicator"] not in known_ind:
            rows.problem("kpis", n, "monitor_indicator",
                         f"unknown Monitor indicator {r['monitor_indicator']!r}",
                         "use an id of the indicator registry or leave it empty")
            continue
        if r["period"] and not PERIOD.match(r["period"]):
            rows.problem("kpis", n, "period", f"{r['period']!r} is not a half-year",
                         "write the period as YYYYH1 or YYYYH2, e.g. 2026H2")
            continue
        groups[(r["project"], r["result"], r["indicator"])].append((n, r))
    out = []
    for (project, result, indicator), members in groups.items():
        first = members[0][1]
        seen: dict[str, int] = {}
        periods = []
        for n, r in members:
            if not r["period"]:
                continue
            if r["period"] in seen:
                rows.problem("kpis", n, "period", f"period {r['period']} of this KPI also on "
                             f"row {seen[r['period']]}", "give each period one row")
                continue
            seen[r["period"]] = n
            periods.append(PeriodData(period=r["period"], target=r["target"],
                                      actual=r["actual"]))
        out.append(KpiData(
            project=project, result=result, indicator=indicator, measure=first["measure"],
            ascending=True if first["ascending"] is None else first["ascending"],
            baseline_year=first["baseline_year"], baseline=first["baseline"],
            monitor_indicator=first["monitor_indicator"], monitor_area=first["monitor_area"],
            periods=tuple(sorted(periods, key=lambda p: p.period))))
    return out


def _cell(v: Any) -> Any:
    if isinstance(v, tuple | list):
        return ";".join(f"{x.kind}:{x.ref}" if isinstance(x, ProjectLink) else str(x) for x in v)
    if isinstance(v, bool):
        return "yes" if v else "no"
    return v


def write_programme(programme: Programme, path: Path) -> Path:
    """Write a programme as an xlsx workbook that :func:`read_programme` reads back (atomic)."""
    wb = Workbook()
    wb.remove(wb.active)  # type: ignore[arg-type]
    sheets: dict[str, list[dict[str, Any]]] = {
        "projects": [p.model_dump() for p in programme.projects],
        "budget": [b.model_dump() for b in programme.budget],
        "kpis": [{**k.model_dump(exclude={"periods"}), **p}
                 for k in programme.kpis
                 for p in ([x.model_dump() for x in k.periods] or [{"period": ""}])],
        "milestones": [m.model_dump() for m in programme.milestones],
        "risks": [r.model_dump() for r in programme.risks],
        "lessons": [le.model_dump() for le in programme.lessons],
    }
    sheets["projects"] = [{**d, "links": programme.projects[i].links}
                          for i, d in enumerate(sheets["projects"])]
    for name, columns in SHEETS.items():
        ws = wb.create_sheet(name)
        ws.append(list(columns))
        for d in sheets[name]:
            ws.append([_cell(d.get(c)) for c in columns])
        for i, col in enumerate(columns, start=1):
            ws.column_dimensions[get_column_letter(i)].width = max(12, len(col) + 2)
    with atomic_file(Path(path)) as tmp:
        wb.save(tmp)
    return Path(path)
