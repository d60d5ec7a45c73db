"""Complaint intake, first responsibility, replies, closure, regulator appeals.

Every ``do_*`` function takes keyword-only arguments and ``now`` from the caller,
runs in one transaction, appends to the complaint's timeline
(``ComplaintEvent``), writes an audit entry, sends SMS only through ``notify``
(in the same transaction) and publishes a TMF621 event when a listener is
registered on the ``troubleTicket`` hub.

- **Intake** (``do_receive_complaint``): channel and category are required; the
  staff member who takes the complaint is its *owner* and first *handler*.
  Both SLA clocks start at the reception time: ``complaint_reply`` (the
  operator's commitment) and ``complaint_regulator`` (the regulator's 15 days).
- **First responsibility**: ``do_transfer_complaint`` changes the handler only;
  the owner changes only through ``do_reassign_complaint_owner`` by a manager
  with a reason. The clocks' assignee follows the handler, so the SLA engine's
  warnings and breaches reach whoever works on the complaint (and the branch
  managers).
- **Reply and closure**: the reply stops both clocks; closing sends the
  satisfaction survey (``care.services.surveys``).
- **Regulator appeal**: a flag, its time and the regulator's reference; a
  complaint transferred by the regulator carries it from the start.

The rules are described for operators in ``docs/complaints.md``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from telcodesk.care import permissions
from telcodesk.care.errors import CareError, CareErrorCode
from telcodesk.care.models import (
    COMPLAINT_CODE_PREFIX,
    Complaint,
    ComplaintCategory,
    ComplaintChannel,
    ComplaintEvent,
    ComplaintEventKind,
    ComplaintState,
    HotlineCall,
)
from telcodesk.care.schemas.complaints import STATUS_OF_STATE
from telcodesk.care.selectors import complaints as selectors
from telcodesk.core import phone
from telcodesk.core.clock import local
from telcodesk.core.events import do_publish_event, has_listeners
from telcodesk.core.models import Channel, OrgUnit, User
from telcodesk.core.selectors import org_unit_top
from telcodesk.core.services import do_audit
from telcodesk.customers import selectors as customer_selectors
from telcodesk.notify.services import do_notify
from telcodesk.sla import selectors as sla_selectors
from telcodesk.sla import services as sla_services

if TYPE_CHECKING:  # other apps' records, for annotations only
    from telcodesk.customers.models import Customer, Subscription
    from telcodesk.orders.models import CustomerOrder, WorkOrder
    from telcodesk.sla.models import SlaClock

CODE_DIGITS = 9
AUDIT_TYPE = "complaint"
TICKET_API = "troubleTicket"
# Events are built outside a request: hrefs relative to the host.
COMPLAINT_EVENT_BASE = "/tmf-api/troubleTicket/v4/complaint"
SERVICE = "any"
REPLY_KIND = "complaint_reply"
REGULATOR_KIND = "complaint_regulator"
# Timeline kinds that move a received complaint to "in progress".
WORK_KINDS = (ComplaintEventKind.NOTE, ComplaintEventKind.CONTACTED,
              ComplaintEventKind.TRANSFERRED)
MAX_SMS_SUMMARY = 60
CLOCK_SUBJECTS = {REPLY_KIND: _("complaint reply"),
                  REGULATOR_KIND: _("complaint, regulator's limit")}


# --- helpers -----------------------------------------------------------------------------


def _invalid(message: str) -> CareError:
    return CareError(CareErrorCode.INVALID, message)


def _choices(values: list[str]) -> str:
    return ", ".join(values)


def _check_now(now: dt.datetime) -> None:
    if now.tzinfo is None or now.utcoffset() is None:
        raise _invalid("the time needs a time zone")


def _url(name: str, *args: Any) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:  # pages not mounted (e.g. a command-line-only set-up)
        return ""


def _stamp(instant: dt.datetime) -> str:
    return f"{local(instant):%Y-%m-%d %H:%M}"


def _locked(complaint: Complaint) -> Complaint:
    """The complaint's row, locked for this transaction (fresh from the database)."""
    return Complaint.objects.select_for_update(of=("self",)).select_related(
        "org_unit", "owner", "handler").get(pk=complaint.pk)


def _sync(target: Complaint, source: Complaint) -> Complaint:
    """Copy the saved state into the caller's instance and return it."""
    if target is source:
        return target
    for f in Complaint._meta.concrete_fields:
        setattr(target, f.attname, getattr(source, f.attname))
    return target


def _event(*, now: dt.datetime, complaint: Complaint, kind: str, actor: User | None,
           text: str = "", from_user: User | None = None,
           to_user: User | None = None) -> ComplaintEvent:
    return ComplaintEvent.objects.create(complaint=complaint, at=now, kind=kind, actor=actor,
                                         from_user=from_user, to_user=to_user, text=text)


def _audit(*, now: dt.datetime, actor: User | None, channel: str, action: str,
           complaint: Complaint, summary: str = "",
           details: dict[str, Any] | None = None) -> None:
    do_audit(now=now, actor=actor, channel=channel, action=action, target_type=AUDIT_TYPE,
             target_id=complaint.code, summary=f"{complaint.code} {summary}".strip(),
             details=details)


def _touch(complaint: Complaint, now: dt.datetime, *fields: str) -> None:
    complaint.updated_at = now
    complaint.save(update_fields=["updated_at", *fields])


def publish(now: dt.datetime, complaint: Complaint, event_type: str) -> None:
    """A TMF621 event on the ``troubleTicket`` hub (skipped when nobody listens)."""
    if not has_listeners(TICKET_API):
        return
    from telcodesk.care.schemas import complaints as schemas_complaints

    fresh = Complaint.objects.select_related(
        "customer", "subscription", "order", "work_order", "owner", "handler", "reply_clock",
        "repeat_of").get(pk=complaint.pk)
    # In full: each listener gets the numbers as its user sees them (core.events).
    do_publish_event(now=now, api=TICKET_API, event_type=event_type, subject=fresh,
                     resource=schemas_complaints.complaint_document(
                         fresh, base=COMPLAINT_EVENT_BASE, full_numbers=True))


def _actor_may_work(actor: User, complaint: Complaint, what: str) -> None:
    if not permissions.may_work_on(actor, complaint):
        raise CareError(CareErrorCode.FORBIDDEN,
                        f"only the complaint's handler, its owner or a manager may {what}")


def _clocks(complaint: Complaint) -> list[SlaClock]:
    ids = [pk for pk in (complaint.reply_clock_id, complaint.regulator_clock_id) if pk]
    return sla_selectors.clocks_by_ids(ids)


def _assign_clocks(complaint: Complaint, assignee: User) -> None:
    for clock in _clocks(complaint):
        sla_services.do_assign_clock(clock=clock, assignee=assignee)


def _sms_number(complaint: Complaint) -> str:
    """Where SMS about the complaint go: a mobile number of the complainant, else ""."""
    def candidates() -> Iterator[str]:
        # In order of preference; the customer's lines are read only when needed.
        yield complaint.contact_number
        subscription = complaint.subscription
        if subscription is not None and subscription.service == "mobile":
            yield subscription.number
        customer = complaint.customer
        if customer is not None:
            yield customer.contact_phone
            yield from customer.subscriptions.filter(
                service="mobile", active_to__isnull=True).order_by("pk").values_list(
                "number", flat=True)[:1]

    for number in candidates():
        if not number:
            continue
        try:
            e164 = phone.normalize(number)
        except phone.InvalidPhoneNumber:
            continue
        if phone.is_mobile(e164):
            return e164
    return ""


def _sms_summary(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_SMS_SUMMARY else text[:MAX_SMS_SUMMARY - 1] + "…"


def _start_work(complaint: Complaint) -> list[str]:
    """Received → in progress on the first piece of work; returns the changed fields."""
    if complaint.state == ComplaintState.OPEN:
        complaint.state = ComplaintState.IN_PROGRESS
        return ["state"]
    return []


def _not_closed(complaint: Complaint, what: str) -> None:
    if complaint.state == ComplaintState.CLOSED:
        raise CareError(CareErrorCode.ILLEGAL_STATE,
                        f"complaint {complaint.code} is closed: it cannot be {what}")


# --- deadlines on the timeline --------------------------------------------------------------


def _record_deadlines(complaint: Complaint) -> int:
    """Copy warnings and breaches the SLA engine claimed on the complaint's clocks into
    its timeline, once each. Returns the number of events written."""
    written = 0
    existing = set(ComplaintEvent.objects.filter(
        complaint=complaint, kind__in=(ComplaintEventKind.WARNING, ComplaintEventKind.BREACHED)
    ).values_list("kind", "text"))
    for clock in _clocks(complaint):
        label = str(CLOCK_SUBJECTS.get(clock.kind, clock.kind))
        for kind, claimed in ((ComplaintEventKind.WARNING, clock.warning_claimed_at),
                              (ComplaintEventKind.BREACHED, clock.breach_claimed_at)):
            if claimed is None:
                continue
            # A breach claimed together with its warning records the breach only.
            if (kind == ComplaintEventKind.WARNING and clock.breach_claimed_at is not None
                    and clock.breach_claimed_at <= claimed):
                continue
            text = f"{clock.kind}: due {_stamp(clock.due_at)} ({label})"
            if any(k == kind and t.startswith(f"{clock.kind}:") for k, t in existing):
                continue
            _event(now=claimed, complaint=complaint, kind=kind, actor=None, text=text)
            existing.add((kind, text))
            written += 1
    return written


def _missing_deadline_events() -> Q:
    """Complaints with a claimed warning or breach not yet on their timeline."""
    condition = Q()
    for clock_field, kind in (("reply_clock", REPLY_KIND), ("regulator_clock", REGULATOR_KIND)):
        warned = f"{clock_field}__warning_claimed_at"
        breached = f"{clock_field}__breach_claimed_at"
        for event_kind, claimed in ((ComplaintEventKind.WARNING, warned),
                                    (ComplaintEventKind.BREACHED, breached)):
            recorded = Exists(ComplaintEvent.objects.filter(
                complaint=OuterRef("pk"), kind=event_kind, text__startswith=f"{kind}:"))
            missing = Q(**{f"{claimed}__isnull": False}) & ~Q(recorded)
            if event_kind == ComplaintEventKind.WARNING:
                # A warning claimed with (or after) its breach is not recorded on its own.
                missing &= Q(**{f"{breached}__isnull": True}) | Q(**{f"{breached}__gt": F(warned)})
            condition |= missing
    return condition


def record_deadline_events(now: dt.datetime) -> str:
    """Clock job: warnings and breaches claimed on complaint clocks → timeline events.

    The SLA engine's own job claims them and alerts the assignee (the handler)
    and the branch managers; this job only records them on the complaints still
    being worked on (a reply records any left over before it stops the clocks).
    """
    ids = list(Complaint.objects.filter(_missing_deadline_events(),
                                        state__in=selectors.WORKING_STATES)
               .values_list("pk", flat=True)[:2000])
    written = 0
    for pk in ids:
        with transaction.atomic():
            complaint = Complaint.objects.select_for_update().get(pk=pk)
            written += _record_deadlines(complaint)
    return f"{written} complaint deadline event(s) recorded"


# --- intake ---------------------------------------------------------------------------------


def _placeholder() -> str:
    return f"tmp-{uuid.uuid4().hex[:16]}"


def _infer_customer(*, customer: Customer | None, subscription: Subscription | None,
                    order: CustomerOrder | None, work_order: WorkOrder | None,
                    contact: HotlineCall | None, contact_number: str) -> Customer | None:
    if customer is not None:
        return customer
    for record in (subscription, order, work_order):
        if record is not None:
            return record.customer
    if contact is not None and contact.customer_id is not None:
        return contact.customer
    if contact_number:
        line = customer_selectors.live_subscription_by_number(contact_number)
        if line is not None:
            return line.customer
    return None


def _normalise_number(raw: str) -> str:
    raw = (raw or "").strip()
    if not raw:
        return ""
    try:
        return phone.normalize(raw)
    except phone.InvalidPhoneNumber:
        raise _invalid(f"the contact number {raw!r} is not a phone number") from None


def _find_repeat(*, customer: Customer | None, contact_number: str, category: str,
                 received_at: dt.datetime) -> Complaint | None:
    """The latest complaint of the same complainant and category within the window."""
    if customer is not None:
        same = Q(customer=customer)
    elif contact_number:
        same = Q(customer__isnull=True, contact_number=contact_number)
    else:
        return None
    return (Complaint.objects.filter(same, category=category,
                                     received_at__gte=received_at - selectors.repeat_window(),
                                     received_at__lte=received_at)
            .order_by("-received_at", "-id").first())


def _start_clocks(*, now: dt.datetime, complaint: Complaint, tier: str) -> None:
    url = _url("console:complaint", complaint.code)
    for kind, attr in ((REPLY_KIND, "reply_clock"), (REGULATOR_KIND, "regulator_clock")):
        clock = sla_services.do_start_clock(
            now=now, service=SERVICE, kind=kind, area=complaint.area, tier=tier,
            accepted_at=complaint.received_at, org_unit=complaint.org_unit,
            assignee=complaint.handler,
            subject_label=f"{complaint.code} {CLOCK_SUBJECTS[kind]}"[:120], subject_url=url)
        setattr(complaint, attr, clock)


@transaction.atomic
def do_receive_complaint(
    *,
    now: dt.datetime,
    actor: User,
    channel: str,
    category: str,
    summary: str,
    details: str = "",
    customer: Customer | None = None,
    contact_number: str = "",
    subscription: Subscription | None = None,
    order: CustomerOrder | None = None,
    work_order: WorkOrder | None = None,
    bill_reference: str = "",
    contact: HotlineCall | None = None,
    received_at: dt.datetime | None = None,
    regulator_reference: str = "",
    notify_customer: bool = True,
    audit_channel: str = Channel.CONSOLE,
) -> Complaint:
    """Register a complaint from any channel; ``actor`` takes it and owns it.

    The customer is inferred from the subscription, the hotline call or the
    contact number when not given. The complaint belongs to the customer's
    branch, else to the actor's. Both clocks start at ``received_at`` (default
    ``now``); a complaint by the same customer (or, without one, the same
    number) about the same category within ``TELCODESK_COMPLAINT_REPEAT_DAYS``
    is a repeat of the latest such one. The complainant gets the
    ``complaint_received`` SMS with the reply deadline.
    """
    _check_now(now)
    if channel not in ComplaintChannel.values:
        raise _invalid(f"a complaint needs its channel (one of "
                       f"{_choices(ComplaintChannel.values)})")
    if category not in ComplaintCategory.values:
        raise _invalid(f"a complaint needs its category (one of "
                       f"{_choices(ComplaintCategory.values)})")
    summary = " ".join((summary or "").split())
    if not summary:
        raise _invalid("a complaint needs a summary of what the subscriber complains about")
    if not permissions.may_receive(actor):
        raise CareError(CareErrorCode.FORBIDDEN, "your role may not take complaints")
    received_at = received_at or now
    if received_at.tzinfo is None or received_at.utcoffset() is None:
        raise _invalid("the reception time needs a time zone")
    if received_at > now:
        raise _invalid("a complaint cannot be received in the future")
    number = _normalise_number(contact_number)
    if not number and contact is not None and contact.caller:
        try:
            number = phone.normalize(contact.caller)
        except phone.InvalidPhoneNumber:
            number = ""
    customer = _infer_customer(customer=customer, subscription=subscription, order=order,
                               work_order=work_order, contact=contact, contact_number=number)
    for record, label in ((subscription, "subscription"), (order, "order"),
                          (work_order, "work order")):
        if record is not None and customer is not None and record.customer_id != customer.pk:
            raise _invalid(f"the {label} belongs to another customer")
    if customer is None and not number:
        raise _invalid("a complaint needs the complainant: a customer or a contact number")
    unit: OrgUnit | None = customer.org_unit if customer is not None else actor.org_unit
    unit = unit or org_unit_top()
    if unit is None:
        raise _invalid("no branch to file the complaint under")
    area = (subscription.area if subscription is not None else "") or unit.area or "any"
    tier = customer.tier if customer is not None else "any"
    regulator_reference = (regulator_reference or "").strip()[:60]
    repeat_of = _find_repeat(customer=customer, contact_number=number, category=category,
                             received_at=received_at)
    appeal = channel == ComplaintChannel.REGULATOR
    complaint = Complaint.objects.create(
        code=_placeholder(), channel=channel, category=category, state=ComplaintState.OPEN,
        summary=summary[:200], details=(details or "").strip(), customer=customer,
        contact_number=number, subscription=subscription, order=order, work_order=work_order,
        bill_reference=(bill_reference or "").strip()[:40], contact=contact, org_unit=unit,
        area=area, owner=actor, handler=actor, received_at=received_at, repeat_of=repeat_of,
        regulator_appeal=appeal, regulator_appeal_at=received_at if appeal else None,
        regulator_reference=regulator_reference, created_by=actor, updated_at=now)
    complaint.code = f"{COMPLAINT_CODE_PREFIX}{complaint.pk:0{CODE_DIGITS}d}"
    _start_clocks(now=now, complaint=complaint, tier=tier)
    complaint.save(update_fields=["code", "reply_clock", "regulator_clock"])
    _event(now=received_at, complaint=complaint, kind=ComplaintEventKind.RECEIVED, actor=actor,
           text=str(ComplaintChannel(channel).label)
           + (f" · repeat of {repeat_of.code}" if repeat_of else ""))
    if appeal:
        _event(now=received_at, complaint=complaint, kind=ComplaintEventKind.APPEALED,
               actor=actor, text=regulator_reference)
    _audit(now=now, actor=actor, channel=audit_channel, action="complaint.receive",
           complaint=complaint, summary=f"{channel} {category}",
           details={"channel": channel, "category": category,
                    "customer": customer.code if customer else None,
                    "repeat_of": repeat_of.code if repeat_of else None})
    recipient = _sms_number(complaint)
    if notify_customer and recipient and complaint.reply_clock is not None:
        do_notify(now=now, kind="complaint_received", recipient=recipient,
                  context={"reference": complaint.code,
                           "deadline": complaint.reply_clock.due_at},
                  dedupe_key=f"complaint:{complaint.code}:received", channel=audit_channel,
                  customer=customer, subject=complaint.code, actor=actor)
    publish(now, complaint, "TroubleTicketCreateEvent")
    return complaint


# --- first responsibility -----------------------------------------------------------------


@transaction.atomic
def do_transfer_complaint(*, now: dt.datetime, actor: User, complaint: Complaint,
                          to_user: User, note: str,
                          audit_channel: str = Channel.CONSOLE) -> Complaint:
    """Hand the work to ``to_user``: the handler changes, the owner never does."""
    _check_now(now)
    note = (note or "").strip()
    if not note:
        raise _invalid("say why the complaint is transferred (a note is required)")
    locked = _locked(complaint)
    _not_closed(locked, "transferred")
    _actor_may_work(actor, locked, "transfer the complaint")
    if to_user.pk == locked.handler_id:
        raise _invalid(f"{to_user} already handles complaint {locked.code}")
    if not selectors.is_transfer_target(to_user, locked):
        raise _invalid(f"{to_user} does not work complaints on this complaint's branch line")
    previous = locked.handler
    locked.handler = to_user
    fields = ["handler", *_start_work(locked)]
    _touch(locked, now, *fields)
    _assign_clocks(locked, to_user)
    _event(now=now, complaint=locked, kind=ComplaintEventKind.TRANSFERRED, actor=actor,
           from_user=previous, to_user=to_user, text=note)
    _audit(now=now, actor=actor, channel=audit_channel, action="complaint.transfer",
           complaint=locked, summary=f"{previous} → {to_user}",
           details={"from": previous.get_username(), "to": to_user.get_username()})
    publish(now, locked, "TroubleTicketAttributeValueChangeEvent")
    return _sync(complaint, locked)


@transaction.atomic
def do_reassign_complaint_owner(*, now: dt.datetime, actor: User, complaint: Complaint,
                                new_owner: User, reason: str,
                                audit_channel: str = Channel.CONSOLE) -> Complaint:
    """A manager changes the owner, with a reason. A handler who was the old owner
    hands over to the new owner as well; another handler keeps the work."""
    _check_now(now)
    reason = (reason or "").strip()
    if not reason:
        raise _invalid("a new owner needs a reason")
    locked = _locked(complaint)
    if not permissions.may_reassign(actor, locked):
        raise CareError(CareErrorCode.FORBIDDEN,
                        "only a manager may change a complaint's owner")
    if new_owner.pk == locked.owner_id:
        raise _invalid(f"{new_owner} already owns complaint {locked.code}")
    if not (new_owner.is_active and permissions.may_receive(new_owner)):
        raise _invalid(f"{new_owner} may not own complaints")
    previous = locked.owner
    locked.owner = new_owner
    fields = ["owner"]
    if locked.handler_id == previous.pk and locked.state != ComplaintState.CLOSED:
        locked.handler = new_owner
        fields.append("handler")
        _assign_clocks(locked, new_owner)
    _touch(locked, now, *fields)
    _event(now=now, complaint=locked, kind=ComplaintEventKind.REASSIGNED, actor=actor,
           from_user=previous, to_user=new_owner, text=reason)
    _audit(now=now, actor=actor, channel=audit_channel, action="complaint.reassign",
           complaint=locked, summary=f"owner {previous} → {new_owner}: {reason}",
           details={"from": previous.get_username(), "to": new_owner.get_username(),
                    "reason": reason})
    publish(now, locked, "TroubleTicketAttributeValueChangeEvent")
    return _sync(complaint, locked)


@transaction.atomic
def do_add_complaint_note(*, now: dt.datetime, actor: User, complaint: Complaint, text: str,
                          contacted: bool = False,
                          audit_channel: str = Channel.CONSOLE) -> ComplaintEvent:
    """A note on the timeline; ``contacted`` records a contact with the complainant."""
    _check_now(now)
    text = (text or "").strip()
    if not text:
        raise _invalid("the note is empty")
    locked = _locked(complaint)
    _actor_may_work(actor, locked, "add notes")
    fields = _start_work(locked)
    _touch(locked, now, *fields)
    kind = ComplaintEventKind.CONTACTED if contacted else ComplaintEventKind.NOTE
    event = _event(now=now, complaint=locked, kind=kind, actor=actor, text=text)
    _audit(now=now, actor=actor, channel=audit_channel, action=f"complaint.{kind}",
           complaint=locked, summary=text[:200])
    if fields:
        publish(now, locked, "TroubleTicketStatusChangeEvent")
    _sync(complaint, locked)
    return event


# --- reply and closure ---------------------------------------------------------------------


@transaction.atomic
def do_reply_complaint(*, now: dt.datetime, actor: User, complaint: Complaint,
                       reply_text: str, notify_customer: bool = True,
                       audit_channel: str = Channel.CONSOLE) -> Complaint:
    """Give the complainant the answer: both clocks stop (their counted durations are
    the handling time), the state becomes ``replied``, the ``complaint_replied``
    SMS goes out."""
    _check_now(now)
    reply_text = (reply_text or "").strip()
    if not reply_text:
        raise _invalid("the reply is empty")
    locked = _locked(complaint)
    if locked.state not in selectors.WORKING_STATES:
        raise CareError(CareErrorCode.ILLEGAL_STATE,
                        f"complaint {locked.code} is {locked.state}: it has been replied to")
    _actor_may_work(actor, locked, "reply")
    if now < locked.received_at:
        raise _invalid("a reply cannot come before the complaint was received")
    _record_deadlines(locked)
    for clock in _clocks(locked):
        if sla_selectors.clock_is_open(clock):
            sla_services.do_stop_clock(now=now, clock=clock, actor=actor)
    locked.state = ComplaintState.REPLIED
    locked.replied_at = now
    locked.reply_text = reply_text
    _touch(locked, now, "state", "replied_at", "reply_text")
    _event(now=now, complaint=locked, kind=ComplaintEventKind.REPLIED, actor=actor,
           text=reply_text)
    _audit(now=now, actor=actor, channel=audit_channel, action="complaint.reply",
           complaint=locked, summary=reply_text[:200])
    recipient = _sms_number(locked)
    if notify_customer and recipient:
        do_notify(now=now, kind="complaint_replied", recipient=recipient,
                  context={"reference": locked.code, "summary": _sms_summary(reply_text)},
                  dedupe_key=f"complaint:{locked.code}:replied:{locked.reopened_count}",
                  channel=audit_channel, customer=locked.customer, subject=locked.code,
                  actor=actor)
    publish(now, locked, "TroubleTicketStatusChangeEvent")
    publish(now, locked, "TroubleTicketResolvedEvent")
    return _sync(complaint, locked)


@transaction.atomic
def do_close_complaint(*, now: dt.datetime, actor: User, complaint: Complaint,
                       send_survey: bool = True,
                       audit_channel: str = Channel.CONSOLE) -> Complaint:
    """Close a replied complaint and open its satisfaction survey.

    With ``send_survey`` the survey is open for ``TELCODESK_SURVEY_REPLY_DAYS``:
    by SMS when the complainant has a mobile number (``satisfaction_survey``,
    replies 1/2/3) and in the self-service hall through the survey link.
    """
    _check_now(now)
    locked = _locked(complaint)
    if locked.state != ComplaintState.REPLIED:
        raise CareError(CareErrorCode.ILLEGAL_STATE,
                        f"complaint {locked.code} is {locked.state}: only a replied complaint "
                        "can be closed")
    _actor_may_work(actor, locked, "close the complaint")
    locked.state = ComplaintState.CLOSED
    locked.closed_at = now
    fields = ["state", "closed_at"]
    _event(now=now, complaint=locked, kind=ComplaintEventKind.CLOSED, actor=actor)
    if send_survey:
        recipient = _sms_number(locked)
        locked.survey_sent_at = now
        locked.survey_number = recipient
        locked.satisfaction = ""
        locked.satisfaction_at = None
        fields += ["survey_sent_at", "survey_number", "satisfaction", "satisfaction_at"]
        if recipient:
            do_notify(now=now, kind="satisfaction_survey", recipient=recipient,
                      context={"reference": locked.code,
                               "link": selectors.survey_link(locked)},
                      dedupe_key=f"complaint:{locked.code}:survey:{locked.reopened_count}",
                      channel=audit_channel, customer=locked.customer, subject=locked.code,
                      actor=actor)
        _event(now=now, complaint=locked, kind=ComplaintEventKind.SURVEY_SENT, actor=actor,
               text=(f"SMS {phone.mask(recipient)}" if recipient
                     else "self-service hall only (no mobile number)"))
    _touch(locked, now, *fields)
    _audit(now=now, actor=actor, channel=audit_channel, action="complaint.close",
           complaint=locked, summary="survey sent" if send_survey else "no survey")
    publish(now, locked, "TroubleTicketStatusChangeEvent")
    return _sync(complaint, locked)


def reopen_to_manager(*, now: dt.datetime, complaint: Complaint, why: str) -> User:
    """Reopen a closed complaint to the owner's manager (inside the caller's
    transaction, the complaint locked). The reply clock continues where it
    stopped; the manager is alerted by SMS when they have an alert number."""
    manager = selectors.manager_for(complaint) or complaint.owner
    previous = complaint.handler
    complaint.state = ComplaintState.REOPENED
    complaint.handler = manager
    complaint.closed_at = None
    complaint.reopened_count += 1
    _touch(complaint, now, "state", "handler", "closed_at", "reopened_count")
    clock = complaint.reply_clock
    if clock is not None and sla_selectors.clock_is_stopped(clock):
        sla_services.do_reopen_clock(now=now, clock=clock, actor=None)
    _assign_clocks(complaint, manager)
    _event(now=now, complaint=complaint, kind=ComplaintEventKind.REOPENED, actor=None,
           from_user=previous, to_user=manager, text=why)
    _audit(now=now, actor=None, channel=Channel.SYSTEM, action="complaint.reopen",
           complaint=complaint, summary=f"to {manager}: {why}")
    number = sla_selectors.alert_number_of(manager)
    if number:
        do_notify(now=now, kind="complaint_escalated", recipient=number,
                  context={"reference": complaint.code, "level": str(manager),
                           "summary": _sms_summary(complaint.summary)},
                  dedupe_key=f"complaint:{complaint.code}:escalated:"
                             f"{complaint.reopened_count}",
                  channel=Channel.SYSTEM, staff=manager, subject=complaint.code)
    publish(now, complaint, "TroubleTicketStatusChangeEvent")
    return manager


# --- regulator appeal ----------------------------------------------------------------------


@transaction.atomic
def do_record_regulator_appeal(*, now: dt.datetime, actor: User, complaint: Complaint,
                               reference: str = "",
                               audit_channel: str = Channel.CONSOLE) -> Complaint:
    """Flag the complaint as appealed to the regulator (or add the regulator's
    reference to the flag)."""
    _check_now(now)
    reference = (reference or "").strip()[:60]
    locked = _locked(complaint)
    _actor_may_work(actor, locked, "record a regulator appeal")
    if locked.regulator_appeal and (not reference or reference == locked.regulator_reference):
        raise CareError(CareErrorCode.CONFLICT,
                        f"the appeal of complaint {locked.code} is already recorded")
    fields = ["regulator_appeal", "regulator_reference"]
    if not locked.regulator_appeal:
        locked.regulator_appeal_at = now
        fields.append("regulator_appeal_at")
    locked.regulator_appeal = True
    locked.regulator_reference = reference or locked.regulator_reference
    _touch(locked, now, *fields)
    _event(now=now, complaint=locked, kind=ComplaintEventKind.APPEALED, actor=actor,
           text=reference)
    _audit(now=now, actor=actor, channel=audit_channel, action="complaint.appeal",
           complaint=locked, summary=reference)
    publish(now, locked, "TroubleTicketAttributeValueChangeEvent")
    return _sync(complaint, locked)


# --- TMF621 complaint requests (one transaction each) ----------------------------------------


@transaction.atomic
def do_open_complaint(*, now: dt.datetime, actor: User, notes: Sequence[str] = (),
                      audit_channel: str = Channel.API, **intake: Any) -> Complaint:
    """A ``POST complaint``: intake (``do_receive_complaint``) and its notes.

    One transaction: a refused note leaves no complaint, SMS, clock or audit entry.
    """
    complaint = do_receive_complaint(now=now, actor=actor, audit_channel=audit_channel,
                                     **intake)
    for text in notes:
        do_add_complaint_note(now=now, actor=actor, complaint=complaint, text=text,
                              audit_channel=audit_channel)
    return complaint


@transaction.atomic
def do_patch_complaint(*, now: dt.datetime, actor: User, complaint: Complaint,
                       notes: Sequence[str] = (), status: str | None = None,
                       reason: str = "", audit_channel: str = Channel.API) -> Complaint:
    """A ``PATCH complaint``: new notes, then a TMF status move; all or nothing.

    ``resolved`` replies (``reason`` is the reply), ``closed`` closes, ``inProgress``
    of a received complaint records ``reason`` as a note.
    """
    reason = (reason or "").strip()
    for text in notes:
        do_add_complaint_note(now=now, actor=actor, complaint=complaint, text=text,
                              audit_channel=audit_channel)
    if status is None:
        return complaint
    current = _locked(complaint)
    if status == STATUS_OF_STATE[ComplaintState(current.state)]:
        return _sync(complaint, current)
    if status == "resolved":
        if not reason:
            raise _invalid("statusChangeReason: the reply to the complainant is required "
                           "to resolve a complaint")
        return do_reply_complaint(now=now, actor=actor, complaint=complaint,
                                  reply_text=reason, audit_channel=audit_channel)
    if status == "closed":
        return do_close_complaint(now=now, actor=actor, complaint=complaint,
                                  audit_channel=audit_channel)
    if status == "inProgress" and current.state == ComplaintState.OPEN:
        if not reason:
            raise _invalid("statusChangeReason: say what is being done")
        do_add_complaint_note(now=now, actor=actor, complaint=complaint, text=reason,
                              audit_channel=audit_channel)
        return complaint
    raise CareError(CareErrorCode.ILLEGAL_STATE,
                    f"a complaint cannot move from {STATUS_OF_STATE[ComplaintState(current.state)]}"
                    f" to {status}: reply (resolved, with the reply as statusChangeReason), "
                    "then close; a dissatisfied survey answer reopens it")
