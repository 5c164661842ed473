"""Reading and writing a Region as a folder of GeoParquet files plus ``region.json``.

Layout (DESIGN § The Region store)::

    region.json  areas.parquet  indicators.parquet  addresses.parquet  buildings.parquet
    green.parquet  trees.parquet  network_nodes.parquet  network_edges.parquet
    barriers.parquet  landcover.tif

Writes are atomic: a region is written to a temporary folder next to the target, then renamed,
so a failed write never leaves a half-written region. :func:`read_region` validates what it
reads (:mod:`groengezond.region.checks`) and raises one :class:`~groengezond.errors.InputError`
with every problem found.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import tempfile
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import rasterio
from pydantic import ValidationError

from groengezond.errors import InputError, Problem
from groengezond.region import checks
from groengezond.region.model import Landcover, Region, RegionMeta, empty_layer
from groengezond.region.quality import GEOMETRY_QUALITY, area_geometry_quality
from groengezond.region.schema import CRS, LANDCOVER_FILE, LAYERS, META_FILE, REQUIRED_LAYERS
from groengezond.sources._io import parquet_footer_problem

OWNER_FILE = ".gg-owner"
"""Marker in a temporary region folder: the host and process id writing it."""


def _owner_alive(tmp: Path) -> bool:
    """True when the process that made temporary folder ``tmp`` is still running here."""
    try:
        host, pid = (tmp / OWNER_FILE).read_text("utf-8").split()
        if host != socket.gethostname():
            return True  # another machine's: not ours to judge
        os.kill(int(pid), 0)
    except (OSError, ValueError):
        return False
    return True


def remove_stale_temporaries(target: Path) -> list[Path]:
    """Remove what killed writes of ``target`` left behind: ``.NAME.tmp-*`` and
    ``.NAME.old-*`` folders beside it whose writing process has gone. Returns them."""
    target = Path(target)
    if not target.parent.is_dir():
        return []
    gone = []
    for pattern in (f".{target.name}.tmp-*", f".{target.name}.old-*"):
        for stale in target.parent.glob(pattern):
            if stale.is_dir() and not stale.is_symlink() and not _owner_alive(stale):
                shutil.rmtree(stale, ignore_errors=True)
                gone.append(stale)
    return gone


def check_output_folder(out: Path, *, force: bool = False,
                        inputs: Iterable[Path] = (), option: str = "--out") -> None:
    """Refuse an output folder whose replacement would destroy something else.

    Refused, whatever ``force`` says: an existing *file* at ``out``; a folder that is, or
    holds, the config or any input (``inputs``); the working directory, an ancestor of it,
    the home folder, the file-system root, or a folder holding ``.git``. Refused unless
    ``force``: a non-empty folder without ``region.json`` (not a region: probably someone's
    files).

    Raises
    ------
    InputError
        Naming the folder, what it holds and what to do.
    """
    out = Path(out)
    if not out.exists() and not out.is_symlink():
        return
    where = str(out)
    if not out.is_dir():
        raise InputError.single(option, where, "", "is an existing file, not a folder",
                                "give a new or a region folder to write the region to")
    real = out.resolve()
    for item in inputs:
        p = Path(item).resolve()
        if p == real or real in p.parents:
            raise InputError.single(option, where, "", f"holds an input of this run ({item})",
                                    "write the region to a folder of its own (it is replaced "
                                    "as a whole)")
    cwd, home = Path.cwd().resolve(), Path.home().resolve()
    if real in (cwd, home, Path(real.anchor)) or real in cwd.parents or (real / ".git").exists():
        raise InputError.single(option, where, "", "is the working folder, a parent of it, "
                                "the home folder or a repository",
                                "write the region to a folder of its own (it is replaced "
                                "as a whole)")
    if not force and not (out / META_FILE).exists() and any(out.iterdir()):
        raise InputError.single(option, where, "", f"is not empty and holds no {META_FILE} "
                                "(it is not a region folder)",
                                "give a new or an empty folder, or a region folder; add "
                                "--force to replace this folder and everything in it")


@contextmanager
def atomic_dir(target: Path) -> Iterator[Path]:
    """Yield a temporary folder that replaces ``target`` only when the block succeeds.

    Temporary folders that earlier, killed writes of the same target left behind are
    removed first (:func:`remove_stale_temporaries`).

    Parameters
    ----------
    target : Path
        Folder to create or replace.

    Yields
    ------
    Path
        Temporary folder next to ``target``; it is removed if the block raises.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(target)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    (tmp / OWNER_FILE).write_text(f"{socket.gethostname()} {os.getpid()}\n", "utf-8")
    try:
        yield tmp
        (tmp / OWNER_FILE).unlink(missing_ok=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old: Path | None = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{uuid.uuid4().hex[:8]}")
        target.rename(old)
    tmp.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


@contextmanager
def atomic_file(target: Path) -> Iterator[Path]:
    """Yield a temporary file path that replaces ``target`` only when the block succeeds."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.stem}.tmp-{uuid.uuid4().hex[:8]}{target.suffix}")
    try:
        yield tmp
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, target)


def write_landcover(landcover: Landcover, path: Path) -> None:
    """Write a land-cover raster as a tiled, compressed GeoTIFF in EPSG:28992."""
    rows, cols = landcover.classes.shape
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        height=rows,
        width=cols,
        count=1,
        dtype="uint8",
        crs=CRS,
        transform=landcover.transform,
        nodata=0,
        compress="deflate",
        tiled=True,
        blockxsize=256,
        blockysize=256,
    ) as dst:
        dst.write(landcover.classes, 1)


def read_landcover(path: Path) -> Landcover:
    """Read a land-cover GeoTIFF; raises InputError if it is not uint8 in EPSG:28992."""
    try:
        with rasterio.open(path) as src:
            problems = []
            if src.crs is None or src.crs.to_epsg() != 28992:
                problems.append(
                    Problem(path.name, "", "crs", f"raster CRS is {src.crs}, not EPSG:28992",
                            "reproject the raster to RD New (EPSG:28992)")
                )
            if src.dtypes[0] != "uint8":
                problems.append(
                    Problem(path.name, "band 1", "dtype", f"cells are {src.dtypes[0]}",
                            "store land-cover classes as uint8 codes")
                )
            if problems:
                raise InputError(problems)
            return Landcover(np.asarray(src.read(1), dtype=np.uint8), src.transform)
    except rasterio.errors.RasterioError as exc:
        raise InputError.single(path.name, "", "", f"cannot be read as a GeoTIFF ({exc})",
                                "write a GeoTIFF with one uint8 band") from exc


def write_region(region: Region, path: Path) -> Path:
    """Write ``region`` to the folder ``path`` (replacing it atomically).

    Parameters
    ----------
    region : Region
        The region to write.
    path : Path
        Target folder.

    Returns
    -------
    Path
        The folder written.
    """
    path = Path(path)
    with atomic_dir(path) as tmp:
        (tmp / META_FILE).write_text(region.meta.model_dump_json(indent=2) + "\n", "utf-8")
        for layer in LAYERS:
            frame = region.layer(layer.name)
            if layer.is_spatial:
                gpd.GeoDataFrame(frame).to_parquet(tmp / layer.file, index=False,
                                                   compression="zstd", write_covering_bbox=True)
            else:
                pd.DataFrame(frame).to_parquet(tmp / layer.file, index=False, compression="zstd")
        if region.landcover is not None:
            write_landcover(region.landcover, tmp / LANDCOVER_FILE)
    return path


def read_meta(path: Path) -> RegionMeta:
    """Read and validate ``region.json`` in the folder ``path``."""
    file = Path(path) / META_FILE
    if not file.exists():
        raise InputError.single(str(file), "", "", "is missing",
                                "point to a region folder made by 'groengezond synth' or 'build'")
    try:
        raw = json.loads(file.read_text("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError.single(str(file), "", "", f"is not valid JSON ({exc})",
                                "repair the file or write the region again") from exc
    if not isinstance(raw, dict):
        raise InputError.single(str(file), "", "", "does not hold a JSON object",
                                "write an object with name, crs, synthetic, sources")
    try:
        meta = RegionMeta.model_validate(raw)
    except ValidationError as exc:
        raise InputError(
            Problem(META_FILE, "", ".".join(str(x) for x in err["loc"]), err["msg"],
                    "give a value of the right type (see docs/region-store.md)")
            for err in exc.errors()
        ) from exc
    if meta.crs != CRS:
        raise InputError.single(META_FILE, "", "crs", f"CRS is {meta.crs!r}",
                                f"regions are stored in {CRS} (RD New); reproject the layers")
    return meta


def _read_table(folder: Path, name: str) -> tuple[pd.DataFrame | None, list[Problem]]:
    layer = next(layer for layer in LAYERS if layer.name == name)
    file = folder / layer.file
    if not file.exists():
        if name in REQUIRED_LAYERS:
            return None, [Problem(layer.file, "", "", "is missing",
                                  "every region needs this file; write the region again")]
        return empty_layer(layer), []
    early = parquet_footer_problem(file)
    if early is not None:
        return None, [Problem(layer.file, "", "", f"cannot be read as Parquet: it {early}",
                              "write the file again from its source")]
    try:
        if layer.is_spatial:
            geo_meta = pq.read_schema(file).metadata or {}
            if b"geo" not in geo_meta:
                return None, [Problem(layer.file, "", "geometry", "is not GeoParquet (no 'geo' "
                                      "metadata)", "write it with geopandas.to_parquet")]
            frame: pd.DataFrame = gpd.read_parquet(file)
        else:
            frame = pd.read_parquet(file)
    except Exception as exc:  # pyarrow and geopandas raise many types for a corrupt file
        why = f"cannot be read as Parquet ({type(exc).__name__}: {exc})"
        return None, [Problem(layer.file, "", "", why, "write the file again from its source")]
    return frame, []


def read_region(path: Path, *, validate: bool = True) -> Region:
    """Read the region in folder ``path``.

    Parameters
    ----------
    path : Path
        Region folder.
    validate : bool
        Run every check of :mod:`groengezond.region.checks` (default). Without it, only the
        files' readability is checked.

    Returns
    -------
    Region

    Raises
    ------
    InputError
        With every problem found in every file.
    """
    folder = Path(path)
    if not folder.is_dir():
        raise InputError.single(str(folder), "", "", "is not a folder",
                                "give the folder of a region (e.g. made by 'groengezond synth')")
    meta = read_meta(folder)
    problems: list[Problem] = []
    frames: dict[str, pd.DataFrame] = {}
    for layer in LAYERS:
        frame, found = _read_table(folder, layer.name)
        problems += found
        if frame is not None:
            frames[layer.name] = frame
    landcover: Landcover | None = None
    if (folder / LANDCOVER_FILE).exists():
        try:
            landcover = read_landcover(folder / LANDCOVER_FILE)
        except InputError as exc:
            problems += exc.problems
    if validate:
        problems += checks.check_layers(frames, landcover, meta)
    if problems:
        raise InputError(problems)
    return Region(meta=meta, landcover=landcover, **frames)


def metadata_rows(meta: RegionMeta) -> pd.DataFrame:
    """The region's metadata as key/value rows, for exports that have no JSON sidecar."""
    rows = [
        ("name", meta.name),
        ("crs", meta.crs),
        ("synthetic", "true" if meta.synthetic else "false"),
        ("years", ",".join(str(y) for y in meta.years)),
        ("attribution",
         "; ".join(f"{s.name} ({s.licence}): {s.attribution}" for s in meta.sources)),
        ("sources_json", json.dumps([s.model_dump() for s in meta.sources], ensure_ascii=False)),
        ("notes", "\n".join(meta.notes)),
        ("landcover_classes_json", json.dumps(meta.landcover_classes)),
        ("quality_json", json.dumps({k: q.model_dump() for k, q in meta.quality.items()},
                                    ensure_ascii=False)),
    ]
    return pd.DataFrame(rows, columns=["key", "value"])


def export_gpkg(region: Region, path: Path) -> Path:
    """Export a region to one GeoPackage for GIS users (QGIS opens it directly).

    Every non-empty spatial layer becomes a vector layer of the same name, ``indicators`` an
    attribute table, ``region_metadata`` a key/value table carrying ``synthetic`` and the
    attribution of every source and the layers' quality records (``quality_json``), and the
    land-cover raster a raster table ``landcover``. The ``areas`` layer always has the column
    ``geometry_quality`` (real / derived / placeholder), so a GIS user sees which polygons are
    placeholders. The file is written under a temporary name and renamed when complete.

    Parameters
    ----------
    region : Region
        The region to export.
    path : Path
        Target ``.gpkg`` file (replaced if it exists).

    Returns
    -------
    Path
        The file written.
    """
    import pyogrio

    path = Path(path)
    with atomic_file(path) as tmp:
        pyogrio.write_dataframe(metadata_rows(region.meta), tmp, layer="region_metadata",
                                driver="GPKG")
        for layer in LAYERS:
            frame = region.layer(layer.name)
            if len(frame) == 0:
                continue
            if layer.name == "areas":
                frame = frame.assign(**{GEOMETRY_QUALITY: area_geometry_quality(frame)})
            if layer.is_spatial:
                pyogrio.write_dataframe(gpd.GeoDataFrame(frame), tmp, layer=layer.name,
                                        driver="GPKG", promote_to_multi=False)
            else:
                pyogrio.write_dataframe(pd.DataFrame(frame), tmp, layer=layer.name, driver="GPKG")
        if region.landcover is not None:
            rows, cols = region.landcover.classes.shape
            with rasterio.open(tmp, "w", driver="GPKG", height=rows, width=cols, count=1,
                               dtype="uint8", crs=CRS, transform=region.landcover.transform,
                               RASTER_TABLE="landcover", APPEND_SUBDATASET="YES",
                               TILE_FORMAT="PNG") as dst:
                dst.write(region.landcover.classes, 1)
    return path
