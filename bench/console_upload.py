"""Benchmark: a counter file uploaded on the console page, then imported by the worker.

    uv run python bench/console_upload.py                  # 2,000 cells × 30 days = 60,000 rows
    uv run python bench/console_upload.py --database-url postgres://postgres@127.0.0.1/bench
    uv run python bench/console_upload.py --ci             # 100 cells × 30 days, quick

Migrates a fresh database (a throwaway SQLite file, or ``--database-url`` /
``DATABASE_URL``: it must hold no counters), signs in a superuser, posts the file
to ``/console/quality/network/`` through Django's test client, then runs the import
task the upload queued (``quality.tasks.run_import``, as ``telcodesk worker`` would)
and loads the page again. Prints the CPU time (this process) and the wall time of
the upload request, of the worker's import and of the page that shows the result:
the request only keeps the file, the rows are read and written by the worker.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from collections.abc import Callable
from typing import TypeVar

from _harness import bench_database, engine_line, machine_line, setup_django

HEADER = ("cell,date,busy_hour,call_attempts,answered,called_busy,no_answer,unreachable,"
          "tch_requests,tch_failures_no_channel,connected_calls,dropped_calls")
PAGE = "/console/quality/network/"
T = TypeVar("T")


def counter_file(cells: int, days: int) -> bytes:
    first = dt.date(2025, 9, 1)
    lines = [HEADER]
    for cell in range(cells):
        for day in range(days):
            lines.append(f"B{cell:05d},{first + dt.timedelta(days=day)},20,"
                         "5120,4290,410,240,86,4980,3,4870,21")
    return ("\n".join(lines) + "\n").encode()


def timed(label: str, action: Callable[[], T]) -> T:
    cpu, wall = time.process_time(), time.perf_counter()
    result = action()
    print(f"{label:<22}CPU {time.process_time() - cpu:6.3f} s, "
          f"wall {time.perf_counter() - wall:6.3f} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="",
                        help="a database to use (default: a throwaway SQLite file)")
    parser.add_argument("--cells", type=int, default=2000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--ci", action="store_true", help="100 cells, quick")
    args = parser.parse_args()
    if args.ci:
        args.cells = 100
    with bench_database(args.database_url):
        setup_django(migrate=True)
        from django.conf import settings
        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.test import Client

        from telcodesk.core.models import TrackedTask, User
        from telcodesk.quality.models import NetworkCounter
        from telcodesk.quality.tasks import run_import

        if NetworkCounter.objects.exists():
            raise SystemExit("the database already holds network counters: give an empty one")
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        data = counter_file(args.cells, args.days)
        user = User.objects.create_superuser("bench-upload", "bench@example.invalid", None)
        client = Client()
        client.force_login(user)
        client.get(PAGE)  # warm up templates and translations
        rows = args.cells * args.days
        print(f"data                  {rows:,} rows ({args.cells:,} cells × {args.days} days), "
              f"{len(data) / 1e6:.1f} MB")
        response = timed("upload request", lambda: client.post(PAGE, {
            "file": SimpleUploadedFile("bench.csv", data, content_type="text/csv")}))
        assert response.status_code == 302, response.status_code
        task = TrackedTask.objects.get(requested_by=user)
        result = timed("worker: import", lambda: run_import.call(task_id=task.pk))
        timed("page with the result", lambda: client.get(PAGE))
        task.refresh_from_db()
        stored = NetworkCounter.objects.filter(source__file_name="bench.csv").count()
        print(f"result                {task.state}: {result}")
        print(f"check                 {stored:,} of {rows:,} rows stored")
        print(f"database              {engine_line()}")
        print(machine_line())
        NetworkCounter.objects.filter(source__file_name="bench.csv").delete()
        task.file.delete(save=False)


if __name__ == "__main__":
    main()
