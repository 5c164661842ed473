r"""Cooling: summer air temperature from land cover, in the form of InVEST Urban Cooling.

Pure functions on a land-cover raster (a numpy array of class codes and its cell size). The
model follows the InVEST Urban Cooling user guide (Natural Capital Project, "Urban Cooling",
InVEST user guide, equations for ETI, CC, GA, CC_park, HM and T_air):

.. math::

    ETI_i &= \min\!\left(1, \frac{K_{c,i} \cdot ET_{0,i}}{ET_{max}}\right) \\
    CC_i &= 0.6 \cdot shade_i + 0.2 \cdot albedo_i + 0.2 \cdot ETI_i \\
    GA_i &= cell_{area} \sum_{j:\ d(i,j) \le d_{cool}} g_j \\
    CC_{park,i} &= \frac{\sum_j g_j \, CC_j \, e^{-d(i,j)/d_{cool}}}{\sum_j e^{-d(i,j)/d_{cool}}}
        \qquad (d(i,j) \le 5\, d_{cool}) \\
    HM_i &= \begin{cases} CC_i & \text{if } CC_i \ge CC_{park,i} \text{ or } GA_i < 2\text{ ha}
        \\ CC_{park,i} & \text{otherwise} \end{cases} \\
    T_{nomix,i} &= T_{ref} + (1 - HM_i) \cdot UHI_{max} \\
    T_{air} &= G_\sigma * T_{nomix} \qquad (\text{Gaussian air mixing}, \sigma = 500\text{ m})

with :math:`g_j` = 1 for green-area cells. :math:`CC_{park}` is the distance-weighted average
the user guide describes; the exponential kernel reaching :math:`5\,d_{cool}` and its
normalisation are those of the InVEST implementation (``convolve_2d_by_exponential``, with
``g_j CC_j`` as the signal after the fix of natcap/invest#1726). Near the raster edge and next to
nodata cells, every average is taken over the valid cells only (as InVEST's
``ignore_nodata_and_edges``).

Two choices differ from InVEST and are ours: ETI is clipped to 1 (so that CC stays in [0, 1] and
the model never cools below :math:`T_{ref}`, "it cannot cool more than the UHI_max given"), and
the mixing kernel is a Gaussian with standard deviation equal to the mixing radius (the user
guide says "a Gaussian function with kernel radius r"; the InVEST code uses an exponential
kernel, available here as ``mixing_kernel="exponential"``).

It is a relative index: temperatures are only as good as :math:`T_{ref}` and
:math:`UHI_{max}`; changes between scenarios are what the health pathway (heat → mortality,
:mod:`groengezond.health.impact`) uses.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Literal

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field, model_validator
from scipy import ndimage, signal

from groengezond.errors import InputError
from groengezond.health._loading import parse_yaml, read_packaged, validate_as
from groengezond.health.erf import Parameter

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
COOLING_FILE = "cooling.yaml"
NODATA_CODE = 0
_FIX = "see docs/health.md (cooling) for the fields"
_REQUEST = "cooling request"


# --------------------------------------------------------------------------- table and params


class CoolingClass(BaseModel):
    """Biophysical properties of one land-cover class (InVEST biophysical table row)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: int = Field(ge=1, le=255)
    name: str
    shade: float = Field(ge=0, le=1)
    albedo: float = Field(ge=0, le=1)
    kc: float = Field(ge=0, le=1.5)
    green_area: bool
    assumption: bool
    source: str = Field(min_length=1)


class CoolingTable(BaseModel):
    """The per-class table and the documented default parameters (``cooling.yaml``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: int = Field(ge=1)
    updated: date
    classes: tuple[CoolingClass, ...] = Field(min_length=1)
    parameters: dict[str, Parameter]

    @model_validator(mode="after")
    def _unique(self) -> CoolingTable:
        codes = [c.code for c in self.classes]
        dup = sorted({c for c in codes if codes.count(c) > 1})
        if dup:
            raise ValueError(f"class codes {dup} appear more than once")
        return self

    def lookup(self, attribute: str) -> FloatArray:
        """A 256-long lookup array of one attribute by class code (NaN for unknown codes)."""
        out = np.full(256, np.nan)
        for c in self.classes:
            out[c.code] = float(getattr(c, attribute))
        return out


class CoolingParams(BaseModel):
    """Parameters of the cooling model; defaults from ``cooling.yaml`` (:func:`default_params`).

    Attributes
    ----------
    weights : tuple of float
        Weights of shade, albedo and ETI in CC (normalised to sum 1, as InVEST does).
    cooling_distance_m : float
        :math:`d_{cool}` (m).
    green_area_threshold_ha : float
        Green area within :math:`d_{cool}` above which park cooling applies (ha).
    park_kernel_cutoff : float
        Reach of the park kernel in multiples of :math:`d_{cool}`.
    mixing_radius_m : float
        Air-mixing distance (m): σ of the Gaussian, or the e-folding distance of the
        exponential kernel.
    mixing_kernel : {"gaussian", "exponential"}
        Shape of the air-mixing kernel.
    mixing_truncate : float
        Gaussian kernel reach in standard deviations (exponential: in multiples of the radius).
    uhi_max_c, t_ref_c : float
        :math:`UHI_{max}` and :math:`T_{ref}` (°C).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    weights: tuple[float, float, float] = (0.6, 0.2, 0.2)
    cooling_distance_m: float = Field(450.0, gt=0)
    green_area_threshold_ha: float = Field(2.0, ge=0)
    park_kernel_cutoff: float = Field(5.0, gt=0)
    mixing_radius_m: float = Field(500.0, ge=0)
    mixing_kernel: Literal["gaussian", "exponential"] = "gaussian"
    mixing_truncate: float = Field(3.0, gt=0)
    uhi_max_c: float = Field(3.0, ge=0)
    t_ref_c: float = 28.0

    @model_validator(mode="after")
    def _weights(self) -> CoolingParams:
        if min(self.weights) < 0 or sum(self.weights) <= 0:
            raise ValueError(f"weights {self.weights} must be ≥ 0 with a positive sum")
        return self


def parse_cooling_table(text: str, file: str = COOLING_FILE) -> CoolingTable:
    """Parse and validate the cooling table YAML (problems name the class and field)."""
    return validate_as(CoolingTable, parse_yaml(text, file), file, _FIX)


@cache
def load_cooling_table() -> CoolingTable:
    """Return the cooling table shipped with the package (validated once, immutable)."""
    return parse_cooling_table(read_packaged("groengezond", COOLING_FILE))


def default_params(table: CoolingTable | None = None) -> CoolingParams:
    """Cooling parameters with the documented defaults of ``cooling.yaml``."""
    p = (table or load_cooling_table()).parameters
    return CoolingParams(
        weights=(p["weight_shade"].value, p["weight_albedo"].value, p["weight_eti"].value),
        cooling_distance_m=p["cooling_distance_m"].value,
        green_area_threshold_ha=p["green_area_threshold_ha"].value,
        park_kernel_cutoff=p["park_kernel_cutoff"].value,
        mixing_radius_m=p["mixing_radius_m"].value,
        uhi_max_c=p["uhi_max_c"].value, t_ref_c=p["t_ref_c"].value)


# --------------------------------------------------------------------------- kernels


def evapotranspiration_index(kc: npt.ArrayLike, et0: npt.ArrayLike = 1.0,
                             et_max: float | None = None) -> FloatArray:
    r"""Evapotranspiration index :math:`ETI = \min(1, K_c \cdot ET_0 / ET_{max})`.

    Parameters
    ----------
    kc : array_like
        Crop coefficient per cell (unitless).
    et0 : array_like
        Reference evapotranspiration per cell (mm/day); a scalar for a uniform region.
    et_max : float, optional
        Largest :math:`ET_0` in the area of interest (default: max of ``et0``).
    """
    e = np.asarray(et0, dtype=float)
    emax = float(np.nanmax(e)) if et_max is None else et_max
    if emax <= 0:
        raise InputError.single(_REQUEST, "", "et0", "maximum ET0 is not positive",
                                "give a reference evapotranspiration > 0")
    return np.asarray(np.clip(np.asarray(kc, dtype=float) * e / emax, 0.0, 1.0), dtype=float)


def cooling_capacity(shade: npt.ArrayLike, albedo: npt.ArrayLike, eti: npt.ArrayLike,
                     weights: tuple[float, float, float] = (0.6, 0.2, 0.2)) -> FloatArray:
    r"""Cooling capacity :math:`CC = w_s \cdot shade + w_a \cdot albedo + w_e \cdot ETI`.

    The weights are normalised to sum to 1 (as in InVEST); the default is InVEST's
    0.6, 0.2, 0.2.
    """
    ws, wa, we = (w / sum(weights) for w in weights)
    cc = ws * np.asarray(shade, float) + wa * np.asarray(albedo, float) \
        + we * np.asarray(eti, float)
    return np.asarray(cc, dtype=float)


def disk_kernel(radius_cells: float) -> FloatArray:
    """Kernel of ones for cells whose centre lies within ``radius_cells`` of the centre."""
    r = int(np.floor(radius_cells))
    y, x = np.mgrid[-r:r + 1, -r:r + 1]
    return np.asarray((np.hypot(x, y) <= radius_cells + 1e-9).astype(float), dtype=float)


def exponential_kernel(distance_cells: float, cutoff_cells: float) -> FloatArray:
    r"""Kernel :math:`e^{-d / d_0}` for :math:`d \le` ``cutoff_cells`` (0 beyond), unnormalised."""
    r = int(np.floor(cutoff_cells))
    y, x = np.mgrid[-r:r + 1, -r:r + 1]
    d = np.hypot(x, y)
    return np.asarray(np.where(d <= cutoff_cells + 1e-9, np.exp(-d / distance_cells), 0.0),
                      dtype=float)


def _convolve(values: FloatArray, kernel: FloatArray) -> FloatArray:
    """Same-size convolution (direct for small kernels, FFT for large ones)."""
    if kernel.size <= 121:
        return np.asarray(ndimage.convolve(values, kernel, mode="constant", cval=0.0), float)
    return np.asarray(signal.fftconvolve(values, kernel, mode="same"), dtype=float)


def weighted_mean(values: FloatArray, kernel: FloatArray, valid: BoolArray) -> FloatArray:
    r"""Kernel-weighted mean over valid cells: :math:`\sum_j w_{ij} v_j / \sum_j w_{ij}`.

    Cells outside the raster and invalid cells get no weight (the mean is renormalised over
    the valid cells in reach); cells with no valid cell in reach get NaN.
    """
    v = np.where(valid, values, 0.0)
    num = _convolve(v, kernel)
    den = _convolve(valid.astype(float), kernel)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(den > 1e-12, num / np.where(den > 1e-12, den, 1.0), np.nan)
    return np.asarray(out, dtype=float)


def green_area_within(green: BoolArray, cell_size_m: float, distance_m: float) -> FloatArray:
    r"""Green area within ``distance_m`` of each cell, :math:`GA_i` (ha).

    .. math:: GA_i = cell_{area} \sum_{j:\ d(i,j) \le d} g_j
    """
    counts = np.rint(_convolve(green.astype(float), disk_kernel(distance_m / cell_size_m)))
    return np.asarray(counts * cell_size_m**2 / 10_000.0, dtype=float)


def park_cooling(cc: FloatArray, green: BoolArray, valid: BoolArray, cell_size_m: float,
                 distance_m: float, cutoff: float = 5.0) -> FloatArray:
    r"""Distance-weighted cooling capacity of green areas, :math:`CC_{park,i}`.

    .. math::
        CC_{park,i} = \frac{\sum_j g_j CC_j e^{-d(i,j)/d_{cool}}}{\sum_j e^{-d(i,j)/d_{cool}}}

    over valid cells :math:`j` within ``cutoff`` × ``distance_m``.
    """
    kernel = exponential_kernel(distance_m / cell_size_m, cutoff * distance_m / cell_size_m)
    signal_ = np.where(green & valid, cc, 0.0)
    return weighted_mean(signal_, kernel, valid)


def heat_mitigation(cc: FloatArray, cc_park: FloatArray, green_area_ha: FloatArray,
                    threshold_ha: float = 2.0) -> FloatArray:
    """Heat mitigation index: ``CC`` unless a large green area nearby cools more (``CC_park``)."""
    keep = (cc >= cc_park) | (green_area_ha < threshold_ha) | np.isnan(cc_park)
    return np.asarray(np.where(keep, cc, cc_park), dtype=float)


def air_temperature(hm: npt.ArrayLike, t_ref_c: float, uhi_max_c: float) -> FloatArray:
    r"""Air temperature before mixing, :math:`T = T_{ref} + (1 - HM) \cdot UHI_{max}` (°C)."""
    return np.asarray(t_ref_c + (1.0 - np.asarray(hm, float)) * uhi_max_c, dtype=float)


def mix_air_temperature(t_c: FloatArray, valid: BoolArray, cell_size_m: float,
                        radius_m: float, kernel: Literal["gaussian", "exponential"] = "gaussian",
                        truncate: float = 3.0) -> FloatArray:
    r"""Spatial air mixing: a kernel-weighted mean of temperature over valid cells (°C).

    ``gaussian``: :math:`w = e^{-d^2 / 2\sigma^2}`, σ = ``radius_m``, reach ``truncate`` σ
    (``scipy.ndimage.gaussian_filter``, separable). ``exponential``: :math:`w = e^{-d/r}` up to
    ``truncate`` r (the InVEST implementation uses 5 r). Invalid cells stay NaN.
    """
    if radius_m <= 0:
        return np.asarray(np.where(valid, t_c, np.nan), dtype=float)
    if kernel == "gaussian":
        sigma = radius_m / cell_size_m
        v = np.where(valid, t_c, 0.0)
        num = ndimage.gaussian_filter(v, sigma, mode="constant", cval=0.0, truncate=truncate)
        den = ndimage.gaussian_filter(valid.astype(float), sigma, mode="constant", cval=0.0,
                                      truncate=truncate)
        with np.errstate(invalid="ignore", divide="ignore"):
            out = np.where(den > 1e-12, num / np.where(den > 1e-12, den, 1.0), np.nan)
    else:
        k = exponential_kernel(radius_m / cell_size_m, truncate * radius_m / cell_size_m)
        out = weighted_mean(t_c, k, valid)
    return np.asarray(np.where(valid, out, np.nan), dtype=float)


# --------------------------------------------------------------------------- model


@dataclass(frozen=True)
class CoolingResult:
    """Rasters of one cooling run (NaN on nodata cells).

    Attributes
    ----------
    cc : numpy.ndarray
        Cooling capacity (0-1).
    green_area_ha : numpy.ndarray
        Green area within the cooling distance (ha).
    cc_park : numpy.ndarray
        Distance-weighted cooling capacity of green areas (0-1).
    hm : numpy.ndarray
        Heat mitigation index (0-1).
    t_air_nomix_c, t_air_c : numpy.ndarray
        Air temperature before and after mixing (°C).
    params : CoolingParams
        Parameters used.
    """

    cc: FloatArray
    green_area_ha: FloatArray
    cc_park: FloatArray
    hm: FloatArray
    t_air_nomix_c: FloatArray
    t_air_c: FloatArray
    params: CoolingParams


def class_properties(classes: npt.ArrayLike, table: CoolingTable
                     ) -> tuple[FloatArray, FloatArray, FloatArray, BoolArray, BoolArray]:
    """Shade, albedo, kc, green-area mask and valid mask per cell from the class table.

    Raises
    ------
    InputError
        When the raster holds class codes that the table does not know (code 0 is nodata).
    """
    arr = np.asarray(classes)
    if arr.ndim != 2 or not np.issubdtype(arr.dtype, np.integer):
        raise InputError.single(_REQUEST, "", "classes", f"has shape {arr.shape} and dtype "
                                f"{arr.dtype}", "give a 2-D array of integer class codes")
    if arr.size and (arr.min() < 0 or arr.max() > 255):
        raise InputError.single(_REQUEST, "", "classes", "codes outside 0-255",
                                "give uint8 class codes")
    codes = arr.astype(np.intp)
    shade = table.lookup("shade")
    unknown = sorted(set(np.unique(codes).tolist()) - {c.code for c in table.classes}
                     - {NODATA_CODE})
    if unknown:
        raise InputError.single(COOLING_FILE, "", "classes",
                                f"land-cover codes {unknown} are not in the cooling table",
                                "add them to cooling.yaml or recode the raster")
    valid = codes != NODATA_CODE
    green = np.nan_to_num(table.lookup("green_area")[codes]) > 0
    return (shade[codes], table.lookup("albedo")[codes], table.lookup("kc")[codes], green & valid,
            valid)


def run_cooling(classes: npt.ArrayLike, cell_size_m: float, params: CoolingParams | None = None,
                table: CoolingTable | None = None, et0: npt.ArrayLike = 1.0,
                mix: bool = True) -> CoolingResult:
    """Run the cooling model on a land-cover raster.

    Parameters
    ----------
    classes : array_like of int, shape (rows, cols)
        Land-cover class code per cell (0 = nodata).
    cell_size_m : float
        Width of a square cell (m).
    params : CoolingParams, optional
        Default: :func:`default_params`.
    table : CoolingTable, optional
        Default: the packaged ``cooling.yaml``.
    et0 : array_like
        Reference evapotranspiration (mm/day), scalar or per cell; only its relative values
        matter (ETI divides by the maximum).
    mix : bool
        Apply the air mixing. Without it ``t_air_c`` equals ``t_air_nomix_c``: the mixing is
        linear in temperature, so a caller comparing two runs can mix the difference once
        (:func:`mix_air_temperature`).

    Returns
    -------
    CoolingResult
    """
    if cell_size_m <= 0:
        raise InputError.single(_REQUEST, "", "cell_size_m", f"{cell_size_m} m",
                                "give a positive cell size")
    tab = table or load_cooling_table()
    p = params or default_params(tab)
    shade, albedo, kc, green, valid = class_properties(classes, tab)
    eti = evapotranspiration_index(np.nan_to_num(kc), et0)
    cc = np.where(valid, cooling_capacity(np.nan_to_num(shade), np.nan_to_num(albedo), eti,
                                          p.weights), np.nan)
    ga = green_area_within(green, cell_size_m, p.cooling_distance_m)
    cc_park = park_cooling(np.nan_to_num(cc), green, valid, cell_size_m, p.cooling_distance_m,
                           p.park_kernel_cutoff)
    hm = np.where(valid, heat_mitigation(cc, cc_park, ga, p.green_area_threshold_ha), np.nan)
    t_nomix = air_temperature(hm, p.t_ref_c, p.uhi_max_c)
    if not mix:
        return CoolingResult(cc, ga, cc_park, hm, t_nomix, t_nomix, p)
    t_air = mix_air_temperature(np.nan_to_num(t_nomix), valid, cell_size_m, p.mixing_radius_m,
                                p.mixing_kernel, p.mixing_truncate)
    return CoolingResult(cc, ga, cc_park, hm, t_nomix, t_air, p)


def zonal_mean(values: FloatArray, zones: npt.ArrayLike, n_zones: int) -> FloatArray:
    """Mean of ``values`` per zone id 0 … n_zones − 1 (NaN cells and zones < 0 ignored).

    Parameters
    ----------
    values : numpy.ndarray
        Raster values (e.g. air temperature, °C).
    zones : array_like of int
        Zone id per cell (e.g. buurt index from a rasterised area layer); −1 outside.
    n_zones : int
        Number of zones.

    Returns
    -------
    numpy.ndarray, shape (n_zones,)
        Mean per zone; NaN for zones without valid cells.
    """
    z = np.asarray(zones).ravel()
    v = np.asarray(values, dtype=float).ravel()
    ok = (z >= 0) & (z < n_zones) & np.isfinite(v)
    sums = np.bincount(z[ok], weights=v[ok], minlength=n_zones)
    counts = np.bincount(z[ok], minlength=n_zones)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(np.where(counts > 0, sums / np.maximum(counts, 1), np.nan), float)


# --------------------------------------------------------------------------- map layer


@dataclass(frozen=True)
class CoolingChange:
    """Change of air temperature on a window of the raster (°C, scenario − baseline).

    Attributes
    ----------
    row0, col0 : int
        Raster row and column of the window's top-left cell.
    d_t_air_c : numpy.ndarray
        Change per cell of the window (°C; 0 where nothing changes or nodata).
    """

    row0: int
    col0: int
    d_t_air_c: FloatArray


def change_layer(change: CoolingChange, origin_x: float, origin_y: float, cell_size_m: float,
                 block_cells: int = 5, min_abs_c: float = 0.005
                 ) -> list[tuple[float, float, float]]:
    """The change as a map layer: mean per block of cells, where it reaches ``min_abs_c``.

    Parameters
    ----------
    change : CoolingChange
        From a scenario's local cooling run.
    origin_x, origin_y : float
        Coordinates of the raster's top-left corner (RD New, m; north-up raster).
    cell_size_m : float
        Cell width (m).
    block_cells : int
        Cells per block side (5 → 50 m blocks on a 10 m raster).
    min_abs_c : float
        Blocks whose mean change is smaller (°C, absolute) are left out.

    Returns
    -------
    list of (x, y, d_t_air_c)
        Block centre (RD New, m) and its mean change (°C, rounded to 0.001).
    """
    d = np.nan_to_num(change.d_t_air_c)
    h, w = d.shape
    hb, wb = -(-h // block_cells), -(-w // block_cells)
    pad = np.zeros((hb * block_cells, wb * block_cells))
    pad[:h, :w] = d
    means = pad.reshape(hb, block_cells, wb, block_cells).mean(axis=(1, 3))
    rr, cc = np.nonzero(np.abs(means) >= min_abs_c)
    size = block_cells * cell_size_m
    x = origin_x + change.col0 * cell_size_m + (cc + 0.5) * size
    y = origin_y - change.row0 * cell_size_m - (rr + 0.5) * size
    return [(float(a), float(b), round(float(v), 3))
            for a, b, v in zip(x, y, means[rr, cc], strict=True)]
