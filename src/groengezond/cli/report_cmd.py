"""``groengezond report area CODE --region DIR --lang nl|en --format pdf|html|json --out FILE``."""

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
