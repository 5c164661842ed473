"""FHIR R4 (nl-core) ingestion: parse, validate, pseudonymise, reduce to buurt, or quarantine.

Inputs are files as they come from care providers: single resources in XML (as Nictiz publishes
the nl-core examples) or JSON, Bundles (XML or JSON), and NDJSON (one resource per line, the
FHIR bulk-data format). Every resource is validated with ``fhir.resources``' R4B models (the
R4 structures nl-core builds on) on its own, so one bad entry does not take its Bundle down.

What is kept (nothing finer than the buurt, no direct identifier):

- **persons** (Patient): the pseudonym of the BSN (identifier system
  ``http://fhir.nl/fhir/NamingSystem/bsn``), birth year, sex and buurt code (from postcode and
  house number through an :class:`~groengezond.ucloud.addresses.AddressIndex`);
- **care events** (Encounter, Condition, Observation, MedicationRequest, MedicationStatement):
  the person's pseudonym, resource type, the first coding's system and code, year and month.

Names, addresses, narrative text (which repeats the BSN in the nl-core examples), resource ids
and free text are dropped. An invalid resource is **quarantined**: a record of its file,
resource id, path of the problem and the problem, plus the SHA-256 of its bytes, so that the
data steward can find it in the delivery; its content is not copied (it holds the BSN).

The parsing is I/O-bound by nature; :func:`ingest_paths` reads files, the rest is pure.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
from fhir.resources.R4B import get_fhir_model_class
from lxml import etree
from pydantic import ValidationError

from groengezond.ucloud.addresses import AddressIndex
from groengezond.ucloud.pseudonym import Pseudonymiser, bsn_valid

BSN_SYSTEM = "http://fhir.nl/fhir/NamingSystem/bsn"
FHIR_NS = "http://hl7.org/fhir"
HOUSE_NUMBER_EXT = "http://hl7.org/fhir/StructureDefinition/iso21090-ADXP-houseNumber"
EVENT_TYPES = ("Encounter", "Condition", "Observation", "MedicationRequest",
               "MedicationStatement")
PERSON_COLUMNS = ["pseudonym", "birth_year", "sex", "buurt", "source"]
EVENT_COLUMNS = ["pseudonym", "resource_type", "code_system", "code", "year", "month",
                 "source"]


@dataclass(frozen=True)
class Quarantined:
    """One resource that did not pass validation.

    Attributes
    ----------
    file : str
        File it came from (with ``#line N`` for NDJSON, ``#entry N`` for a Bundle entry).
    resource_id : str
        Its ``id`` ('' when it has none).
    resource_type : str
        Its type ('' when unknown).
    path : str
        Where in the resource the problem is (FHIRPath-like, e.g. ``Patient.id``).
    problem : str
        What is wrong.
    sha256 : str
        Hash of the resource's bytes (to find it in the delivery; the content is not kept).
    """

    file: str
    resource_id: str
    resource_type: str
    path: str
    problem: str
    sha256: str


@dataclass
class FhirBatch:
    """Result of ingesting FHIR files."""

    persons: pd.DataFrame
    events: pd.DataFrame
    quarantine: list[Quarantined] = field(default_factory=list)
    parsed: Counter[str] = field(default_factory=Counter)
    """Valid resources per type (also the types the hub does not keep, e.g. Practitioner)."""
    unresolved_addresses: int = 0
    persons_without_bsn: int = 0

    @property
    def n_seen(self) -> int:
        """Every resource seen: parsed plus quarantined."""
        return sum(self.parsed.values()) + len(self.quarantine)

    def summary(self) -> dict[str, Any]:
        """Counts for a report (keys and numbers only)."""
        return {"resources_seen": self.n_seen, "parsed": dict(self.parsed),
                "quarantined": len(self.quarantine), "persons": len(self.persons),
                "events": len(self.events), "persons_without_bsn": self.persons_without_bsn,
                "unresolved_addresses": self.unresolved_addresses}


@dataclass(frozen=True)
class _Raw:
    where: str
    resource_type: str
    resource_id: str
    payload: bytes | dict[str, Any]

    @property
    def sha256(self) -> str:
        data = (self.payload if isinstance(self.payload, bytes)
                else json.dumps(self.payload, sort_keys=True).encode())
        return hashlib.sha256(data).hexdigest()


def _xml_resources(data: bytes, where: str) -> Iterator[_Raw]:
    root = etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False,
                                                         no_network=True))
    rt = etree.QName(root).localname
    if rt == "Bundle":
        for i, res in enumerate(root.iterfind(f"{{{FHIR_NS}}}entry/{{{FHIR_NS}}}resource")):
            for child in res:
                if isinstance(child.tag, str):
                    yield _xml_one(child, f"{where}#entry {i + 1}")
        return
    yield _xml_one(root, where)


def _xml_one(el: Any, where: str) -> _Raw:
    rid = el.find(f"{{{FHIR_NS}}}id")
    return _Raw(where, etree.QName(el).localname,
                rid.get("value", "") if rid is not None else "", etree.tostring(el))


def _json_resources(obj: Any, where: str) -> Iterator[_Raw]:
    if not isinstance(obj, dict):
        yield _Raw(where, "", "", {"_not_an_object": str(type(obj).__name__)})
        return
    if obj.get("resourceType") == "Bundle":
        for i, entry in enumerate(obj.get("entry") or []):
            res = entry.get("resource") if isinstance(entry, dict) else None
            if res is not None:
                yield from _json_resources(res, f"{where}#entry {i + 1}")
        return
    yield _Raw(where, str(obj.get("resourceType", "")), str(obj.get("id", "")), obj)


def read_resources(path: Path, label: str | None = None) -> Iterator[_Raw | Quarantined]:
    """Every resource in one file (XML, JSON or NDJSON); unreadable parts as Quarantined."""
    name = label or path.name
    data = path.read_bytes()
    suffix = path.suffix.lower()
    try:
        if suffix == ".xml":
            yield from _xml_resources(data, name)
        elif suffix == ".ndjson":
            for n, line in enumerate(data.splitlines(), start=1):
                if not line.strip():
                    continue
                try:
                    yield from _json_resources(json.loads(line), f"{name}#line {n}")
                except json.JSONDecodeError as exc:
                    yield Quarantined(f"{name}#line {n}", "", "", "", f"not JSON: {exc.msg}",
                                      hashlib.sha256(line).hexdigest())
        else:
            yield from _json_resources(json.loads(data), name)
    except (etree.XMLSyntaxError, json.JSONDecodeError) as exc:
        yield Quarantined(name, "", "", "", f"not well-formed: {exc}",
                          hashlib.sha256(data).hexdigest())


def validate(raw: _Raw) -> Any | Quarantined:
    """The R4B model of a resource, or its quarantine record."""
    if not raw.resource_type:
        return Quarantined(raw.where, raw.resource_id, "", "resourceType",
                           "no resourceType", raw.sha256)
    try:
        cls = get_fhir_model_class(raw.resource_type)
    except (KeyError, ValueError):
        return Quarantined(raw.where, raw.resource_id, raw.resource_type, "resourceType",
                           f"unknown FHIR R4 resource type {raw.resource_type!r}", raw.sha256)
    try:
        if isinstance(raw.payload, bytes):
            return cls.model_validate_xml(raw.payload)
        return cls.model_validate(raw.payload)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(p) for p in err.get("loc", ()))
        more = f" (and {len(exc.errors()) - 1} more)" if len(exc.errors()) > 1 else ""
        return Quarantined(raw.where, raw.resource_id, raw.resource_type,
                           f"{raw.resource_type}.{loc}" if loc else raw.resource_type,
                           f"{err.get('msg', 'invalid')}{more}", raw.sha256)
    except Exception as exc:  # fhir_core raises its own errors on malformed XML values
        return Quarantined(raw.where, raw.resource_id, raw.resource_type, raw.resource_type,
                           f"{type(exc).__name__}: {str(exc)[:200]}", raw.sha256)


def _first_coding(cc: Any) -> tuple[str, str]:
    for coding in (getattr(cc, "coding", None) or []):
        if coding.code:
            return str(coding.system or ""), str(coding.code)
    return "", ""


def _date(*values: Any) -> tuple[int | None, int | None]:
    for v in values:
        if v is None:
            continue
        s = str(getattr(v, "start", None) or v)
        if len(s) >= 4 and s[:4].isdigit():
            month = int(s[5:7]) if len(s) >= 7 and s[5:7].isdigit() else None
            return int(s[:4]), month
    return None, None


def _house_number(addr: Any) -> str | None:
    for line in (getattr(addr, "line__ext", None) or []):
        for ext in (getattr(line, "extension", None) or []) if line else []:
            if ext.url == HOUSE_NUMBER_EXT and ext.valueString:
                return str(ext.valueString)
    for line in (addr.line or []):
        digits = "".join(ch if ch.isdigit() else " " for ch in str(line)).split()
        if digits:
            return digits[-1]
    return None


def _event(model: Any) -> tuple[str | None, tuple[str, str], tuple[int | None, int | None]]:
    rt = model.get_resource_type()
    subject = getattr(model, "subject", None)
    ref = str(subject.reference) if subject is not None and subject.reference else None
    if rt == "Encounter":
        code = _first_coding((model.reasonCode or [None])[0]) if model.reasonCode else \
            ("http://terminology.hl7.org/CodeSystem/v3-ActCode",
             str(getattr(model.class_fhir, "code", "") or ""))
        return ref, code, _date(model.period)
    if rt == "Condition":
        return ref, _first_coding(model.code), _date(model.onsetDateTime, model.recordedDate)
    if rt == "Observation":
        return ref, _first_coding(model.code), _date(model.effectiveDateTime,
                                                     model.effectivePeriod, model.issued)
    if rt == "MedicationRequest":
        return ref, _first_coding(model.medicationCodeableConcept), _date(model.authoredOn)
    return ref, _first_coding(model.medicationCodeableConcept), _date(
        model.effectiveDateTime, model.effectivePeriod, model.dateAsserted)


def _implausible_patient(model: Any) -> str:
    """Why a Patient cannot be real ('' when it can): a birth date in the future or more
    than 120 years before the ingestion year."""
    year = _date(model.birthDate)[0]
    this_year = date.today().year
    if year is not None and year > this_year:
        return f"birth year {year} lies in the future"
    if year is not None and year < this_year - 120:
        return f"birth year {year} lies more than 120 years back"
    return ""


def ingest_paths(paths: Iterable[Path], pseudonymiser: Pseudonymiser,
                 addresses: AddressIndex | None = None, *, source: str = "fhir",
                 root: Path | None = None) -> FhirBatch:
    """Ingest FHIR files: every resource is parsed (and reduced) or quarantined.

    Parameters
    ----------
    paths : iterable of Path
        Files (``.xml``, ``.json``, ``.ndjson``); folders are searched for these.
    pseudonymiser : Pseudonymiser
        Pseudonyms of the project domain.
    addresses : AddressIndex, optional
        Postcode + house number to buurt; without it every buurt is unresolved.
    source : str
        Name of the delivery (kept with every row, used for linkage rates).
    root : Path, optional
        File names in quarantine records are relative to this folder.

    Returns
    -------
    FhirBatch
    """
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            files += sorted(f for f in p.rglob("*")
                            if f.suffix.lower() in (".xml", ".json", ".ndjson"))
        else:
            files.append(p)
    batch = FhirBatch(pd.DataFrame(columns=PERSON_COLUMNS),
                      pd.DataFrame(columns=EVENT_COLUMNS))
    ref_to_pseudonym: dict[str, str | None] = {}
    persons: list[dict[str, Any]] = []
    pending: list[tuple[str | None, str, tuple[str, str], tuple[int | None, int | None]]] = []
    for f in files:
        label = str(f.relative_to(root)) if root and f.is_relative_to(root) else f.name
        if f.suffix.lower() == ".json" and f.name.startswith(("package", "LICENSE")):
            continue
        for item in read_resources(f, label):
            if isinstance(item, Quarantined):
                batch.quarantine.append(item)
                continue
            result = validate(item)
            if isinstance(result, Quarantined):
                batch.quarantine.append(result)
                continue
            rt = result.get_resource_type()
            if rt == "Patient" and (bad := _implausible_patient(result)):
                batch.quarantine.append(Quarantined(item.where, item.resource_id, rt,
                                                    "Patient.birthDate", bad, item.sha256))
                continue
            batch.parsed[rt] += 1
            if rt == "Patient":
                pseudo = None
                for ident in result.identifier or []:
                    if ident.system == BSN_SYSTEM and ident.value and bsn_valid(ident.value):
                        pseudo = pseudonymiser.one(ident.value)
                if pseudo is None:
                    batch.persons_without_bsn += 1
                buurt = None
                for addr in result.address or []:
                    if addresses is not None:
                        buurt = addresses.lookup(addr.postalCode, _house_number(addr))
                    if buurt:
                        break
                batch.unresolved_addresses += buurt is None
                rid = str(result.id or "")
                if rid:
                    ref_to_pseudonym[f"Patient/{rid}"] = pseudo
                persons.append({"pseudonym": pseudo,
                                "birth_year": _date(result.birthDate)[0],
                                "sex": str(result.gender or "unknown"), "buurt": buurt,
                                "source": source})
            elif rt in EVENT_TYPES:
                ref, code, (year, month) = _event(result)
                pending.append((ref, rt, code, (year, month)))
    events = [{"pseudonym": ref_to_pseudonym.get(ref) if ref else None, "resource_type": rt,
               "code_system": code[0], "code": code[1], "year": ym[0], "month": ym[1],
               "source": source} for ref, rt, code, ym in pending]
    batch.persons = pd.DataFrame(persons, columns=PERSON_COLUMNS)
    batch.events = pd.DataFrame(events, columns=EVENT_COLUMNS)
    return batch
