"""The hub's run: ingest the deliveries, pseudonymise, link, aggregate to buurt, protect.

:func:`ingest_link_aggregate` is what ``groengezond ucloud run`` and the benchmark
``ingest_link_aggregate_1500000`` call. It takes the deliveries in memory (the register, the
care events, the social-domain extracts and the address table, each still with the BSN or the
address as a source sends them) and returns only pseudonymised, buurt-level data and the
protected releases. Core: no I/O.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from groengezond.errors import Problem
from groengezond.ucloud.addresses import AddressIndex
from groengezond.ucloud.care_indicators import (
    Release,
    indicator_rows,
    person_table,
    releases,
)
from groengezond.ucloud.fhir_care import care_events as fhir_care_events
from groengezond.ucloud.linkage import Linked, link_pseudonymised, link_register, link_source
from groengezond.ucloud.pseudonym import PseudonymCache, Pseudonymiser
from groengezond.ucloud.social import ingest_frame
from groengezond.ucloud.suppression import Rules


@dataclass
class HubRun:
    """Everything a run keeps: no BSN, no address finer than the buurt."""

    linked: Linked
    releases: dict[str, Release]
    indicators: pd.DataFrame
    quarantine: list[Problem] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        """Keys and numbers for the report and the audit log."""
        return {
            "persons": len(self.linked.persons),
            "unresolved_addresses": self.linked.unresolved_addresses,
            "events": {k: len(v) for k, v in self.linked.events.items()},
            "linkage": [r.as_dict() for r in self.linked.rates],
            "quarantined_rows": len(self.quarantine),
            "releases": {k: {"cells": len(r.cells),
                             "suppressed_primary": int(r.cells["reason"].isin(
                                 ["min_count", "p_percent", "nk_dominance"]).sum()),
                             "suppressed_secondary": int((r.cells["reason"] == "secondary")
                                                         .sum())}
                         for k, r in self.releases.items()},
        }


def ingest_link_aggregate(register: pd.DataFrame, care_events: pd.DataFrame,
                          social: dict[str, pd.DataFrame], address_table: pd.DataFrame,
                          areas: pd.DataFrame, pseudonymiser: Pseudonymiser, *, year: int,
                          rules: Rules | None = None,
                          progress: Callable[[str], None] | None = None,
                          fhir_events: pd.DataFrame | None = None) -> HubRun:
    """Ingest, pseudonymise, link, aggregate and protect one year of deliveries.

    Parameters
    ----------
    register : DataFrame
        Population register (see :func:`~groengezond.ucloud.linkage.link_register`).
    care_events : DataFrame
        ``bsn``, ``kind``, ``code``, ``year``, ``month`` (e.g. from FHIR, flattened).
    social : dict of str to DataFrame
        Per scheme (``wmo``, ``jeugdwet``, ``participatiewet``), the CSV extract as text.
    address_table : DataFrame
        ``postcode``, ``house_number``, ``buurt``.
    areas : DataFrame
        The region's areas (``code``, ``level``, ``parent``).
    pseudonymiser : Pseudonymiser
        The project's domain.
    year : int
        Year of the indicators.
    rules : Rules, optional
        Disclosure-control parameters.
    progress : callable, optional
        Called with the name of each step.
    fhir_events : DataFrame, optional
        Events of FHIR deliveries, pseudonymised at ingestion in the same domain
        (:attr:`FhirBatch.events <groengezond.ucloud.fhir_ingest.FhirBatch.events>`); linked
        as the source ``care_fhir`` and counted with the care extract
        (:func:`~groengezond.ucloud.fhir_care.care_events`).

    Returns
    -------
    HubRun
    """
    step = progress or (lambda _name: None)
    pz = PseudonymCache(pseudonymiser)  # each BSN hashed once in this run; never stored
    step("addresses")
    index = AddressIndex.from_frame(address_table)
    step("register")
    linked = link_register(register, pz, index)
    step("care")
    link_source(linked, "care", care_events, pz)
    if fhir_events is not None:
        step("care_fhir")
        link_pseudonymised(linked, "care_fhir", fhir_care_events(fhir_events))
    quarantine: list[Problem] = []
    for scheme, frame in social.items():
        step(scheme)
        batch = ingest_frame(frame, scheme, pz, index, file=f"{scheme}.csv")
        quarantine += batch.quarantine
        link_pseudonymised(linked, scheme, batch.records)
    step("aggregate")
    persons = person_table(linked, year)
    step("disclosure")
    rel = releases(linked, areas, year, rules, persons)
    step("indicators")
    ind = indicator_rows(linked, areas, rel, year, persons)
    return HubRun(linked, rel, ind, quarantine)
