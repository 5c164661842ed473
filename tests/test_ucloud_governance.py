"""Governance: roles, the hash-chained audit log, four-eyes exports, the CLI enforcing them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from groengezond.cli.app import app
from groengezond.ucloud.audit import AuditLog, output_hash
from groengezond.ucloud.governance import AccessDeniedError
from groengezond.ucloud.hub import ConflictError, Hub
from ucloud_support import stocked_hub

runner = CliRunner()


def test_audit_chain_detects_change_removal_and_reordering(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.jsonl")
    for i in range(5):
        log.append(user=f"u{i}", role="researcher", action="query", target="wmo",
                   output=f"table {i}")
    assert log.verify().ok and log.verify().entries == 5
    assert log.entries()[2]["output_sha256"] == output_hash("table 2")
    assert oct((tmp_path / "audit.jsonl").stat().st_mode)[-3:] == "600"
    lines = (tmp_path / "audit.jsonl").read_text().splitlines()
    changed = json.loads(lines[2])
    changed["user"] = "someone-else"
    for bad, at in (([*lines[:2], json.dumps(changed), *lines[3:]], 3),
                    ([*lines[:1], *lines[2:]], 2),
                    ([lines[1], lines[0], *lines[2:]], 1)):
        (tmp_path / "audit.jsonl").write_text("\n".join(bad) + "\n")
        v = log.verify()
        assert not v.ok and v.first_bad == at


def test_four_eyes_export(tmp_path: Path) -> None:
    h = stocked_hub(tmp_path / "hub")
    hub = h.hub
    ex = hub.request_export(h.researcher, "wmo", "wijk")
    assert ex.status == "pending"
    with pytest.raises(ConflictError, match="approved"):
        hub.download(h.researcher, ex.id)
    with pytest.raises(AccessDeniedError):
        hub.decide(h.researcher, ex.id, approve=True)  # a researcher cannot approve
    own = hub.request_export(h.steward, "jeugdwet")
    with pytest.raises(AccessDeniedError, match="four-eyes"):
        hub.decide(h.steward, own.id, approve=True)  # nor a steward their own
    done = hub.decide(h.steward2, ex.id, approve=True)
    assert done.status == "approved" and done.approver == "carla"
    data = hub.download(h.researcher, ex.id)
    assert output_hash(data) == ex.output_sha256
    with pytest.raises(ConflictError):
        hub.decide(h.steward2, ex.id, approve=False)  # decided once
    with pytest.raises(AccessDeniedError):
        hub.download(h.viewer, ex.id)
    actions = [e["action"] for e in hub.audit.entries()]
    for a in ("ingest", "export_request", "export_approve", "export_download",
              "denied:approve_export", "denied:four_eyes"):
        assert a in actions
    assert hub.audit.verify().ok


def test_roles(tmp_path: Path) -> None:
    h = stocked_hub(tmp_path / "hub")
    assert len(h.hub.indicators(h.viewer)) > 0
    with pytest.raises(AccessDeniedError):
        h.hub.release(h.viewer, "wmo")
    with pytest.raises(AccessDeniedError):
        h.hub.audit_entries(h.researcher)
    with pytest.raises(AccessDeniedError) as err:
        h.hub.release("not-a-token", "wmo")
    assert err.value.unauthenticated
    cells = h.hub.release(h.researcher, "wmo", "gemeente")
    assert "value" not in cells.columns and "reason" not in cells.columns
    assert (cells.loc[~cells["suppressed"], "published"] % 5 == 0).all()
    with pytest.raises(AccessDeniedError, match="data steward"):
        Hub(tmp_path / "new").add_user(None, "x", "researcher")


def test_cli_enforces_roles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    h = stocked_hub(tmp_path / "hub")
    monkeypatch.setenv("GG_UCLOUD_DIR", str(tmp_path / "hub"))
    ok = runner.invoke(app, ["ucloud", "release", "wmo", "--level", "gemeente",
                             "--token", h.researcher])
    assert ok.exit_code == 0, ok.output
    assert ok.output.startswith("table,area_code,level,category,published,suppressed")
    assert runner.invoke(app, ["ucloud", "release", "wmo", "--token", h.viewer]).exit_code == 3
    assert runner.invoke(app, ["ucloud", "releases"]).exit_code == 4
    req = runner.invoke(app, ["ucloud", "export-request", "wmo", "--token", h.researcher])
    ex_id = req.output.split()[1]
    out = tmp_path / "x.csv"
    got = runner.invoke(app, ["ucloud", "export-download", ex_id, "--out", str(out),
                              "--token", h.researcher])
    assert got.exit_code == 1 and not out.exists()
    assert runner.invoke(app, ["ucloud", "export-approve", ex_id,
                               "--token", h.researcher]).exit_code == 3
    assert runner.invoke(app, ["ucloud", "export-approve", ex_id,
                               "--token", h.steward]).exit_code == 0
    got = runner.invoke(app, ["ucloud", "export-download", ex_id, "--out", str(out),
                              "--token", h.researcher])
    assert got.exit_code == 0 and out.exists()
    audit = runner.invoke(app, ["ucloud", "audit", "--token", h.steward])
    assert audit.exit_code == 0 and "chain intact" in audit.output
    assert "export_download" in audit.output
