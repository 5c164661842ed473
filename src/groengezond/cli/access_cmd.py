"""``groengezond access REGION --min-size-ha X --out DIR``: green access per address and area."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from groengezond.cli.common import console, progress_bar, report_errors
from groengezond.region.quality import region_quality
from groengezond.region.store import read_region
from groengezond.services.access import AccessOptions, compute_access, summary_rows, write_access
from groengezond.services.distributed import (
    DEFAULT_PARTITIONS,
    DaskSettings,
    dask_client,
    distributed_mapper,
)


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
    workers: int = typer.Option(0, "--workers", min=0,
                                help="Run the catchments on a local Dask cluster of this many "
                                     "worker processes (0: in this process)."),
    scheduler: str = typer.Option("", "--scheduler",
                                  help="Address of an existing Dask scheduler (tcp://host:8786) "
                                       "to run the catchments on, instead of a local cluster."),
    partitions: int = typer.Option(DEFAULT_PARTITIONS, "--partitions", min=1,
                                   help="Spatial partitions of the green spaces for Dask (the "
                                        "results do not depend on it)."),
) -> None:
    """Nearest public green (network and straight line), WHO 300 m, 3-30-300 and supply."""
    data = read_region(region)
    options = AccessOptions(min_size_ha=min_size_ha, doorstep=doorstep,
                            allow_degraded_network=allow_degraded_network)
    if workers or scheduler:
        settings = DaskSettings(workers=max(workers, 1), scheduler=scheduler or None)
        with dask_client(settings) as client, progress_bar("green access") as progress:
            result = compute_access(data, options, progress,
                                    tile_mapper=distributed_mapper(client, partitions))
    else:
        with progress_bar("green access") as progress:
            result = compute_access(data, options, progress)
    addresses_file, areas_file = write_access(result, out)
    table = Table(title=f"Green access — {data.meta.name}"
                  + (" (synthetic)" if data.meta.synthetic else ""))
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_column("note")
    for measure, value, note in summary_rows(result):
        table.add_row(measure, escape(value), note)  # "[placeholder]" is text, not markup
    console.print(table)
    if result.summary.get("network_degraded"):
        console.print("[yellow]warning:[/] the walking network is degraded ("
                      + "; ".join(result.summary["network_degraded_reasons"])
                      + "): every network figure is flagged (column network_degraded)",
                      highlight=False, soft_wrap=True)
    if result.summary.get("quality", "real") not in ("real", "derived"):
        records = region_quality(data)
        why = "; ".join(f"{name}: {records[name].reason}" for name in
                        ("addresses", "green", "network")
                        if name in records and not records[name].usable)
        console.print(f"[yellow]quality: {result.summary['quality']}[/] — these figures rest "
                      f"on stand-in data, not real ones ({why})", highlight=False)
    console.print(f"wrote {addresses_file} and {areas_file}", highlight=False, soft_wrap=True)
