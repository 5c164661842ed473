"""A coarse planning grid over the region and smooth random fields on it.

The generator plans the region on a grid of 100 m cells: which settlement owns a place, its
typology, its district, and smooth random fields (income, greenness, forest) that make
neighbourhoods differ in a spatially clustered way. Finer things (blocks, buildings, people)
look their values up on this grid.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import ndimage

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Grid:
    """A regular grid in RD New; row 0 is the southern row.

    Parameters
    ----------
    x0, y0 : float
        Lower-left corner (m, EPSG:28992).
    cell_m : float
        Cell size (m).
    ny, nx : int
        Number of rows and columns.
    """

    x0: float
    y0: float
    cell_m: float
    ny: int
    nx: int

    @property
    def shape(self) -> tuple[int, int]:
        """(rows, columns)."""
        return (self.ny, self.nx)

    def centres(self) -> tuple[FloatArray, FloatArray]:
        """x and y (m) of every cell centre, each of shape (ny, nx)."""
        xs = self.x0 + (np.arange(self.nx) + 0.5) * self.cell_m
        ys = self.y0 + (np.arange(self.ny) + 0.5) * self.cell_m
        gx, gy = np.meshgrid(xs, ys)
        return gx, gy

    def index(self, x: FloatArray, y: FloatArray) -> tuple[IntArray, IntArray]:
        """Row and column of the cells holding points ``x``, ``y`` (m); clipped to the grid."""
        col = np.clip(((np.asarray(x) - self.x0) // self.cell_m).astype(np.int64), 0, self.nx - 1)
        row = np.clip(((np.asarray(y) - self.y0) // self.cell_m).astype(np.int64), 0, self.ny - 1)
        return row, col

    def sample(self, field: npt.NDArray[np.generic], x: FloatArray,
               y: FloatArray) -> npt.NDArray[np.generic]:
        """Value of ``field`` (shape (ny, nx)) at points ``x``, ``y`` (nearest cell)."""
        row, col = self.index(x, y)
        out: npt.NDArray[np.generic] = field[row, col]
        return out


def smooth_field(rng: np.random.Generator, shape: tuple[int, int],
                 scale_cells: float) -> FloatArray:
    """A smooth Gaussian random field with mean 0 and standard deviation 1.

    White noise filtered with a Gaussian kernel of standard deviation ``scale_cells`` cells,
    then standardised.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    shape : tuple of int
        (rows, columns) of the field.
    scale_cells : float
        Correlation length in cells (kernel standard deviation).

    Returns
    -------
    numpy.ndarray of float64
        The field, shape ``shape``.
    """
    noise = rng.standard_normal(shape)
    field = ndimage.gaussian_filter(noise, sigma=max(scale_cells, 0.5), mode="reflect")
    sd = float(field.std())
    return np.asarray((field - field.mean()) / (sd if sd > 0 else 1.0), dtype=np.float64)
