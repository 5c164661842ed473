"""FHIR deliveries feed the linkage and the care indicators (issue 19, items 1 and 3).

Patients and their Encounters, as a GP system would send them in FHIR, are ingested,
pseudonymised in the project's domain, linked to the register as the source ``care_fhir``, and
their mental-health contacts (ICPC chapter P) counted with the columnar care extract.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from groengezond.ucloud.addresses import AddressIndex
from groengezond.ucloud.care_indicators import person_table
from groengezond.ucloud.fhir_care import care_events
from groengezond.ucloud.fhir_ingest import BSN_SYSTEM, ingest_paths
from groengezond.ucloud.pipeline import ingest_link_aggregate
from groengezond.ucloud.pseudonym import Pseudonymiser
from ucloud_support import DOMAIN, KEY, YEAR, population, small_region

ICPC = "http://hl7.org/fhir/sid/icpc-1-nl"


def encounter(i: int, patient: str, code: str, system: str = ICPC,
              start: str = f"{YEAR}-03-04") -> dict[str, object]:
    return {"resourceType": "Encounter", "id": f"e{i}", "status": "finished",
            "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
                      "code": "AMB"},
            "reasonCode": [{"coding": [{"system": system, "code": code}]}],
            "subject": {"reference": f"Patient/{patient}"}, "period": {"start": start}}


def test_kinds_of_fhir_rows() -> None:
    rows = pd.DataFrame({
        "pseudonym": ["a", "a", "b", "b", "c", None],
        "resource_type": ["Encounter", "Encounter", "Condition", "MedicationRequest",
                          "Observation", "Encounter"],
        "code_system": [ICPC, ICPC, ICPC, "urn:oid:2.16.840.1.113883.2.4.4.7", "http://loinc.org",
                        "http://snomed.info/sct"],
        "code": ["P76", "K86", "P76", "12345", "8480-6", "P76"],
        "year": [2024] * 6, "month": [3] * 6})
    ev = care_events(rows)
    # an ICPC P reason makes an Encounter a mental-health contact; a P diagnosis is a condition;
    # a "P76" in another code system is not ICPC; Observations are not care events
    assert ev["kind"].tolist() == ["gp_mental_health", "gp_contact", "condition",
                                   "prescription", "gp_contact"]
    assert ev["pseudonym"].iloc[:4].tolist() == ["a", "a", "b", "b"]
    assert pd.isna(ev["pseudonym"].iloc[4])


def test_fhir_contacts_are_linked_and_counted(tmp_path: Path) -> None:
    pop = population()
    reg = pop.register
    rng = np.random.default_rng(3)
    chosen = rng.choice(len(reg), size=40, replace=False)
    lines = []
    for j, r in enumerate(chosen):
        lines.append(json.dumps({
            "resourceType": "Patient", "id": f"p{j}", "birthDate": "1970-01-01",
            "identifier": [{"system": BSN_SYSTEM, "value": f"{int(reg['bsn'].iloc[r]):09d}"}]}))
        lines.append(json.dumps(encounter(2 * j, f"p{j}", "P76")))  # a mental-health contact
        lines.append(json.dumps(encounter(2 * j + 1, f"p{j}", "K86")))  # another contact
    # a patient without a BSN: their contact cannot link and is counted as unlinked
    lines.append(json.dumps({"resourceType": "Patient", "id": "nobsn", "birthDate": "1980"}))
    lines.append(json.dumps(encounter(999, "nobsn", "P74")))
    (tmp_path / "gp.ndjson").write_text("\n".join(lines))
    pz = Pseudonymiser(KEY, DOMAIN)
    batch = ingest_paths([tmp_path / "gp.ndjson"], pz, AddressIndex.from_frame(pop.addresses))
    assert batch.quarantine == []
    no_extract = pop.care_events.iloc[0:0]
    run = ingest_link_aggregate(reg, no_extract, {}, pop.addresses, small_region().areas, pz,
                                year=YEAR, fhir_events=batch.events)
    rate = next(r for r in run.linked.rates if r.source == "care_fhir")
    assert (rate.records, rate.linked_records) == (81, 80)
    assert (rate.persons, rate.linked_persons) == (40, 40)
    persons = person_table(run.linked, YEAR)
    assert int(persons["gp_mh_contacts"].sum()) == 40
    # each chosen person has exactly their one contact (the register is the persons' order)
    assert len(persons) == len(reg)  # every address resolved
    mh = np.zeros(len(reg), dtype=np.int64)
    mh[chosen] = 1
    assert (persons["gp_mh_contacts"].to_numpy() == mh).all()
    cells = run.releases["gp_mh_contacts"].system.cells
    total = cells[(cells["level"] == "gemeente") & (cells["category"] == "total")]
    assert float(total["value"].sum()) == 40.0
