"""ERF registry and baseline rates: values as in EVIDENCE.md, sources filled, errors named."""

from __future__ import annotations

import math
from typing import Any

import pytest
import yaml

from groengezond.errors import InputError
from groengezond.health._loading import read_packaged
from groengezond.health.baseline import load_baseline_rates, parse_baseline_rates
from groengezond.health.erf import (
    ERF_FILE,
    load_erf_registry,
    parse_erf_registry,
)

# Values exactly as in EVIDENCE.md, "Exposure-response functions".
EXPECTED = {
    "green_mortality": ("HR", 0.96, 0.94, 0.97, 0.1, "NDVI"),
    "green_depression": ("OR", 0.931, 0.887, 0.977, 0.1, "NDVI"),
    "green_depression_share": ("OR", 0.963, 0.948, 0.979, 10.0, "percentage points"),
    "green_anxiety_share": ("OR", 0.938, 0.858, 1.025, 10.0, "percentage points"),
    "walking_mortality": ("RR", 0.89, 0.83, 0.96, 168.0, "minutes per week"),
    "cycling_mortality": ("RR", 0.90, 0.87, 0.94, 100.0, "minutes per week"),
    "heat_mortality": ("RR", 1.0184, 1.0006, 1.0364, 1.0, "°C"),
}


def raw_registry() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(read_packaged("groengezond.health", ERF_FILE))
    return data


def erf_entry(raw: dict[str, Any], erf_id: str) -> dict[str, Any]:
    entry: dict[str, Any] = next(e for e in raw["erfs"] if e["id"] == erf_id)
    return entry


def test_registry_is_versioned_and_loads() -> None:
    reg = load_erf_registry()
    assert reg.version >= 1
    assert reg.updated.year >= 2025
    assert set(EXPECTED) <= set(reg.ids)


@pytest.mark.parametrize("erf_id", sorted(EXPECTED))
def test_values_exactly_as_in_evidence(erf_id: str) -> None:
    erf = load_erf_registry()[erf_id]
    kind, est, lo, hi, inc, unit = EXPECTED[erf_id]
    assert (erf.effect_type, erf.estimate, erf.lower, erf.upper) == (kind, est, lo, hi)
    assert erf.increment.value == inc
    assert unit in erf.increment.unit


def test_every_erf_has_source_age_baseline_and_pathway() -> None:
    reg = load_erf_registry()
    rates = load_baseline_rates()
    for erf in reg.erfs:
        assert erf.citation.strip() and (erf.doi or erf.url), erf.id
        assert erf.baseline_rate in rates, erf.id
        assert erf.pathway and erf.outcome and erf.applies_when, erf.id
        assert erf.age.min_years is not None, erf.id
    assert reg["walking_mortality"].age.min_years == 20
    assert reg["walking_mortality"].age.max_years == 74


def test_check_caveats_where_evidence_says_check() -> None:
    reg = load_erf_registry()
    # EVIDENCE.md marks the CI of green -> mortality [check]
    assert reg["green_mortality"].needs_check
    assert reg["walking_mortality"].needs_check  # the HEAT cap was not re-read in the source
    assert not reg["green_depression"].needs_check


def test_standard_error_from_ci_by_hand() -> None:
    erf = load_erf_registry()["green_depression"]
    # SE = (ln 0.977 - ln 0.887) / 3.92 = (-0.023269 + 0.119912) / 3.92 = 0.096643 / 3.92
    assert erf.se_log == pytest.approx((math.log(0.977) - math.log(0.887)) / 3.919928,
                                       rel=1e-6)
    assert erf.se_log == pytest.approx(0.024654, abs=2e-6)


def test_totals_declared_without_overlap() -> None:
    reg = load_erf_registry()
    assert "default_total" in reg.totals
    for name, tot in reg.totals.items():
        assert tot.reason.strip(), name
        for i, a in enumerate(tot.erfs):
            for b in tot.erfs[i + 1:]:
                assert reg.overlap(a, b) is None, (name, a, b)
    # the double counting EVIDENCE.md warns about is declared
    assert reg.overlap("green_mortality", "heat_mortality") is not None
    assert reg.overlap("green_mortality", "walking_mortality") is not None


def test_heat_erf_has_hot_day_factor_with_flagged_assumption() -> None:
    reg = load_erf_registry()
    param = reg.rate_factor_parameter(reg["heat_mortality"])
    assert param is not None and param.assumption and param.source
    assert reg.parameters["heat_threshold_c"].value == 23.3


def dump(raw: dict[str, Any]) -> str:
    return yaml.safe_dump(raw, allow_unicode=True, sort_keys=False)


def test_type_error_names_entry_and_field() -> None:
    raw = raw_registry()
    erf_entry(raw, "walking_mortality")["estimate"] = "a lot"
    with pytest.raises(InputError) as err:
        parse_erf_registry(dump(raw))
    problem = err.value.problems[0]
    assert problem.location == "erfs 'walking_mortality'"
    assert problem.field == "estimate"
    assert ERF_FILE in str(err.value)


def test_estimate_outside_ci_names_entry_and_field() -> None:
    raw = raw_registry()
    erf_entry(raw, "green_depression")["estimate"] = 0.99
    with pytest.raises(InputError) as err:
        parse_erf_registry(dump(raw))
    (problem,) = err.value.problems
    assert (problem.location, problem.field) == ("erfs 'green_depression'", "lower")


def test_unknown_baseline_and_missing_doi_are_reported_together() -> None:
    raw = raw_registry()
    entry = erf_entry(raw, "green_mortality")
    entry["baseline_rate"] = "nowhere"
    entry.pop("doi")
    with pytest.raises(InputError) as err:
        parse_erf_registry(dump(raw))
    fields = {(p.location, p.field) for p in err.value.problems}
    assert ("erfs 'green_mortality'", "baseline_rate") in fields
    assert ("erfs 'green_mortality'", "doi") in fields


def test_total_with_overlapping_pathways_is_rejected() -> None:
    raw = raw_registry()
    raw["totals"]["bad_total"] = {"erfs": ["green_mortality", "heat_mortality"],
                                  "reason": "sums both"}
    with pytest.raises(InputError) as err:
        parse_erf_registry(dump(raw))
    (problem,) = err.value.problems
    assert problem.location == "totals 'bad_total'" and "overlap" in problem.problem


def test_linear_capped_needs_cap() -> None:
    raw = raw_registry()
    erf_entry(raw, "cycling_mortality").pop("cap_risk_reduction")
    with pytest.raises(InputError) as err:
        parse_erf_registry(dump(raw))
    assert err.value.problems[0].field == "cap_risk_reduction"


def test_bad_yaml_names_the_file() -> None:
    with pytest.raises(InputError, match=ERF_FILE):
        parse_erf_registry("erfs: [unclosed")


def test_unknown_erf_and_total_lookups() -> None:
    reg = load_erf_registry()
    with pytest.raises(InputError, match="green_mortality"):
        reg.get("no_such_erf")
    with pytest.raises(InputError, match="default_total"):
        reg.total_set("no_such_total")


# --------------------------------------------------------------------------- baseline rates


def test_baseline_rates_have_sources_and_flag_assumptions() -> None:
    rates = load_baseline_rates()
    assert rates.version >= 1 and rates.updated.year >= 2025
    for rate in rates.rates:
        assert rate.source.strip(), rate.id
        assert rate.low <= rate.value <= rate.high, rate.id
        if rate.assumption:
            assert "Assumption" in rate.source and rate.replace_with.strip(), rate.id
        if rate.kind == "prevalence":
            assert rate.high < 1


def test_baseline_error_names_rate_and_field() -> None:
    raw: dict[str, Any] = yaml.safe_load(read_packaged("groengezond.health",
                                                       "baseline_rates.yaml"))
    raw["rates"][0]["value"] = -1
    with pytest.raises(InputError) as err:
        parse_baseline_rates(yaml.safe_dump(raw))
    problem = err.value.problems[0]
    assert problem.location == "rates 'mortality_all_ages'" and problem.field == "value"


def test_erf_age_band_must_be_its_baselines() -> None:
    raw = raw_registry()
    erf_entry(raw, "green_depression")["age"] = {"min_years": 18, "max_years": None}
    with pytest.raises(InputError) as err:
        parse_erf_registry(yaml.safe_dump(raw))
    msg = str(err.value)
    assert "green_depression" in msg and "age" in msg and "18+" in msg and "18-64" in msg


def test_depression_applies_to_ages_18_64() -> None:
    reg = load_erf_registry()
    rates = load_baseline_rates()
    for erf_id in ("green_depression", "green_depression_share", "green_anxiety_share"):
        erf = reg[erf_id]
        assert (erf.age.min_years, erf.age.max_years) == (18, 64)
        base = rates[erf.baseline_rate].age
        assert (base.min_years, base.max_years) == (18, 64)
