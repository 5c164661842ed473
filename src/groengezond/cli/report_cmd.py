"""``groengezond report area CODE``, ``report scenario FILE``, ``report evaluation FILE``:
Versneller reports as tagged PDF, HTML or their JSON data, Dutch or English."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from groengezond.cli.common import console, report_errors

report_app = typer.Typer(help="Versneller reports (HTML or tagged PDF, Dutch or English).",
                         no_args_is_help=True)


@report_app.command("area")
@report_errors
def area_command(
    code: Annotated[str, typer.Argument(help="CBS code of a buurt, wijk or gemeente.")],
    region: Annotated[Path, typer.Option("--region", help="Region folder.")],
    out: Annotated[Path, typer.Option("--out", help="File to write (.pdf, .html or .json).")],
    lang: Annotated[str, typer.Option("--lang", help="nl (Dutch) or en (English).")] = "nl",
    fmt: Annotated[str, typer.Option("--format", help="pdf, html or json (the data).")] = "pdf",
) -> None:
    """An area's indicators with intervals and trends, its place in the gaps, green access,
    field labs and lessons, as one report."""
    from groengezond.indicators.registry import load_registry
    from groengezond.participation.db import Database
    from groengezond.programme.db import ProgrammeDatabase
    from groengezond.programme.knowledge import lessons_for_area
    from groengezond.region.store import read_region
    from groengezond.reports.area import area_report, render_area_report
    from groengezond.reports.gather import access_row, access_table, field_labs, monitor_tables
    from groengezond.reports.render import check_format, check_lang, write_report
    from groengezond.settings import get_settings

    language = check_lang(lang)
    fmt_ok = "json" if fmt == "json" else check_format(fmt)
    data = read_region(region)
    reg = load_registry()
    values, trends = monitor_tables(data, reg)
    url = get_settings().database_url
    participation, programme = Database.from_url(url), ProgrammeDatabase.from_url(url)
    try:
        report = area_report(code, data.meta, data.areas, values, trends, reg,
                             access=access_row(access_table(data, region), code),
                             field_labs=field_labs(participation),
                             lessons=lessons_for_area(programme, data.areas, code))
    finally:
        participation.dispose()
        programme.dispose()
    if fmt_ok == "json":
        content = report.model_dump_json(indent=2).encode("utf-8")
    else:
        content = render_area_report(report, data.areas, language, fmt_ok)
    write_report(content, out)
    console.print(f"wrote {out}", highlight=False, soft_wrap=True)


@report_app.command("scenario")
@report_errors
def scenario_command(
    file: Annotated[Path, typer.Argument(help="Scenario YAML (as `groengezond plan` reads).")],
    out: Annotated[Path, typer.Option("--out", help="File to write (.pdf, .html or .json).")],
    region: Annotated[Path | None, typer.Option(
        "--region", help="Region folder (default: the scenario's region).")] = None,
    lang: Annotated[str, typer.Option("--lang", help="nl (Dutch) or en (English).")] = "nl",
    fmt: Annotated[str, typer.Option("--format", help="pdf, html or json (the data).")] = "pdf",
    seed: Annotated[int, typer.Option("--seed", help="Seed of the Monte Carlo.")] = 42,
    draws: Annotated[int, typer.Option("--draws", help="Monte Carlo draws (1,000-10,000).",
                                       min=1000, max=10000)] = 1000,
    ref: Annotated[str | None, typer.Option(
        "--ref", help="Id the scenario was published under in a field lab (default: match "
                      "by name), for the residents' comments.")] = None,
) -> None:
    """A scenario's plan on a map, effects per buurt, euros and costs with intervals, the
    health gap, the assumptions and what residents said in a field lab, as one report."""
    import numpy as np

    from groengezond.participation.db import Database
    from groengezond.programme.db import ProgrammeDatabase
    from groengezond.programme.knowledge import search_lessons
    from groengezond.reports.render import check_format, check_lang, write_report
    from groengezond.reports.scenario import (
        published_feedback,
        render_scenario_report,
        scenario_report,
    )
    from groengezond.scenario.io import load_scenario
    from groengezond.services.plan import Planner, base_region
    from groengezond.settings import get_settings

    language = check_lang(lang)
    fmt_ok = "json" if fmt == "json" else check_format(fmt)
    scenario = load_scenario(file)
    data = base_region(scenario, region)
    result = Planner(data).run(scenario, np.random.default_rng(seed), n_draws=draws, seed=seed)
    url = get_settings().database_url
    participation, programme = Database.from_url(url), ProgrammeDatabase.from_url(url)
    try:
        entries = {i.catalogue_id for i in scenario.interventions if i.catalogue_id}
        lessons = [le for e in sorted(entries)
                   for le in search_lessons(programme, catalogue_entry=e, limit=5)]
        report = scenario_report(scenario, result, data.meta,
                                 feedback=published_feedback(participation, scenario.name, ref),
                                 lessons=lessons)
    finally:
        participation.dispose()
        programme.dispose()
    if fmt_ok == "json":
        content = report.model_dump_json(indent=2).encode("utf-8")
    else:
        content = render_scenario_report(report, scenario, data.areas, language, fmt_ok)
    write_report(content, out)
    console.print(f"wrote {out}", highlight=False, soft_wrap=True)


@report_app.command("evaluation")
@report_errors
def evaluation_command(
    file: Annotated[Path, typer.Argument(
        help="estimates.json written by `groengezond evaluate estimate`.")],
    region: Annotated[Path, typer.Option("--region", help="Region folder it was run on.")],
    out: Annotated[Path, typer.Option("--out", help="File to write (.pdf, .html or .json).")],
    lang: Annotated[str, typer.Option("--lang", help="nl (Dutch) or en (English).")] = "nl",
    fmt: Annotated[str, typer.Option("--format", help="pdf, html or json (the data).")] = "pdf",
    level: Annotated[str, typer.Option("--level", help="Level of the areas compared.")]
    = "buurt",
) -> None:
    """The Evaluator's estimate (effect with its interval, verdict, event study, series)."""
    import json

    from groengezond.errors import InputError
    from groengezond.indicators.registry import load_registry
    from groengezond.region.store import read_region
    from groengezond.reports.evaluation import evaluation_report, render_evaluation_report
    from groengezond.reports.render import check_format, check_lang, write_report

    language = check_lang(lang)
    fmt_ok = "json" if fmt == "json" else check_format(fmt)
    try:
        doc = json.loads(Path(file).read_text("utf-8"))
        assert isinstance(doc, dict) and "indicator" in doc and "estimates" in doc
    except (OSError, ValueError, AssertionError):
        raise InputError.single(str(file), "", "", "is not an estimates.json of the Evaluator",
                                "give the estimates.json that `groengezond evaluate estimate` "
                                "wrote") from None
    meta = read_region(region).meta
    report = evaluation_report(doc, load_registry(), meta, level=level)
    content = report.model_dump_json(indent=2).encode("utf-8") if fmt_ok == "json" else \
        render_evaluation_report(report, language, fmt_ok)
    write_report(content, out)
    console.print(f"wrote {out}", highlight=False, soft_wrap=True)
