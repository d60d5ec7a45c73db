"""Import of finished historical complaints (before the switch-over), in bulk.

``do_import_finished_complaints`` stores each ``FinishedComplaint`` as the
complaint services would have left it once closed: state ``closed``, replied at
the legacy reply time, with both SLA clocks (``complaint_reply`` and
``complaint_regulator``) stopped at the reply by the SLA engine
(``sla.services.do_record_finished_clocks``: the standard in force at reception,
the same arithmetic as a live clock, exactly as the work-order history import
does), and the subscriber's survey answer as an accepted ``SurveyAnswer``. So the
imported complaints count in 投诉处理平均时间 and 投诉处理满意率 exactly like
live ones.

The complaint belongs to the branch of the line its number names (and to that
line's customer); a number telcodesk does not know files it under the branch
and area the file gives (``unit``, ``area``; default the operator's top unit and
its area). Owner and handler: the file's ``handler`` (a staff username), else
the importer. No timeline events, SMS or TMF events (the complaints are history).

Idempotent: a complaint whose legacy id was imported before is skipped (and
counted). All or nothing otherwise: any wrong complaint refuses the whole call
with an error naming it (the first ``MAX_REPORTED_ERRORS``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction

from telcodesk.care.errors import CareError, CareErrorCode
from telcodesk.care.models import (
    COMPLAINT_CODE_PREFIX,
    Complaint,
    ComplaintCategory,
    ComplaintChannel,
    ComplaintState,
    Satisfaction,
    SurveyAnswer,
    SurveyAnswerStatus,
)
from telcodesk.care.parsers.complaint_history import MAX_REPORTED_ERRORS, FinishedComplaint, ref
from telcodesk.care.services.complaints import (
    CLOCK_SUBJECTS,
    CODE_DIGITS,
    REGULATOR_KIND,
    REPLY_KIND,
    SERVICE,
    _url,
)
from telcodesk.core import phone
from telcodesk.core.bulk import BulkTable
from telcodesk.core.changes import SURVEYS, records_changed
from telcodesk.core.models import Channel, OrgUnit, User
from telcodesk.core.selectors import org_unit_top, org_units_by_code_or_name
from telcodesk.core.services import do_audit
from telcodesk.customers import selectors as customer_selectors
from telcodesk.sla import services as sla_services
from telcodesk.sla.errors import SlaError

# The channel recorded on survey answers that came with a historical import.
IMPORT_CHANNEL = "import"
COMPLAINT_FIELDS = (
    "id", "code", "channel", "category", "state", "summary", "details", "customer_id",
    "contact_number", "subscription_id", "org_unit_id", "area", "owner_id", "handler_id",
    "received_at", "replied_at", "reply_text", "closed_at", "reply_clock_id",
    "regulator_clock_id", "regulator_appeal", "regulator_appeal_at", "satisfaction",
    "satisfaction_at", "created_by_id", "updated_at", "legacy_id")
_SLOT = "__code__"


@dataclass
class ComplaintHistorySummary:
    imported: int = 0
    skipped: int = 0  # imported before (same legacy id)
    answers: int = 0  # survey answers imported
    satisfied: int = 0  # of which satisfied or fairly satisfied
    timely: int = 0  # replies within the operator's commitment


@dataclass(frozen=True)
class _Placed:
    record: FinishedComplaint
    number: str
    customer_id: int | None
    subscription_id: int | None
    org_unit_id: int
    area: str
    tier: str
    handler_id: int


def _number(raw: str) -> str:
    try:
        return phone.normalize(raw) if raw else ""
    except phone.InvalidPhoneNumber:
        return raw.strip()[:32]


def _line_of(found: list[customer_selectors.LineRecord]) -> customer_selectors.LineRecord:
    """The live line of a number, else its latest one."""
    live = [line for line in found if line.live]
    return max(live or found, key=lambda line: line.id)


@transaction.atomic
def do_import_finished_complaints(*, now: dt.datetime, actor: User,
                                  complaints: Iterable[FinishedComplaint],
                                  channel: str = Channel.SYSTEM) -> ComplaintHistorySummary:
    """Store finished historical complaints with their stopped clocks and survey answers.

    Refused (nothing written): a complaint replied before it was received or
    after ``now``, an unknown handler or branch, no service standard in force at
    reception. ``channel`` is the audit channel.
    """
    records = list(complaints)
    summary = ComplaintHistorySummary()
    errors: list[str] = []

    def refuse(record: FinishedComplaint, message: str) -> None:
        errors.append(f"{ref(record)}: {message}")

    for record in records:
        found = record.problems()
        if not found and max(record.replied_at, record.answered_at) > now:
            found.append("replied or surveyed in the future")
        if found:
            refuse(record, "; ".join(found))
    done = set(Complaint.objects.filter(
        legacy_id__in={r.legacy_id for r in records}).values_list("legacy_id", flat=True))
    fresh = [r for r in records if r.legacy_id not in done]
    summary.skipped = len(records) - len(fresh)

    numbers = {r.legacy_id: _number(r.number) for r in fresh}
    by_number: dict[str, list[customer_selectors.LineRecord]] = {}
    wanted = {n for n in numbers.values() if n}
    for line in customer_selectors.lines_by_number(wanted) if wanted else []:
        by_number.setdefault(line.number, []).append(line)
    owners = {_line_of(lines).customer_id for lines in by_number.values()}
    tiers = {c.id: c.tier for c in customer_selectors.customers_by_id_or_code(
        ids=owners)} if owners else {}
    units = org_units_by_code_or_name({r.unit for r in fresh if r.unit})
    staff = dict(User.objects.filter(username__in={r.handler for r in fresh if r.handler})
                 .values_list("username", "pk"))
    top: OrgUnit | None = None
    placed: list[_Placed] = []
    for record in fresh:
        handler = staff.get(record.handler) if record.handler else actor.pk
        if handler is None:
            refuse(record, f"no staff member {record.handler!r}")
            continue
        number = numbers[record.legacy_id]
        lines = by_number.get(number)
        if lines:
            line = _line_of(lines)
            placed.append(_Placed(record, number, line.customer_id, line.id, line.org_unit_id,
                                  line.area, tiers.get(line.customer_id, "any"), handler))
            continue
        if record.unit:
            unit = units.get(record.unit)
            if unit is None:
                refuse(record, f"no branch {record.unit!r} (a code or a name)")
                continue
        else:
            top = top or org_unit_top()
            if top is None:
                refuse(record, "no branch to file the complaint under")
                continue
            unit = top
        placed.append(_Placed(record, number, None, None, unit.pk,
                              record.area or unit.area or "any", "any", handler))
    if errors:
        more = f" (and {len(errors) - MAX_REPORTED_ERRORS} more)" \
            if len(errors) > MAX_REPORTED_ERRORS else ""
        raise CareError(CareErrorCode.INVALID,
                        f"{len(errors)} bad complaint(s), nothing imported: "
                        + "; ".join(errors[:MAX_REPORTED_ERRORS]) + more)
    if not placed:
        return summary

    table = BulkTable(Complaint, COMPLAINT_FIELDS)
    ids = table.reserve_ids(len(placed))
    codes = [f"{COMPLAINT_CODE_PREFIX}{pk:0{CODE_DIGITS}d}" for pk in ids]
    writer = sla_services.FinishedClockWriter()
    clock_ids: dict[str, list[int]] = {}
    for kind in (REPLY_KIND, REGULATOR_KIND):
        before = writer.timely
        clock_ids[kind] = _clocks(writer, kind, placed, codes)
        if kind == REPLY_KIND:
            summary.timely = writer.timely - before
    rows = []
    answers = []
    for item, pk, code, reply_id, regulator_id in zip(
            placed, ids, codes, clock_ids[REPLY_KIND], clock_ids[REGULATOR_KIND], strict=True):
        record = item.record
        appeal = record.channel == ComplaintChannel.REGULATOR
        closed_at = record.answered_at if record.satisfaction else record.replied_at
        rows.append((
            pk, code, record.channel, record.category, ComplaintState.CLOSED,
            record.summary or str(ComplaintCategory(record.category).label), "",
            item.customer_id, item.number, item.subscription_id, item.org_unit_id, item.area,
            item.handler_id, item.handler_id, record.received_at, record.replied_at,
            record.reply, closed_at, reply_id, regulator_id, appeal,
            record.received_at if appeal else None, record.satisfaction,
            record.answered_at if record.satisfaction else None, actor.pk, now,
            record.legacy_id))
        if record.satisfaction:
            answers.append(SurveyAnswer(
                complaint_id=pk, received_at=record.answered_at, channel=IMPORT_CHANNEL,
                raw_text=record.satisfaction_text or record.satisfaction,
                value=record.satisfaction, status=SurveyAnswerStatus.ACCEPTED))
    table.insert(rows)
    SurveyAnswer.objects.bulk_create(answers, batch_size=1000)
    records_changed(source=SURVEYS, instants=[answer.received_at for answer in answers])
    summary.imported = len(placed)
    summary.answers = len(answers)
    summary.satisfied = sum(a.value in (Satisfaction.SATISFIED, Satisfaction.FAIRLY_SATISFIED)
                            for a in answers)
    do_audit(now=now, actor=actor, channel=channel, action="complaint.import_history",
             target_type="complaint_history_import",
             target_id=f"{codes[0]}..{codes[-1]}" if len(codes) > 1 else codes[0],
             summary=f"{summary.imported} finished complaints imported, "
                     f"{summary.skipped} imported before",
             details={"from": ref(placed[0].record), "to": ref(placed[-1].record),
                      "answers": summary.answers})
    return summary


def _clocks(writer: sla_services.FinishedClockWriter, kind: str, placed: Sequence[_Placed],
            codes: Sequence[str]) -> list[int]:
    url = _url("console:complaint", _SLOT)
    clocks = [sla_services.FinishedClock(
        service=SERVICE, kind=kind, area=item.area, tier=item.tier,
        org_unit_id=item.org_unit_id, accepted_at=item.record.received_at,
        stopped_at=item.record.replied_at,
        subject_label=f"{code} {CLOCK_SUBJECTS[kind]}"[:120],
        subject_url=url.replace(_SLOT, code), assignee_id=item.handler_id,
        ref=ref(item.record)) for item, code in zip(placed, codes, strict=True)]
    try:
        return sla_services.do_record_finished_clocks(clocks=clocks, writer=writer)
    except SlaError as exc:
        raise CareError(CareErrorCode.INVALID, exc.message) from exc
