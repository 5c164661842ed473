"""``groengezond programme import|export|check|report|lessons``: the Regio Deal programme."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from groengezond.cli.common import console, err_console, report_errors
from groengezond.programme.db import ProgrammeDatabase

programme_app = typer.Typer(help="Regio Deal programme monitor: projects, budget rules, KPIs.",
                            no_args_is_help=True)

RulesOpt = Annotated[Path | None, typer.Option(
    "--rules", help="Rules YAML (default: groengezond/programme/rules.yaml).")]


def _db() -> ProgrammeDatabase:
    from groengezond.settings import get_settings

    return ProgrammeDatabase.from_url(get_settings().database_url)


@programme_app.command("import")
@report_errors
def import_command(
    file: Annotated[Path, typer.Argument(help="Programme workbook (.xlsx).")],
) -> None:
    """Validate a workbook and replace the stored programme with it (all or nothing)."""
    from groengezond.programme.store import import_programme
    from groengezond.programme.xlsx import read_programme

    programme = read_programme(file)
    counts = import_programme(_db(), programme)
    console.print("imported " + ", ".join(f"{n} {k}" for k, n in counts.items()),
                  highlight=False)


@programme_app.command("export")
@report_errors
def export_command(
    file: Annotated[Path, typer.Argument(help="Workbook to write (.xlsx).")],
) -> None:
    """Write the stored programme as a workbook (the import's layout)."""
    from groengezond.programme.store import load_programme
    from groengezond.programme.xlsx import write_programme

    write_programme(load_programme(_db()), file)
    console.print(f"wrote {file}", highlight=False)


@programme_app.command("check")
@report_errors
def check_command(
    rules: RulesOpt = None,
    file: Annotated[Path | None, typer.Option(
        "--file", help="Check this workbook instead of the stored programme.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the checks as JSON.")] = False,
) -> None:
    """Check the budget against the rules; exit 1 when a rule is breached."""
    from groengezond.programme.rules import check_rules, load_rules
    from groengezond.programme.store import load_programme
    from groengezond.programme.xlsx import read_programme

    programme = read_programme(file) if file else load_programme(_db())
    checks = check_rules(programme, load_rules(rules))
    if as_json:
        console.print_json(json.dumps([c.model_dump() for c in checks]))
    else:
        table = Table("rule", "", "message", title="Budget rules")
        for c in checks:
            table.add_row(c.key + (f" ({c.subject})" if c.subject else ""),
                          "[green]ok[/]" if c.ok else "[bold red]BREACH[/]", c.message)
        console.print(table)
    if not all(c.ok for c in checks):
        raise typer.Exit(code=1)


@programme_app.command("report")
@report_errors
def report_command(
    period: Annotated[str, typer.Option("--period", help="Half-year, e.g. 2026H2.")],
    out: Annotated[Path, typer.Option("--out", help="File to write (.pdf, .html or .json).")],
    lang: Annotated[str, typer.Option("--lang", help="nl or en.")] = "nl",
    fmt: Annotated[str | None, typer.Option(
        "--format", help="pdf, html or json (default: from the --out suffix).")] = None,
    region: Annotated[Path | None, typer.Option(
        "--region", help="Region whose Monitor fills in the actuals of linked KPIs.")] = None,
    rules: RulesOpt = None,
) -> None:
    """The half-year progress report: tracks, budget against the rules, KPIs against targets."""
    from groengezond.errors import InputError
    from groengezond.programme.report import progress_report, render_progress_report
    from groengezond.programme.rules import load_rules
    from groengezond.programme.schemas import PERIOD
    from groengezond.programme.store import audit_trail, load_programme
    from groengezond.reports.render import check_format, check_lang, write_report

    if not PERIOD.match(period):
        raise InputError.single("--period", "", "period", f"{period!r} is not a half-year",
                                "write YYYYH1 or YYYYH2, e.g. 2026H2")
    language = check_lang(lang)
    chosen = fmt or out.suffix.lstrip(".").lower()
    values = None
    synthetic = False
    sources: list[dict[str, str]] = []
    if region is not None:
        from groengezond.region.store import read_region
        from groengezond.reports.gather import monitor_tables

        data = read_region(region)
        values, _ = monitor_tables(data)
        synthetic = data.meta.synthetic
        sources = [{"name": s.name, "licence": s.licence, "attribution": s.attribution}
                   for s in data.meta.sources]
    db = _db()
    imports = [e for e in audit_trail(db) if e["action"] == "import"]
    if imports:
        sources.insert(0, {"name": "Regio Deal programme data", "licence": "-",
                           "attribution": f"imported {imports[-1]['at'][:16]} UTC by "
                                          f"{imports[-1]['actor']}; {len(audit_trail(db))} "
                                          "changes in the audit trail"})
    report = progress_report(load_programme(db), period, load_rules(rules), values)
    if chosen == "json":
        content = report.model_dump_json(indent=2).encode("utf-8")
    else:
        content = render_progress_report(report, language, check_format(chosen), synthetic,
                                         sources)
    write_report(content, out)
    if not report.rules_ok:
        err_console.print("[yellow]warning:[/] the budget breaches a rule (see the report)")
    console.print(f"wrote {out}", highlight=False)


@programme_app.command("lessons")
@report_errors
def lessons_command(
    text: Annotated[str, typer.Argument(help="Words to find (all of them).")] = "",
    catalogue_entry: Annotated[str, typer.Option("--catalogue", help="Catalogue id.")] = "",
) -> None:
    """Search the knowledge base (lessons: what, where, result, source)."""
    from groengezond.programme.knowledge import search_lessons

    table = Table("what", "where", "result", "source", "catalogue", title="Lessons")
    for le in search_lessons(_db(), text, catalogue_entry=catalogue_entry):
        table.add_row(le["what"], le["where"], le["result"], le["source"],
                      le["catalogue_entry"])
    console.print(table)


@programme_app.command("add-lesson")
@report_errors
def add_lesson_command(
    what: Annotated[str, typer.Option("--what", help="What was done.")],
    where: Annotated[str, typer.Option("--where", help="Where (place name).")],
    result: Annotated[str, typer.Option("--result", help="What came of it.")],
    source: Annotated[str, typer.Option("--source", help="Where this is written down.")],
    area: Annotated[str, typer.Option("--area", help="CBS area code.")] = "",
    catalogue_entry: Annotated[str, typer.Option("--catalogue", help="Catalogue id.")] = "",
    project: Annotated[str, typer.Option("--project", help="Project code.")] = "",
) -> None:
    """Add a lesson to the knowledge base (as programme staff)."""
    from groengezond.programme.schemas import LessonData
    from groengezond.programme.store import STAFF_CLI, add_lesson

    lesson = LessonData(what=what, where=where, area_code=area, result=result, source=source,
                        catalogue_entry=catalogue_entry, project=project)
    number = add_lesson(_db(), STAFF_CLI, lesson)
    console.print(f"added lesson {number}", highlight=False)
