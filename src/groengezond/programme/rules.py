"""Budget rules of the Regio Deal, checked with clear messages (pure: no I/O but the YAML).

Rules (:data:`rules.yaml <groengezond.programme>`):

- ``rijk_max``: the Rijk's committed contribution is at most ``rijk_max_eur`` (€30M);
- ``cofinancing``: region + partners commit at least ``cofinancing_min_ratio`` × the Rijk;
- ``allocation``: each category's share of the committed money lies within its range
  (category: the project's module when it has a range of its own, else its track);
- ``spent_le_committed``: per project and source, no more is spent than committed.

Each check returns a :class:`RuleCheck` with a stable ``key``, the figures and an English
message for the CLI; reports word the key and figures through their message table.
"""

from __future__ import annotations

from collections import defaultdict
from importlib import resources
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from groengezond.errors import InputError
from groengezond.programme.schemas import Programme, ProjectData

RULES_FILE = "rules.yaml"


class RulesConfig(BaseModel):
    """The rules' parameters (see ``rules.yaml``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rijk_max_eur: float = Field(gt=0)
    cofinancing_min_ratio: float = Field(ge=0)
    allocation_basis: Literal["total", "rijk"] = "total"
    allocation: dict[str, tuple[float, float]]

    @model_validator(mode="after")
    def _ranges(self) -> RulesConfig:
        for name, (lo, hi) in self.allocation.items():
            if not 0 <= lo <= hi <= 1:
                raise ValueError(f"allocation range of {name!r} [{lo}, {hi}] must satisfy "
                                 "0 <= lowest <= highest <= 1 (shares, not percentages)")
        return self


def load_rules(path: Path | None = None) -> RulesConfig:
    """Read the rules (default: the package's ``rules.yaml``).

    Raises
    ------
    InputError
        When the file is not valid YAML or a value is out of range.
    """
    if path is None:
        text = (resources.files("groengezond.programme") / RULES_FILE).read_text("utf-8")
        name = RULES_FILE
    else:
        text, name = Path(path).read_text("utf-8"), str(path)
    try:
        return RulesConfig.model_validate(yaml.safe_load(text))
    except (yaml.YAMLError, ValidationError) as exc:
        raise InputError.single(name, "", "rules", f"invalid rules: {exc}",
                                "follow the layout of groengezond/programme/rules.yaml") \
            from None


class RuleCheck(BaseModel):
    """The outcome of one rule."""

    key: str
    subject: str = ""
    ok: bool
    figures: dict[str, float]
    message: str


def category(project: ProjectData, rules: RulesConfig) -> str:
    """The allocation category of a project: its module if that has a range, else its track."""
    return project.module if project.module in rules.allocation else project.track


def totals(programme: Programme) -> dict[str, float]:
    """Committed and spent euros per source (``rijk``, ``region``, ``partners``) and in all."""
    out: dict[str, float] = defaultdict(float)
    for line in programme.budget:
        out[f"committed_{line.source}"] += line.committed_eur
        out[f"spent_{line.source}"] += line.spent_eur
        out["committed_total"] += line.committed_eur
        out["spent_total"] += line.spent_eur
    for source in ("rijk", "region", "partners"):
        out.setdefault(f"committed_{source}", 0.0)
        out.setdefault(f"spent_{source}", 0.0)
    out.setdefault("committed_total", 0.0)
    out.setdefault("spent_total", 0.0)
    return dict(out)


def category_totals(programme: Programme, rules: RulesConfig) -> dict[str, dict[str, float]]:
    """Per allocation category: committed, spent, the share and the range bounds."""
    by_code = {p.code: category(p, rules) for p in programme.projects}
    basis_rijk = rules.allocation_basis == "rijk"
    out: dict[str, dict[str, float]] = {
        c: {"committed_eur": 0.0, "spent_eur": 0.0, "basis_eur": 0.0}
        for c in [*rules.allocation, *sorted(set(by_code.values()) - set(rules.allocation))]}
    for line in programme.budget:
        cat = by_code.get(line.project)
        if cat is None:
            continue
        out[cat]["committed_eur"] += line.committed_eur
        out[cat]["spent_eur"] += line.spent_eur
        if not basis_rijk or line.source == "rijk":
            out[cat]["basis_eur"] += line.committed_eur
    whole = sum(v["basis_eur"] for v in out.values())
    for cat, v in out.items():
        v["share"] = v["basis_eur"] / whole if whole > 0 else 0.0
        lo, hi = rules.allocation.get(cat, (0.0, 0.0))
        v["low"], v["high"] = lo, hi
    return out


def _eur(x: float) -> str:
    return f"€{x:,.0f}"


def check_rules(programme: Programme, rules: RulesConfig | None = None) -> list[RuleCheck]:
    """Check every budget rule; the list has one entry per rule (and per category/line).

    Parameters
    ----------
    programme : Programme
        Projects and budget lines.
    rules : RulesConfig, optional
        Defaults to the package's ``rules.yaml``.
    """
    cfg = rules or load_rules()
    t = totals(programme)
    rijk, cofin = t["committed_rijk"], t["committed_region"] + t["committed_partners"]
    checks = [RuleCheck(
        key="rijk_max", ok=rijk <= cfg.rijk_max_eur,
        figures={"rijk_eur": rijk, "max_eur": cfg.rijk_max_eur},
        message=(f"Rijk contribution {_eur(rijk)} is within the maximum {_eur(cfg.rijk_max_eur)}"
                 if rijk <= cfg.rijk_max_eur else
                 f"Rijk contribution {_eur(rijk)} exceeds the maximum "
                 f"{_eur(cfg.rijk_max_eur)} by {_eur(rijk - cfg.rijk_max_eur)}: lower the "
                 "Rijk budget lines or move them to regional or partner money"))]
    need = cfg.cofinancing_min_ratio * rijk
    checks.append(RuleCheck(
        key="cofinancing", ok=cofin >= need,
        figures={"cofinancing_eur": cofin, "rijk_eur": rijk, "required_eur": need,
                 "ratio": cofin / rijk if rijk > 0 else 0.0},
        message=(f"cofinancing {_eur(cofin)} (region + partners) covers the required "
                 f"{_eur(need)}" if cofin >= need else
                 f"cofinancing {_eur(cofin)} (region + partners) is {_eur(need - cofin)} short "
                 f"of the required {_eur(need)} ({cfg.cofinancing_min_ratio:g} × the Rijk "
                 "contribution): commit more regional or partner money")))
    for cat, v in category_totals(programme, cfg).items():
        lo, hi, share = v["low"], v["high"], v["share"]
        known = cat in cfg.allocation
        ok = known and lo - 1e-9 <= share <= hi + 1e-9
        if not known:
            msg = (f"category {cat!r} has no allocation range: give its projects a track or "
                   f"module of {', '.join(cfg.allocation)}")
        elif ok:
            msg = f"{cat}: {share:.1%} lies within {lo:.0%}-{hi:.0%}"
        else:
            msg = (f"{cat}: {share:.1%} of the committed money lies outside its range "
                   f"{lo:.0%}-{hi:.0%}: move budget {'to' if share < lo else 'away from'} "
                   "its projects")
        checks.append(RuleCheck(key="allocation", subject=cat, ok=ok,
                                figures={"share": share, "low": lo, "high": hi,
                                         "committed_eur": v["committed_eur"]}, message=msg))
    per: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0.0])
    for line in programme.budget:
        per[(line.project, line.source)][0] += line.committed_eur
        per[(line.project, line.source)][1] += line.spent_eur
    over = {k: v for k, v in per.items() if v[1] > v[0] + 0.005}
    checks.append(RuleCheck(
        key="spent_le_committed", ok=not over,
        figures={"lines_over": float(len(over))},
        message=("no project spends more than it committed" if not over else
                 "spent exceeds committed for " + "; ".join(
                     f"{p} ({s}): {_eur(v[1])} spent of {_eur(v[0])}"
                     for (p, s), v in sorted(over.items()))
                 + ": correct the figures or commit the difference")))
    return checks
