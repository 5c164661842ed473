"""The baseline of a region: what the Monitor and the Planner compare scenarios against.

For now the baseline is the green access of every address and area
(:func:`groengezond.services.access.compute_access`), written beside the region in
``<region>/baseline/`` as ``access_addresses.parquet`` and ``access_areas.parquet``, plus a
``baseline.json`` with the summary, the options and the region's generator parameters, so
that the run is reproducible, and the map's tiles pre-built into ``tiles.mbtiles`` (see
:mod:`groengezond.api.tile_store`), so a freshly started server has them at once.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from groengezond.region.store import atomic_file, read_region
from groengezond.services.access import AccessOptions, compute_access, summary_rows, write_access

BASELINE_DIR = "baseline"
"""Sub-folder of a region folder that holds its baseline results."""


def _jsonable(value: Any) -> Any:
    """Turn numpy scalars into plain numbers for JSON."""
    if hasattr(value, "item"):
        return value.item()
    return str(value)


def compute_baseline(
    region_dir: Path,
    options: AccessOptions | None = None,
    progress: Callable[[str, float], None] | None = None,
    tiles: bool = True,
) -> list[str]:
    """Compute and write the baseline of the region in ``region_dir``.

    Parameters
    ----------
    region_dir : Path
        Region folder; results go to ``region_dir / "baseline"``.
    options : AccessOptions, optional
        Access parameters (defaults: public green ≥ 1 ha, 300 m).
    progress : callable, optional
        ``progress(step, fraction)`` callback.
    tiles : bool
        Also pre-build the map's tiles into ``baseline/tiles.mbtiles``
        (:func:`groengezond.api.tile_store.build_tile_store`), which the server serves from.

    Returns
    -------
    list of str
        Human-readable summary lines (measure: value).
    """
    region = read_region(region_dir)
    # the baseline feeds the API and the web app: a degraded network is flagged, not refused
    opts = options or AccessOptions(allow_degraded_network=True)
    result = compute_access(region, opts, progress)
    out = Path(region_dir) / BASELINE_DIR
    write_access(result, out)
    doc: dict[str, Any] = {
        "region": region.meta.name,
        "synthetic": region.meta.synthetic,
        "generator": region.meta.generator,
        "options": opts.model_dump(),
        "summary": result.summary,
    }
    with atomic_file(out / "baseline.json") as tmp:
        tmp.write_text(json.dumps(doc, indent=2, default=_jsonable) + "\n", "utf-8")
    lines = [f"Baseline of '{region.meta.name}' written to {out}"]
    lines += [f"  {measure}: {value}" + (f" ({note})" if note else "")
              for measure, value, note in summary_rows(result)]
    if tiles:
        # the map's tiles, so that a freshly started server draws the first view at once
        from groengezond.api.tile_store import build_tile_store

        store = build_tile_store(region, Path(region_dir), progress)
        lines.append(f"  map tiles: {store.vector_tiles} vector and {store.landcover_tiles} "
                     f"land-cover tiles to zoom {store.max_zoom} in {store.path.name} "
                     f"({store.bytes / 1e6:.1f} MB, {store.seconds:.1f} s)")
    return lines
