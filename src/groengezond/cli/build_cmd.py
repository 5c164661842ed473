"""``groengezond build``: make a Region from real open data listed in a sources.yaml."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import BaseModel
from rich.table import Table

from groengezond.cli.common import console, progress_bar, report_errors
from groengezond.services.build import build_to_folder


def input_paths(model: Any) -> list[Path]:
    """Every file path named in a (nested) config model."""
    found: list[Path] = []
    stack: list[Any] = [model]
    while stack:
        v = stack.pop()
        if isinstance(v, Path):
            found.append(v)
        elif isinstance(v, BaseModel):
            stack.extend(getattr(v, name) for name in type(v).model_fields)
        elif isinstance(v, (list, tuple, set)):
            stack.extend(v)
        elif isinstance(v, dict):
            stack.extend(v.values())
    return found


@report_errors
def build_command(
    config: Annotated[Path, typer.Option("--config", help="sources.yaml listing the files of "
                                         "each layer (see examples/utrecht-sources.yaml).")],
    out: Annotated[Path, typer.Option("--out", help="Region folder to write (replaced "
                                      "atomically, only when the build is valid).")],
    force: Annotated[bool, typer.Option(
        "--force", help="Replace OUT even when it is a non-empty folder that is not a region "
                        "(never a folder holding the config or an input).")] = False,
) -> None:
    """Build a validated region from CBS, PDOK, RIVM, OSM and 3DBAG files and write it to OUT."""
    from groengezond.region.store import check_output_folder
    from groengezond.sources.config import load_config

    check_output_folder(out, force=force, inputs=[config])  # before the config is even read
    check_output_folder(out, force=force, inputs=[config, *input_paths(load_config(config))])
    with progress_bar("Building region") as progress:
        report = build_to_folder(config, out, progress=progress)
    console.print(f"Wrote region '{report.name}' to {out} (years "
                  f"{', '.join(map(str, report.years))})")
    table = Table("layer", "rows", title="Contents")
    for name, n in report.counts.items():
        table.add_row(name, f"{n:,}")
    console.print(table)
    for note in report.notes:
        console.print(f"[cyan]note:[/] {note}", highlight=False, soft_wrap=True)
    for warning in report.warnings:
        console.print(f"[yellow]warning:[/] {warning}", highlight=False, soft_wrap=True)
    for layer, consequence in report.missing.items():
        console.print(f"[yellow]missing layer '{layer}':[/] {consequence}", highlight=False,
                      soft_wrap=True)
    if report.missing:
        console.print(f"Still computable: {report.still_possible}, and everything that needs "
                      "only the layers given.", highlight=False, soft_wrap=True)
