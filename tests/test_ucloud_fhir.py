"""FHIR R4 nl-core ingestion: every resource parsed or quarantined with its reason."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from lxml import etree

from groengezond.ucloud.addresses import AddressIndex
from groengezond.ucloud.fhir_ingest import BSN_SYSTEM, FHIR_NS, ingest_paths
from groengezond.ucloud.pseudonym import Pseudonymiser
from ucloud_support import KEY

FHIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "fhir"
FOLDERS = ("nictiz-zib2020-examples", "nictiz-medicationprocess9-examples",
           "hl7-r4-json-examples")


def _count_resources(folder: Path) -> int:
    n = 0
    for f in folder.rglob("*"):
        if f.suffix == ".xml":
            root = etree.parse(str(f)).getroot()
            if etree.QName(root).localname == "Bundle":
                n += len(root.findall(f"{{{FHIR_NS}}}entry/{{{FHIR_NS}}}resource"))
            else:
                n += 1
        elif f.suffix == ".json":
            obj = json.loads(f.read_text())
            n += len(obj.get("entry", [])) if obj.get("resourceType") == "Bundle" else 1
    return n


@pytest.mark.skipif(not FHIR.exists(), reason="../shared/data/fhir (SOURCES.md item 17) absent")
def test_shared_examples_every_resource_parsed_or_quarantined() -> None:
    folders = [FHIR / f for f in FOLDERS]
    batch = ingest_paths(folders, Pseudonymiser(KEY, "p"), root=FHIR)
    expected = sum(_count_resources(f) for f in folders)
    assert batch.n_seen == expected
    assert sum(batch.parsed.values()) + len(batch.quarantine) == expected
    # XML (Nictiz) and JSON (HL7) both parsed
    assert batch.parsed["Patient"] >= 5 and batch.parsed["Observation"] >= 100
    assert batch.parsed["MedicationRequest"] >= 4 and batch.parsed["Condition"] >= 26
    assert batch.quarantine, "the set holds resources fhir.resources refuses"
    for q in batch.quarantine:
        assert q.file and q.path and q.problem and len(q.sha256) == 64
        assert (FHIR / q.file.split("#")[0]).exists()
    # a Patient in the nl-core set carries BSN 111222333; only its pseudonym is kept
    kept = pd.concat([batch.persons.astype(str), batch.events.astype(str)])
    assert not kept.apply(lambda c: c.str.contains("111222333")).any().any()
    assert Pseudonymiser(KEY, "p").one("111222333") in set(batch.persons["pseudonym"])
    linked = batch.events["pseudonym"].notna()
    assert linked.sum() > 100  # events of nl-core-Patient-01 link to its pseudonym


def test_ndjson_bundle_and_quarantine(tmp_path: Path) -> None:
    patient = {"resourceType": "Patient", "id": "p1",
               "identifier": [{"system": BSN_SYSTEM, "value": "111222333"}],
               "name": [{"family": "Jansen"}], "gender": "female", "birthDate": "1950-03-02",
               "address": [{"line": ["Oudegracht 12"], "postalCode": "3511 AB"}]}
    enc = {"resourceType": "Encounter", "id": "e1", "status": "finished",
           "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
                     "code": "AMB"},
           "subject": {"reference": "Patient/p1"}, "period": {"start": "2024-05-03"}}
    cond = {"resourceType": "Condition", "id": "c1",
            "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icpc-1-nl",
                                 "code": "P76"}]},
            "subject": {"reference": "Patient/p1"}, "onsetDateTime": "2024-02"}
    bad = {"resourceType": "Observation", "id": "o1", "status": "final",
           "subject": {"reference": "Patient/p1"}}  # no code: required
    future = {"resourceType": "Patient", "id": "p2", "birthDate": "2190-01-01"}
    lines = [json.dumps(patient), json.dumps(bad), "{not json", json.dumps(enc),
             json.dumps(future)]
    (tmp_path / "care.ndjson").write_text("\n".join(lines) + "\n")
    (tmp_path / "bundle.json").write_text(json.dumps({
        "resourceType": "Bundle", "type": "collection",
        "entry": [{"resource": cond}, {"resource": {"resourceType": "Nonsense"}}]}))
    index = AddressIndex.from_frame(pd.DataFrame({"postcode": ["3511AB"],
                                                  "house_number": [12],
                                                  "buurt": ["BU03440101"]}))
    batch = ingest_paths([tmp_path], Pseudonymiser(KEY, "p"), index)
    assert batch.n_seen == 7
    where = {q.file: q for q in batch.quarantine}
    assert set(where) == {"care.ndjson#line 2", "care.ndjson#line 3", "care.ndjson#line 5",
                          "bundle.json#entry 2"}
    assert where["care.ndjson#line 2"].path == "Observation.code"
    assert where["care.ndjson#line 2"].resource_id == "o1"
    assert "future" in where["care.ndjson#line 5"].problem
    assert "Nonsense" in where["bundle.json#entry 2"].problem
    person = batch.persons.iloc[0]
    assert person["buurt"] == "BU03440101" and person["birth_year"] == 1950
    assert set(batch.persons.columns) == {"pseudonym", "birth_year", "sex", "buurt", "source"}
    ev = batch.events.set_index("resource_type")
    assert ev.loc["Condition", "code"] == "P76" and ev.loc["Condition", "month"] == 2
    assert ev.loc["Encounter", "year"] == 2024
    assert (batch.events["pseudonym"] == person["pseudonym"]).all()
