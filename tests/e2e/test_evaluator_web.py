"""End to end: a planner registers an intervention in the Evaluator tab, estimates its effect
and sees the event study with the values the API answers (formatted as the page formats).

The planner's account is made directly in the server's database file (as ``groengezond
participation create-user`` does); the login, the registration and the estimate go through
the page.
"""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from groengezond.api.testing import web_region
from groengezond.participation.config import ParticipationSettings
from groengezond.participation.db import Database
from groengezond.participation.security import Passwords, create_user

from .conftest import SCREENSHOTS, PageWatch, wait_js
from .test_dutch_words import english_in, visible_text

pytestmark = pytest.mark.slow

PLANNER = ("e2e-evaluator-planner", "planner pass phrase for the evaluator")
NAME = "Schoolpleinen groen (e2e)"


def get(server: str, path: str, params: list[tuple[str, str]] | None = None) -> Any:
    query = f"?{urllib.parse.urlencode(params)}" if params else ""
    with urllib.request.urlopen(f"{server}{path}{query}", timeout=120) as r:
        return json.loads(r.read().decode())


def nl(pg: Any, value: float) -> str:
    """``value`` as the page shows an indicator's level: nl-NL, one or two decimals
    (i18n.fmt(v, 2))."""
    return str(pg.evaluate("(v) => new Intl.NumberFormat('nl-NL', {maximumFractionDigits: 2, "
                           "minimumFractionDigits: 1}).format(v)", value))


SIG2 = """(values) => {
  const big = Math.max(0, ...values.filter(Number.isFinite).map(Math.abs));
  const d = Math.min(6, big === 0 ? 0 : 1 - Math.floor(Math.log10(big)));
  const f = 10 ** Math.abs(d);
  return values.map((v) => {
    const r = (d >= 0 ? Math.round(v * f) / f : Math.round(v / f) * f) || 0;
    const n = Math.max(0, d);
    return new Intl.NumberFormat('nl-NL', {minimumFractionDigits: n, maximumFractionDigits: n})
      .format(r);
  });
}"""
"""format.ts intervalParts/formatSig with 2 significant digits of the largest value, nl-NL."""


def sig2(pg: Any, *values: float) -> list[str]:
    """An effect (and its interval) as the page shows it: 2 significant digits, the same
    decimals for all (web/src/format.ts)."""
    return [str(v) for v in pg.evaluate(SIG2, list(values))]


def add_planner(server_db: Path, name: str, password: str) -> tuple[str, str]:
    """A planner account in the server's database file."""
    fast = ParticipationSettings(argon2_time_cost=1, argon2_memory_kib=8, argon2_parallelism=1)
    db = Database.from_url(f"sqlite:///{server_db}")
    try:
        create_user(db, Passwords(fast), name, password, "planner", datetime.now(UTC))
    finally:
        db.dispose()
    return name, password


def log_out_in_tab(pg: Any) -> None:
    """End a staff session the shared browser may still hold (the login form shows)."""
    pg.locator("#staff-username, #staff-logout").first.wait_for()
    if pg.locator("#staff-logout").count():
        pg.click("#staff-logout")
    pg.locator("#staff-username").wait_for()


def login_in_tab(pg: Any, who: tuple[str, str]) -> None:
    """Log in with the Evaluator tab's own staff form."""
    log_out_in_tab(pg)
    pg.fill("#staff-username", who[0])
    pg.fill("#staff-password", who[1])
    pg.click("#staff-login")
    pg.locator("#ev-register-form").wait_for()


@pytest.fixture(scope="module")
def planner(server: str, server_db: Path) -> tuple[str, str]:
    return add_planner(server_db, *PLANNER)


def test_register_estimate_and_see_the_event_study(page: PageWatch, server: str,
                                                   planner: tuple[str, str]) -> None:
    pg = page.page
    buurten = web_region().areas_at("buurt").sort_values("code")
    codes = buurten["code"].tolist()[:4]
    pg.goto(f"{server}/#evaluator")
    wait_js(pg, "window.__gg && window.__gg.view === 'evaluator'")
    pg.locator("#ev-register h3").wait_for()
    assert pg.locator("#tab-evaluator").get_attribute("aria-selected") == "true"
    assert pg.locator("#panel h2").inner_text() == "Evaluator: werkte een ingreep?"
    # log in as a planner in the tab itself
    login_in_tab(pg, planner)
    # register: four buurten, works 2015-06 to 2016-03 (so treated from the 2016 wave)
    pg.fill("#ev-name", NAME)
    pg.select_option("#ev-areas", codes)
    pg.fill("#ev-start", "2015-06-01")
    pg.fill("#ev-done", "2016-03-01")
    pg.fill("#ev-cost", "250000")
    pg.click("#ev-save")
    pg.locator("#ev-register-msg", has_text=NAME).wait_for()
    stored = [x for x in get(server, "/api/evaluations/interventions") if x["name"] == NAME]
    assert len(stored) == 1
    iv = stored[0]
    assert iv["areas"] == codes and iv["completion_date"] == "2016-03-01"
    assert iv["cost_eur"] == 250000
    row = pg.locator("#ev-register-table tbody tr", has_text=NAME)
    assert row.locator("td").first.inner_text() == "4"
    # estimate: the registered intervention (already ticked), an outcome, the event study
    assert pg.locator(f"#ev-iv-{iv['id']}").is_checked()
    for other in pg.locator("#ev-estimate-form input[type=checkbox]:checked").all():
        if other.get_attribute("id") != f"ev-iv-{iv['id']}":
            other.uncheck()
    pg.select_option("#ev-outcome", "perceived_health_good_pct")
    pg.select_option("#ev-estimator", "twfe_event")
    pg.click("#ev-run")
    pg.locator("#ev-event-table").wait_for()
    doc = get(server, "/api/evaluations/estimate", [
        ("indicator", "perceived_health_good_pct"), ("estimator", "twfe_event"),
        ("level", "buurt"), ("intervention", str(iv["id"]))])
    events = doc["event_study"]
    assert events and all(not r["suppressed"] for r in events)
    # the table and the plot's points hold the API's coefficients and intervals
    rows = pg.locator("#ev-event-table tbody tr")
    assert rows.count() == len(events)
    for i, r in enumerate(events):
        cells = rows.nth(i)
        assert cells.locator("th").inner_text() == str(r["e"])
        coef, low, high = sig2(pg, r["coef"], r["ci_low"], r["ci_high"])
        assert cells.locator("td").nth(0).inner_text() == coef
        assert cells.locator("td").nth(1).inner_text() == f"{low} – {high}"
    titles = pg.locator("#ev-event-chart circle title").all_text_contents()
    assert titles == [f"{r['e']}: {sig2(pg, r['coef'])[0]}" for r in events]
    # the verdict in plain Dutch, with the API's estimate and interval
    head = doc["estimates"][0]
    verdict = pg.locator("#ev-verdict").inner_text()
    assert head["identified"] and not head["suppressed"]
    assert verdict.startswith("Geschat effect op ")
    est, low, high = sig2(pg, head["estimate"], head["ci_low"], head["ci_high"])
    assert f": {est} " in verdict
    assert f"95%-interval {low} tot {high}" in verdict
    assert ("interval omvat nul" in verdict or "geheel boven nul" in verdict
            or "geheel onder nul" in verdict)
    # the treated-against-comparison plot has the API's series
    series_titles = pg.locator("#ev-series-chart circle[data-series=treated] title")
    assert series_titles.all_text_contents() == [
        f"Met ingreep {s['time']}: {nl(pg, s['treated'])}" for s in doc["series"]]
    assert english_in(visible_text(pg)) == []
    pg.locator("#ev-result").screenshot(path=str(SCREENSHOTS / "evaluator.png"))
    assert page.errors == []
    assert page.foreign_hosts() == set()
