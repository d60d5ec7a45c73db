"""Start-up shared by the bench scripts: a database to fill, Django, the machine line.

    from _harness import bench_database, machine_line, setup_django

    with bench_database(args.database_url) as throwaway:
        setup_django(migrate=True)
        ...
        print(machine_line())

``bench_database`` points Django at ``--database-url`` / ``DATABASE_URL`` when
given, else at a throwaway SQLite file in a temporary directory that is removed
afterwards (it also holds ``TELCODESK_VAR_DIR`` unless that is set). The bench
scripts run as ``python bench/<name>.py``, so this module is importable by its
plain name.
"""

from __future__ import annotations

import os
import platform
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def bench_database(database_url: str = "") -> Iterator[bool]:
    """Set up the environment for Django; yields whether the database is a throwaway."""
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    tmp: Path | None = None
    throwaway = False
    if not os.environ.get("DATABASE_URL"):
        tmp = Path(tempfile.mkdtemp(prefix="telcodesk-bench-"))
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
        throwaway = True
    if not os.environ.get("TELCODESK_VAR_DIR"):
        tmp = tmp or Path(tempfile.mkdtemp(prefix="telcodesk-bench-"))
        os.environ["TELCODESK_VAR_DIR"] = str(tmp)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "telcodesk.settings")
    os.environ.setdefault("TELCODESK_LOG_LEVEL", "WARNING")
    try:
        yield throwaway
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


def setup_django(*, migrate: bool = True) -> None:
    """``django.setup()`` and, unless told otherwise, ``migrate`` (quietly)."""
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)


def engine_line() -> str:
    """The database engine and its version, e.g. ``PostgreSQL 16.4`` or ``SQLite 3.46.1``."""
    from django.db import connection

    if connection.vendor == "sqlite":
        return f"SQLite {connection.Database.sqlite_version}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        return str(cursor.fetchone()[0]).split(",")[0]


def machine_line() -> str:
    """Python, the machine and its cores, for the last lines of a bench's output."""
    return (f"python {platform.python_implementation()} {platform.python_version()}; "
            f"machine {platform.machine()}, {os.cpu_count()} cores, "
            f"{platform.system()} {platform.release()}")
