"""FHIR resources as care events of the linkage: GP contacts for mental-health reasons.

:func:`~groengezond.ucloud.fhir_ingest.ingest_paths` reduces each resource to its pseudonym,
resource type, first coding and year/month. This module gives those rows the ``kind`` the
care indicators count (:mod:`.care_indicators`), so FHIR deliveries feed the same linkage and
the same protected releases as the columnar care extract:

==========================================================  =====================
FHIR row                                                    kind
==========================================================  =====================
Encounter whose reason is an ICPC code of chapter P          ``gp_mental_health``
(psychological; ``http://hl7.org/fhir/sid/icpc-1-nl``)
other Encounter                                             ``gp_contact``
Condition                                                   ``condition``
MedicationRequest, MedicationStatement                      ``prescription``
Observation                                                 not a care event (left out)
==========================================================  =====================

A Condition with an ICPC P code is a diagnosis, not a contact, so it does not count as a
mental-health contact. Core: no I/O.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["ICPC_SYSTEMS", "care_events"]

ICPC_SYSTEMS = ("http://hl7.org/fhir/sid/icpc-1-nl", "http://hl7.org/fhir/sid/icpc-1",
                "http://hl7.org/fhir/sid/icpc-2")
"""Code systems read as ICPC (the Dutch ICPC-1 of nl-core first)."""

_KIND_OF_TYPE = {"Encounter": "gp_contact", "Condition": "condition",
                 "MedicationRequest": "prescription", "MedicationStatement": "prescription"}


def care_events(events: pd.DataFrame) -> pd.DataFrame:
    """The care events among FHIR event rows, with their kind.

    Parameters
    ----------
    events : DataFrame
        :attr:`FhirBatch.events <groengezond.ucloud.fhir_ingest.FhirBatch.events>`:
        ``pseudonym`` (None where the subject had no usable BSN), ``resource_type``,
        ``code_system``, ``code``, ``year``, ``month``.

    Returns
    -------
    DataFrame
        ``pseudonym``, ``kind``, ``code``, ``year``, ``month`` for Encounters, Conditions and
        medication resources (Observations are left out).
    """
    rt = events["resource_type"].astype(str)
    keep = rt.isin(list(_KIND_OF_TYPE)).to_numpy()
    ev = events.loc[keep]
    kind = ev["resource_type"].astype(str).map(_KIND_OF_TYPE).to_numpy(dtype=object)
    code = ev["code"].astype(str).str.strip().str.upper()
    mh = ((ev["resource_type"] == "Encounter") & ev["code_system"].isin(ICPC_SYSTEMS)
          & code.str.startswith("P")).to_numpy()
    kind[mh] = "gp_mental_health"
    year = pd.to_numeric(ev["year"], errors="coerce")
    return pd.DataFrame({
        "pseudonym": ev["pseudonym"].to_numpy(dtype=object), "kind": kind,
        "code": ev["code"].astype(str).to_numpy(),
        "year": year.to_numpy(dtype=float), "month": pd.to_numeric(
            ev["month"], errors="coerce").to_numpy(dtype=float)}).reset_index(drop=True)

