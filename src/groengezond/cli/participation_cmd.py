"""``groengezond participation ...``: staff accounts, exports and database migrations.

The database is ``GG_DATABASE_URL`` (SQLite file by default, or PostgreSQL) unless
``--database-url`` is given.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from groengezond.cli.common import console, report_errors
from groengezond.errors import InputError
from groengezond.participation.config import participation_settings
from groengezond.participation.db import Database
from groengezond.participation.export import export_field_lab
from groengezond.participation.models import ROLES
from groengezond.participation.security import Passwords, create_user
from groengezond.participation.service import utc_now
from groengezond.settings import get_settings

participation_app = typer.Typer(
    name="participation",
    help="Participation (field labs): staff accounts, exports for planners, migrations.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

DatabaseUrl = Annotated[str | None, typer.Option(
    "--database-url", help="SQLAlchemy URL (default GG_DATABASE_URL).")]


def _database(url: str | None, migrate: bool = True) -> Database:
    return Database.from_url(url or get_settings().database_url, migrate=migrate)


@participation_app.command("create-user")
@report_errors
def create_user_cmd(
    username: Annotated[str, typer.Argument(help="User name (3-64 letters, digits, _.@-).")],
    role: Annotated[str, typer.Option(help=f"Role: {', '.join(ROLES)}.")] = "planner",
    password_stdin: Annotated[bool, typer.Option(
        "--password-stdin", help="Read the password from the first line of stdin.")] = False,
    database_url: DatabaseUrl = None,
) -> None:
    """Create a staff account (asks for the password twice unless --password-stdin)."""
    if role not in ROLES:
        raise InputError.single("--role", "", "role", f"unknown role {role!r}",
                                f"use one of {', '.join(ROLES)}")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    db = _database(database_url)
    try:
        uid = create_user(db, Passwords(participation_settings()), username, password, role,
                          utc_now())
    finally:
        db.dispose()
    console.print(f"Created {role} '{username}' (id {uid})")


@participation_app.command("export")
@report_errors
def export_cmd(
    field_lab_id: Annotated[int, typer.Argument(help="Id of the field lab.")],
    out: Annotated[Path, typer.Option(help="File to write: .csv, .gpkg or .html.")],
    database_url: DatabaseUrl = None,
) -> None:
    """Export a field lab's results (disclosure-controlled) and approved comments."""
    db = _database(database_url)
    try:
        export_field_lab(db, field_lab_id, out, participation_settings().min_respondents)
    finally:
        db.dispose()
    console.print(f"Wrote {out}")


@participation_app.command("migrate")
@report_errors
def migrate_cmd(
    revision: Annotated[str, typer.Option(help="Target revision ('head' or an id).")] = "head",
    downgrade: Annotated[bool, typer.Option(
        help="Downgrade to REVISION instead (data in dropped tables is lost).")] = False,
    database_url: DatabaseUrl = None,
) -> None:
    """Bring the participation tables to a schema revision (default: the newest)."""
    db = _database(database_url, migrate=False)
    try:
        if downgrade:
            db.downgrade(revision)
        else:
            db.migrate(revision)
        console.print(f"Participation schema at revision {db.current_revision() or 'none'}")
    finally:
        db.dispose()
