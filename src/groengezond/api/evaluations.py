"""The Evaluator over HTTP: the intervention register and estimates.

- ``GET /api/evaluations/interventions``: the registered interventions (public).
- ``POST /api/evaluations/register``, ``PUT``/``DELETE /api/evaluations/register/{id}``: add,
  replace or remove an intervention (**staff**: planner or admin, with the participation
  login: ``Authorization: Bearer <token>`` or the session cookie plus ``X-CSRF-Token``). An
  intervention given only a geometry (EPSG:28992) gets its treated buurten from the served
  region's addresses by the rule of :mod:`groengezond.evaluation.treated`.
- ``GET /api/evaluations/estimate?indicator=&estimator=&intervention=&level=``: the estimate of
  the registered interventions' effect on one of the region's indicators, with the verdict,
  the event study and the treated-against-comparison series, after the Monitor's disclosure
  control (:mod:`groengezond.evaluation.disclosure`).

Thin: parse, call the core, render. Bad input answers 422, no login 401, wrong role 403, an
unknown intervention 404.
"""

# No ``from __future__ import annotations``: FastAPI evaluates the route annotations.
from functools import cache
from typing import Annotated, Any

import pandas as pd
from fastapi import APIRouter, Depends, Path, Query, Request, Response

from groengezond.api.models_evaluations import (
    EvaluationEstimate,
    InterventionIn,
    RegisteredIntervention,
)
from groengezond.api.problems import ReadableRoute
from groengezond.evaluation.register import (
    RegisterDatabase,
    add_intervention,
    delete_intervention,
    get_intervention,
    list_interventions,
    open_register,
    treatment,
    update_intervention,
)
from groengezond.evaluation.run import ESTIMATORS

router = APIRouter(prefix="/api/evaluations", tags=["evaluator"], route_class=ReadableRoute)

MAX_INTERVENTIONS_PER_ESTIMATE = 50
MAX_SYNTH_DONORS = 200
"""Largest donor pool a synthetic control is run on per request (each donor is also a placebo
fit: about 2 s per 100 donors, benchmarks/bench_evaluate.py)."""
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@cache
def _register(url: str) -> RegisterDatabase:
    return open_register(url)


def _db() -> RegisterDatabase:
    from groengezond.settings import get_settings

    return _register(get_settings().database_url)


def planner_staff(request: Request) -> Any:
    """The logged-in staff member, who must be a planner or an admin (the participation login).

    Raises
    ------
    UnauthorizedError, ForbiddenError
        Answered 401 and 403.
    """
    from groengezond.participation.config import participation_settings
    from groengezond.participation.security import authenticate, check_csrf, require_role
    from groengezond.participation.service import utc_now

    db = request.app.state.participation_db
    cfg = participation_settings()
    auth = request.headers.get("authorization", "")
    staff = None
    if auth:
        from groengezond.participation.errors import UnauthorizedError

        scheme, _, token = auth.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise UnauthorizedError("use 'Authorization: Bearer <token>' from "
                                    "/api/participation/auth/login")
        staff = authenticate(db, token.strip(), utc_now())
    else:
        cookie = request.cookies.get("__Host-gg_session" if cfg.cookie_secure else "gg_session")
        if cookie:
            staff = authenticate(db, cookie, utc_now())
            if request.method not in SAFE_METHODS:
                check_csrf(staff, request.headers.get("x-csrf-token"), request.cookies.get(
                    "__Host-gg_csrf" if cfg.cookie_secure else "gg_csrf"))
    return require_role(staff, "planner")


Planner = Annotated[Any, Depends(planner_staff)]
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]


def _derive(request: Request) -> Any:
    from groengezond.evaluation.treated import treated_buurten

    region = request.app.state.region
    buurten = region.areas_at("buurt")

    def derive(geom: Any) -> list[str]:
        return treated_buurten(geom, region.addresses, buurten=buurten).codes

    return derive


def _exists(id_: int) -> None:
    from groengezond.errors import InputError
    from groengezond.participation.errors import NotFoundError

    try:
        get_intervention(_db(), id_)
    except InputError:
        raise NotFoundError(f"there is no intervention {id_}; list them at "
                            "/api/evaluations/interventions") from None


def _check_areas(request: Request, body: InterventionIn) -> None:
    from groengezond.errors import InputError

    known = set(request.app.state.region.areas["code"].astype(str))
    unknown = [c for c in body.areas if c not in known]
    if unknown:
        raise InputError.single("request", "body", "areas",
                                f"{len(unknown)} codes are not areas of this region "
                                f"(first: {unknown[0][:20]!r})",
                                "give codes from /api/areas")


@router.get("/interventions", summary="Registered interventions",
            response_model=list[RegisteredIntervention])
def interventions() -> list[dict[str, Any]]:
    return list_interventions(_db())


@router.post("/register", summary="Register an intervention (staff)", status_code=201,
             response_model=RegisteredIntervention)
def register(body: InterventionIn, request: Request, staff: Planner) -> dict[str, Any]:
    _check_areas(request, body)
    return add_intervention(_db(), body.model_dump(), derive=_derive(request))


@router.put("/register/{intervention_id}", summary="Replace an intervention (staff)",
            response_model=RegisteredIntervention)
def replace(intervention_id: Id, body: InterventionIn, request: Request,
            staff: Planner) -> dict[str, Any]:
    _exists(intervention_id)
    _check_areas(request, body)
    return update_intervention(_db(), intervention_id, body.model_dump(),
                               derive=_derive(request))


@router.delete("/register/{intervention_id}", summary="Remove an intervention (staff)",
               status_code=204, response_class=Response)
def remove(intervention_id: Id, staff: Planner) -> Response:
    _exists(intervention_id)
    delete_intervention(_db(), intervention_id)
    return Response(status_code=204)


@router.get("/estimate", summary="Effect of registered interventions on an indicator",
            response_model=EvaluationEstimate)
def estimate(
    request: Request,
    indicator: Annotated[str, Query(min_length=1, max_length=100)],
    intervention: Annotated[list[int], Query(description="Intervention id; repeatable.",
                                             max_length=MAX_INTERVENTIONS_PER_ESTIMATE)],
    estimator: Annotated[str, Query(description=", ".join(ESTIMATORS))] = "cs_did",
    level: Annotated[str, Query(pattern="^(buurt|wijk)$")] = "buurt",
) -> dict[str, Any]:
    from groengezond.evaluation.disclosure import publish
    from groengezond.evaluation.panel import panel_from_region
    from groengezond.evaluation.run import evaluate

    region = request.app.state.region
    p = panel_from_region(region, indicator, level=level,
                          treatment=treatment(_db(), intervention))
    donors = len(p.never_treated_units)
    if estimator == "synth" and donors > MAX_SYNTH_DONORS:
        from groengezond.errors import InputError, Problem

        raise InputError([Problem("request", "query", "estimator",
                                  f"a synthetic control over {donors} donor areas is more than "
                                  f"one request may run ({MAX_SYNTH_DONORS})",
                                  "use cs_did, or run `groengezond evaluate estimate --estimator "
                                  "synth` on a smaller panel", key="synth_too_many_donors",
                                  params={"donors": donors, "max_donors": MAX_SYNTH_DONORS})])
    result = evaluate(p, estimator)
    persons = dict(zip(region.areas["code"].astype(str),
                       pd.to_numeric(region.areas["inhabitants"], errors="coerce"), strict=True))
    doc = publish(result, p, persons)
    return {"indicator": indicator, "estimator": estimator, "years": p.years,
            "n_areas": int(p.data["unit"].nunique()), "dropped_areas": p.dropped, **doc}
