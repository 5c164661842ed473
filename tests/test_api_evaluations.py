"""``/api/evaluations``: the register and an estimate equal to the core's."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from groengezond.api.testing import web_app, web_region
from groengezond.evaluation.panel import panel_from_region
from groengezond.evaluation.register import import_csv, open_register
from groengezond.evaluation.run import evaluate
from groengezond.settings import get_settings


def test_register_and_estimate_over_http(tmp_path: Path) -> None:
    region = web_region()
    client = TestClient(web_app(tmp_path / "region", region))
    assert client.get("/api/evaluations/interventions").json() == []
    buurten = sorted(region.areas.loc[region.areas["level"] == "buurt", "code"])[:6]
    csv = tmp_path / "iv.csv"
    csv.write_text("name,areas,start_date\n"
                   f"Schoolpleinen,{';'.join(buurten[:3])},2016-05-01\n"
                   f"Park,{';'.join(buurten[3:])},2020-04-01\n")
    import_csv(open_register(get_settings().database_url), csv)
    listed = client.get("/api/evaluations/interventions").json()
    assert [x["name"] for x in listed] == ["Schoolpleinen", "Park"]
    res = client.get("/api/evaluations/estimate", params={
        "indicator": "perceived_health_good_pct", "intervention": [1, 2],
        "estimator": "twfe_event"})
    assert res.status_code == 200, res.text
    doc = res.json()
    p = panel_from_region(region, "perceived_health_good_pct",
                          treatment={b: (2016 if i < 3 else 2020) for i, b in enumerate(buurten)})
    core = evaluate(p, "twfe_event")
    assert [row["coef"] for row in doc["event_study"]] == pytest.approx(
        core.event_study["coef"].tolist())
    assert doc["estimates"][0]["estimate"] == pytest.approx(core.estimates[0].estimate)
    assert "verdict" in doc["estimates"][0]
    bad = client.get("/api/evaluations/estimate", params={
        "indicator": "perceived_health_good_pct", "intervention": [99]})
    assert bad.status_code == 422
