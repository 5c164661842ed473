"""OGC API - Processes - Part 1: Core (OGC 18-062r2): Planner runs for QGIS and other clients.

Processes: ``plan-scenario`` (one scenario against the region's baseline; output ``result``,
the same JSON as ``POST /api/scenarios/run``) and ``compare-scenarios`` (up to 10; outputs
``comparison`` and ``results``, as ``POST /api/scenarios/compare``).

- ``GET /ogc/processes``, ``GET /ogc/processes/{processId}``: list and descriptions (inputs and
  outputs with JSON schemas, ``jobControlOptions`` sync-execute and async-execute).
- ``POST /ogc/processes/{processId}/execution`` with ``{"inputs": {...}, "response":
  "raw"|"document"}``: **synchronous** by default (200; ``raw`` answers the single output
  itself, ``document`` an object of outputs). With ``Prefer: respond-async`` (RFC 7240), or
  for a large run (more than :data:`SYNC_MAX_DRAWS` draws or more than :data:`SYNC_MAX_SCENARIOS`
  scenarios), it answers 201 with ``Location: /ogc/jobs/{jobId}`` and the job's status.
- ``GET /ogc/jobs``, ``GET /ogc/jobs/{jobId}`` (statusInfo), ``GET /ogc/jobs/{jobId}/results``
  (outputs as a document; 404 ``result-not-ready`` until done), ``DELETE /ogc/jobs/{jobId}``
  (dismiss: stops the run and drops its results).

Jobs live in memory (:class:`~groengezond.services.jobs.JobStore`): at most 100 kept, 8 running,
each kept one hour after it finished; they do not survive a restart. Every run goes through the
Planner's bounded pool, rate limit and resource bounds like ``/api/scenarios``. Bad input answers
400 with the same problems (intervention, field, fix) as the Planner API.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

import anyio.to_thread
import numpy as np
from fastapi import APIRouter, Depends, Header, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, RootModel

from groengezond.api.context import WebContext, get_context
from groengezond.api.contract import Contract
from groengezond.api.geojson import json_ready
from groengezond.api.models_scenarios import ComparisonRow, PlannerResult
from groengezond.api.problems import OgcRoute, error_response
from groengezond.api.scenario_limits import MAX_DRAWS, check_sizes, run_options
from groengezond.api.scenarios import (
    MAX_SCENARIOS,
    _finite,
    _in_pool,
    _scenario,
    limit_client,
    planner,
    region_area_m2,
    run_pool,
)
from groengezond.api.security import public_base
from groengezond.errors import InputError
from groengezond.health.impact import MIN_DRAWS
from groengezond.services.jobs import Job, JobStore, JobStoreFullError
from groengezond.services.plan import compare

router = APIRouter(prefix="/ogc", tags=["OGC API Processes"], route_class=OgcRoute)
Ctx = Annotated[WebContext, Depends(get_context)]

CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/ogc-process-description",
    "http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/json",
    "http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/job-list",
    "http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/dismiss",
]
"""Conformance classes of Processes Part 1 this API implements (joined with Features')."""
SYNC_MAX_DRAWS = 2_000
"""Most Monte Carlo draws (per scenario) run synchronously; more run as a job."""
SYNC_MAX_SCENARIOS = 3
"""Most scenarios compared synchronously; more run as a job."""
JSON = "application/json"
REL_PROCESSES = "http://www.opengis.net/def/rel/ogc/1.0/processes"
REL_JOBS = "http://www.opengis.net/def/rel/ogc/1.0/job-list"
REL_RESULTS = "http://www.opengis.net/def/rel/ogc/1.0/results"
REL_EXECUTE = "http://www.opengis.net/def/rel/ogc/1.0/execute"


class ProcessLink(BaseModel):
    """A link (RFC 8288 as JSON)."""

    href: str
    rel: str
    type: str = JSON
    title: str = ""


class ProcessSummary(BaseModel):
    """A process in the list."""

    id: str
    title: str
    description: str
    version: str = "1.0.0"
    jobControlOptions: list[str] = ["sync-execute", "async-execute"]  # noqa: N815
    outputTransmission: list[str] = ["value"]  # noqa: N815
    links: list[ProcessLink] = []


class ProcessList(BaseModel):
    """``GET /ogc/processes``."""

    processes: list[ProcessSummary]
    links: list[ProcessLink]


class Description(BaseModel):
    """An input or output: title, description and JSON schema."""

    model_config = ConfigDict(populate_by_name=True)
    title: str
    description: str
    schema_: dict[str, Any] = Field(alias="schema")
    minOccurs: int | None = None  # noqa: N815
    maxOccurs: int | None = None  # noqa: N815


class ProcessDescription(ProcessSummary):
    """``GET /ogc/processes/{processId}``: the process with its inputs and outputs."""

    inputs: dict[str, Description]
    outputs: dict[str, Description]


class ExecuteIn(BaseModel):
    """An execute request (OGC 18-062r2, execute.yaml)."""

    model_config = ConfigDict(extra="ignore")
    inputs: dict[str, Any] = Field(description="Input values by input id")
    outputs: dict[str, Any] | None = Field(None, description="Outputs wanted (default all)")
    response: Literal["raw", "document"] = Field(
        "raw", description="raw: the single output itself; document: an object of outputs")


class StatusInfo(BaseModel):
    """A job's status (statusInfo.yaml)."""

    jobID: str  # noqa: N815
    processID: str  # noqa: N815
    type: Literal["process"] = "process"
    status: str
    message: str
    created: datetime
    started: datetime | None = None
    finished: datetime | None = None
    updated: datetime | None = None
    links: list[ProcessLink] = []


class JobList(BaseModel):
    """``GET /ogc/jobs``."""

    jobs: list[StatusInfo]
    links: list[ProcessLink]


class ProcessOutputs(Contract):
    """The outputs of a run as a document (``"response": "document"``, and a job's results),
    only those asked for: ``result`` of ``plan-scenario``; ``comparison`` and ``results`` of
    ``compare-scenarios`` (as ``POST /api/scenarios/run`` and ``/compare`` answer them)."""

    result: PlannerResult | None = None
    comparison: list[ComparisonRow] | None = None
    results: list[PlannerResult] | None = None


class ExecutionResult(RootModel[PlannerResult | list[ComparisonRow] | list[PlannerResult]
                                | ProcessOutputs]):
    """A synchronous run's answer: the single output itself (``"response": "raw"``, the
    default, when one output is asked for), or the document of outputs."""


_OPTIONS = {
    "crs": Description(title="CRS of the geometries", description="EPSG:4326 (lon/lat, "
                       "default) or EPSG:28992 (RD New, metres, as in scenario files)",
                       schema_={"type": "string", "enum": ["EPSG:4326", "EPSG:28992"],
                               "default": "EPSG:4326"}, minOccurs=0, maxOccurs=1),
    "seed": Description(title="Seed", description="Seed of the Monte Carlo (same seed, same "
                        "answer)", schema_={"type": "integer", "minimum": 0, "default": 42},
                        minOccurs=0, maxOccurs=1),
    "n_draws": Description(title="Draws", description="Monte Carlo draws for the 95 % "
                           f"intervals; more than {SYNC_MAX_DRAWS} run as a job",
                           schema_={"type": "integer", "minimum": MIN_DRAWS,
                                   "maximum": MAX_DRAWS, "default": MIN_DRAWS},
                           minOccurs=0, maxOccurs=1),
}
_SCENARIO_SCHEMA: dict[str, Any] = {
    "type": "object", "required": ["name", "interventions"],
    "properties": {"name": {"type": "string"}, "description": {"type": "string"},
                   "interventions": {"type": "array", "items": {"type": "object"}},
                   "appraisal_years": {"type": "integer"}, "valuation": {"type": "object"}},
    "description": "A scenario as in groengezond scenario YAML files (docs/planner.md): "
                   "interventions add_green, plant_trees, green_roofs, depave, remove_green, "
                   "add_connection, add_dwellings, each with a GeoJSON or WKT geometry"}
_RESULT = Description(title="Scenario result", description="Exposures, health pathways, "
                      "totals and euros with 95 % intervals, costs, the health gap (the JSON of "
                      "POST /api/scenarios/run)", schema_={"type": "object",
                                                          "contentMediaType": JSON})
PROCESSES: dict[str, ProcessDescription] = {
    "plan-scenario": ProcessDescription(
        id="plan-scenario", title="Run a Planner scenario",
        description="Effects of one scenario against the region's baseline: green access, "
                    "health, money and the health gap, with 95 % intervals.",
        inputs={"scenario": Description(title="Scenario", description="The plan",
                                        schema_=_SCENARIO_SCHEMA, minOccurs=1, maxOccurs=1),
                **_OPTIONS},
        outputs={"result": _RESULT}),
    "compare-scenarios": ProcessDescription(
        id="compare-scenarios", title="Compare Planner scenarios",
        description="Several scenarios side by side (baseline first) with every full result.",
        inputs={"scenarios": Description(
            title="Scenarios", description=f"1 to {MAX_SCENARIOS} plans",
            schema_={"type": "array", "items": _SCENARIO_SCHEMA, "minItems": 1,
                    "maxItems": MAX_SCENARIOS}, minOccurs=1, maxOccurs=1), **_OPTIONS},
        outputs={"comparison": Description(title="Comparison", description="One row per "
                                           "scenario", schema_={"type": "array"}),
                 "results": Description(title="Results", description="Every scenario's "
                                        "result", schema_={"type": "array"})}),
}


def jobs(request: Request) -> JobStore:
    """The app's job store (made on first use)."""
    state = request.app.state
    store: JobStore | None = getattr(state, "ogc_jobs", None)
    if store is None:
        store = state.ogc_jobs = JobStore()
    return store


def _process(process_id: str) -> ProcessDescription:
    if process_id not in PROCESSES:
        raise InputError.single("request", "path", "processId",
                                f"process {process_id!r} does not exist",
                                f"use one of: {', '.join(PROCESSES)}")
    return PROCESSES[process_id]


def _links(base: str, p: ProcessSummary) -> list[ProcessLink]:
    return [ProcessLink(href=f"{base}/ogc/processes/{p.id}", rel="self", title=p.title),
            ProcessLink(href=f"{base}/ogc/processes/{p.id}/execution", rel=REL_EXECUTE,
                 title="Execute")]


@router.get("/processes", response_model=ProcessList, summary="Processes")
def process_list(request: Request) -> ProcessList:
    """``plan-scenario`` and ``compare-scenarios``."""
    base = public_base(request)
    return ProcessList(
        processes=[ProcessSummary(**{k: v for k, v in p.model_dump().items()
                                     if k not in ("inputs", "outputs", "links")},
                                  links=_links(base, p)) for p in PROCESSES.values()],
        links=[ProcessLink(href=f"{base}/ogc/processes", rel="self", title="Processes")])


@router.get("/processes/{processId}", response_model=ProcessDescription,
            summary="Process description")
def process_description(processId: str, request: Request) -> ProcessDescription:  # noqa: N803
    """Inputs and outputs with their JSON schemas."""
    p = _process(processId)
    return p.model_copy(update={"links": _links(public_base(request), p)})


def _no_unknown(inputs: dict[str, Any], process: ProcessDescription) -> None:
    unknown = sorted(set(inputs) - set(process.inputs))
    if unknown:
        raise InputError.single("request", "inputs", unknown[0],
                                f"is not an input of {process.id}",
                                f"use {', '.join(process.inputs)}")
    missing = [k for k, d in process.inputs.items() if (d.minOccurs or 0) > 0 and k not in inputs]
    if missing:
        raise InputError.single("request", "inputs", missing[0], "is missing",
                                f"give {missing[0]}: {process.inputs[missing[0]].description}")


async def _prepare(process: ProcessDescription, inputs: dict[str, Any],
                   ctx: WebContext) -> tuple[Any, bool]:
    """Validate the inputs; the pool job and whether it is large (runs as a job)."""
    _no_unknown(inputs, process)
    opts = run_options(inputs, "inputs")
    area = await anyio.to_thread.run_sync(region_area_m2, ctx)
    if process.id == "plan-scenario":
        raw = [inputs["scenario"]]
    else:
        raw = inputs["scenarios"]
        if not isinstance(raw, list) or not raw or len(raw) > MAX_SCENARIOS:
            raise InputError.single("request", "inputs", "scenarios",
                                    "is not a list of 1 to 10 scenarios",
                                    f"give 1 to {MAX_SCENARIOS} scenarios")

    def parse() -> list[Any]:
        return [_scenario(s, opts.crs, f"scenario {i}" if len(raw) > 1 else "scenario")
                for i, s in enumerate(raw)]

    scenarios = await anyio.to_thread.run_sync(parse)
    for i, sc in enumerate(scenarios):
        check_sizes(sc, area, f"scenario {i}")
    p = await anyio.to_thread.run_sync(planner, ctx)
    single = process.id == "plan-scenario"

    def job() -> dict[str, Any]:
        results = [p.run(s, np.random.default_rng(opts.seed), n_draws=opts.n_draws,
                         seed=opts.seed) for s in scenarios]
        if single:  # NaN (a gap that cannot be computed) as null: JSON has no NaN
            return {"result": json_ready(results[0].model_dump(mode="json"))}
        rows = [{k: _finite(v) for k, v in row.items()}
                for row in compare(results).to_dict(orient="records")]
        return {"comparison": rows,
                "results": [json_ready(r.model_dump(mode="json")) for r in results]}

    large = opts.n_draws > SYNC_MAX_DRAWS or len(scenarios) > SYNC_MAX_SCENARIOS
    return job, large


def _status(job: Job, base: str) -> StatusInfo:
    links = [ProcessLink(href=f"{base}/ogc/jobs/{job.id}", rel="self", title="Status")]
    if job.status == "successful":
        links.append(ProcessLink(href=f"{base}/ogc/jobs/{job.id}/results", rel=REL_RESULTS,
                          title="Results"))
    return StatusInfo(jobID=job.id, processID=job.process_id, status=job.status,
                      message=job.message, created=job.created, started=job.started,
                      finished=job.finished, updated=job.finished or job.started or job.created,
                      links=links)


def _job_error(exc: BaseException) -> tuple[int, str]:
    answer = error_response(exc if isinstance(exc, Exception) else Exception(str(exc)), 400)
    if answer is not None:
        import json

        doc = json.loads(bytes(answer.body))
        return answer.status_code, str(doc.get("detail", doc))
    return 500, "the run failed on the server; it has been logged"


@router.post("/processes/{processId}/execution", summary="Execute a process",
             response_model=None, status_code=200,
             responses={200: {"description": "Sync result", "model": ExecutionResult},
                        201: {"description": "Job created (async)", "model": StatusInfo}})
async def execute(processId: str, body: ExecuteIn, request: Request, ctx: Ctx,  # noqa: N803
                  prefer: Annotated[str | None, Header(max_length=200)] = None) -> Response:
    """Run now (sync) or as a job (``Prefer: respond-async``, or a large run)."""
    process = _process(processId)
    limit_client(request)
    job, large = await _prepare(process, body.inputs, ctx)
    wanted = set(body.outputs or process.outputs)
    unknown = sorted(wanted - set(process.outputs))
    if unknown:
        raise InputError.single("request", "outputs", unknown[0],
                                f"is not an output of {process.id}",
                                f"use {', '.join(process.outputs)}")
    asynchronous = large or "respond-async" in (prefer or "").lower()
    base = public_base(request)
    if asynchronous:
        pool = run_pool(request)

        async def work(dismissed: Any) -> Any:
            out = await pool.run(job, dismissed)
            return {k: v for k, v in out.items() if k in wanted}

        try:
            made = jobs(request).submit(process.id, work, _job_error)
        except JobStoreFullError as exc:
            return JSONResponse(status_code=503, headers={"Retry-After": "30"},
                                content={"detail": str(exc), "status": 503})
        status = _status(made, base)
        return JSONResponse(status.model_dump(mode="json"), status_code=201, headers={
            "Location": f"{base}/ogc/jobs/{made.id}", "Preference-Applied": "respond-async"})
    out: dict[str, Any] = await _in_pool(request, job, process.id)
    out = {k: v for k, v in out.items() if k in wanted}
    if body.response == "raw" and len(out) == 1:
        return JSONResponse(next(iter(out.values())))
    return JSONResponse(out)


def _job(request: Request, job_id: str) -> Job:
    job = jobs(request).get(job_id)
    if job is None:
        from starlette.exceptions import HTTPException

        raise HTTPException(404, f"job {job_id!r} does not exist (or has expired: finished "
                                 "jobs are kept one hour); list them at /ogc/jobs")
    return job


@router.get("/jobs", response_model=JobList, summary="Jobs")
def job_list(request: Request) -> JobList:
    """Every job kept, newest first."""
    base = public_base(request)
    return JobList(jobs=[_status(j, base) for j in jobs(request).all()],
                   links=[ProcessLink(href=f"{base}/ogc/jobs", rel="self", title="Jobs")])


@router.get("/jobs/{jobId}", response_model=StatusInfo, summary="Job status")
def job_status(jobId: str, request: Request) -> StatusInfo:  # noqa: N803
    """accepted, running, successful, failed or dismissed."""
    return _status(_job(request, jobId), public_base(request))


@router.get("/jobs/{jobId}/results", response_model=ProcessOutputs,
            response_model_exclude_unset=True, summary="Job results")
def job_results(jobId: str, request: Request) -> Any:  # noqa: N803
    """The outputs as a document (``{"result": ...}``), once the job is successful."""
    job = _job(request, jobId)
    if job.status == "failed":
        return JSONResponse(status_code=job.error_status, content={
            "type": "about:blank", "title": "job failed", "status": job.error_status,
            "detail": job.message})
    if job.status != "successful":
        return JSONResponse(status_code=404, content={
            "type": "http://www.opengis.net/def/exceptions/ogcapi-processes-1/1.0/"
                    "result-not-ready",
            "title": "result not ready", "status": 404,
            "detail": f"job {jobId!r} is {job.status}; ask /ogc/jobs/{jobId} until it is "
                      "successful"})
    return job.outputs


@router.delete("/jobs/{jobId}", response_model=StatusInfo, summary="Dismiss a job")
def dismiss(jobId: str, request: Request) -> StatusInfo:  # noqa: N803
    """Stop the job (its run's process is killed) and drop its results."""
    _job(request, jobId)
    job = jobs(request).dismiss(jobId)
    assert job is not None
    return _status(job, public_base(request))
