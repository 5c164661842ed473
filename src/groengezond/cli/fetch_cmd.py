"""``groengezond fetch``: download CBS, PDOK, RIVM, 3DBAG and OSM data for gemeenten (online
only)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from groengezond.cli.common import console, progress_bar, report_errors
from groengezond.sources._http import HttpClient
from groengezond.sources.fetch import fetch_sources

DEFAULT_CACHE = Path.home() / ".cache" / "groengezond" / "http"


@report_errors
def fetch_command(
    gemeente: Annotated[list[str], typer.Option("--gemeente", help="CBS gemeente code, e.g. "
                                                "GM0344; repeat for more gemeenten.")],
    year: Annotated[int, typer.Option("--year", help="KWB year and map year (2019-2024).")],
    out: Annotated[Path, typer.Option("--out", help="Folder to write the files and a "
                                      "sources.yaml to (replaced atomically).")],
    buildings: Annotated[bool, typer.Option("--buildings/--no-buildings",
                                            help="Also download 3DBAG buildings.")] = True,
    osm: Annotated[bool, typer.Option("--osm/--no-osm", help="Also download OpenStreetMap "
                                      "(walking network, green, trees) from the Overpass "
                                      "API.")] = True,
    health: Annotated[bool, typer.Option("--health/--no-health",
                                         help="Also download the RIVM health estimates per "
                                              "wijk and buurt (50090NED).")] = True,
    cache_dir: Annotated[Path, typer.Option("--cache-dir", help="Cache of downloaded "
                                            "responses.")] = DEFAULT_CACHE,
    refresh: Annotated[bool, typer.Option("--refresh", help="Ignore cached responses.")]
    = False,
) -> None:
    """Download the open data of GEMEENTEN for YEAR and write a build config (needs internet)."""
    with HttpClient(cache_dir=cache_dir, refresh=refresh) as client, \
            progress_bar(f"Fetching {', '.join(gemeente)} {year}") as progress:
        result = fetch_sources(list(gemeente), year, out, client, buildings=buildings,
                               osm=osm, health=health, progress=progress)
    for name, n in result.counts.items():
        console.print(f"{name}: {n:,}")
    console.print(f"Wrote {out} ({client.requests} requests, {client.cache_hits} from cache). "
                  f"Next: groengezond build --config {result.config} --out REGION")
