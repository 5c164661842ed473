"""The ``groengezond`` command line: thin Typer commands over the services.

Every command reads its input, calls one service and renders the result. Bad input
(:class:`~groengezond.errors.InputError`) is printed as one line per problem and exits with
status 2; nothing is half-written.
"""

from __future__ import annotations

from groengezond.cli.app import app, main

__all__ = ["app", "main"]
