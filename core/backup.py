"""Dump and restore the whole database (see README, "Backups").

PostgreSQL: pg_dump's custom format and pg_restore (needs Debian's
postgresql-client of the server's major version). SQLite: Django's JSON
dump (dumpdata/loaddata), which also moves data between the two.
"""

import io
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.core.management import call_command
from django.db import connection, transaction

# Rebuilt by migrate, or not worth keeping.
JSON_EXCLUDE = ["contenttypes", "auth.permission", "sessions"]


class BackupError(Exception):
    """A dump or restore failed; the message says why (for the operator)."""


def _pg_env() -> dict:
    s = connection.settings_dict
    env = {**os.environ, "PGDATABASE": s["NAME"], "PGUSER": s["USER"] or "", "PGHOST": s["HOST"] or ""}
    env["PGPORT"] = str(s["PORT"] or 5432)
    if s["PASSWORD"]:
        env["PGPASSWORD"] = s["PASSWORD"]
    return env


def _run(command: list[str]):
    result = subprocess.run(command, env=_pg_env(), capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")


def dump(path: Path) -> Path:
    """Write the whole database to `path`."""
    path = Path(path)
    if connection.vendor == "postgresql":
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={path}"])
    else:
        call_command(
            "dumpdata",
            "--format=json",
            "--natural-foreign",
            "--natural-primary",
            "--indent=1",
            *[f"--exclude={x}" for x in JSON_EXCLUDE],
            output=str(path),
            verbosity=0,
        )
    return path


def restore(path: Path):
    """Replace the database's contents with the dump at `path` (all or nothing)."""
    path = Path(path)
    if not path.exists():
        raise BackupError(f"{path} does not exist")
    if connection.vendor == "postgresql":
        connection.close()
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                f"--dbname={connection.settings_dict['NAME']}",
                str(path),
            ]
        )
    else:
        call_command("migrate", verbosity=0)
        with tempfile.TemporaryDirectory() as tmp:
            fixture = Path(tmp) / "backup.json"  # loaddata knows the format by the suffix
            shutil.copyfile(path, fixture)
            with transaction.atomic():  # a failing load leaves the old data
                call_command("flush", interactive=False, verbosity=0)
                call_command("loaddata", str(fixture), verbosity=0)
                # loaddata saves rows as they are: the stored summaries and search text of a
                # backup older than them (or edited by hand) are rebuilt from what it holds.
                call_command("check_summary", fix=True, stdout=io.StringIO())
