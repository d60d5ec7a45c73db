"""Reads of complaints: scoped lists, the queue, the timeline, whom to transfer to, the
survey link and the regulator-appeal dossier.

Scoping: a staff member sees the complaints of their branch subtree
(``core.selectors.scope_q`` on the complaint's branch) plus those they own or
handle wherever they belong (a province hotline agent who took a county's
complaint keeps seeing it). Anything else is "not found", never "forbidden".

Who may do what is ``care.permissions`` (``docs/complaints.md``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from telcodesk.care.errors import CareError, CareErrorCode
from telcodesk.care.models import (
    COMPLAINT_CODE_PREFIX,
    Complaint,
    ComplaintEvent,
    ComplaintEventKind,
    ComplaintState,
    SurveyAnswer,
)
from telcodesk.care.permissions import TRANSFER_ROLES
from telcodesk.core import phone
from telcodesk.core.models import User
from telcodesk.core.selectors import scope_q
from telcodesk.sla.selectors import branch_managers_of, clock_status, explain, time_left

# States in which a complaint is still being worked on (the reply is due).
WORKING_STATES = (ComplaintState.OPEN, ComplaintState.IN_PROGRESS, ComplaintState.REOPENED)
# States shown by the queue unless a state is asked for: everything but closed.
QUEUE_STATES = (*WORKING_STATES, ComplaintState.REPLIED)
SURVEY_TOKEN_SALT = "telcodesk.care.survey"  # noqa: S105 (a signing salt)
# The two time limits of a complaint, by the request kind of their standard.
CLOCK_LABELS = {"complaint_reply": _("Reply commitment"),
                "complaint_regulator": _("Regulator's limit")}


def survey_window() -> dt.timedelta:
    """How long after it is sent a survey may be answered (``TELCODESK_SURVEY_REPLY_DAYS``)."""
    return dt.timedelta(days=float(settings.TELCODESK_SURVEY_REPLY_DAYS))


def repeat_window() -> dt.timedelta:
    return dt.timedelta(days=int(settings.TELCODESK_COMPLAINT_REPEAT_DAYS))


# --- lists -----------------------------------------------------------------------------------


def complaints_visible_to(user: User) -> QuerySet[Complaint]:
    """Complaints of the user's branch subtree, plus those they own or handle."""
    return (Complaint.objects.filter(scope_q(user) | Q(owner=user) | Q(handler=user))
            .select_related("customer", "subscription", "order", "work_order", "org_unit",
                            "owner", "handler", "reply_clock", "regulator_clock", "repeat_of",
                            "contact")
            .order_by("-received_at", "-id"))


def complaint_for(user: User, code: str) -> Complaint:
    """One complaint the user may see; ``CareError`` NOT_FOUND otherwise."""
    found = complaints_visible_to(user).filter(code=(code or "").strip().upper()).first()
    if found is None:
        raise CareError(CareErrorCode.NOT_FOUND, f"no complaint {code!r} in your branch")
    return found


def _search_q(q: str) -> Q:
    text = q.strip()
    condition = (Q(code__iexact=text) | Q(customer__code__iexact=text)
                 | Q(summary__icontains=text) | Q(customer__name__icontains=text))
    digits = text.replace(" ", "").replace("-", "")
    if digits.lstrip("+").isdigit():
        numbers = {digits}
        with contextlib.suppress(phone.InvalidPhoneNumber):
            numbers.add(phone.normalize(digits))
        condition |= (Q(contact_number__in=numbers) | Q(subscription__number__in=numbers)
                      | Q(customer__contact_phone__in=numbers))
        if digits.isdigit() and len(digits) <= 9:
            condition |= Q(code=f"{COMPLAINT_CODE_PREFIX}{int(digits):09d}")
    return condition


def complaint_queue(user: User, *, state: str = "", category: str = "", channel: str = "",
                    mine: bool = False, overdue: bool = False, near: bool = False,
                    q: str = "", now: dt.datetime | None = None) -> QuerySet[Complaint]:
    """Complaints to work on, the most urgent first.

    ``state``: a ``ComplaintState`` value, ``all``, or empty for every state but
    closed. ``mine``: those the user handles or owns. ``overdue``: reply clock
    running past its due time at ``now`` (required then). ``near``: reply clock
    running past its warning time but not yet due at ``now`` (required then). ``q``: a complaint
    number, customer number or name, a phone number, or words of the summary.
    Sorted by the reply clock: running clocks by due time, then complaints
    without a running clock, newest first.
    """
    complaints = complaints_visible_to(user)
    if state == "all":
        pass
    elif state:
        complaints = complaints.filter(state=state)
    else:
        complaints = complaints.filter(state__in=QUEUE_STATES)
    if category:
        complaints = complaints.filter(category=category)
    if channel:
        complaints = complaints.filter(channel=channel)
    if mine:
        complaints = complaints.filter(Q(handler=user) | Q(owner=user))
    if overdue:
        if now is None:
            raise ValueError("overdue needs now")
        complaints = complaints.filter(reply_clock__state="running",
                                       reply_clock__due_at__lte=now)
    if near:
        if now is None:
            raise ValueError("near needs now")
        complaints = complaints.filter(_near_limit(now))
    if q.strip():
        complaints = complaints.filter(_search_q(q))
    return complaints.annotate(
        urgency=Case(When(reply_clock__state="running", then=Value(0)),
                     When(reply_clock__state="paused", then=Value(1)),
                     default=Value(2), output_field=IntegerField()),
    ).order_by("urgency", F("reply_clock__due_at").asc(nulls_last=True), "-received_at", "-id")


def _near_limit(now: dt.datetime) -> Q:
    return Q(reply_clock__state="running", reply_clock__warn_at__lte=now,
             reply_clock__due_at__gt=now)


def complaint_limit_counts(user: User, *, now: dt.datetime) -> dict[str, int]:
    """How many complaints of the user's queue (not closed) have a reply clock near its
    limit (``near``: past the warning time) or past it (``overdue``) at ``now``: the
    queue's ``near`` and ``overdue`` filters, counted in one query."""
    counts = (complaints_visible_to(user).filter(state__in=QUEUE_STATES).order_by()
              .aggregate(near=Count("pk", filter=_near_limit(now)),
                         overdue=Count("pk", filter=Q(reply_clock__state="running",
                                                      reply_clock__due_at__lte=now))))
    return {key: int(counts[key] or 0) for key in ("near", "overdue")}


@dataclass(frozen=True)
class QueueEntry:
    complaint: Complaint
    time_left: dt.timedelta | None
    clock_status: str  # ok, warning, breached, paused, stopped, or "" without a clock


def queue_entries(complaints: list[Complaint], *, now: dt.datetime) -> list[QueueEntry]:
    """Time left on the reply clock and its colour class for a page of the queue."""
    entries = []
    for complaint in complaints:
        clock = complaint.reply_clock
        entries.append(QueueEntry(
            complaint=complaint,
            time_left=time_left(clock, now=now) if clock else None,
            clock_status=clock_status(clock, now=now) if clock else ""))
    return entries


def complaint_timeline(complaint: Complaint) -> list[ComplaintEvent]:
    """Every event of the complaint, oldest first (the caller fetched it scoped)."""
    return list(ComplaintEvent.objects.filter(complaint=complaint)
                .select_related("actor", "from_user", "to_user").order_by("at", "id"))


def survey_answers(complaint: Complaint) -> list[SurveyAnswer]:
    return list(SurveyAnswer.objects.filter(complaint=complaint).order_by("received_at", "id"))


def complaints_of_customer(user: User, customer_id: int) -> QuerySet[Complaint]:
    """A customer's complaints the user may see, newest first (customer page)."""
    return complaints_visible_to(user).filter(customer_id=customer_id)


# --- transfers ------------------------------------------------------------------------------


def _ancestor_paths(path: str) -> list[str]:
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts))]


def staff_to_transfer_to(user: User, complaint: Complaint) -> QuerySet[User]:
    """Active complaint workers on the complaint's branch line (its subtree and the
    units above it), the current handler left out."""
    unit = complaint.org_unit
    return (User.objects.filter(is_active=True, groups__name__in=list(TRANSFER_ROLES))
            .filter(Q(org_unit__path__startswith=unit.path)
                    | Q(org_unit__path__in=_ancestor_paths(unit.path)))
            .exclude(pk=complaint.handler_id).select_related("org_unit").distinct()
            .order_by("org_unit__path", "username"))


def owner_candidates(user: User, complaint: Complaint) -> QuerySet[User]:
    """Whom a manager may make the complaint's owner: the staff it may be transferred
    to and its current handler, the current owner left out."""
    staff = staff_to_transfer_to(user, complaint)
    return (User.objects.filter(Q(pk__in=staff.values("pk")) | Q(pk=complaint.handler_id))
            .exclude(pk=complaint.owner_id).select_related("org_unit")
            .order_by("org_unit__path", "username"))


def is_transfer_target(user: User, complaint: Complaint) -> bool:
    return staff_to_transfer_to(user, complaint).filter(pk=user.pk).exists()


def manager_for(complaint: Complaint) -> User | None:
    """Who a dissatisfied complaint goes back to: the nearest branch manager of the
    owner's unit or the units above it, else of the complaint's branch line."""
    for unit in (complaint.owner.org_unit, complaint.org_unit):
        if unit is None:
            continue
        managers = [m for m in branch_managers_of(unit) if m.org_unit is not None]
        if managers:
            return max(managers, key=lambda m: (len(m.org_unit.path) if m.org_unit else 0,
                                                -m.pk))
    return None


# --- surveys ------------------------------------------------------------------------------


def survey_token(complaint: Complaint) -> str:
    """The signed token of the complaint's survey link (``my:survey``).

    It does not expire by itself: the answer window (``TELCODESK_SURVEY_REPLY_DAYS``
    after the survey was sent) is checked when the answer arrives.
    """
    return signing.Signer(salt=SURVEY_TOKEN_SALT).sign(complaint.code)


def survey_link(complaint: Complaint) -> str:
    """The survey page's address as the survey SMS gives it (``TELCODESK_PUBLIC_URL``)."""
    return settings.TELCODESK_PUBLIC_URL + reverse("my:survey", args=[survey_token(complaint)])


def complaint_by_survey_token(token: str) -> Complaint:
    """The complaint of a survey link; ``CareError`` NOT_FOUND for a bad token."""
    try:
        code = signing.Signer(salt=SURVEY_TOKEN_SALT).unsign(token or "")
    except signing.BadSignature:
        raise CareError(CareErrorCode.NOT_FOUND, "this survey link is not valid") from None
    found = Complaint.objects.select_related("customer").filter(code=code).first()
    if found is None:
        raise CareError(CareErrorCode.NOT_FOUND, "this survey link is not valid")
    return found


def survey_pending(complaint: Complaint) -> bool:
    """A survey was sent for the complaint's current round and is not answered yet."""
    return (complaint.state == ComplaintState.CLOSED and complaint.survey_sent_at is not None
            and not complaint.satisfaction)


def survey_open(complaint: Complaint, *, now: dt.datetime) -> bool:
    """The survey is pending and still inside its answer window."""
    return (survey_pending(complaint) and complaint.survey_sent_at is not None
            and now <= complaint.survey_sent_at + survey_window())


# --- the regulator-appeal dossier ----------------------------------------------------------


@dataclass(frozen=True)
class DossierClock:
    kind: str  # complaint_reply or complaint_regulator (the standard's request kind)
    label: str  # "Reply commitment" or "Regulator's limit", in the active language
    due_at: dt.datetime
    status: str  # ok, warning, breached, paused, stopped
    timely: bool | None
    counted_hours: float | None
    limit_hours: float
    lines: list[str]  # sla.selectors.explain


@dataclass(frozen=True)
class DossierRow:
    at: dt.datetime
    kind: str
    kind_label: str
    actor: str
    from_user: str
    to_user: str
    text: str


@dataclass(frozen=True)
class DossierReply:
    at: dt.datetime
    actor: str
    text: str


@dataclass(frozen=True)
class DossierSurvey:
    received_at: dt.datetime
    channel: str
    raw_text: str
    value: str
    value_label: str
    status: str
    status_label: str


@dataclass(frozen=True)
class ComplaintDossier:
    """Everything the regulator-appeal PDF prints about one complaint."""

    complaint: Complaint
    code: str
    channel: str
    category: str
    state: str
    summary: str
    details: str
    customer_name: str
    customer_code: str
    contact_number: str  # stored form; mask it for the reader's role
    subscription_number: str
    order_code: str
    work_order_code: str
    bill_reference: str
    org_unit: str
    received_at: dt.datetime
    replied_at: dt.datetime | None
    closed_at: dt.datetime | None
    owner: str
    handler: str
    registered_by: str
    repeat_of: str
    reopened_count: int
    regulator_appeal: bool
    regulator_appeal_at: dt.datetime | None
    regulator_reference: str
    satisfaction: str
    satisfaction_label: str
    clocks: list[DossierClock] = field(default_factory=list)
    timeline: list[DossierRow] = field(default_factory=list)
    replies: list[DossierReply] = field(default_factory=list)
    surveys: list[DossierSurvey] = field(default_factory=list)
    generated_at: dt.datetime | None = None


def _name(user: User | None) -> str:
    return str(user) if user is not None else ""


def complaint_dossier(complaint: Complaint, *, now: dt.datetime) -> ComplaintDossier:
    """The complaint's dossier at ``now`` (the caller fetched the complaint scoped)."""
    c = Complaint.objects.select_related(
        "customer", "subscription", "order", "work_order", "org_unit", "owner", "handler",
        "created_by", "repeat_of", "reply_clock", "reply_clock__standard", "reply_clock__org_unit",
        "regulator_clock", "regulator_clock__standard", "regulator_clock__org_unit",
    ).get(pk=complaint.pk)
    clocks = []
    for label, clock in ((CLOCK_LABELS["complaint_reply"], c.reply_clock),
                         (CLOCK_LABELS["complaint_regulator"], c.regulator_clock)):
        if clock is None:
            continue
        clocks.append(DossierClock(
            kind=clock.kind, label=str(label), due_at=clock.due_at,
            status=clock_status(clock, now=now),
            timely=clock.timely,
            counted_hours=(float(clock.counted_duration)
                           if clock.counted_duration is not None else None),
            limit_hours=float(clock.limit_value), lines=explain(clock, now=now)))
    events = complaint_timeline(c)
    rows = [DossierRow(at=e.at, kind=e.kind, kind_label=str(e.get_kind_display()),
                       actor=_name(e.actor), from_user=_name(e.from_user),
                       to_user=_name(e.to_user), text=e.text) for e in events]
    replies = [DossierReply(at=e.at, actor=_name(e.actor), text=e.text) for e in events
               if e.kind == ComplaintEventKind.REPLIED]
    surveys = [DossierSurvey(received_at=a.received_at, channel=a.channel,
                             raw_text=a.raw_text, value=a.value,
                             value_label=str(a.get_value_display()) if a.value else "",
                             status=a.status, status_label=str(a.get_status_display()))
               for a in survey_answers(c)]
    return ComplaintDossier(
        complaint=c, code=c.code, channel=str(c.get_channel_display()),
        category=str(c.get_category_display()), state=str(c.get_state_display()),
        summary=c.summary, details=c.details,
        customer_name=c.customer.name if c.customer else "",
        customer_code=c.customer.code if c.customer else "",
        contact_number=c.contact_number,
        subscription_number=c.subscription.number if c.subscription else "",
        order_code=c.order.code if c.order else "",
        work_order_code=c.work_order.code if c.work_order else "",
        bill_reference=c.bill_reference, org_unit=str(c.org_unit), received_at=c.received_at,
        replied_at=c.replied_at, closed_at=c.closed_at, owner=_name(c.owner),
        handler=_name(c.handler), registered_by=_name(c.created_by),
        repeat_of=c.repeat_of.code if c.repeat_of else "", reopened_count=c.reopened_count,
        regulator_appeal=c.regulator_appeal, regulator_appeal_at=c.regulator_appeal_at,
        regulator_reference=c.regulator_reference, satisfaction=c.satisfaction,
        satisfaction_label=str(c.get_satisfaction_display()) if c.satisfaction else "",
        clocks=clocks, timeline=rows, replies=replies, surveys=surveys, generated_at=now)
