"""Commands about regions: synth, info, validate, export, serve and demo."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from groengezond.cli.common import console, err_console, progress_bar, report_errors
from groengezond.errors import InputError
from groengezond.region.store import export_gpkg, read_region, write_region
from groengezond.services.region_info import describe_region
from groengezond.settings import get_settings

app = typer.Typer(
    name="groengezond",
    help="Health and green per neighbourhood: regions, access to green, monitor and scenarios.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

RegionArg = Annotated[Path, typer.Argument(help="Folder of a region (region.json + GeoParquet).")]


@app.command()
@report_errors
def synth(
    out: Annotated[Path, typer.Option(help="Folder to write the region to (replaced).")],
    inhabitants: Annotated[int, typer.Option(min=2_000, max=5_000_000,
                                            help="Number of inhabitants.")] = 150_000,
    seed: Annotated[int, typer.Option(help="Random seed; same seed, same region.")] = 42,
    force: Annotated[bool, typer.Option(
        "--force", help="Replace OUT even when it is a non-empty folder that is not a "
                        "region.")] = False,
) -> None:
    """Generate a synthetic region (nothing in it is real) and write it to OUT."""
    from groengezond.region.store import check_output_folder
    from groengezond.synth import generate_region

    check_output_folder(out, force=force)

    with progress_bar(f"Generating {inhabitants:,} inhabitants") as progress:
        region = generate_region(inhabitants, seed, progress=progress)
        progress("writing", 0.99)
        write_region(region, out)
    console.print(f"Wrote synthetic region '{region.meta.name}' to {out}")
    _print_counts(describe_region(region))


@app.command()
@report_errors
def info(
    region: RegionArg,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Summarise a region: counts, years, sources with attribution, and warnings."""
    summary = describe_region(read_region(region))
    if as_json:
        console.print_json(json.dumps(summary))
        return
    flag = "[bold yellow]SYNTHETIC[/]" if summary["synthetic"] else "real data"
    console.print(f"[bold]{summary['name']}[/] ({flag}), {summary['inhabitants']:,} inhabitants, "
                  f"CRS {summary['crs']}, years {', '.join(map(str, summary['years']))}")
    _print_counts(summary)
    sources = Table("source", "licence", "attribution", title="Sources")
    for s in summary["sources"]:
        sources.add_row(s["name"], s["licence"], s["attribution"])
    console.print(sources)
    quality = Table("layer", "quality", "reason", title="Quality")
    for name, record in summary["quality"].items():
        quality.add_row(name, record["status"], record["reason"])
    console.print(quality)
    console.print(summary["placeholder_areas_line"], highlight=False)
    for warning in summary["warnings"]:
        console.print(f"[yellow]warning:[/] {warning}")


def _print_counts(summary: dict[str, object]) -> None:
    table = Table("layer", "rows", title="Contents")
    counts = summary["counts"]
    assert isinstance(counts, dict)
    for name, n in counts.items():
        table.add_row(name, f"{n:,}")
    console.print(table)


@app.command()
@report_errors
def validate(region: RegionArg) -> None:
    """Check a region; print every problem (file, row, field, fix) and exit 2 if any.

    Warnings (e.g. a walking network that does not reach the homes) are printed with their
    figures, and a valid region whose layers are not all real (derived, placeholder or
    missing) gets one warning per such layer, with the reason from its quality record; they
    do not make the region invalid.
    """
    from groengezond.region.checks import network_warnings, quality_warnings
    from groengezond.region.quality import region_quality

    checked = read_region(region)
    warnings = [str(w) for w in network_warnings(checked)]
    warnings += quality_warnings(region_quality(checked))
    for warning in warnings:
        console.print(f"[yellow]warning:[/] {warning}", highlight=False, soft_wrap=True)
    console.print(f"[green]valid:[/] {region}"
                  + (f" ({len(warnings)} warnings)" if warnings else ""))


@app.command()
@report_errors
def export(
    region: RegionArg,
    out: Annotated[Path, typer.Option(help="File to write (e.g. region.gpkg).")],
    format: Annotated[str, typer.Option("--format", help="Export format: gpkg.")] = "gpkg",
) -> None:
    """Export a region to one GeoPackage for QGIS and other GIS software."""
    if format.lower() != "gpkg":
        raise InputError.single("--format", "", "format", f"unknown format {format!r}",
                                "use --format gpkg")
    export_gpkg(read_region(region), out)
    console.print(f"Wrote {out}")


def uvicorn_options(trusted_proxies: str, keep_alive_s: int) -> dict[str, object]:
    """The uvicorn settings of ``serve`` (see docs/operations.md).

    ``X-Forwarded-For`` is believed only from the proxies named in ``trusted_proxies``
    (comma-separated addresses); with none, proxy headers are off and the client address is
    the TCP peer, so a client cannot pick its own address to get around the rate limits.
    Idle keep-alive connections close after ``keep_alive_s``; at most 1,000 connections are
    served at once (more answer 503) and an HTTP/1.1 event (headers and the body chunk being
    read) may hold at most 1 MiB.
    """
    proxies = [p.strip() for p in trusted_proxies.split(",") if p.strip()]
    extra: dict[str, object] = {"forwarded_allow_ips": ",".join(proxies)} if proxies else {}
    return {"proxy_headers": bool(proxies), **extra, "server_header": False, "date_header": True,
            "timeout_keep_alive": keep_alive_s, "timeout_graceful_shutdown": 30,
            "limit_concurrency": 1000, "h11_max_incomplete_event_size": 1_048_576,
            "log_config": None}


@app.command()
@report_errors
def serve(
    region: Annotated[Path | None, typer.Argument(help="Region folder (default GG_REGION_DIR).")]
    = None,
    host: Annotated[str | None, typer.Option(help="Interface to bind (default 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="TCP port (default 8000).")] = None,
    trusted_proxies: Annotated[str | None, typer.Option(
        help="Comma-separated addresses of reverse proxies whose X-Forwarded-For is believed "
             "(default GG_TRUSTED_PROXIES; none: the header is ignored).")] = None,
) -> None:
    """Serve the API for a region on http://HOST:PORT (docs at /docs)."""
    import uvicorn

    from groengezond.api import create_app
    from groengezond.logs import configure_logging

    settings = get_settings()
    configure_logging(settings.log_level, settings.log_format)
    folder = region or settings.region_dir
    app_ = create_app(folder)
    bind_host, bind_port = host or settings.host, port or settings.port
    proxies = settings.trusted_proxies if trusted_proxies is None else trusted_proxies
    err_console.print(f"Serving {folder} on http://{bind_host}:{bind_port} (API docs at /docs)")
    uvicorn.run(app_, host=bind_host, port=bind_port, log_level=settings.log_level.lower(),
                **uvicorn_options(proxies, settings.timeout_keep_alive_s))  # type: ignore[arg-type]


@app.command()
@report_errors
def demo(
    region: Annotated[Path | None, typer.Option(help="Region folder (default GG_REGION_DIR).")]
    = None,
    inhabitants: Annotated[int, typer.Option(help="Size of the demo region.")] = 150_000,
    seed: Annotated[int, typer.Option(help="Seed of the demo region.")] = 42,
    no_serve: Annotated[bool, typer.Option("--no-serve", help="Stop after the baseline.")] = False,
) -> None:
    """Make the demo region if it is missing, compute its baseline and serve it."""
    settings = get_settings()
    folder = region or settings.region_dir
    if (folder / "region.json").exists():
        err_console.print(f"Using the region in {folder}")
    else:
        err_console.print(f"No region in {folder}: generating the synthetic demo region")
        synth(out=folder, inhabitants=inhabitants, seed=seed, force=False)
    from groengezond.services.baseline import compute_baseline

    with progress_bar("Computing the baseline") as progress:
        summary = compute_baseline(folder, progress=progress)
    for line in summary:
        console.print(line, markup=False, highlight=False)
    if not no_serve:
        serve(folder, None, None, None)


def _register_commands() -> None:
    """Attach the commands that live in their own modules (one per concept)."""
    from groengezond.cli.access_cmd import access_command
    from groengezond.cli.build_cmd import build_command
    from groengezond.cli.catalogue_cmd import catalogue_app
    from groengezond.cli.evaluate_cmd import evaluate_app
    from groengezond.cli.fetch_cmd import fetch_command
    from groengezond.cli.monitor_cmd import monitor_command
    from groengezond.cli.participation_cmd import participation_app
    from groengezond.cli.plan_cmd import plan_command
    from groengezond.cli.programme_cmd import programme_app
    from groengezond.cli.report_cmd import report_app
    from groengezond.cli.ucloud_cmd import ucloud_app
    from groengezond.cli.within_cmd import within_gaps_command

    app.command("access")(access_command)
    app.command("build")(build_command)
    app.command("fetch")(fetch_command)
    app.command("monitor")(monitor_command)
    app.command("plan")(plan_command)
    app.command("within-gaps")(within_gaps_command)
    app.add_typer(catalogue_app, name="catalogue")
    app.add_typer(evaluate_app, name="evaluate")
    app.add_typer(participation_app, name="participation")
    app.add_typer(programme_app, name="programme")
    app.add_typer(report_app, name="report")
    app.add_typer(ucloud_app, name="ucloud")


_register_commands()


def main() -> None:
    """Entry point of the ``groengezond`` console script."""
    app()
