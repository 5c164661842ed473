"""Environment exposures of each address, linked at ingestion and kept only as coarse bands.

The region's access results per address (``baseline/access_addresses.parquet``: network
distance to the nearest public green, green share within 300 m, the NDVI proxy within 500 m,
the 3-30-300 rule) are joined
to persons through their address when the register is ingested, before the address is reduced
to a buurt code. An exact distance or share per address would be a quasi-identifier (it points
back at one address), so only bands are kept:

==========================  =================================================  ============
column                      bands                                              from
==========================  =================================================  ============
``exp_green_distance``      ``0-99``, ``100-299``, ``300-499``, ``500+`` (m)   ``green_network_m``
``exp_green_share_300m``    ``0-19``, ``20-39``, ``40-59``, ``60+`` (%)        ``green_share_300m``
``exp_ndvi_500m``           ``<0.2``, ``0.2-0.4``, ``0.4-0.6``, ``0.6+``       ``ndvi_proxy_500m``
``exp_3_30_300``            ``yes``, ``no``                                    ``meets_3_30_300``
==========================  =================================================  ============

A band is missing (None) where the address did not resolve to a house number (a postcode alone
says no address), where the source value is missing, and, for the distance, where the network
is degraded (``network_degraded``): a distance on a broken network is not an exposure.
Core: no I/O.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from groengezond.errors import InputError

__all__ = ["BANDS", "EXPOSURE_COLUMNS", "address_exposures", "band"]

BANDS: dict[str, tuple[str, tuple[float, ...], tuple[str, ...], float]] = {
    "exp_green_distance": ("green_network_m", (0.0, 100.0, 300.0, 500.0),
                           ("0-99", "100-299", "300-499", "500+"), 1.0),
    "exp_green_share_300m": ("green_share_300m", (0.0, 20.0, 40.0, 60.0),
                             ("0-19", "20-39", "40-59", "60+"), 100.0),
    "exp_ndvi_500m": ("ndvi_proxy_500m", (-1.0, 0.2, 0.4, 0.6),
                      ("<0.2", "0.2-0.4", "0.4-0.6", "0.6+"), 1.0),
}
"""Banded exposure → (source column, lower edges, labels, factor to the edges' unit)."""

EXPOSURE_COLUMNS = (*BANDS, "exp_3_30_300")
"""Every exposure column a person can carry (bands only)."""


def band(values: npt.ArrayLike, edges: tuple[float, ...], labels: tuple[str, ...]
         ) -> npt.NDArray[np.object_]:
    """Label of the band each value falls in (``edges`` are lower bounds); None for NaN and
    for values below the first edge.

    >>> band([0, 99.9, 100, 1200, float("nan")], (0, 100, 300, 500), ("a", "b", "c", "d")).tolist()
    ['a', 'a', 'b', 'd', None]
    """
    v = np.asarray(values, dtype=np.float64)
    idx = np.searchsorted(np.asarray(edges, dtype=np.float64), v, side="right") - 1
    out = np.full(v.shape, None, dtype=object)
    ok = np.isfinite(v) & (idx >= 0)
    out[ok] = np.asarray(labels, dtype=object)[idx[ok]]
    return out


def address_exposures(access: pd.DataFrame, *, file: str = "access_addresses.parquet"
                      ) -> pd.DataFrame:
    """Banded exposures per address from the region's access results.

    Parameters
    ----------
    access : DataFrame
        ``address_id`` and any of ``green_network_m`` (m), ``green_share_300m`` (fraction
        0-1), ``ndvi_proxy_500m`` (-1 to 1), ``meets_3_30_300`` (bool),
        ``network_degraded`` (bool).
    file : str
        Name of the source, for errors.

    Returns
    -------
    DataFrame
        ``address_id`` and the ``exp_*`` columns whose source column is present (bands as
        text, None where not known).

    Raises
    ------
    InputError
        Without ``address_id``, or with none of the source columns.
    """
    if "address_id" not in access.columns:
        raise InputError.single(file, "", "address_id", "column is missing",
                                "give the region's access results per address")
    out = pd.DataFrame({"address_id": access["address_id"].to_numpy(dtype=np.int64)})
    degraded = (access["network_degraded"].to_numpy(dtype=bool)
                if "network_degraded" in access.columns else np.zeros(len(access), bool))
    for name, (source, edges, labels, factor) in BANDS.items():
        if source in access.columns:
            v = pd.to_numeric(access[source], errors="coerce").to_numpy(dtype=float) * factor
            if name == "exp_green_distance":
                v = np.where(degraded, np.nan, v)
            out[name] = band(v, edges, labels)
    if "meets_3_30_300" in access.columns:
        m = access["meets_3_30_300"]
        meets = np.full(len(m), None, dtype=object)
        known = m.notna().to_numpy()
        meets[known] = np.where(m[known].astype(bool).to_numpy(), "yes", "no")
        out["exp_3_30_300"] = meets
    if out.shape[1] == 1:
        raise InputError.single(file, "", ", ".join(v[0] for v in BANDS.values()),
                                "no exposure column is present",
                                "compute the region's access results ('groengezond access')")
    return out
