"""The BSN is never stored or logged: a whole hub run, then every stored file and log line is
scanned for the test BSNs."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from groengezond.api.app import create_app
from groengezond.cli.app import app
from groengezond.region.store import write_region
from groengezond.services.baseline import compute_baseline
from groengezond.ucloud.fhir_ingest import BSN_SYSTEM
from ucloud_support import small_region, write_key

runner = CliRunner()
DIGITS = re.compile(rb"(?<![0-9])[0-9]{8,9}(?![0-9])")
FHIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "fhir"


def _found_in_bytes(data: bytes, bsns: set[str]) -> set[str]:
    return {m.decode().zfill(9) for m in DIGITS.findall(data)} & bsns


def _found_in_file(path: Path, bsns: set[str]) -> set[str]:
    if path.suffix == ".parquet":
        frame = pd.read_parquet(path)
        hits: set[str] = set()
        for col in frame.columns:
            text = "\n".join(map(str, frame[col].tolist())).encode()
            hits |= _found_in_bytes(text, bsns)
        return hits
    return _found_in_bytes(path.read_bytes(), bsns)


def test_no_bsn_in_any_stored_file_or_log_line(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    hub = tmp_path / "hub"
    monkeypatch.setenv("GG_UCLOUD_DIR", str(hub))
    monkeypatch.setenv("GG_PSEUDONYM_KEY_FILE", str(write_key(tmp_path / "key")))
    region = write_region(small_region(), tmp_path / "region")
    deliveries = tmp_path / "deliveries"  # the sources' files: these do hold BSNs
    outputs: list[str] = []

    def cli(*args: str) -> str:
        res = runner.invoke(app, ["ucloud", *args])
        assert res.exit_code == 0, res.output
        outputs.append(res.output)
        return res.output.strip()

    # with the region's access results, the address table carries exposure bands too
    compute_baseline(region, tiles=False)
    cli("synth-population", "--region", str(region), "--out", str(deliveries))
    assert "exp_green_distance" in pd.read_parquet(deliveries / "addresses.parquet").columns
    steward = cli("user-add", "anna", "--role", "data_steward")
    steward2 = cli("user-add", "carla", "--role", "data_steward", "--token", steward)
    researcher = cli("user-add", "bob", "--role", "researcher", "--token", steward)
    # a bad row with a BSN that fails the 11-test must be quarantined without its number
    wmo = pd.read_csv(deliveries / "wmo.csv", dtype=str, keep_default_na=False)
    wmo.loc[0, "bsn"] = "123456789"
    wmo.to_csv(deliveries / "wmo.csv", index=False)
    cli("run", "--deliveries", str(deliveries), "--region", str(region), "--domain", "scan",
        "--token", steward)
    persons = pd.read_parquet(hub / "linked" / "persons.parquet")
    assert persons["exp_green_distance"].notna().all()
    register = pd.read_parquet(deliveries / "register.parquet")
    fhir_bsns = ["111222333", "999990019"]
    lines = [json.dumps({"resourceType": "Patient", "id": f"p{i}",
                         "identifier": [{"system": BSN_SYSTEM, "value": b}],
                         "text": {"status": "generated",
                                  "div": f"<div xmlns=\"http://www.w3.org/1999/xhtml\">BSN {b}"
                                         f"</div>"},
                         "birthDate": "1970-01-01"}) for i, b in enumerate(fhir_bsns)]
    lines.append(json.dumps({"resourceType": "Patient", "id": "bad", "birthDate": "x",
                             "identifier": [{"system": BSN_SYSTEM, "value": "111222333"}]}))
    (tmp_path / "care.ndjson").write_text("\n".join(lines))
    paths = [str(tmp_path / "care.ndjson")]
    if FHIR.exists():
        paths.append(str(FHIR / "nictiz-zib2020-examples"))
    cli("ingest-fhir", *paths, "--domain", "scan", "--token", steward)
    # FHIR deliveries linked in a run, with the care extract (their BSNs are not in the
    # register: the contacts stay unlinked, and are counted)
    out = cli("run", "--deliveries", str(deliveries), "--region", str(region), "--domain",
              "scan", "--token", steward, "--fhir", str(tmp_path / "care.ndjson"))
    print("OUT", out)
    cli("release", "wmo", "--token", researcher)
    ex_id = cli("export-request", "wmo", "--token", researcher).split()[1]
    cli("export-approve", ex_id, "--token", steward2)
    cli("export-download", ex_id, "--out", str(hub / "export.csv"), "--token", researcher)
    cli("audit", "--token", steward)
    cli("publish", "--region", str(region), "--token", steward)
    client = TestClient(create_app(region))
    for url in ("/api/ucloud/indicators", "/api/ucloud/linkage", "/api/ucloud/releases/wmo"):
        res = client.get(url, headers={"Authorization": f"Bearer {researcher}"})
        assert res.status_code == 200
        outputs.append(res.text)

    bsns = {f"{b:09d}" for b in register["bsn"]} | set(fhir_bsns) | {"123456789"}
    assert _found_in_file(deliveries / "register.parquet", bsns), "the scan finds BSNs"
    stored = [p for p in [*hub.rglob("*"), *region.rglob("*")] if p.is_file()]
    assert len(stored) >= 15
    for path in stored:
        assert not _found_in_file(path, bsns), f"BSN in stored file {path}"
    log_text = "\n".join(r.getMessage() + " " + json.dumps(getattr(r, "fields", {}),
                                                             default=str)
                         for r in caplog.records)
    assert caplog.records, "the run logs its steps"
    assert not _found_in_bytes(log_text.encode(), bsns), "BSN in a log line"
    assert not _found_in_bytes("\n".join(outputs).encode(), bsns), "BSN in an answer"
    run = json.loads((hub / "run.json").read_text())
    assert run["quarantined_rows"] == 1 and run["quarantine"][0]["field"] == "bsn"
