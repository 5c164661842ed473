"""Focal statistics on the 10 m land-cover raster: green share within r, and an NDVI proxy.

**Green share within r** of a cell is the share of the valid (non-nodata) cells whose centre
lies within a circle of radius :math:`r` around the cell's centre that are green
(:data:`~groengezond.region.schema.GREEN_CLASSES`):

.. math::

    s_r(x) = \\frac{\\sum_y K_r(x - y)\\, g(y)}{\\sum_y K_r(x - y)\\, v(y)}, \\qquad
    K_r(\\delta) = [\\lVert \\delta \\rVert \\le r]

with :math:`g` the green indicator and :math:`v` the valid indicator. Cells near the edge of
the raster or next to nodata average over the valid part of their circle only. The kernel is
an exact disc of cells (not a square approximation); the convolutions run by FFT
(:func:`scipy.signal.fftconvolve`, single precision, results rounded to 1e-6). The radii 300,
500 and 1,000 m follow the exposure windows of the evidence: 300 m (WHO), 500 m (NDVI window
of Rojas-Rueda et al. 2019) and 1 km (Maas et al. 2009).

A change on a small window (a new park) changes :math:`s_r` only within :math:`r` of it;
:func:`update_green_share` convolves just the difference there (a "local raster window").

**NDVI proxy** (:data:`NDVI_BY_CLASS`): a typical summer NDVI per land-cover class. The values
are an **assumption** within the ranges the USGS gives for Landsat NDVI (water negative, bare
or built-up about 0-0.2, grass and crops about 0.3-0.7, dense tree canopy about 0.6-0.9;
USGS, *Landsat Normalized Difference Vegetation Index*), until a measured NDVI raster (e.g.
Sentinel-2) replaces it. Water cells are left out of NDVI means (nodata), as InVEST and the
RIVM do.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.fft as sp_fft
from scipy.signal import fftconvolve

from groengezond.region.model import Landcover, RegionMeta
from groengezond.region.schema import GREEN_CLASSES, LANDCOVER_CLASSES

FloatRaster = npt.NDArray[np.float32]
BoolRaster = npt.NDArray[np.bool_]

RADII_M: tuple[float, ...] = (300.0, 500.0, 1000.0)
"""Default radii (m) of the green share."""

NDVI_BY_CLASS: dict[str, float] = {
    "building": 0.05,
    "paved": 0.10,
    "low_green": 0.60,
    "trees": 0.80,
    "water": float("nan"),
    "agriculture": 0.50,
    "bare": 0.15,
}
"""Typical NDVI per land-cover class (assumption; see module docstring). Nodata is ``nan``.

Water is ``nan`` too: NDVI means are taken over land only, as in the InVEST Urban Mental
Health model and the RIVM's greenness exposure, since the negative NDVI of open water would
make a home by a river or lake look less green (issue 14)."""

NODATA = 0
"""Class code of nodata cells."""

FFT_WORKERS = 2
"""Threads for the FFTs (the reference machine has 2 cores)."""


def disc_kernel(radius_m: float, cell_m: float) -> FloatRaster:
    """Disc of cells whose centre lies within ``radius_m`` (m) of the central cell's centre."""
    k = int(np.floor(radius_m / cell_m))
    off = np.arange(-k, k + 1) * cell_m
    return (off[:, None] ** 2 + off[None, :] ** 2 <= radius_m**2).astype(np.float32)


def green_mask(landcover: Landcover, class_table: Mapping[int, str] | None = None,
               green_classes: frozenset[str] = GREEN_CLASSES) -> tuple[BoolRaster, BoolRaster]:
    """(green, valid) masks of a land-cover raster."""
    table = dict(class_table) if class_table is not None else LANDCOVER_CLASSES
    lut = np.zeros(256, dtype=bool)
    for code, name in table.items():
        if name in green_classes and int(code) != NODATA:
            lut[int(code)] = True
    valid = landcover.classes != NODATA
    return lut[landcover.classes], valid


@dataclass(frozen=True)
class GreenShare:
    """Green share within each radius, per cell.

    Attributes
    ----------
    radii_m : tuple of float
        Radii (m).
    share : dict of float to numpy.ndarray of float32
        Share (0-1) of green among valid cells within the radius; ``nan`` at nodata cells.
    green_count, valid_count : dict of float to numpy.ndarray of float32
        Numerator and denominator (cells), kept for local updates.
    cell_m : float
        Cell size (m).
    """

    radii_m: tuple[float, ...]
    share: dict[float, FloatRaster]
    green_count: dict[float, FloatRaster]
    valid_count: dict[float, FloatRaster]
    cell_m: float


def _share(green: FloatRaster, valid_count: FloatRaster, valid: BoolRaster) -> FloatRaster:
    out = np.divide(green, valid_count, out=np.full(green.shape, np.nan, dtype=np.float32),
                    where=valid_count > 0)
    out[~valid] = np.nan
    return out


def green_share(landcover: Landcover, radii_m: Sequence[float] = RADII_M,
                class_table: Mapping[int, str] | None = None) -> GreenShare:
    """Share of green cells within each radius of every cell (see module formula).

    Parameters
    ----------
    landcover : Landcover
        Land-cover raster (uint8 classes, square cells).
    radii_m : sequence of float
        Radii (m); default 300, 500 and 1,000 m.
    class_table : mapping of int to str, optional
        Class table (``region.json``); default :data:`~groengezond.region.schema.LANDCOVER_CLASSES`.

    Returns
    -------
    GreenShare
    """
    green, valid = green_mask(landcover, class_table)
    cell = landcover.cell_size_m
    kernels = {r: disc_kernel(r, cell) for r in radii_m}
    convs = _multi_conv([green.astype(np.float32), valid.astype(np.float32)], kernels)
    share, gc, vc = {}, {}, {}
    for r in radii_m:
        gc[r], vc[r] = convs[r]
        share[r] = _share(gc[r], vc[r], valid)
    return GreenShare(tuple(radii_m), share, gc, vc, cell)


def _multi_conv(images: Sequence[FloatRaster], kernels: Mapping[float, FloatRaster]
                ) -> dict[float, list[FloatRaster]]:
    """Same-size convolutions of every image with every kernel, sharing the image FFTs.

    Rounded to whole cells (inputs are 0/1 masks, so the counts are integers).
    """
    h, w = images[0].shape
    k = max(kern.shape[0] // 2 for kern in kernels.values())
    shape = (sp_fft.next_fast_len(h + 2 * k, real=True),
             sp_fft.next_fast_len(w + 2 * k, real=True))
    with sp_fft.set_workers(FFT_WORKERS):
        spectra = [sp_fft.rfft2(img, s=shape) for img in images]
        out: dict[float, list[FloatRaster]] = {}
        for r, kern in kernels.items():
            kk = kern.shape[0] // 2
            ks = sp_fft.rfft2(kern, s=shape)
            out[r] = []
            for spec in spectra:
                full = sp_fft.irfft2(spec * ks, s=shape)
                out[r].append(np.round(full[kk:kk + h, kk:kk + w]).astype(np.float32))
    return out


@dataclass(frozen=True)
class SharePatch:
    """New values of one radius's rasters on a window (rows ``r0:r1``, cols ``c0:c1``)."""

    radius_m: float
    rows: slice
    cols: slice
    share: FloatRaster
    green_count: FloatRaster
    valid_count: FloatRaster


def update_green_share(result: GreenShare, old: Landcover, new: Landcover,
                       class_table: Mapping[int, str] | None = None) -> list[SharePatch]:
    """Patches that bring ``result`` (computed on ``old``) up to date with ``new``.

    Only the window within :math:`r` of the changed cells is recomputed: the difference of
    the green (and valid) masks there is convolved with the disc and added to the counts.
    Apply the patches with :func:`apply_patches`; the outcome equals :func:`green_share` on
    ``new``.
    """
    changed = old.classes != new.classes
    if not changed.any():
        return []
    rows = np.flatnonzero(changed.any(axis=1))
    cols = np.flatnonzero(changed.any(axis=0))
    r0, r1, c0, c1 = int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1
    g_old, v_old = green_mask(Landcover(old.classes[r0:r1, c0:c1], old.transform), class_table)
    g_new, v_new = green_mask(Landcover(new.classes[r0:r1, c0:c1], new.transform), class_table)
    dg = g_new.astype(np.float32) - g_old.astype(np.float32)
    dv = v_new.astype(np.float32) - v_old.astype(np.float32)
    n_rows, n_cols = new.classes.shape
    patches = []
    for r in result.radii_m:
        kernel = disc_kernel(r, result.cell_m)
        k = kernel.shape[0] // 2
        w_r0, w_r1 = max(r0 - k, 0), min(r1 + k, n_rows)
        w_c0, w_c1 = max(c0 - k, 0), min(c1 + k, n_cols)
        full_g = fftconvolve(dg, kernel, mode="full")
        # full output index 0 corresponds to raster row r0 - k
        sr = slice(w_r0 - (r0 - k), w_r1 - (r0 - k))
        sc = slice(w_c0 - (c0 - k), w_c1 - (c0 - k))
        window = (slice(w_r0, w_r1), slice(w_c0, w_c1))
        gc = result.green_count[r][window] + np.round(full_g[sr, sc]).astype(np.float32)
        if dv.any():
            full_v = fftconvolve(dv, kernel, mode="full")
            vc = result.valid_count[r][window] + np.round(full_v[sr, sc]).astype(np.float32)
        else:
            vc = result.valid_count[r][window].copy()
        valid = new.classes[window] != NODATA
        patches.append(SharePatch(r, window[0], window[1], _share(gc, vc, valid), gc, vc))
    return patches


def apply_patches(result: GreenShare, patches: Sequence[SharePatch]) -> GreenShare:
    """A new :class:`GreenShare` with ``patches`` written in (``result`` is not changed)."""
    share = {r: a.copy() for r, a in result.share.items()}
    gc = {r: a.copy() for r, a in result.green_count.items()}
    vc = {r: a.copy() for r, a in result.valid_count.items()}
    for p in patches:
        share[p.radius_m][p.rows, p.cols] = p.share
        gc[p.radius_m][p.rows, p.cols] = p.green_count
        vc[p.radius_m][p.rows, p.cols] = p.valid_count
    return GreenShare(result.radii_m, share, gc, vc, result.cell_m)


def ndvi_proxy(landcover: Landcover, class_table: Mapping[int, str] | None = None,
               ndvi_by_class: Mapping[str, float] = NDVI_BY_CLASS) -> FloatRaster:
    """NDVI proxy per cell from its land-cover class (:data:`NDVI_BY_CLASS`); ``nan`` at nodata."""
    table = dict(class_table) if class_table is not None else LANDCOVER_CLASSES
    lut = np.full(256, np.nan, dtype=np.float32)
    for code, name in table.items():
        if name in ndvi_by_class and code != NODATA:
            lut[int(code)] = ndvi_by_class[name]
    return lut[landcover.classes]


def focal_mean(values: FloatRaster, radius_m: float, cell_m: float) -> FloatRaster:
    """Mean of the non-``nan`` values within ``radius_m`` (m) of every cell (disc kernel).

    E.g. the mean NDVI proxy within 500 m, the exposure of Rojas-Rueda et al. (2019).
    """
    valid = ~np.isnan(values)
    kernel = disc_kernel(radius_m, cell_m)
    with sp_fft.set_workers(FFT_WORKERS):
        num = fftconvolve(np.where(valid, values, 0.0).astype(np.float32), kernel, mode="same")
        den = np.round(fftconvolve(valid.astype(np.float32), kernel, mode="same"))
    out = np.divide(num, den, out=np.full(values.shape, np.nan, dtype=np.float32), where=den > 0)
    out[~valid] = np.nan
    return np.asarray(out, dtype=np.float32)


def sample(raster: FloatRaster, landcover: Landcover, xy: npt.ArrayLike) -> FloatRaster:
    """Values of ``raster`` (on ``landcover``'s grid) at points ``xy`` ((n, 2), RD New m).

    Points outside the raster get ``nan``.
    """
    pts = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
    tr = landcover.transform
    r = np.floor((pts[:, 1] - tr.f) / tr.e).astype(np.int64)
    c = np.floor((pts[:, 0] - tr.c) / tr.a).astype(np.int64)
    h, w = raster.shape
    ok = (r >= 0) & (r < h) & (c >= 0) & (c < w)
    out = np.full(len(pts), np.nan, dtype=np.float32)
    out[ok] = raster[r[ok], c[ok]]
    return out


def region_ndvi_by_class(meta: RegionMeta | None) -> dict[str, float]:
    """The NDVI per class of a region: calibrated values when its build made them.

    A real region's build stores the calibrated table (:func:`groengezond.landcover_build.
    calibrate_ndvi`) in ``region.json`` as ``ndvi_by_class``; other regions (the synthetic one)
    use :data:`NDVI_BY_CLASS`. Classes missing from the stored table keep the default.

    Parameters
    ----------
    meta : RegionMeta or None
        The region's metadata.

    Returns
    -------
    dict of str to float
        NDVI per class name.
    """
    out = dict(NDVI_BY_CLASS)
    stored = getattr(meta, "ndvi_by_class", None) if meta is not None else None
    if isinstance(stored, Mapping):
        # JSON has no NaN: a class that is nodata (water) is stored as null
        out.update({str(k): float("nan") if v is None else float(v)
                    for k, v in stored.items()})
    return out
