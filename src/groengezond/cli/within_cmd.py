"""``groengezond within-gaps``: the health gap within every gemeente, from RIVM buurt values.

A thin adapter over :func:`groengezond.indicators.within_gaps.within_gemeente_gaps`: reads one
RIVM 50090NED table (all buurten of the Netherlands), prints a summary and writes one CSV row
per gemeente. The buurten have no polygons and no inhabitants here: every row says so
(``geometry = none``, ``weights = equal_per_buurt``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import typer

from groengezond.cli.common import console, report_errors
from groengezond.errors import InputError
from groengezond.indicators.within_gaps import within_gemeente_gaps
from groengezond.region.store import atomic_file
from groengezond.sources.rivm_50090 import read_rivm_50090


@report_errors
def within_gaps_command(
    health: Path = typer.Argument(..., help="A RIVM 50090NED table (xlsx/CSV) of all buurten."),
    indicator: str = typer.Option("perceived_health_good_pct", "--indicator"),
    rank_by: str = typer.Option("difficulty_making_ends_meet_pct", "--rank-by",
                                help="Deprivation indicator (higher = more deprived)."),
    year: int = typer.Option(..., "--year"),
    age_group: str = typer.Option("18+", "--age-group"),
    out: Path = typer.Option(Path("within-gaps.csv"), "--out", help="CSV file to write."),
) -> None:
    """SII of an indicator within every gemeente, its buurten ranked by deprivation."""
    table = read_rivm_50090(health).indicators
    gaps = within_gemeente_gaps(table, indicator, rank_by, year, age_group)
    if gaps.empty:
        raise InputError.single(health.name, "", "indicator",
                                f"has no buurt values of {indicator!r} and {rank_by!r} for "
                                f"{year}, {age_group}",
                                "choose indicators and a year the table holds")
    with atomic_file(out) as tmp:
        gaps.to_csv(tmp, index=False)
    done = gaps[gaps["not_computable"] == ""]
    console.print(f"{len(done)} of {len(gaps)} gemeenten: median SII within the gemeente "
                  f"{np.median(done['sii']):.1f} points (buurten weighted equally, no "
                  f"polygons); wrote {out}", highlight=False, soft_wrap=True)
