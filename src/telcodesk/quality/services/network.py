"""Writes of the busy-hour network counters: import a counter file, place cells.

A counter file is imported whole or not at all: it is parsed and checked
(``quality.network.csv_format``), then checked against the stored counters,
and only a file without any error is written, in one transaction. A cell-day
already stored refuses the file unless ``replace`` is asked for; then the
stored counters of exactly the (cell, day) pairs in the file are replaced and
every other cell-day stays as it was. Importing the very same file again
(same SHA-256) without ``replace`` writes nothing and reports the earlier
import, so a retried import is harmless.

Cells named in a counter file that the registry does not know are created
without an org unit and reported: their counters count for the operator but for
no city or county until they are placed (``do_register_cells``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction

from telcodesk.core.bulk import BulkTable
from telcodesk.core.clock import local
from telcodesk.core.models import Channel, OrgUnit, User
from telcodesk.core.services import do_audit
from telcodesk.quality.errors import QualityError, QualityErrorCode
from telcodesk.quality.models import NetworkCell, NetworkCounter, NetworkImport
from telcodesk.quality.network.csv_format import (
    COUNTS,
    CellRow,
    Problems,
    Progress,
    QualityFileError,
    parse_cell_file,
    parse_counter_file,
)
from telcodesk.quality.permissions import may_enter_quality_counts
from telcodesk.quality.selectors.network import CELL_UNIT_KINDS
from telcodesk.quality.services._common import (
    COUNT_ENTRY_REFUSED,
    PathOrStream,
    check_actor,
    read_input,
)

_CHUNK = 500  # keys per "IN (...)"


def _chunks(values: list[Any]) -> Iterable[list[Any]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start:start + _CHUNK]


@dataclass(frozen=True)
class NetworkImportReport:
    """What one counter import did (or, with ``already_imported``, had done)."""

    network_import: NetworkImport
    rows: int
    days: int
    cells: int
    first_day: dt.date | None
    last_day: dt.date | None
    new_cells: list[str] = field(default_factory=list)  # created now, without a unit
    unplaced_cells: list[str] = field(default_factory=list)  # cells of the file without a unit
    replaced: int = 0
    warnings: list[str] = field(default_factory=list)  # "line N: ..." (listed ones)
    warning_count: int = 0
    already_imported: bool = False

    def describe(self) -> str:
        """One line for the command line and the page's message."""
        span = ""
        if self.first_day and self.last_day:
            span = (f" ({self.first_day.isoformat()})" if self.first_day == self.last_day
                    else f" ({self.first_day.isoformat()} – {self.last_day.isoformat()})")
        text = (f"{self.rows} rows, {self.days} day(s){span}, {self.cells} cell(s)")
        if self.replaced:
            text += f", {self.replaced} stored cell-day(s) replaced"
        if self.new_cells:
            text += (f"; {len(self.new_cells)} new cell(s) without a unit: "
                     f"{', '.join(self.new_cells[:10])}"
                     + (" …" if len(self.new_cells) > 10 else ""))
        elif self.unplaced_cells:
            text += f"; {len(self.unplaced_cells)} cell(s) still without a unit"
        return text


def do_import_network_counters(*, now: dt.datetime, actor: User | None,
                               path_or_stream: PathOrStream, file_name: str = "",
                               replace: bool = False,
                               channel: str = Channel.CLI) -> NetworkImport:
    """Import a counter file; the import record (see ``do_import_network_file``)."""
    return do_import_network_file(now=now, actor=actor, path_or_stream=path_or_stream,
                                  file_name=file_name, replace=replace,
                                  channel=channel).network_import


def do_import_network_file(*, now: dt.datetime, actor: User | None,
                           path_or_stream: PathOrStream, file_name: str = "",
                           replace: bool = False,
                           channel: str = Channel.CLI,
                           progress: Progress | None = None) -> NetworkImportReport:
    """Check and import a busy-hour counter file, all of it or nothing.

    Raises ``QualityFileError`` (every error with its line number) when any row
    is wrong or, without ``replace``, when a (cell, day) of the file is stored.
    ``progress`` is told how many rows have been read (``core.tabular.read_table``).
    """
    check_actor(actor, may_enter_quality_counts, COUNT_ENTRY_REFUSED)
    data, given_name = read_input(path_or_stream)
    name = (file_name or given_name or "counters.csv")[:300]
    digest = hashlib.sha256(data).hexdigest()
    parsed = parse_counter_file(data, today=local(now).date(), progress=progress)
    problems = parsed.problems
    rows = parsed.rows
    codes = parsed.cells
    known: dict[str, tuple[int, int | None]] = {}
    for chunk in _chunks(codes):
        known.update((code, (pk, unit)) for code, pk, unit in NetworkCell.objects.filter(
            code__in=chunk).values_list("code", "pk", "org_unit_id"))
    if problems.ok and not replace:
        earlier = NetworkImport.objects.filter(sha256=digest).order_by("-imported_at",
                                                                       "-id").first()
        if earlier is not None:
            return _report(earlier, parsed_rows=rows, known=known, new=[], replaced=0,
                           problems=problems, already=True)
    replaced = _check_stored(rows, known, problems, replace=replace)
    if not problems.ok:
        raise QualityFileError(name, problems)
    new = [code for code in codes if code not in known]
    try:
        with transaction.atomic():
            network_import = _write(now=now, actor=actor, name=name, digest=digest, rows=rows,
                                    known=known, new=new, replaced=replaced)
            report = _report(network_import, parsed_rows=rows, known=known, new=new,
                             replaced=len(replaced), problems=problems, already=False)
            do_audit(now=now, actor=actor, channel=channel, action="network.import",
                     target_type="quality.NetworkImport", target_id=network_import.pk,
                     summary=f"{name}: {report.describe()}",
                     details={"file": name, "sha256": digest, "rows": report.rows,
                              "days": report.days, "cells": report.cells,
                              "new_cells": new[:100], "replaced": len(replaced),
                              "warnings": problems.warning_count})
    except IntegrityError:
        raise QualityError(QualityErrorCode.INVALID,
                           f"{name}: another import stored some of the same cell-days at the "
                           "same moment; nothing imported, run the import again") from None
    return report


def _check_stored(rows: list[Any], known: dict[str, tuple[int, int | None]],
                  problems: Problems, *, replace: bool) -> list[int]:
    """Errors for cell-days already stored (or, with ``replace``, their row ids)."""
    if not rows or not known:
        return []
    first, last = min(r.day for r in rows), max(r.day for r in rows)
    stored: dict[tuple[int, dt.date], tuple[int, int]] = {}
    for chunk in _chunks([pk for pk, _unit in known.values()]):
        for pk, cell_id, day, source_id in NetworkCounter.objects.filter(
                cell_id__in=chunk, day__gte=first, day__lte=last).values_list(
                "pk", "cell_id", "day", "source_id"):
            stored[(cell_id, day)] = (pk, source_id)
    if not stored:
        return []
    if replace:
        return _replaced_ids(rows, known, stored)
    sources = dict(NetworkImport.objects.filter(
        pk__in={source for _pk, source in stored.values()}).values_list("pk", "file_name"))
    for row in rows:
        hit = stored.get((known[row.cell][0], row.day)) if row.cell in known else None
        if hit is not None:
            problems.error(row.line, f"cell {row.cell} already has counters for "
                                     f"{row.day.isoformat()} (imported from "
                                     f"{sources.get(hit[1], '?')}); import with the replace "
                                     "option to replace them")
    return []


def _replaced_ids(rows: list[Any], known: dict[str, tuple[int, int | None]],
                  stored: dict[tuple[int, dt.date], tuple[int, int]]) -> list[int]:
    ids = []
    for row in rows:
        hit = stored.get((known[row.cell][0], row.day)) if row.cell in known else None
        if hit is not None:
            ids.append(hit[0])
    return ids


def _write(*, now: dt.datetime, actor: User | None, name: str, digest: str, rows: list[Any],
           known: dict[str, tuple[int, int | None]], new: list[str],
           replaced: list[int]) -> NetworkImport:
    cell_ids = {code: pk for code, (pk, _unit) in known.items()}
    if new:
        NetworkCell.objects.bulk_create([NetworkCell(code=code) for code in new],
                                        batch_size=_CHUNK)
        for chunk in _chunks(new):
            cell_ids.update(NetworkCell.objects.filter(code__in=chunk)
                            .values_list("code", "pk"))
    network_import = NetworkImport.objects.create(
        file_name=name, sha256=digest, imported_at=now, imported_by=actor, rows=len(rows),
        first_day=min((r.day for r in rows), default=None),
        last_day=max((r.day for r in rows), default=None))
    for chunk in _chunks(replaced):
        NetworkCounter.objects.filter(pk__in=chunk).delete()
    table = BulkTable(NetworkCounter, ("cell_id", "day", "busy_hour", *COUNTS, "source_id"))
    table.insert([(cell_ids[r.cell], r.day, r.busy_hour, r.call_attempts, r.answered,
                   r.called_busy, r.no_answer, r.unreachable, r.tch_requests,
                   r.tch_failures_no_channel, r.connected_calls, r.dropped_calls,
                   network_import.pk) for r in rows])
    return network_import


def _report(network_import: NetworkImport, *, parsed_rows: list[Any],
            known: dict[str, tuple[int, int | None]], new: list[str], replaced: int,
            problems: Problems, already: bool) -> NetworkImportReport:
    days = {r.day for r in parsed_rows}
    cells = sorted({r.cell for r in parsed_rows})
    unplaced = [code for code in cells if code not in known or known[code][1] is None]
    return NetworkImportReport(
        network_import=network_import, rows=len(parsed_rows), days=len(days), cells=len(cells),
        first_day=min(days, default=None), last_day=max(days, default=None), new_cells=new,
        unplaced_cells=unplaced, replaced=replaced, warnings=problems.warning_lines(),
        warning_count=problems.warning_count, already_imported=already)


# --- the cell registry ----------------------------------------------------------------


@dataclass(frozen=True)
class CellRegistration:
    created: int
    updated: int
    unchanged: int
    unplaced: int  # cells of the rows left without a unit

    def describe(self) -> str:
        total = self.created + self.updated + self.unchanged
        text = (f"{total} cell(s): {self.created} new, {self.updated} changed, "
                f"{self.unchanged} unchanged")
        if self.unplaced:
            text += f"; {self.unplaced} without a unit"
        return text


def _resolve_unit(code: str, by_code: dict[str, OrgUnit],
                  by_name: dict[str, list[OrgUnit]]) -> OrgUnit | str:
    """The unit a registry row names (by code, else by a unique name), or what is wrong."""
    unit = by_code.get(code)
    if unit is None:
        named = by_name.get(code, [])
        if len(named) == 1:
            unit = named[0]
        elif len(named) > 1:
            return f"unit name {code!r} is ambiguous: give its code"
        else:
            return f"unknown org unit {code!r}"
    if unit.kind not in CELL_UNIT_KINDS:
        return (f"a cell is placed in a city or a county, not in {unit.code!r} "
                f"(a {unit.kind})")
    return unit


def do_register_cells(*, now: dt.datetime, actor: User | None, rows: Iterable[CellRow],
                      file_name: str = "", channel: str = Channel.CONSOLE) -> CellRegistration:
    """Create or update cells and place them in city or county units.

    Each row names a cell, optionally its name, and the code (or unique name) of
    its unit; a blank unit leaves the cell without one. A row with an unknown
    unit refuses every row (``QualityFileError`` with line numbers).
    """
    check_actor(actor, may_enter_quality_counts, COUNT_ENTRY_REFUSED)
    return _register(now=now, actor=actor, rows=list(rows), file_name=file_name,
                     channel=channel, problems=Problems())


@transaction.atomic
def _register(*, now: dt.datetime, actor: User | None, rows: list[CellRow], file_name: str,
              channel: str, problems: Problems) -> CellRegistration:
    wanted = {row.unit_code for row in rows if row.unit_code}
    by_code = {u.code: u for u in OrgUnit.objects.filter(code__in=wanted)}
    by_name: dict[str, list[OrgUnit]] = {}
    for named in OrgUnit.objects.filter(name__in=wanted - set(by_code)):
        by_name.setdefault(named.name, []).append(named)
    placed: dict[str, OrgUnit | None] = {}
    seen: dict[str, int] = {}
    found: OrgUnit | str
    for row in rows:
        code = row.code.strip()
        if not code or len(code) > 60:
            problems.error(row.line, "a cell code has 1 to 60 characters")
            continue
        if code in seen:
            problems.error(row.line, f"cell {code} appears twice (first on line {seen[code]})")
            continue
        seen[code] = row.line
        if not row.unit_code:
            placed[code] = None
            continue
        found = _resolve_unit(row.unit_code, by_code, by_name)
        if isinstance(found, str):
            problems.error(row.line, found)
        else:
            placed[code] = found
    if not problems.ok:
        raise QualityFileError(file_name or "cells", problems, outcome="nothing registered")
    existing: dict[str, NetworkCell] = {}
    for chunk in _chunks(list(placed)):
        existing.update({c.code: c for c in NetworkCell.objects.select_for_update()
                         .filter(code__in=chunk).order_by("pk")})
    names = {row.code.strip(): row.name for row in rows}
    created: list[NetworkCell] = []
    changes: list[dict[str, Any]] = []
    unchanged = 0
    for code, unit in placed.items():
        cell = existing.get(code)
        given = names[code]
        name = (given.strip()[:120] if given is not None
                else cell.name if cell is not None else "")
        if cell is None:
            created.append(NetworkCell(code=code, name=name, org_unit=unit))
            changes.append({"cell": code, "unit": unit.code if unit else None})
            continue
        if cell.org_unit_id == (unit.pk if unit else None) and cell.name == name:
            unchanged += 1
            continue
        changes.append({"cell": code, "unit": unit.code if unit else None,
                        "before": cell.org_unit.code if cell.org_unit else None})
        cell.org_unit, cell.name = unit, name
        cell.save(update_fields=["org_unit", "name"])
    NetworkCell.objects.bulk_create(created, batch_size=_CHUNK)
    result = CellRegistration(created=len(created), updated=len(changes) - len(created),
                              unchanged=unchanged,
                              unplaced=sum(1 for unit in placed.values() if unit is None))
    if changes:
        do_audit(now=now, actor=actor, channel=channel, action="network.cells",
                 target_type="quality.NetworkCell",
                 target_id=next(iter(placed)) if len(placed) == 1 else "registry",
                 summary=f"{file_name + ': ' if file_name else ''}{result.describe()}",
                 details={"changes": changes[:200], "changed": len(changes)})
    return result


def do_import_cells(*, now: dt.datetime, actor: User | None, path_or_stream: PathOrStream,
                    file_name: str = "", channel: str = Channel.CLI,
                    progress: Progress | None = None) -> CellRegistration:
    """Read a cell registry file (``cell,name,unit_code``) and register its cells."""
    check_actor(actor, may_enter_quality_counts, COUNT_ENTRY_REFUSED)
    data, given_name = read_input(path_or_stream)
    name = file_name or given_name or "cells.csv"
    parsed = parse_cell_file(data, progress=progress)
    if not parsed.rows and not parsed.problems.ok:
        raise QualityFileError(name, parsed.problems, outcome="nothing registered")
    # The rows that read well are checked too, so that every error is reported at once.
    return _register(now=now, actor=actor, rows=parsed.rows, file_name=name, channel=channel,
                     problems=parsed.problems)
