"""Files imported from the console, on the worker.

An upload is kept (``core.models.TrackedTask``: the file in the media storage, the
request, its state) and the worker runs the very import service the command line
uses — ``do_import_network_file``, ``do_import_cells``, ``do_import_billing_counts``
— as the staff member who uploaded it. The page shows the import waiting, running
(rows read of the file's rows), done with what it did, or failed with the file's
errors and their line numbers. A refused or failed import keeps its file.

- ``do_queue_import``: the page's part (who may import is checked here, at once).
- ``do_run_import``: the worker's part (``quality.tasks.run_import``).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

from telcodesk.core import services as core_services
from telcodesk.core.errors import DomainError
from telcodesk.core.models import Channel, TrackedTask, User
from telcodesk.quality.errors import QualityError, QualityErrorCode
from telcodesk.quality.network.csv_format import Progress, QualityFileError
from telcodesk.quality.permissions import may_enter_quality_counts
from telcodesk.quality.services._common import COUNT_ENTRY_REFUSED, check_actor
from telcodesk.quality.services.billing import do_import_billing_counts
from telcodesk.quality.services.network import do_import_cells, do_import_network_file

logger = logging.getLogger(__name__)

COUNTERS = "quality.network_counters"
CELLS = "quality.cells"
BILLING = "quality.billing_counts"
WARNINGS_KEPT = 10  # warnings listed in the result (the rest are counted)


@dataclass(frozen=True)
class _Outcome:
    outcome: str  # "imported", "registered" or "already" (the page words it)
    summary: str
    warnings: list[str]
    warning_count: int
    earlier_import: int | None = None


Runner = Callable[[dt.datetime, User | None, IO[bytes], str, dict[str, Any], Progress],
                  _Outcome]


def _counters(now: dt.datetime, actor: User | None, stream: IO[bytes], name: str,
              options: dict[str, Any], progress: Progress) -> _Outcome:
    report = do_import_network_file(now=now, actor=actor, path_or_stream=stream,
                                    file_name=name, replace=bool(options.get("replace")),
                                    channel=Channel.CONSOLE, progress=progress)
    if report.already_imported:
        return _Outcome("already", report.describe(), [], 0, report.network_import.pk)
    return _Outcome("imported", report.describe(), report.warnings[:WARNINGS_KEPT],
                    report.warning_count)


def _cells(now: dt.datetime, actor: User | None, stream: IO[bytes], name: str,
           options: dict[str, Any], progress: Progress) -> _Outcome:
    result = do_import_cells(now=now, actor=actor, path_or_stream=stream, file_name=name,
                             channel=Channel.CONSOLE, progress=progress)
    return _Outcome("registered", result.describe(), [], 0)


def _billing(now: dt.datetime, actor: User | None, stream: IO[bytes], name: str,
             options: dict[str, Any], progress: Progress) -> _Outcome:
    result = do_import_billing_counts(now=now, actor=actor, path_or_stream=stream,
                                      file_name=name, channel=Channel.CONSOLE,
                                      progress=progress)
    return _Outcome("imported", result.describe(), result.warnings[:WARNINGS_KEPT],
                    len(result.warnings))


RUNNERS: dict[str, Runner] = {COUNTERS: _counters, CELLS: _cells, BILLING: _billing}


def do_queue_import(*, now: dt.datetime, actor: User, kind: str, upload: IO[bytes],
                    file_name: str, replace: bool = False) -> TrackedTask:
    """Keep an uploaded file and queue its import for the worker."""
    if kind not in RUNNERS:
        raise QualityError(QualityErrorCode.INVALID, f"unknown import {kind!r}")
    check_actor(actor, may_enter_quality_counts, COUNT_ENTRY_REFUSED)
    from telcodesk.quality.tasks import run_import

    return core_services.do_queue_tracked_task(
        now=now, actor=actor, kind=kind, upload=upload, file_name=file_name,
        options={"replace": True} if replace else {},
        enqueue=lambda task_id: run_import.enqueue(task_id=task_id))


def refused_result(exc: QualityFileError) -> dict[str, Any]:
    """A refused file as the page lists it: every error with its line number."""
    problems = exc.problems
    return {"refused": {"file_name": exc.file_name, "count": problems.error_count,
                        "errors": [{"line": p.line, "message": p.message}
                                   for p in problems.listed_errors()],
                        "more": problems.unlisted_errors, "outcome": exc.outcome}}


def do_run_import(*, now: dt.datetime, task_id: int) -> str:
    """Run a queued import (the worker); a one-line result for the task's log."""
    task = core_services.do_start_tracked_task(now=now, task_id=task_id)
    if task is None:
        return f"import {task_id}: nothing to do"
    runner = RUNNERS.get(task.kind)

    def progress(done: int, total: int) -> None:
        core_services.do_record_tracked_progress(task_id=task_id, done=done, total=total)

    failed = True
    try:
        if runner is None:
            raise QualityError(QualityErrorCode.INVALID, f"unknown import {task.kind!r}")
        with task.file.open("rb") as stream:
            outcome = runner(now, task.requested_by, stream, task.file_name, task.options,
                             progress)
    except QualityFileError as exc:
        result = refused_result(exc)
    except DomainError as exc:
        result = {"error": exc.message}
    except Exception:
        # Not the file's fault as far as anyone can tell: kept for the administrator's
        # log, and the page says so (the file stays; the import can be started again).
        logger.exception("import %s (%s) stopped", task_id, task.kind)
        result = {"error": "", "unexpected": True}
    except BaseException:
        # The worker is being stopped (SystemExit on a second SIGTERM, KeyboardInterrupt):
        # the import's transaction is rolled back, so say so instead of "running" forever.
        core_services.do_finish_tracked_task(now=now, task_id=task_id,
                                             result={"error": "", "unexpected": True},
                                             failed=True)
        raise
    else:
        failed = False
        result = {"outcome": outcome.outcome, "summary": outcome.summary,
                  "warnings": outcome.warnings, "warning_count": outcome.warning_count,
                  "earlier_import": outcome.earlier_import}
    core_services.do_finish_tracked_task(now=now, task_id=task_id, result=result,
                                         failed=failed)
    return f"import {task_id} ({task.kind}, {task.file_name}): " + (
        "failed" if failed else str(result["summary"]))
