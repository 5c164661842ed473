"""The Evaluator over HTTP (read-only): the intervention register and estimates.

- ``/api/evaluations/interventions``: the registered interventions.
- ``/api/evaluations/estimate?indicator=&estimator=&intervention=&level=``: the estimate of the
  registered interventions' effect on one of the region's indicators, with the verdict, the
  event study and the treated-against-comparison series (the same JSON as
  ``groengezond evaluate estimate`` writes to ``estimates.json``).

Thin: parse, call :func:`groengezond.evaluation.run.evaluate`, render. Bad input answers 422.
"""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any

import pandas as pd
from fastapi import APIRouter, Query, Request

from groengezond.api.models_evaluations import EvaluationEstimate, RegisteredIntervention
from groengezond.api.problems import ReadableRoute
from groengezond.evaluation.register import (
    RegisterDatabase,
    list_interventions,
    open_register,
    treatment,
)
from groengezond.evaluation.run import ESTIMATORS

router = APIRouter(prefix="/api/evaluations", tags=["evaluator"], route_class=ReadableRoute)


@cache
def _register(url: str) -> RegisterDatabase:
    return open_register(url)


def _db() -> RegisterDatabase:
    from groengezond.settings import get_settings

    return _register(get_settings().database_url)


@router.get("/interventions", summary="Registered interventions",
            response_model=list[RegisteredIntervention])
def interventions() -> list[dict[str, Any]]:
    return list_interventions(_db())


@router.get("/estimate", summary="Effect of registered interventions on an indicator",
            response_model=EvaluationEstimate)
def estimate(
    request: Request,
    indicator: str,
    intervention: Annotated[list[int], Query(description="Intervention id; repeatable.")],
    estimator: Annotated[str, Query(description=", ".join(ESTIMATORS))] = "cs_did",
    level: str = "buurt",
) -> dict[str, Any]:
    from groengezond.evaluation.panel import panel_from_region
    from groengezond.evaluation.run import evaluate

    region = request.app.state.region
    p = panel_from_region(region, indicator, level=level,
                          treatment=treatment(_db(), intervention))
    result = evaluate(p, estimator)
    return {"indicator": indicator, "estimator": estimator, "years": p.years,
            "n_areas": int(p.data["unit"].nunique()), "dropped_areas": p.dropped,
            "estimates": [e.to_dict() for e in result.estimates],
            "event_study": _records(result.event_study), "series": _records(result.series)}


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    from groengezond.cli.evaluate_cmd import _clean

    return list(_clean(df.to_dict(orient="records")))
