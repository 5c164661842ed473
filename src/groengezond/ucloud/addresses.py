"""Addresses to buurt codes, at ingestion: nothing finer than the buurt is kept.

An :class:`AddressIndex` maps a Dutch address key (postcode ``1234AB`` and house number) to
the code of the buurt it lies in. It is built from a table the data steward provides (BAG
verblijfsobjecten with their buurt, or the synthetic region's addresses); a postcode whose
house numbers all lie in one buurt resolves without a house number. An address that cannot be
resolved gives ``None`` and is counted, never guessed. Core: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pandas as pd

from groengezond.errors import InputError
from groengezond.ucloud.exposures import BANDS, EXPOSURE_COLUMNS


@dataclass(frozen=True)
class AddressIndex:
    """Postcode and house number to buurt code.

    Attributes
    ----------
    by_address : Series
        Buurt code indexed by ``"1234AB|12"`` (postcode, house number).
    by_postcode : Series
        Buurt code indexed by postcode, for postcodes that lie in one buurt only.
    exposures : DataFrame
        Banded exposures (:mod:`.exposures`) indexed like ``by_address``; no columns when the
        table has none.
    """

    by_address: pd.Series
    by_postcode: pd.Series
    exposures: pd.DataFrame = field(default_factory=pd.DataFrame)

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, *, file: str = "address table") -> AddressIndex:
        """Build from columns ``postcode``, ``house_number`` and ``buurt``, and any banded
        exposure columns of :data:`~groengezond.ucloud.exposures.EXPOSURE_COLUMNS`.

        Raises
        ------
        InputError
            A column is missing, a postcode is not Dutch, or an exposure is not one of its
            bands (a raw distance or share per address is refused: it points at the address).
        """
        need = {"postcode", "house_number", "buurt"}
        if not need <= set(frame.columns):
            raise InputError.single(file, "", ", ".join(sorted(need - set(frame.columns))),
                                    "column is missing",
                                    "give postcode, house_number and buurt per address")
        pcs = _norm(frame["postcode"])
        bad = np.flatnonzero(pcs.isna().to_numpy())
        if bad.size:
            raise InputError.single(file, f"row {int(bad[0]) + 1}", "postcode",
                                    f"{bad.size} postcodes are not Dutch postcodes",
                                    "write postcodes as 1234AB")
        nums = pd.to_numeric(frame["house_number"], errors="coerce").astype("Int64")
        bu = frame["buurt"].astype(str).to_numpy()
        key = (pcs + "|" + nums.astype(str)).to_numpy()
        by_address = pd.Series(bu, index=key)
        first = ~by_address.index.duplicated()
        by_address = by_address[first]
        g = pd.DataFrame({"pc": pcs.to_numpy(), "bu": bu}).groupby("pc")["bu"].agg(
            ["first", "nunique"])
        exposures = _banded(frame, file).set_axis(key).loc[first]
        return cls(by_address, g.loc[g["nunique"] == 1, "first"], exposures)

    def lookup(self, postcode: object, house_number: object) -> str | None:
        """Buurt code of an address, or None when it cannot be resolved."""
        out = self.lookup_many(pd.Series([postcode]), pd.Series([house_number]))[0]
        return None if out is None else str(out)

    def lookup_many(self, postcodes: pd.Series, house_numbers: pd.Series
                    ) -> npt.NDArray[np.object_]:
        """Buurt codes of many addresses (None where unresolved); vectorised."""
        pcs, key = _keys(postcodes, house_numbers)
        found = key.map(self.by_address)
        found = found.where(found.notna(), pcs.map(self.by_postcode))
        found = found.where(pcs.notna())
        return np.asarray(found.astype(object).where(found.notna(), None).to_numpy(),
                          dtype=object)

    def exposures_many(self, postcodes: pd.Series, house_numbers: pd.Series) -> pd.DataFrame:
        """Banded exposures of many addresses: one row per address, None where the address
        is not known to the house number (a postcode alone names no address)."""
        _, key = _keys(postcodes, house_numbers)
        cols = list(self.exposures.columns)
        if not cols:
            return pd.DataFrame(index=range(len(key)))
        out = self.exposures.reindex(key.to_numpy()).reset_index(drop=True)
        return out.astype(object).where(out.notna(), None)


def _keys(postcodes: pd.Series, house_numbers: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Normalised postcodes and ``"1234AB|12"`` keys of addresses."""
    pcs = _norm(postcodes.reset_index(drop=True))
    nums = pd.to_numeric(house_numbers.reset_index(drop=True).astype(str).str.strip(),
                         errors="coerce").astype("Int64")
    return pcs, pcs + "|" + nums.astype(str)


def _banded(frame: pd.DataFrame, file: str) -> pd.DataFrame:
    """The exposure columns of an address table, checked to hold bands only."""
    allowed = {name: set(labels) for name, (_, _, labels, _) in BANDS.items()}
    allowed["exp_3_30_300"] = {"yes", "no"}
    out = pd.DataFrame(index=frame.index)
    for col in (c for c in EXPOSURE_COLUMNS if c in frame.columns):
        v = frame[col].astype(object)
        bad = np.flatnonzero(v.notna().to_numpy() & ~v.isin(allowed[col]).to_numpy())
        if bad.size:
            raise InputError.single(file, f"row {int(bad[0]) + 1}", col,
                                    f"{v.iloc[bad[0]]!r} is not a band "
                                    f"({', '.join(sorted(allowed[col]))})",
                                    "band the exposures with ucloud.exposures."
                                    "address_exposures; raw values per address are not kept")
        out[col] = v.where(v.notna(), None)
    return out


def _norm(values: pd.Series) -> pd.Series:
    """Dutch postcodes as ``1234AB``; NaN where not a postcode."""
    s = values.astype(str).str.replace(" ", "", regex=False).str.upper()
    return s.where(s.str.fullmatch(r"[1-9][0-9]{3}[A-Z]{2}"))


def synthetic_address_keys(address_ids: npt.NDArray[np.int64]
                           ) -> tuple[npt.NDArray[np.object_], npt.NDArray[np.int64]]:
    """Deterministic made-up postcodes and house numbers for a synthetic region's addresses.

    25 addresses share a postcode (``9000AA`` upward, a range kept for the synthetic region;
    letters run AA..ZZ); the house number is 1..25 within it.
    """
    a = np.asarray(address_ids, dtype=np.int64)
    block = a // 25
    num = (a % 25 + 1).astype(np.int64)
    digits = 9000 + (block // 676) % 1000
    l1 = (block // 26) % 26
    l2 = block % 26
    pcs = np.array([f"{d}{chr(65 + x)}{chr(65 + y)}" for d, x, y in
                    zip(digits.tolist(), l1.tolist(), l2.tolist(), strict=True)], dtype=object)
    return pcs, num
