"""``groengezond access REGION --min-size-ha X --out DIR``: green access per address and area."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from groengezond.cli.common import console, progress_bar, report_errors
from groengezond.region.store import read_region
from groengezond.services.access import AccessOptions, compute_access, summary_rows, write_access


@report_errors
def access_command(
    region: Path = typer.Argument(..., help="Region folder (e.g. made by 'groengezond synth')."),
    min_size_ha: float = typer.Option(1.0, "--min-size-ha", min=0.0,
                                      help="Minimum size of a public green space (ha)."),
    out: Path = typer.Option(Path("access-out"), "--out",
                             help="Folder for access_addresses.parquet and access_areas.parquet."),
    doorstep: bool = typer.Option(True, "--doorstep/--no-doorstep",
                                  help="Add the walk from the front door to the street (the "
                                       "snap distance) to network distances."),
    allow_degraded_network: bool = typer.Option(
        False, "--allow-degraded-network",
        help="Publish network distances even when the walking network fails the quality gate "
             "(< 95 % of residents in its main component, or a median snap > 50 m); every "
             "figure is then flagged (network_degraded)."),
) -> None:
    """Nearest public green (network and straight line), WHO 300 m, 3-30-300 and supply."""
    data = read_region(region)
    options = AccessOptions(min_size_ha=min_size_ha, doorstep=doorstep,
                            allow_degraded_network=allow_degraded_network)
    with progress_bar("green access") as progress:
        result = compute_access(data, options, progress)
    addresses_file, areas_file = write_access(result, out)
    table = Table(title=f"Green access — {data.meta.name}"
                  + (" (synthetic)" if data.meta.synthetic else ""))
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_column("note")
    for measure, value, note in summary_rows(result):
        table.add_row(measure, value, note)
    console.print(table)
    if result.summary.get("network_degraded"):
        console.print("[yellow]warning:[/] the walking network is degraded ("
                      + "; ".join(result.summary["network_degraded_reasons"])
                      + "): every network figure is flagged (column network_degraded)",
                      highlight=False, soft_wrap=True)
    console.print(f"wrote {addresses_file} and {areas_file}", highlight=False, soft_wrap=True)
