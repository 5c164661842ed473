"""``groengezond ucloud``: the secure hub from the command line.

A thin adapter over :class:`groengezond.ucloud.hub.Hub`: every command that touches the hub
authenticates with the user's token (``--token`` or ``GG_UCLOUD_TOKEN``) and is authorised and
audited by the hub itself, exactly as the API is. Registered as
``app.add_typer(ucloud_app, name="ucloud")``.
"""

from __future__ import annotations

import functools
import json
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ParamSpec, TypeVar

import numpy as np
import pandas as pd
import typer

from groengezond.cli.common import console, err_console, report_errors
from groengezond.errors import GroengezondError
from groengezond.ucloud.governance import AccessDeniedError
from groengezond.ucloud.hub import Hub

P = ParamSpec("P")
R = TypeVar("R")

if TYPE_CHECKING:
    from groengezond.ucloud.fhir_ingest import FhirBatch
    from groengezond.ucloud.governance import User

log = logging.getLogger("groengezond.ucloud")

ucloud_app = typer.Typer(
    name="ucloud",
    help="U-Cloud: pseudonymised linkage of care and social-domain data, released only "
         "through disclosure control and four-eyes approval.",
    no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)

HubOpt = Annotated[Path, typer.Option("--hub", envvar="GG_UCLOUD_DIR",
                                      help="The hub's folder.")]
TokenOpt = Annotated[str | None, typer.Option("--token", envvar="GG_UCLOUD_TOKEN",
                                              help="Your token (or GG_UCLOUD_TOKEN).")]
DEFAULT_HUB = Path("data/ucloud")


def _hub(path: Path) -> Hub:
    return Hub(path)


def _denied(fn: Callable[P, R]) -> Callable[P, R]:
    """Access refusals exit 3 with their reason (authentication: 4)."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except AccessDeniedError as exc:
            err_console.print(f"[bold red]refused:[/] {exc}", highlight=False)
            raise typer.Exit(code=4 if exc.unauthenticated else 3) from None

    return wrapper


@ucloud_app.command("keygen")
@report_errors
def keygen(out: Annotated[Path, typer.Option(help="Key file to create (mode 0600).")]) -> None:
    """Create a pseudonym key of 32 random bytes; point GG_PSEUDONYM_KEY_FILE at it."""
    if out.exists():
        raise GroengezondError(f"{out} exists; a key is never overwritten (pseudonyms would "
                               f"change)")
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(os.urandom(32))
    console.print(f"key written to {out} (mode 0600)")


@ucloud_app.command("user-add")
@report_errors
@_denied
def user_add(name: str, role: Annotated[str, typer.Option(
        help="data_steward, researcher or viewer.")], hub: HubOpt = DEFAULT_HUB,
        token: TokenOpt = None) -> None:
    """Add a user and print their token once (the first user is the data steward)."""
    new = _hub(hub).add_user(token, name, role)
    console.print(new, highlight=False, soft_wrap=True)


@ucloud_app.command("synth-population")
@report_errors
def synth_population(
    region: Annotated[Path, typer.Option(help="A synthetic region folder.")],
    out: Annotated[Path, typer.Option(help="Folder for the deliveries.")],
    seed: int = 42, year: int = 2024,
) -> None:
    """Write synthetic deliveries (register, care events, Wmo/Jeugdwet/Participatiewet CSV,
    address table) for a synthetic region. They hold made-up BSNs, as real deliveries would.

    When the region has its baseline (``groengezond baseline``), the address table carries
    each address's green exposure as bands (``exp_*``), which the run links to persons."""
    from groengezond.region.store import read_region
    from groengezond.services.baseline import BASELINE_DIR
    from groengezond.ucloud.exposures import address_exposures
    from groengezond.ucloud.synthpop import generate_population

    reg = read_region(region, validate=False)
    if not reg.meta.synthetic:
        raise GroengezondError(f"{region} is not a synthetic region; synthetic deliveries "
                               f"are made only from one")
    access = region / BASELINE_DIR / "access_addresses.parquet"
    exposures = (address_exposures(pd.read_parquet(access), file=str(access))
                 if access.exists() else None)
    if exposures is None:
        console.print(f"no {access}: the address table has no exposures "
                      f"(run 'groengezond baseline {region}' first to link them)")
    pop = generate_population(reg, np.random.default_rng(seed), year=year,
                              exposures=exposures)
    out.mkdir(parents=True, exist_ok=True)
    pop.register.to_parquet(out / "register.parquet", index=False)
    pop.care_events.to_parquet(out / "care_events.parquet", index=False)
    pop.addresses.to_parquet(out / "addresses.parquet", index=False)
    for scheme, frame in pop.social.items():
        frame.to_csv(out / f"{scheme}.csv", index=False)
    console.print(f"{len(pop.register):,} persons, {len(pop.care_events):,} care events "
                  f"written to {out} (synthetic)")


@ucloud_app.command("run")
@report_errors
@_denied
def run(
    deliveries: Annotated[Path, typer.Option(help="Folder with the deliveries.")],
    region: Annotated[Path, typer.Option(help="The region (its areas).")],
    domain: Annotated[str, typer.Option(help="The project's pseudonym domain.")],
    year: int = 2024, hub: HubOpt = DEFAULT_HUB, token: TokenOpt = None,
    fhir: Annotated[list[Path] | None, typer.Option(
        help="FHIR files or folders (GP Encounters etc.) linked with the care extract; "
             "repeat for several.")] = None,
) -> None:
    """Ingest, pseudonymise, link, aggregate to buurt and protect (data steward)."""
    from groengezond.region.store import read_region
    from groengezond.ucloud.addresses import AddressIndex
    from groengezond.ucloud.fhir_ingest import ingest_paths
    from groengezond.ucloud.pipeline import ingest_link_aggregate
    from groengezond.ucloud.pseudonym import Pseudonymiser, load_key

    h = _hub(hub)
    user = h.act(token, "ingest", domain)
    pz = Pseudonymiser(load_key(), domain)
    reg = read_region(region, validate=False)
    social = {s: pd.read_csv(deliveries / f"{s}.csv", dtype=str, keep_default_na=False)
              for s in ("wmo", "jeugdwet", "participatiewet")
              if (deliveries / f"{s}.csv").exists()}
    address_table = pd.read_parquet(deliveries / "addresses.parquet")
    fhir_events = None
    if fhir:
        batch = ingest_paths(fhir, pz, AddressIndex.from_frame(address_table,
                                                               file="addresses.parquet"))
        _record_fhir(h, user, domain, batch)
        console.print(f"FHIR: {sum(batch.parsed.values()):,} resources parsed, "
                      f"{len(batch.quarantine):,} quarantined ({hub / 'fhir_quarantine.csv'})")
        fhir_events = batch.events
    result = ingest_link_aggregate(
        pd.read_parquet(deliveries / "register.parquet"),
        pd.read_parquet(deliveries / "care_events.parquet"), social,
        address_table, reg.areas, pz, year=year,
        progress=lambda s: log.info("step", extra={"fields": {"event": "ucloud_step",
                                                              "step": s}}),
        fhir_events=fhir_events)
    summary = h.save_run(token, result, domain=domain, year=year)
    log.info("run stored", extra={"fields": {"event": "ucloud_run",
                                             "persons": summary["persons"]}})
    for r in summary["linkage"]:
        console.print(f"{r['source']}: {r['linked_records']:,}/{r['records']:,} records "
                      f"linked ({100 * r['record_rate']:.1f} %)")
    console.print(f"quarantined rows: {summary['quarantined_rows']}")


def _record_fhir(h: Hub, user: User, domain: str, batch: FhirBatch) -> dict[str, Any]:
    """Write the quarantined FHIR resources (file, id, type, path, problem, SHA-256; never
    their content) to ``fhir_quarantine.csv`` in the hub and log the ingestion; returns the
    batch's summary."""
    q = pd.DataFrame([vars(x) for x in batch.quarantine],
                     columns=["file", "resource_id", "resource_type", "path", "problem",
                              "sha256"])
    h.root.mkdir(mode=0o700, parents=True, exist_ok=True)
    q.to_csv(h.root / "fhir_quarantine.csv", index=False)
    summary = batch.summary()
    h.audit.append(user=user.name, role=user.role, action="ingest_fhir", target=domain,
                   output=json.dumps(summary, sort_keys=True), details=summary)
    return summary


@ucloud_app.command("ingest-fhir")
@report_errors
@_denied
def ingest_fhir(
    paths: Annotated[list[Path], typer.Argument(help="FHIR files or folders.")],
    domain: Annotated[str, typer.Option(help="The project's pseudonym domain.")],
    addresses: Annotated[Path | None, typer.Option(
        help="Parquet/CSV with postcode, house_number, buurt.")] = None,
    hub: HubOpt = DEFAULT_HUB, token: TokenOpt = None,
) -> None:
    """Ingest FHIR R4 nl-core resources (XML, JSON, Bundles, NDJSON); quarantine the invalid."""
    from groengezond.ucloud.addresses import AddressIndex
    from groengezond.ucloud.fhir_ingest import ingest_paths
    from groengezond.ucloud.pseudonym import Pseudonymiser, load_key

    h = _hub(hub)
    user = h.act(token, "ingest", domain)
    index = None
    if addresses is not None:
        table = (pd.read_parquet(addresses) if addresses.suffix == ".parquet"
                 else pd.read_csv(addresses, dtype=str))
        index = AddressIndex.from_frame(table, file=addresses.name)
    batch = ingest_paths(paths, Pseudonymiser(load_key(), domain), index, source="fhir")
    out = hub / "linked"
    out.mkdir(mode=0o700, parents=True, exist_ok=True)
    batch.persons.to_parquet(out / "fhir_persons.parquet", index=False)
    batch.events.to_parquet(out / "fhir_events.parquet", index=False)
    console.print(json.dumps(_record_fhir(h, user, domain, batch), indent=1))


@ucloud_app.command("link-projects")
@report_errors
@_denied
def link_projects_cmd(
    hub_a: Annotated[Path, typer.Option(help="The first project's hub folder.")],
    token_a: Annotated[str, typer.Option(help="Its data steward's token.")],
    hub_b: Annotated[Path, typer.Option(help="The second project's hub folder.")],
    token_b: Annotated[str, typer.Option(help="Its data steward's token.")],
    joint: Annotated[str, typer.Option(help="The joint project's pseudonym domain.")],
    out: Annotated[Path, typer.Option(help="The joint project's hub folder.")],
) -> None:
    """Link two projects' data into a joint domain through the hub (both stewards consent).

    The hub translates each project's pseudonyms into the joint domain's through its link
    keys; no BSN is needed and neither project learns the other's pseudonyms."""
    from groengezond.ucloud.hub import link_projects
    from groengezond.ucloud.pseudonym import load_key

    report = link_projects((_hub(hub_a), token_a), (_hub(hub_b), token_b), load_key(), joint,
                           out)
    console.print(f"{report['in_both']:,} persons in both projects, {report['only_a']:,} only "
                  f"in A, {report['only_b']:,} only in B; joint data in {out / 'linked'}")


@ucloud_app.command("releases")
@report_errors
@_denied
def releases_cmd(hub: HubOpt = DEFAULT_HUB, token: TokenOpt = None) -> None:
    """List the protected releases."""
    for name in _hub(hub).releases(token):
        console.print(name)


@ucloud_app.command("release")
@report_errors
@_denied
def release_cmd(name: str, level: str | None = None, hub: HubOpt = DEFAULT_HUB,
                token: TokenOpt = None) -> None:
    """Print a release's published cells as CSV ('.' where suppressed)."""
    frame = _hub(hub).release(token, name, level)
    frame["published"] = frame["published"].map(lambda v: "." if pd.isna(v) else f"{v:.0f}")
    console.print(frame.to_csv(index=False), highlight=False, end="")


@ucloud_app.command("export-request")
@report_errors
@_denied
def export_request(release: str, level: str | None = None, hub: HubOpt = DEFAULT_HUB,
                   token: TokenOpt = None) -> None:
    """Request an export of a release (it leaves after a second person approves)."""
    ex = _hub(hub).request_export(token, release, level)
    console.print(f"export {ex.id} requested ({ex.rows} rows); waiting for approval")


@ucloud_app.command("export-approve")
@report_errors
@_denied
def export_approve(export_id: str, reject: bool = False, hub: HubOpt = DEFAULT_HUB,
                   token: TokenOpt = None) -> None:
    """Approve (or with --reject, reject) an export: a data steward, not the requester."""
    ex = _hub(hub).decide(token, export_id, approve=not reject)
    console.print(f"export {ex.id} {ex.status}")


@ucloud_app.command("export-download")
@report_errors
@_denied
def export_download(export_id: str, out: Annotated[Path, typer.Option(help="File to write.")],
                    hub: HubOpt = DEFAULT_HUB, token: TokenOpt = None) -> None:
    """Write an approved export to a file."""
    data = _hub(hub).download(token, export_id)
    out.write_bytes(data)
    console.print(f"written {out}")


@ucloud_app.command("audit")
@report_errors
@_denied
def audit_cmd(hub: HubOpt = DEFAULT_HUB, token: TokenOpt = None) -> None:
    """Print the audit log and check its hash chain (data steward); exit 1 when broken."""
    entries, ok = _hub(hub).audit_entries(token)
    for e in entries:
        console.print(f"{e['seq']:>5} {e['time']} {e['user']} ({e['role']}) {e['action']} "
                      f"{e['target']} {e['output_sha256'] or ''}", highlight=False)
    console.print("chain intact" if ok else "chain BROKEN")
    if not ok:
        raise typer.Exit(code=1)


@ucloud_app.command("publish")
@report_errors
@_denied
def publish(region: Annotated[Path, typer.Option(help="Region folder to add them to.")],
            hub: HubOpt = DEFAULT_HUB, token: TokenOpt = None) -> None:
    """Add the protected care indicators to a region, for the Monitor (data steward)."""
    from groengezond.ucloud.monitor_feed import publish_to_region

    h = _hub(hub)
    user = h.act(token, "publish", str(region))
    rows = publish_to_region(h.root / "indicators.parquet", region)
    h.audit.append(user=user.name, role=user.role, action="publish", target=str(region),
                   details={"rows": rows})
    console.print(f"{rows} indicator values added to {region}")


@ucloud_app.command("microdata")
@report_errors
@_denied
def microdata(
    year: int = 2024,
    region: Annotated[Path | None, typer.Option(
        help="Region whose green share within 300 m per buurt is joined (optional).")] = None,
    attacks: Annotated[int, typer.Option(help="Attack attempts per privacy attack.")] = 2000,
    seed: int = 0, hub: HubOpt = DEFAULT_HUB, token: TokenOpt = None,
) -> None:
    """Synthetic microdata of the linked data (metasyn) with its utility and privacy report
    and the release decision (data steward); written to the hub's microdata/ folder."""
    from groengezond.ucloud.linkage import Linked
    from groengezond.ucloud.microdata import linked_microdata, microdata_release

    h = _hub(hub)
    user = h.act(token, "synthesise", "microdata")
    folder = hub / "linked"
    if not (folder / "persons.parquet").exists():
        raise GroengezondError(f"{folder}: no linked data; run 'groengezond ucloud run' first")
    linked = Linked(pd.read_parquet(folder / "persons.parquet"))
    for f in folder.glob("events_*.parquet"):
        linked.events[f.stem.removeprefix("events_")] = pd.read_parquet(f)
    exposures = None
    if region is not None:
        from groengezond.region.store import read_region

        ind = read_region(region, validate=False).indicators
        g = ind[ind["indicator"] == "green_share_300m_pct"]
        if len(g):
            exposures = g[g["year"] == g["year"].max()].set_index("area_code")["value"]
    real = linked_microdata(linked, year, exposures)
    result = microdata_release(real, seed=seed, attacks=attacks)
    out = hub / "microdata"
    out.mkdir(mode=0o700, exist_ok=True)
    result["synthetic"].to_parquet(out / "synthetic.parquet", index=False)
    report = {k: v for k, v in result.items() if k != "synthetic"}
    text = json.dumps(report, indent=1, default=str)
    (out / "report.json").write_text(text)
    h.audit.append(user=user.name, role=user.role, action="synthesise", target="microdata",
                   output=text, details={"decision": report["decision"]["decision"]})
    console.print(json.dumps({"utility": {k: v for k, v in report["utility"].items()
                                          if k != "pairwise"},
                              "privacy": [{k: r[k] for k in ("attack", "train", "control",
                                                             "baseline", "risk",
                                                             "risk_upper")}
                                          for r in report["privacy"]],
                              "decision": report["decision"], "sizes": report["sizes"]},
                             indent=1, default=str))
