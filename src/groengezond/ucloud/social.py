"""Social-domain extracts (Wmo, Jeugdwet, Participatiewet) as CSV with a declared schema.

A municipality delivers one CSV per scheme. Each scheme declares its columns
(:data:`SCHEMAS`): the BSN, the address (postcode and house number, turned into the buurt code
at ingestion and then dropped), the kind of provision from a closed list, and the start and end
dates. Every row is checked; a row that fails is quarantined with file, row, field and problem
(never the BSN itself), the others are pseudonymised and kept as

``pseudonym, buurt, scheme, provision, start_year, end_year, source``.

Provision lists: Wmo 2015 (maatwerkvoorzieningen as in CBS's Monitor Sociaal Domein Wmo:
hulp bij het huishouden, begeleiding, dagbesteding, hulpmiddelen, woonvoorziening, vervoer,
beschermd wonen), Jeugdwet (CBS Beleidsinformatie Jeugd: jeugdhulp zonder verblijf, met
verblijf, jeugdbescherming, jeugdreclassering), Participatiewet (CBS Bijstandsuitkeringen:
algemene bijstand, IOAW, IOAZ).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from groengezond.errors import InputError, Problem
from groengezond.ucloud.addresses import AddressIndex
from groengezond.ucloud.pseudonym import PseudonymCache, Pseudonymiser, bsn_valid_array

RECORD_COLUMNS = ["pseudonym", "buurt", "scheme", "provision", "start_year", "end_year",
                  "source"]


@dataclass(frozen=True)
class Schema:
    """Declared columns of one scheme's extract."""

    scheme: str
    provisions: tuple[str, ...]
    columns: tuple[str, ...] = ("bsn", "postcode", "huisnummer", "voorziening",
                                "startdatum", "einddatum")


SCHEMAS: dict[str, Schema] = {
    "wmo": Schema("wmo", ("hulp_huishouden", "begeleiding", "dagbesteding", "hulpmiddelen",
                          "woonvoorziening", "vervoer", "beschermd_wonen")),
    "jeugdwet": Schema("jeugdwet", ("jeugdhulp_zonder_verblijf", "jeugdhulp_met_verblijf",
                                    "jeugdbescherming", "jeugdreclassering")),
    "participatiewet": Schema("participatiewet", ("algemene_bijstand", "ioaw", "ioaz")),
}


@dataclass
class SocialBatch:
    """Result of ingesting one extract."""

    records: pd.DataFrame
    quarantine: list[Problem] = field(default_factory=list)
    unresolved_addresses: int = 0

    def summary(self) -> dict[str, int]:
        """Counts for a report."""
        return {"rows": len(self.records) + len(self.quarantine),
                "kept": len(self.records), "quarantined": len(self.quarantine),
                "unresolved_addresses": self.unresolved_addresses}


def ingest_frame(frame: pd.DataFrame, scheme: str,
                 pseudonymiser: Pseudonymiser | PseudonymCache,
                 addresses: AddressIndex, *, file: str, source: str | None = None
                 ) -> SocialBatch:
    """Check, pseudonymise and reduce one scheme's extract to buurt.

    Parameters
    ----------
    frame : DataFrame
        The extract, columns as declared in :data:`SCHEMAS` (all read as text).
    scheme : str
        ``wmo``, ``jeugdwet`` or ``participatiewet``.
    pseudonymiser : Pseudonymiser
        Pseudonyms of the project domain.
    addresses : AddressIndex
        Postcode + house number to buurt.
    file : str
        Name of the input, for quarantine records.
    source : str, optional
        Name of the delivery (default ``scheme``).

    Returns
    -------
    SocialBatch

    Raises
    ------
    InputError
        An unknown scheme or a missing column (the whole file is refused).
    """
    if scheme not in SCHEMAS:
        raise InputError.single(file, "", "scheme", f"unknown scheme {scheme!r}",
                                f"use one of {sorted(SCHEMAS)}")
    schema = SCHEMAS[scheme]
    missing = [c for c in schema.columns if c not in frame.columns]
    if missing:
        raise InputError.single(file, "", ", ".join(missing), "column is missing",
                                f"a {scheme} extract has the columns {list(schema.columns)}")
    n = len(frame)
    rows = np.arange(2, n + 2)  # the header is line 1
    problems: list[tuple[int, str, str, str]] = []
    bsn_text = frame["bsn"].astype(str).str.strip().str.zfill(9)
    bsn_int = pd.to_numeric(bsn_text.where(bsn_text.str.fullmatch(r"\d{9}")),
                            errors="coerce").fillna(-1).to_numpy(dtype=np.int64)
    bad = ~bsn_valid_array(bsn_int)
    start = pd.to_datetime(frame["startdatum"], errors="coerce", format="%Y-%m-%d")
    end_text = frame["einddatum"].fillna("").astype(str).str.strip()
    end = pd.to_datetime(end_text.where(end_text != ""), errors="coerce", format="%Y-%m-%d")
    prov = frame["voorziening"].astype(str).str.strip()
    for i in np.flatnonzero(bad):
        problems.append((int(i), "bsn", "BSN fails the 11-test",
                         "give the client's 9-digit BSN as registered"))
    for i in np.flatnonzero(start.isna().to_numpy()):
        problems.append((int(i), "startdatum", "not a date",
                         "write dates as YYYY-MM-DD"))
    for i in np.flatnonzero(((end_text != "") & end.isna()).to_numpy()):
        problems.append((int(i), "einddatum", "not a date",
                         "write dates as YYYY-MM-DD or leave empty while it runs"))
    for i in np.flatnonzero((end < start).to_numpy()):
        problems.append((int(i), "einddatum", "ends before it starts",
                         "check the start and end dates"))
    for i in np.flatnonzero(~prov.isin(schema.provisions).to_numpy()):
        problems.append((int(i), "voorziening", f"unknown provision {prov.iloc[i]!r}",
                         f"use one of {list(schema.provisions)}"))
    buurt = addresses.lookup_many(frame["postcode"], frame["huisnummer"])
    unresolved = np.array([b is None for b in buurt], dtype=bool)
    for i in np.flatnonzero(unresolved):
        problems.append((int(i), "postcode", "address not found in the address table",
                         "check postcode and house number against the BAG"))
    quarantined = np.zeros(n, dtype=bool)
    quarantine: list[Problem] = []
    for j, fld, what, fix in sorted(problems):
        quarantined[j] = True
        quarantine.append(Problem(file, f"row {rows[j]}", fld, what, fix,
                                  key=f"{scheme}_{fld}"))
    keep = ~quarantined
    pseudo = pseudonymiser.many_int(bsn_int[keep])
    records = pd.DataFrame({
        "pseudonym": pseudo,
        "buurt": buurt[keep],
        "scheme": scheme,
        "provision": prov.to_numpy()[keep],
        "start_year": start.dt.year.to_numpy()[keep].astype(np.int64),
        "end_year": end.dt.year.to_numpy()[keep],
        "source": source or scheme,
    }, columns=RECORD_COLUMNS)
    return SocialBatch(records, quarantine, int(unresolved.sum()))


def read_extract(path: Path, scheme: str,
                 pseudonymiser: Pseudonymiser | PseudonymCache,
                 addresses: AddressIndex) -> SocialBatch:
    """Read a CSV extract (all columns as text) and :func:`ingest_frame` it."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    return ingest_frame(frame, scheme, pseudonymiser, addresses, file=path.name)
