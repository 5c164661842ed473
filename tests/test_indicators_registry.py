"""Tests of the indicator registry (groengezond.indicators.registry)."""

from __future__ import annotations

import pytest
import yaml

from groengezond.errors import InputError
from groengezond.indicators.registry import BASES, load_registry, parse_registry

HEALTH = ["perceived_health_good_pct", "depression_anxiety_risk_pct", "overweight_pct",
          "physical_activity_guideline_pct", "healthy_life_expectancy_years"]
GREEN = ["green_within_300m_pct", "rule_3_30_300_trees_pct", "rule_3_30_300_canopy_pct",
         "rule_3_30_300_park_pct", "rule_3_30_300_all_pct", "green_m2_per_inhabitant",
         "canopy_pct"]
SOCIAL = ["inhabitants", "income_mean_eur", "low_income_households_pct", "age_65_plus_pct"]
PARTICIPATION = ["belevingswaarde", "living_environment_satisfaction"]


def test_shipped_registry_covers_the_issue() -> None:
    reg = load_registry()
    for ind in HEALTH + GREEN + SOCIAL + PARTICIPATION:
        assert ind in reg, ind
    assert reg["healthy_life_expectancy_years"].domain == "health"
    assert reg["green_within_300m_pct"].domain == "green"
    assert reg["belevingswaarde"].domain == "participation"
    assert reg["depression_anxiety_risk_pct"].good_direction == "lower"
    assert reg["inhabitants"].aggregate.method == "sum"
    assert reg["inhabitants"].disclosure.rule == "count"
    assert reg["canopy_pct"].aggregate.weight == "land_area_m2"
    assert reg["canopy_pct"].disclosure.rule == "none"
    assert reg.min_persons == 10
    assert reg.round_to == 5


def test_every_indicator_is_complete() -> None:
    reg = load_registry()
    for ind in reg.indicators:
        assert ind.name_nl and ind.name_en and ind.unit
        assert ind.source in reg.sources
        assert ind.years[0] <= ind.years[1]
        base = ind.aggregate.base
        assert base is None or base in BASES or base in reg
    for health in HEALTH:
        assert reg[health].has_interval


def test_registry_is_immutable_and_cached() -> None:
    reg = load_registry()
    assert load_registry() is reg
    with pytest.raises(Exception):  # noqa: B017 - pydantic's frozen error
        reg.indicators[0].unit = "x"  # type: ignore[misc]


def _minimal(**changes: object) -> str:
    ind: dict[str, object] = {
        "id": "a_pct", "name_nl": "A", "name_en": "A", "unit": "%", "domain": "health",
           "good_direction": "higher", "source": "s", "years": [2012, 2022],
           "aggregate": {"method": "weighted_mean", "weight": "inhabitants"},
           "disclosure": {"rule": "persons"}}
    ind.update(changes)
    return yaml.safe_dump({"version": 1, "sources": {"s": "a source"}, "indicators": [ind]})


def test_parse_minimal_registry() -> None:
    reg = parse_registry(_minimal())
    assert reg.ids == ("a_pct",)
    assert reg.min_persons_of("a_pct") == 10


@pytest.mark.parametrize("changes, field", [
    ({"good_direction": "up"}, "good_direction"),
    ({"domain": "weather"}, "domain"),
    ({"aggregate": {"method": "weighted_mean"}}, "aggregate"),
    ({"aggregate": {"method": "weighted_mean", "weight": "nonexistent"}}, ""),
    ({"years": [2022, 2012]}, ""),
    ({"source": "unknown"}, ""),
    ({"id": "Bad Id"}, "id"),
    ({"extra_field": 1}, "extra_field"),
])
def test_bad_registry_names_the_problem(changes: dict[str, object], field: str) -> None:
    with pytest.raises(InputError) as err:
        parse_registry(_minimal(**changes), "my.yaml")
    assert "my.yaml" in str(err.value)
    assert field in str(err.value)


def test_duplicate_ids_rejected() -> None:
    raw = yaml.safe_load(_minimal())
    raw["indicators"] *= 2
    with pytest.raises(InputError, match="more than once"):
        parse_registry(yaml.safe_dump(raw))


def test_unknown_indicator_message_lists_known_ids() -> None:
    with pytest.raises(InputError, match="healthy_life_expectancy_years"):
        load_registry().get("no_such_indicator")


def test_invalid_yaml() -> None:
    with pytest.raises(InputError, match="not valid YAML"):
        parse_registry("indicators: [unclosed")
