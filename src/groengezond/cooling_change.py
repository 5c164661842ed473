r"""The change of unmixed air temperature between two land covers of the same window.

The Planner runs the cooling model (:func:`groengezond.cooling.run_cooling`) on a window
around a scenario's changes twice, for the baseline and the scenario classes, and mixes the
difference once. Most of a run is spent in three large convolutions: the green area within the
cooling distance (:math:`GA`), and the numerator and the denominator of the park cooling
(:math:`CC_{park}`). Between the two runs

- the valid cells are the same (a scenario never changes a nodata cell), so the denominator
  :math:`\sum_j e^{-d(i,j)/d_{cool}}` over valid cells is the same and is computed once;
- the green area is a count of green cells, so the scenario's is the baseline's plus the
  count of the cells that became (or stopped being) green, convolved on the small box around
  those cells only.

Both steps give the same numbers as two full runs: the same denominator array, and integer
counts that are equal once rounded (as :func:`~groengezond.cooling.green_area_within`
rounds them). When the valid cells do differ, two full runs are made.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy import fft as sp_fft
from scipy import signal

from groengezond.cooling import (
    CoolingParams,
    CoolingTable,
    _convolve,
    air_temperature,
    class_properties,
    cooling_capacity,
    default_params,
    disk_kernel,
    evapotranspiration_index,
    exponential_kernel,
    heat_mitigation,
    load_cooling_table,
    run_cooling,
)

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

__all__ = ["SameConvolution", "unmixed_change"]


class SameConvolution:
    """``scipy.signal.fftconvolve(a, kernel, mode="same")`` for many arrays ``a`` of one shape.

    The kernel's transform is computed once; every step is that of ``fftconvolve`` (the same
    padded FFT size, product and crop), so the results are the same to the last bit.

    Parameters
    ----------
    shape : tuple of int
        Shape of the arrays to convolve (2-D).
    kernel : numpy.ndarray
        The kernel (2-D, float).
    """

    def __init__(self, shape: tuple[int, ...], kernel: FloatArray) -> None:
        self.shape = (int(shape[0]), int(shape[1]))
        self.full = [self.shape[i] + kernel.shape[i] - 1 for i in range(2)]
        self.fshape = [sp_fft.next_fast_len(n, True) for n in self.full]
        self.kernel_ft = sp_fft.rfftn(kernel, self.fshape, axes=[0, 1])

    def __call__(self, values: npt.ArrayLike) -> FloatArray:
        """The "same"-size convolution of ``values`` with the kernel."""
        a = np.asarray(values)
        if a.shape != self.shape:
            raise ValueError(f"shape {a.shape} is not {self.shape}")
        ret = sp_fft.irfftn(sp_fft.rfftn(a, self.fshape, axes=[0, 1]) * self.kernel_ft,
                            self.fshape, axes=[0, 1])[: self.full[0], : self.full[1]]
        r0 = (ret.shape[0] - self.shape[0]) // 2
        c0 = (ret.shape[1] - self.shape[1]) // 2
        return np.array(ret[r0:r0 + self.shape[0], c0:c0 + self.shape[1]])


def _green_count_change(g0: BoolArray, g1: BoolArray, kernel: FloatArray) -> FloatArray:
    """Change of the count of green cells within the kernel of every cell (integers)."""
    out = np.zeros(g0.shape)
    rows, cols = np.nonzero(g0 != g1)
    if len(rows) == 0:
        return out
    r0, r1, c0, c1 = int(rows.min()), int(rows.max()) + 1, int(cols.min()), int(cols.max()) + 1
    sub = g1[r0:r1, c0:c1].astype(float) - g0[r0:r1, c0:c1].astype(float)
    k = kernel.shape[0] // 2
    full = np.rint(signal.fftconvolve(sub, kernel, mode="full"))  # origin (r0 - k, c0 - k)
    h, w = g0.shape
    a0, a1 = max(r0 - k, 0), min(r1 + k, h)
    b0, b1 = max(c0 - k, 0), min(c1 + k, w)
    out[a0:a1, b0:b1] = full[a0 - (r0 - k):a1 - (r0 - k), b0 - (c0 - k):b1 - (c0 - k)]
    return out


def _cc(shade: FloatArray, albedo: FloatArray, kc: FloatArray, valid: BoolArray,
        p: CoolingParams) -> FloatArray:
    eti = evapotranspiration_index(np.nan_to_num(kc), 1.0)
    return np.asarray(np.where(valid, cooling_capacity(np.nan_to_num(shade),
                                                       np.nan_to_num(albedo), eti, p.weights),
                               np.nan), dtype=float)


def unmixed_change(before: npt.ArrayLike, after: npt.ArrayLike, cell_size_m: float,
                   params: CoolingParams | None = None, table: CoolingTable | None = None
                   ) -> tuple[FloatArray, CoolingParams]:
    """Air temperature before mixing, ``after`` minus ``before`` (°C; NaN on nodata).

    Equal to ``run_cooling(after, mix=False).t_air_nomix_c - run_cooling(before,
    mix=False).t_air_nomix_c`` (see module docstring).

    Parameters
    ----------
    before, after : array_like of int, shape (rows, cols)
        Land-cover class codes of the same window, without and with the scenario.
    cell_size_m : float
        Cell width (m).
    params, table : optional
        Cooling parameters and class table (default: the packaged ones).

    Returns
    -------
    numpy.ndarray, CoolingParams
        The change per cell and the parameters used.
    """
    tab = table or load_cooling_table()
    p = params or default_params(tab)
    s0, a0, k0, g0, valid = class_properties(before, tab)
    s1, a1, k1, g1, valid1 = class_properties(after, tab)
    if not np.array_equal(valid, valid1) or cell_size_m <= 0:
        r0 = run_cooling(before, cell_size_m, p, tab, mix=False)
        r1 = run_cooling(after, cell_size_m, p, tab, mix=False)
        return np.asarray(r1.t_air_nomix_c - r0.t_air_nomix_c, dtype=float), p
    cc0, cc1 = _cc(s0, a0, k0, valid, p), _cc(s1, a1, k1, valid, p)
    disk = disk_kernel(p.cooling_distance_m / cell_size_m)
    counts0 = np.rint(_convolve(g0.astype(float), disk))
    counts1 = counts0 + _green_count_change(g0, g1, disk)
    ga0 = counts0 * cell_size_m**2 / 10_000.0  # as green_area_within
    ga1 = counts1 * cell_size_m**2 / 10_000.0
    kernel = exponential_kernel(p.cooling_distance_m / cell_size_m,
                                p.park_kernel_cutoff * p.cooling_distance_m / cell_size_m)
    # cooling._convolve: FFT for a kernel of more than 121 cells, with its transform once
    conv = (SameConvolution(valid.shape, kernel) if kernel.size > 121
            else (lambda a: _convolve(a, kernel)))
    den = conv(valid.astype(float))
    safe = np.where(den > 1e-12, den, 1.0)

    def t_nomix(cc: FloatArray, green: BoolArray, ga: FloatArray) -> FloatArray:
        num = conv(np.where(green & valid, np.nan_to_num(cc), 0.0))
        with np.errstate(invalid="ignore", divide="ignore"):
            cc_park = np.where(den > 1e-12, num / safe, np.nan)
        hm = np.where(valid, heat_mitigation(cc, cc_park, ga, p.green_area_threshold_ha),
                      np.nan)
        return air_temperature(hm, p.t_ref_c, p.uhi_max_c)

    return np.asarray(t_nomix(cc1, g1, ga1) - t_nomix(cc0, g0, ga0), dtype=float), p
