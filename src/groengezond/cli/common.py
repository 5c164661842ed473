"""Shared pieces of the CLI: the error handler and the progress bar."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from groengezond.errors import GroengezondError, InputError

P = ParamSpec("P")
R = TypeVar("R")

console = Console()
err_console = Console(stderr=True)


def report_errors(fn: Callable[P, R]) -> Callable[P, R]:
    """Turn InputError into one printed line per problem and exit status 2."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except InputError as exc:
            for problem in exc.problems:
                err_console.print(f"[bold red]error:[/] {problem}", markup=True, highlight=False,
                                  soft_wrap=True)
            raise typer.Exit(code=2) from None
        except GroengezondError as exc:
            err_console.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
            raise typer.Exit(code=1) from None

    return wrapper


@contextmanager
def progress_bar(description: str) -> Iterator[Callable[[str, float], None]]:
    """Yield a ``progress(step, fraction)`` callback drawing a rich progress bar."""
    with Progress(
        TextColumn("[bold green]{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TextColumn("{task.fields[step]}"),
        TimeElapsedColumn(),
        console=err_console,
        transient=False,
    ) as bar:
        task = bar.add_task(description, total=1.0, step="")

        def update(step: str, fraction: float) -> None:
            bar.update(task, completed=min(max(fraction, 0.0), 1.0), step=step)

        yield update
        bar.update(task, completed=1.0, step="done")
