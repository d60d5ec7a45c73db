"""Writes of the billing-error counts (计费差错率), until billing provides them.

A count is kept per month and per org unit (a city or a county) or for the
whole operator (no unit). Entering a month and unit again replaces the earlier
figures (an upsert), with an audit entry holding both. One month is counted
either for the whole operator or per unit, never both, and never for a unit and
a unit above or below it: the counts of a month must add up without counting a
charge record twice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction

from telcodesk.core.clock import local
from telcodesk.core.models import Channel, OrgUnit, User
from telcodesk.core.services import do_audit
from telcodesk.quality.errors import QualityError, QualityErrorCode
from telcodesk.quality.models import BillingErrorCount, BillingSource
from telcodesk.quality.network.csv_format import (
    NOTE_MAX,
    Progress,
    QualityFileError,
    check_billing_counts,
    parse_billing_file,
)
from telcodesk.quality.permissions import may_enter_quality_counts
from telcodesk.quality.selectors.billing import BILLING_UNIT_KINDS
from telcodesk.quality.services._common import (
    COUNT_ENTRY_REFUSED,
    PathOrStream,
    check_actor,
    read_input,
)


def _unit_label(unit: OrgUnit | None) -> str:
    return f"{unit.name} ({unit.code})" if unit is not None else "the whole operator"


def _check(*, now: dt.datetime, month: dt.date, unit: OrgUnit | None, erroneous: int,
           total: int, source: str, note: str) -> None:
    if source not in BillingSource.values:
        raise QualityError(QualityErrorCode.INVALID, f"unknown source {source!r} "
                           f"(one of {', '.join(BillingSource.values)})")
    for label, value in (("erroneous charge records", erroneous),
                         ("all charge records", total)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise QualityError(QualityErrorCode.INVALID, f"{label} must be a whole number")
    wrong = check_billing_counts(erroneous, total)
    if wrong:
        raise QualityError(QualityErrorCode.INVALID, wrong.replace(
            "erroneous_records", "erroneous charge records").replace(
            "all_records", "all charge records"))
    if month > local(now).date().replace(day=1):
        raise QualityError(QualityErrorCode.INVALID, f"{month:%Y-%m} has not started yet")
    if unit is not None and unit.kind not in BILLING_UNIT_KINDS:
        raise QualityError(QualityErrorCode.INVALID,
                           f"counts are kept per city or county, or for the whole operator "
                           f"(no unit), not for {_unit_label(unit)}")
    if len(note) > NOTE_MAX:
        raise QualityError(QualityErrorCode.INVALID,
                           f"the note is longer than {NOTE_MAX} characters")


def _clash(month: dt.date, unit: OrgUnit | None) -> BillingErrorCount | None:
    """A count of the same month that would add up with this one twice."""
    others = BillingErrorCount.objects.select_related("org_unit").filter(month=month)
    if unit is None:
        return others.filter(org_unit__isnull=False).first()
    whole = others.filter(org_unit__isnull=True).first()
    if whole is not None:
        return whole
    for other in others.exclude(org_unit=unit).filter(org_unit__isnull=False):
        assert other.org_unit is not None
        if other.org_unit.is_within(unit) or unit.is_within(other.org_unit):
            return other
    return None


@transaction.atomic
def do_record_billing_errors(*, now: dt.datetime, actor: User | None, month: dt.date,
                             unit: OrgUnit | None, erroneous: int, total: int,
                             source: str = BillingSource.ENTERED, note: str = "",
                             channel: str = Channel.CONSOLE) -> BillingErrorCount:
    """Record (or correct) the charge records of one month and unit; audited.

    ``month`` is any day of the month; ``unit`` a city or county, or ``None`` for
    the whole operator. Recording the same figures again changes nothing.
    """
    check_actor(actor, may_enter_quality_counts, COUNT_ENTRY_REFUSED)
    row, _outcome = _record(now=now, actor=actor, month=month, unit=unit, erroneous=erroneous,
                            total=total, source=source, note=note, channel=channel)
    return row


def _record(*, now: dt.datetime, actor: User | None, month: dt.date, unit: OrgUnit | None,
            erroneous: int, total: int, source: str, note: str | None,
            channel: str) -> tuple[BillingErrorCount, str]:
    """The upsert; the outcome is ``created``, ``corrected`` or ``unchanged``.

    ``note`` ``None`` keeps the stored note (a file without a note column).
    """
    month = month.replace(day=1)
    if note is None:
        stored = BillingErrorCount.objects.filter(month=month, org_unit=unit).first()
        note = stored.note if stored is not None else ""
    note = note.strip()
    _check(now=now, month=month, unit=unit, erroneous=erroneous, total=total, source=source,
           note=note)
    # Lock the month's rows: two entries for one month are checked one after the other.
    list(BillingErrorCount.objects.select_for_update().filter(month=month).order_by("pk")
         .values_list("pk", flat=True))
    clash = _clash(month, unit)
    if clash is not None:
        raise QualityError(
            QualityErrorCode.OVERLAP,
            f"{month:%Y-%m} already has a count for {_unit_label(clash.org_unit)}: a month is "
            "counted either for the whole operator or per city or county, and never for a "
            "unit and a unit above or below it")
    row = BillingErrorCount.objects.filter(month=month, org_unit=unit).first()
    after = {"erroneous_records": erroneous, "all_records": total, "source": source,
             "note": note}
    if row is None:
        row = BillingErrorCount.objects.create(month=month, org_unit=unit,
                                               erroneous_records=erroneous, all_records=total,
                                               source=source, note=note, entered_at=now,
                                               entered_by=actor)
        outcome, action, details = "created", "billing_errors.record", {"after": after}
    else:
        before = {"erroneous_records": row.erroneous_records, "all_records": row.all_records,
                  "source": row.source, "note": row.note}
        if before == after:
            return row, "unchanged"
        row.erroneous_records, row.all_records = erroneous, total
        row.source, row.note, row.entered_at, row.entered_by = source, note, now, actor
        row.save()
        outcome, action = "corrected", "billing_errors.correct"
        details = {"before": before, "after": after}
    do_audit(now=now, actor=actor, channel=channel, action=action,
             target_type="quality.BillingErrorCount", target_id=row.pk,
             summary=f"{month:%Y-%m} {_unit_label(unit)}: {erroneous} of {total} "
                     "charge records erroneous",
             details=details)
    return row, outcome


@dataclass(frozen=True)
class BillingImportReport:
    rows: int
    created: int
    updated: int
    unchanged: int
    months: list[dt.date]
    warnings: list[str] = field(default_factory=list)  # "line N: ..." (listed ones)

    def describe(self) -> str:
        span = ""
        if self.months:
            first, last = self.months[0], self.months[-1]
            span = f"{first:%Y-%m}" if first == last else f"{first:%Y-%m} – {last:%Y-%m}"
            span = f" for {len(self.months)} month(s) ({span})"
        return (f"{self.rows} count(s){span}: {self.created} new, {self.updated} corrected, "
                f"{self.unchanged} unchanged")


def do_import_billing_counts(*, now: dt.datetime, actor: User | None,
                             path_or_stream: PathOrStream, file_name: str = "",
                             channel: str = Channel.CLI,
                             progress: Progress | None = None) -> BillingImportReport:
    """Import ``month,unit_code,erroneous_records,all_records[,note]``, all rows or none.

    A blank ``unit_code`` counts for the whole operator. Each row is recorded as
    by ``do_record_billing_errors`` (source ``imported``); any error refuses the
    whole file (``QualityFileError`` with line numbers).
    """
    check_actor(actor, may_enter_quality_counts, COUNT_ENTRY_REFUSED)
    data, given_name = read_input(path_or_stream)
    name = file_name or given_name or "billing.csv"
    parsed = parse_billing_file(data, today=local(now).date(), progress=progress)
    problems = parsed.problems
    codes = {row.unit_code for row in parsed.rows if row.unit_code}
    units = {u.code: u for u in OrgUnit.objects.filter(code__in=codes)}
    outcomes = {"created": 0, "corrected": 0, "unchanged": 0}
    with transaction.atomic():
        for row in parsed.rows:
            if row.unit_code and row.unit_code not in units:
                problems.error(row.line, f"unknown org unit {row.unit_code!r}")
                continue
            try:
                with transaction.atomic():
                    _saved, outcome = _record(
                        now=now, actor=actor, month=row.month,
                        unit=units[row.unit_code] if row.unit_code else None,
                        erroneous=row.erroneous, total=row.total,
                        source=BillingSource.IMPORTED, note=row.note, channel=channel)
            except QualityError as exc:
                problems.error(row.line, exc.message)
                continue
            outcomes[outcome] += 1
        if not problems.ok:
            # Every row was tried so that every error is reported; none is kept.
            transaction.set_rollback(True)
    if not problems.ok:
        raise QualityFileError(name, problems)
    return BillingImportReport(rows=len(parsed.rows), created=outcomes["created"],
                               updated=outcomes["corrected"], unchanged=outcomes["unchanged"],
                               months=sorted({row.month for row in parsed.rows}),
                               warnings=problems.warning_lines())
