"""Linkage on the pseudonym: the population register is the spine, every source links to it.

Sources arrive separately, each with the BSN. Each is pseudonymised in the project's domain as
it comes in (the BSN is gone from then on) and its records are linked to the register's persons
on the pseudonym. :class:`LinkageRate` reports, per source, how many records and how many
distinct persons found their person in the register; an unlinked record is kept out of the
person-level figures and counted, never silently dropped.

Pseudonyms of large sources are held as categoricals (one string per distinct person, an integer
per record), which keeps 10 million events in a few hundred MB. Core: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from groengezond.errors import InputError
from groengezond.ucloud.addresses import AddressIndex
from groengezond.ucloud.crosslink import link_keys
from groengezond.ucloud.pseudonym import PseudonymCache, Pseudonymiser, bsn_valid_array

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class LinkageRate:
    """How well one source linked to the register.

    Attributes
    ----------
    source : str
    records, linked_records : int
    persons, linked_persons : int
        Distinct pseudonyms in the source, and those found in the register.
    """

    source: str
    records: int
    linked_records: int
    persons: int
    linked_persons: int

    @property
    def record_rate(self) -> float:
        """Share of records linked (0-1); NaN for an empty source."""
        return self.linked_records / self.records if self.records else float("nan")

    @property
    def person_rate(self) -> float:
        """Share of distinct persons linked (0-1); NaN for an empty source."""
        return self.linked_persons / self.persons if self.persons else float("nan")

    def as_dict(self) -> dict[str, Any]:
        """Keys and numbers for a report."""
        return {"source": self.source, "records": self.records,
                "linked_records": self.linked_records, "persons": self.persons,
                "linked_persons": self.linked_persons,
                "record_rate": round(self.record_rate, 6),
                "person_rate": round(self.person_rate, 6)}


@dataclass
class Linked:
    """The linked, pseudonymised dataset.

    Attributes
    ----------
    persons : DataFrame
        One row per person of the register: ``pseudonym``, ``birth_year``, ``sex``,
        ``buurt`` (None where the address did not resolve), plus any register attributes.
    events : dict of str to DataFrame
        Per source, its records with ``person`` (row of :attr:`persons`, -1 when unlinked).
    rates : list of LinkageRate
    unresolved_addresses : int
    vault : DataFrame
        ``pseudonym`` and the hub's ``link_key`` of each register person
        (:mod:`.crosslink`): kept by the hub only, to link projects; never released.
    """

    persons: pd.DataFrame
    events: dict[str, pd.DataFrame] = field(default_factory=dict)
    rates: list[LinkageRate] = field(default_factory=list)
    unresolved_addresses: int = 0
    vault: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=["pseudonym", "link_key"]))

    def add_source(self, name: str, records: pd.DataFrame,
                   pseudonyms: pd.Categorical) -> LinkageRate:
        """Link a pseudonymised source (pseudonyms as a categorical, one per record); the
        frame is kept as it is, with a ``person`` column added."""
        index = pd.Index(self.persons["pseudonym"].to_numpy())
        cat_person = index.get_indexer(pseudonyms.categories)
        codes = np.asarray(pseudonyms.codes, dtype=np.int64)
        person = np.where(codes >= 0, cat_person[np.maximum(codes, 0)], -1)
        out = records  # callers hand over a frame of their own (drop() made a copy)
        out["person"] = person.astype(np.int64)
        self.events[name] = out
        used = np.unique(codes[codes >= 0])
        rate = LinkageRate(name, len(out), int((person >= 0).sum()), len(used),
                           int((cat_person[used] >= 0).sum()))
        self.rates = [r for r in self.rates if r.source != name] + [rate]
        return rate


def pseudonym_categorical(bsns: npt.NDArray[np.int64],
                          pseudonymiser: Pseudonymiser | PseudonymCache) -> pd.Categorical:
    """Pseudonyms of integer BSNs as a categorical (each distinct BSN hashed once).

    Raises
    ------
    InputError
        When a BSN fails the 11-test (the count, never the numbers).
    """
    codes, uniques = pd.factorize(np.asarray(bsns, dtype=np.int64))
    ok = bsn_valid_array(np.asarray(uniques, dtype=np.int64))
    if not ok.all():
        raise InputError.single("source", "", "bsn",
                                f"{int((~ok).sum())} distinct BSNs fail the 11-test",
                                "quarantine these records at ingestion")
    pseud = pseudonymiser.many_int(np.asarray(uniques, dtype=np.int64))
    return pd.Categorical.from_codes(codes, categories=pd.Index(pseud))


def link_register(register: pd.DataFrame, pseudonymiser: Pseudonymiser | PseudonymCache,
                  addresses: AddressIndex, *, keep: tuple[str, ...] = ("income_decile",)
                  ) -> Linked:
    """Pseudonymise the population register and reduce its addresses to buurt codes.

    Parameters
    ----------
    register : DataFrame
        ``bsn`` (int), ``postcode``, ``huisnummer``, ``birth_year``, ``sex`` and the columns
        named in ``keep``.
    pseudonymiser : Pseudonymiser
    addresses : AddressIndex
    keep : tuple of str
        Further register columns to keep (no identifiers).

    Returns
    -------
    Linked
        The spine, without sources yet; the BSN, postcode and house number are not kept.
        With an address table that carries exposures, each person has their address's
        exposure bands (``exp_*``; None where only the postcode resolved).
    """
    bsn = register["bsn"].to_numpy(dtype=np.int64)
    ok = bsn_valid_array(bsn)
    if not ok.all():
        raise InputError.single("register", f"row {int(np.flatnonzero(~ok)[0]) + 1}", "bsn",
                                f"{int((~ok).sum())} BSNs fail the 11-test",
                                "correct the register extract")
    pseud = pseudonymiser.many_int(bsn)
    buurt = addresses.lookup_many(register["postcode"], register["huisnummer"])
    persons = pd.DataFrame({"pseudonym": pseud,
                            "birth_year": register["birth_year"].to_numpy(),
                            "sex": register["sex"].to_numpy(), "buurt": buurt})
    for col in keep:
        if col in register.columns:
            persons[col] = register[col].to_numpy()
    # the address's exposures, as bands, before the address is gone (ucloud.exposures)
    for col, values in addresses.exposures_many(register["postcode"],
                                                 register["huisnummer"]).items():
        persons[col] = values.to_numpy()
    if persons["pseudonym"].duplicated().any():
        raise InputError.single("register", "", "bsn", "a person appears twice",
                                "deliver one row per person")
    unresolved = int(sum(b is None for b in buurt))
    key = (pseudonymiser.pseudonymiser if isinstance(pseudonymiser, PseudonymCache)
           else pseudonymiser).key
    vault = pd.DataFrame({"pseudonym": pseud, "link_key": link_keys(key, bsn)})
    return Linked(persons, unresolved_addresses=unresolved, vault=vault)


def link_source(linked: Linked, name: str, records: pd.DataFrame,
                pseudonymiser: Pseudonymiser | PseudonymCache, *,
                bsn_column: str = "bsn") -> LinkageRate:
    """Pseudonymise a source that carries the BSN, drop the BSN, link it to the register."""
    cat = pseudonym_categorical(records[bsn_column].to_numpy(dtype=np.int64), pseudonymiser)
    return linked.add_source(name, records.drop(columns=[bsn_column]), cat)


def link_pseudonymised(linked: Linked, name: str, records: pd.DataFrame) -> LinkageRate:
    """Link a source already pseudonymised at ingestion (column ``pseudonym``; None where the
    source had no usable BSN)."""
    cat = pd.Categorical(records["pseudonym"])
    return linked.add_source(name, records.drop(columns=["pseudonym"]), cat)
