"""Area report on gemeente Utrecht built from the real open data in ../shared/data.

Skipped where that folder is absent. Checks what a reader of a real report must see: no
synthetic badge, the real sources with their licences, the layers that are placeholders
(lattice addresses, a walking network that fails the gate) and a buurt's borrowed polygon.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from groengezond.indicators.registry import load_registry
from groengezond.region.model import Region
from groengezond.region.store import read_region
from groengezond.reports.area import area_report, render_area_report
from groengezond.reports.gather import access_row, access_table, monitor_tables
from groengezond.reports.render import number
from groengezond.services.build import build_to_folder

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"

pytestmark = [
    pytest.mark.realdata,
    pytest.mark.slow,
    pytest.mark.skipif(not SHARED.exists(), reason=f"shared real data not found at {SHARED} "
                       "(CI clones the repository next to shared/)"),
]


@pytest.fixture(scope="module")
def utrecht(tmp_path_factory: pytest.TempPathFactory) -> Region:
    out = tmp_path_factory.mktemp("utrecht") / "region"
    build_to_folder(REPO / "examples" / "utrecht-sources.yaml", out)
    return read_region(out)


def test_binnenstad_report_is_real_flagged_and_its_pdf_numbers_equal_the_json(
        utrecht: Region) -> None:
    values, trends = monitor_tables(utrecht)
    reg = load_registry()
    access = access_table(utrecht, None)
    rep = area_report("WK034406", utrecht.meta, utrecht.areas, values, trends, reg,
                      access=access_row(access, "WK034406"))
    assert rep.name == "Wijk 06 Binnenstad" and not rep.synthetic
    assert {q.layer: q.status for q in rep.quality}["network"] == "placeholder"
    assert rep.access_degraded  # figures on a network that fails the gate are flagged
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(
        render_area_report(rep, utrecht.areas, "nl", "pdf"))).pages)
    assert "SYNTHETISCHE" not in text and "CC BY 4.0" in text
    assert "Het loopnetwerk is onvolledig" in text
    data = json.loads(rep.model_dump_json())
    shown = [i for i in data["indicators"] if i["value"] is not None]
    assert len(shown) >= 10
    for ind in shown:
        assert number(ind["value"], ind["decimals"], "nl") in text, ind["id"]
    partial = [i for i in rep.indicators if i.coverage is not None and i.coverage < 0.95]
    assert partial  # e.g. SES-WOA, published for part of the buurten only
    for ind in partial:
        assert f"dekking {number(ind.coverage * 100, 0, 'nl')}%" in text  # type: ignore[operator]
    buurt = str(utrecht.areas_at("buurt").iloc[0]["code"])
    rep_b = area_report(buurt, utrecht.meta, utrecht.areas, values, trends, reg)
    # the build reads the municipality's own buurt polygons: a real outline, nothing to flag
    assert rep_b.geometry_quality is None
    flagged = utrecht.areas.assign(geometry_quality="placeholder",
                                   geometry_source="placeholder:wijk")
    rep_p = area_report(buurt, utrecht.meta, flagged, values, trends, reg)
    assert rep_p.geometry_quality is not None
