"""Budget rules: the example passes; made-up breaches are flagged with clear messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from groengezond.errors import InputError
from groengezond.programme.rules import category_totals, check_rules, load_rules, totals
from groengezond.programme.schemas import BudgetLineData, Programme
from groengezond.programme.xlsx import read_programme

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "programme" / "programme.xlsx"


@pytest.fixture(scope="module")
def example() -> Programme:
    return read_programme(EXAMPLE)


def _failed(p: Programme) -> dict[str, str]:
    return {c.key + (f":{c.subject}" if c.subject else ""): c.message
            for c in check_rules(p) if not c.ok}


def test_totals_and_shares_of_the_example(example: Programme) -> None:
    t = totals(example)
    assert t["committed_rijk"] == pytest.approx(sum(
        b.committed_eur for b in example.budget if b.source == "rijk"))
    assert t["committed_rijk"] <= 30_000_000
    assert t["committed_region"] + t["committed_partners"] >= t["committed_rijk"]
    shares = category_totals(example, load_rules())
    assert sum(v["share"] for v in shares.values()) == pytest.approx(1.0)
    assert set(shares) == {"Gezonde mensen", "Groene en gezonde leefomgeving",
                           "Vitale wijken", "Versneller"}


def test_made_up_breach_of_the_rijk_maximum_and_cofinancing(example: Programme) -> None:
    extra = BudgetLineData(project="P07", source="rijk", year=2027, committed_eur=4_000_000)
    failed = _failed(example.model_copy(update={"budget": (*example.budget, extra)}))
    assert "exceeds the maximum €30,000,000 by €3,276,000" in failed["rijk_max"]
    assert "short of the required €33,276,000" in failed["cofinancing"]
    # the extra €4M for P07 also pushes its track over its range
    assert "outside its range 30%-35%" in failed["allocation:Groene en gezonde leefomgeving"]


def test_spent_more_than_committed_is_flagged(example: Programme) -> None:
    lines = list(example.budget)
    first = lines[0]
    same = [b for b in lines if (b.project, b.source) == (first.project, first.source)]
    over = sum(b.committed_eur for b in same) - sum(b.spent_eur for b in same[1:]) + 10_000
    lines[0] = first.model_copy(update={"spent_eur": over})  # spent over committed in all
    failed = _failed(example.model_copy(update={"budget": tuple(lines)}))
    assert set(failed) == {"spent_le_committed"}
    assert f"{first.project} ({first.source})" in failed["spent_le_committed"]


def test_ranges_are_configurable(tmp_path: Path, example: Programme) -> None:
    strict = tmp_path / "rules.yaml"
    strict.write_text("rijk_max_eur: 20000000\ncofinancing_min_ratio: 1.0\nallocation:\n"
                      "  Gezonde mensen: [0.40, 0.50]\n"
                      "  Groene en gezonde leefomgeving: [0.30, 0.35]\n"
                      "  Vitale wijken: [0.20, 0.25]\n  Versneller: [0.08, 0.12]\n")
    checks = check_rules(example, load_rules(strict))
    assert {c.key + c.subject for c in checks if not c.ok} == {
        "rijk_max", "allocationGezonde mensen"}
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text("rijk_max_eur: 1\ncofinancing_min_ratio: 1\nallocation:\n"
                     "  Gezonde mensen: [30, 35]\n")
    with pytest.raises(InputError, match="shares, not percentages"):
        load_rules(wrong)
