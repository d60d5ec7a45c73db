"""Writes of the notify app: the outbox, templates, consent, delivery results.

``do_notify`` is the one road for every SMS: it renders the kind's template,
applies consent and quiet hours, and writes an ``OutboxMessage`` in the
caller's transaction, so a rolled-back business change sends nothing. The
dispatcher delivers it after commit. Every function takes ``now`` from the
caller and never reads the clock.
"""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils.crypto import salted_hmac

from telcodesk.core import phone
from telcodesk.core.bulk import BulkTable
from telcodesk.core.clock import local, operator_zone
from telcodesk.core.memo import forget, transaction_memo
from telcodesk.core.models import Channel, User
from telcodesk.core.permissions import check_actor
from telcodesk.core.services import do_audit, do_audit_many
from telcodesk.notify import templating
from telcodesk.notify.encoding import sms_length
from telcodesk.notify.errors import NotifyError, NotifyErrorCode
from telcodesk.notify.kinds import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    OPT_OUT_REPLIES,
    Category,
    Kind,
    get_kind,
)
from telcodesk.notify.models import (
    FAILURE_STATES,
    DeliveryReceipt,
    MarketingConsent,
    MessageTemplate,
    OutboxMessage,
    SmscMessageId,
    State,
)
from telcodesk.notify.permissions import TMF681_KEY_PREFIX, may_delete, may_resend
from telcodesk.notify.transports.base import (
    DeliveryReport,
    ReceiptState,
    SubmitResult,
    SubmitStatus,
)

if TYPE_CHECKING:
    from telcodesk.customers.models import Customer

NO_CONSENT_REASON = "no marketing consent"
MAX_REASON = 300

# Set after a commit that queued messages; an in-process dispatcher waits on it
# instead of sleeping its whole idle interval. Other processes simply poll.
outbox_wakeup = threading.Event()


def _wake() -> None:
    outbox_wakeup.set()


# --- quiet hours ------------------------------------------------------------------


@dataclass(frozen=True)
class QuietHours:
    start: dt.time
    end: dt.time

    @classmethod
    def parse(cls, text: str) -> QuietHours:
        try:
            first, last = (part.strip() for part in text.split("-"))
            return cls(dt.time.fromisoformat(first), dt.time.fromisoformat(last))
        except ValueError:
            raise NotifyError(NotifyErrorCode.INVALID,
                              f"quiet hours {text!r} are not HH:MM-HH:MM") from None

    def end_after(self, instant: dt.datetime) -> dt.datetime | None:
        """The end of the quiet window ``instant`` falls in (operator zone), or None."""
        if self.start == self.end:
            return None
        moment = local(instant)
        clock_time = moment.time()
        day = moment.date()
        if self.start < self.end:  # e.g. 12:00-14:00
            inside = self.start <= clock_time < self.end
            end_day = day
        else:  # crosses midnight, e.g. 21:00-08:00
            inside = clock_time >= self.start or clock_time < self.end
            end_day = day + dt.timedelta(days=1) if clock_time >= self.start else day
        if not inside:
            return None
        return dt.datetime.combine(end_day, self.end, tzinfo=operator_zone())


def quiet_hours() -> QuietHours:
    return QuietHours.parse(settings.TELCODESK_QUIET_HOURS)


# --- templates --------------------------------------------------------------------


TEMPLATES_MEMO = "notify.templates"


def template_for(kind: Kind, language: str) -> str:
    """The administrator's template for ``kind``/``language`` or else the shipped one.

    Asked once per kind, language and transaction (``core.memo``); a saved or reset
    template is seen at once."""
    memo = transaction_memo(TEMPLATES_MEMO)
    key = (kind.code, language)
    if memo is not None and key in memo:
        override = memo[key]
    else:
        override = (MessageTemplate.objects.filter(kind=kind.code, language=language)
                    .values_list("body", flat=True).first())
        if memo is not None:
            memo[key] = override
    return override if override is not None else kind.templates[language]


def forget_templates(**_kwargs: Any) -> None:
    """Templates changed (also a ``post_save`` / ``post_delete`` receiver of
    ``MessageTemplate``): ``template_for`` reads them again."""
    forget(TEMPLATES_MEMO)


def compose(kind: Kind, context: Mapping[str, Any], *, language: str,
            template: str | None = None) -> str:
    """The text of a message of ``kind``, opt-out line included for marketing."""
    return templating.compose_body(
        kind, template if template is not None else template_for(kind, language), context,
        language=language)


def _language(language: str | None) -> str:
    chosen = (language or DEFAULT_LANGUAGE).lower()
    if chosen not in LANGUAGES:
        raise NotifyError(NotifyErrorCode.UNKNOWN_LANGUAGE,
                          f"unknown language {language!r}; use one of {', '.join(LANGUAGES)}")
    return chosen


@transaction.atomic
def do_save_template(*, now: dt.datetime, kind: str, language: str, body: str,
                     actor: User | None, channel: str = Channel.CONSOLE) -> MessageTemplate:
    """Store an administrator's template; unknown placeholders are refused (listing the
    allowed ones) and nothing is written."""
    found = get_kind(kind)
    language = _language(language)
    templating.check_template(body, found.placeholders)
    template, created = MessageTemplate.objects.update_or_create(
        kind=found.code, language=language,
        defaults={"body": body, "updated_at": now, "updated_by": actor},
    )
    do_audit(now=now, actor=actor, channel=channel, action="notify.template.save",
             target_type="message_template", target_id=f"{found.code}/{language}",
             summary=f"{found.code} ({language}) {'created' if created else 'changed'}")
    return template


@transaction.atomic
def do_reset_template(*, now: dt.datetime, kind: str, language: str, actor: User | None,
                      channel: str = Channel.CONSOLE) -> None:
    """Drop an override: the kind goes back to its shipped template."""
    found = get_kind(kind)
    language = _language(language)
    deleted, _ = MessageTemplate.objects.filter(kind=found.code, language=language).delete()
    if deleted:
        do_audit(now=now, actor=actor, channel=channel, action="notify.template.reset",
                 target_type="message_template", target_id=f"{found.code}/{language}",
                 summary=f"{found.code} ({language}) back to the shipped text")


# --- consent --------------------------------------------------------------------------


def _number(raw: str) -> str:
    try:
        return phone.normalize(raw)
    except phone.InvalidPhoneNumber as exc:
        raise NotifyError(NotifyErrorCode.INVALID_RECIPIENT, str(exc)) from None


def has_marketing_consent(number: str) -> bool:
    consent = MarketingConsent.objects.filter(number=number).first()
    return consent is not None and consent.is_consenting


@transaction.atomic
def do_opt_in(*, now: dt.datetime, number: str, source: str, customer: Customer | None = None,
              actor: User | None = None, channel: str = Channel.SYSTEM) -> MarketingConsent:
    """Record a subscriber's consent to commercial SMS."""
    e164 = _number(number)
    consent, _ = MarketingConsent.objects.select_for_update().get_or_create(
        number=e164, defaults={"updated_at": now})
    consent.consented_at = now
    consent.source = source[:100]
    consent.updated_at = now
    if customer is not None:
        consent.customer = customer
    consent.save()
    do_audit(now=now, actor=actor, channel=channel, action="notify.consent.opt_in",
             target_type="marketing_consent", target_id=consent.pk,
             summary=f"{phone.mask(e164)} via {source}"[:300])
    return consent


@transaction.atomic
def do_opt_out(*, now: dt.datetime, number: str, source: str, actor: User | None = None,
               channel: str = Channel.SYSTEM) -> MarketingConsent:
    """Withdraw consent; queued and held marketing to the number is cancelled."""
    e164 = _number(number)
    consent, _ = MarketingConsent.objects.select_for_update().get_or_create(
        number=e164, defaults={"updated_at": now})
    consent.opted_out_at = now
    consent.source = source[:100]
    consent.updated_at = now
    consent.save()
    OutboxMessage.objects.filter(
        recipient=e164, category=Category.MARKETING, state__in=[State.QUEUED, State.HELD],
    ).update(state=State.CANCELLED, state_reason="opted out", finished_at=now)
    do_audit(now=now, actor=actor, channel=channel, action="notify.consent.opt_out",
             target_type="marketing_consent", target_id=consent.pk,
             summary=f"{phone.mask(e164)} via {source}"[:300])
    return consent


ReplyHandler = Callable[..., bool]
_reply_handlers: list[ReplyHandler] = []


def register_reply_handler(handler: ReplyHandler) -> None:
    """Let another app handle subscriber replies (e.g. ``Y`` confirming an order).

    ``handler(now=..., number=..., text=...)`` returns True when it handled the
    reply. Registered once per handler (apps call this in ``ready``).
    """
    if handler not in _reply_handlers:
        _reply_handlers.append(handler)


def do_handle_reply(*, now: dt.datetime, number: str, text: str) -> bool:
    """An SMS a subscriber sent to us; ``TD`` (and the other opt-out words) opts out.

    Other replies go to the registered handlers in turn. Returns True when the
    reply was an opt-out or a handler took it.
    """
    if text.strip().upper() in OPT_OUT_REPLIES:
        do_opt_out(now=now, number=number, source="SMS reply")
        return True
    return any(handler(now=now, number=number, text=text) for handler in _reply_handlers)


# --- the outbox -----------------------------------------------------------------------


def do_notify(
    *,
    now: dt.datetime,
    kind: str,
    recipient: str,
    context: Mapping[str, Any],
    dedupe_key: str,
    channel: str,
    customer: Customer | None = None,
    staff: User | None = None,
    language: str | None = None,
    not_before: dt.datetime | None = None,
    actor: User | None = None,
    subject: str = "",
    description: str = "",
    part_of: OutboxMessage | None = None,
) -> OutboxMessage:
    """Queue one SMS of ``kind`` to ``recipient`` in the caller's transaction.

    - The same ``dedupe_key`` twice returns the first message and writes nothing.
    - Marketing goes only to numbers that consented; otherwise the message is
      recorded ``cancelled`` with the reason ``no marketing consent`` and never
      sent. Marketing carries the opt-out line and, when it would go out in the
      quiet hours, is ``held`` until they end (operator zone).
    - Service messages, codes and alerts are never held.
    - ``not_before`` schedules the send (TMF681 ``scheduledSendTime``).

    The dispatcher is woken after commit; a rollback leaves no trace.
    """
    _check_key(dedupe_key)
    # Most keys are new: look for the id only, read the message when there is one.
    existing = (OutboxMessage.objects.filter(dedupe_key=dedupe_key)
                .values_list("pk", flat=True).first())
    if existing is not None:
        return OutboxMessage.objects.get(pk=existing)
    message = _build(NotifyRequest(
        kind=kind, recipient=recipient, context=context, dedupe_key=dedupe_key,
        customer=customer, staff=staff, language=language, not_before=not_before,
        subject=subject, description=description), now=now, channel=channel, actor=actor,
        part_of=part_of, templates={}, consents={})
    try:
        with transaction.atomic():
            message.save(force_insert=True)
    except IntegrityError:
        # A concurrent caller inserted the same key first (PostgreSQL waits for its
        # commit before raising): the message exists once; return that one.
        winner = OutboxMessage.objects.filter(dedupe_key=dedupe_key).first()
        if winner is None:
            raise
        return winner
    if message.state != State.CANCELLED:
        transaction.on_commit(_wake)
    return message


@dataclass(frozen=True)
class NotifyRequest:
    """One message for ``do_notify_many`` (the arguments of ``do_notify``)."""

    kind: str
    recipient: str
    context: Mapping[str, Any]
    dedupe_key: str
    customer: Customer | None = None
    staff: User | None = None
    language: str | None = None
    not_before: dt.datetime | None = None
    subject: str = ""
    description: str = ""
    # When the message was queued, if not the batch's ``now`` (a history written in
    # bulk queues each message at the moment of its business).
    queued_at: dt.datetime | None = None


@transaction.atomic
def do_notify_many(*, now: dt.datetime, requests: Sequence[NotifyRequest], channel: str,
                   actor: User | None = None) -> list[OutboxMessage]:
    """``do_notify`` for many messages at once (bulk producers: campaigns, imports,
    benchmarks): same rules, a few queries per thousand messages. Returns the
    messages in request order; a key seen before returns the earlier message."""
    keys = [request.dedupe_key for request in requests]
    do_notify_bulk(now=now, requests=requests, channel=channel, actor=actor)
    found = _by_keys(keys)
    return [found[key] for key in keys]


@transaction.atomic
def do_notify_bulk(*, now: dt.datetime, requests: Sequence[NotifyRequest], channel: str,
                   actor: User | None = None) -> int:
    """``do_notify_many`` for producers that do not need the messages back (the SLA
    clock's alerts): same rules and rows, written as tuples (``core.bulk``) without a
    model instance per message. A key seen before (earlier, or twice in ``requests``)
    writes nothing. Returns how many messages were written."""
    for request in requests:
        _check_key(request.dedupe_key)
    templates: dict[tuple[str, str], str] = {}
    consents: dict[str, bool] = {}
    numbers: dict[str, str] = {}
    rows: list[tuple[Any, ...]] = []
    seen: set[str] = set()
    waking = False
    for request in requests:
        key = request.dedupe_key
        if key in seen:
            continue
        seen.add(key)
        fields = _fields(request, now=request.queued_at or now, channel=channel, actor=actor,
                         part_of=None,
                         templates=templates, consents=consents, numbers=numbers)
        waking = waking or fields["state"] != State.CANCELLED
        rows.append(_row(fields))
    if not rows:
        return 0
    # A key written before (earlier, or by a concurrent caller) is skipped by the
    # insert itself (ON CONFLICT DO NOTHING): no look-up first.
    written = _bulk_table().insert_new(rows, optimistic=True)
    if waking:
        transaction.on_commit(_wake)
    return written


# Columns ``do_notify_bulk`` writes (in ``_row``'s order); the others take their defaults.
_BULK_COLUMNS = (
    "dedupe_key", "kind", "category", "recipient", "customer_id", "staff_id", "language",
    "sender", "subject", "body", "encoding", "segments", "state", "state_reason",
    "created_at", "not_before", "next_attempt_at", "finished_at", "channel", "created_by_id",
    "part_of_id", "description",
)
_bulk_tables: dict[str, BulkTable] = {}


def _bulk_table() -> BulkTable:
    """The outbox's ``BulkTable`` for this connection's engine (built once)."""
    vendor = connection.vendor
    if vendor not in _bulk_tables:
        _bulk_tables[vendor] = BulkTable(OutboxMessage, _BULK_COLUMNS)
    return _bulk_tables[vendor]


def _pk(obj: Any) -> Any:
    return None if obj is None else obj.pk


def _row(f: dict[str, Any]) -> tuple[Any, ...]:
    """``_fields`` as a row of ``_BULK_COLUMNS`` (foreign keys as ids)."""
    return (f["dedupe_key"], f["kind"], f["category"], f["recipient"], _pk(f["customer"]),
            _pk(f["staff"]), f["language"], f["sender"], f["subject"], f["body"],
            f["encoding"], f["segments"], f["state"], f["state_reason"], f["created_at"],
            f["not_before"], f["next_attempt_at"], f["finished_at"], f["channel"],
            _pk(f["created_by"]), _pk(f["part_of"]), f["description"])


def _check_key(dedupe_key: str) -> None:
    if not dedupe_key or len(dedupe_key) > 200:
        raise NotifyError(NotifyErrorCode.INVALID, "a dedupe key of 1 to 200 characters is "
                                                   "required")


def _by_keys(keys: Sequence[str]) -> dict[str, OutboxMessage]:
    found: dict[str, OutboxMessage] = {}
    unique = sorted(set(keys))
    for start in range(0, len(unique), 500):
        for message in OutboxMessage.objects.filter(dedupe_key__in=unique[start:start + 500]):
            found[message.dedupe_key] = message
    return found


def _build(request: NotifyRequest, *, now: dt.datetime, channel: str, actor: User | None,
           part_of: OutboxMessage | None, templates: dict[tuple[str, str], str],
           consents: dict[str, bool]) -> OutboxMessage:
    """The unsaved message for ``request`` (see ``_fields``)."""
    return OutboxMessage(**_fields(request, now=now, channel=channel, actor=actor,
                                   part_of=part_of, templates=templates, consents=consents))


def _fields(request: NotifyRequest, *, now: dt.datetime, channel: str, actor: User | None,
            part_of: OutboxMessage | None, templates: dict[tuple[str, str], str],
            consents: dict[str, bool], numbers: dict[str, str] | None = None
            ) -> dict[str, Any]:
    """The fields of the message for ``request``: rendered, measured, consent and quiet
    hours applied. ``templates``, ``consents`` and ``numbers`` cache look-ups across a
    batch."""
    found = get_kind(request.kind)
    lang = _language(request.language)
    if numbers is None:
        number = _number(request.recipient)
    else:
        number = numbers.get(request.recipient) or numbers.setdefault(
            request.recipient, _number(request.recipient))
    if (found.code, lang) not in templates:
        templates[(found.code, lang)] = template_for(found, lang)
    body = compose(found, request.context, language=lang,
                   template=templates[(found.code, lang)])
    length = sms_length(body)
    if length.segments == 0:
        raise NotifyError(NotifyErrorCode.INVALID, "the message text is empty")

    state, reason, finished = State.QUEUED, "", None
    not_before = request.not_before
    send_at = max(now, not_before) if not_before is not None else now
    if found.category == Category.MARKETING:
        if number not in consents:
            consents[number] = has_marketing_consent(number)
        if not consents[number]:
            state, reason, finished = State.CANCELLED, NO_CONSENT_REASON, now
        else:
            window_end = quiet_hours().end_after(send_at)
            if window_end is not None:
                state, reason, send_at = State.HELD, "quiet hours", window_end
    return {
        "dedupe_key": request.dedupe_key, "kind": found.code, "category": found.category,
        "recipient": number, "customer": request.customer, "staff": request.staff,
        "language": lang, "sender": settings.TELCODESK_SMS_SENDER,
        "subject": request.subject[:200], "body": body, "encoding": length.encoding,
        "segments": length.segments, "state": state, "state_reason": reason,
        "created_at": now, "not_before": send_at if send_at != now else None,
        "next_attempt_at": send_at, "finished_at": finished, "channel": channel,
        "created_by": actor, "part_of": part_of, "description": request.description[:300],
    }


@transaction.atomic
def do_resend(*, now: dt.datetime, message: OutboxMessage, actor: User | None,
              channel: str = Channel.CONSOLE) -> OutboxMessage:
    """Give a failed, undeliverable or expired message a new attempt (queued now)."""
    check_actor(actor, may_resend,
                lambda: NotifyError(NotifyErrorCode.FORBIDDEN, "your role may not resend messages"))
    current = OutboxMessage.objects.select_for_update().get(pk=message.pk)
    if current.deleted_at is not None:
        raise NotifyError(NotifyErrorCode.DELETED,
                          f"message {current.pk} was deleted; it is not sent again")
    if current.state not in FAILURE_STATES:
        raise NotifyError(NotifyErrorCode.NOT_RESENDABLE,
                          f"message {current.pk} is {current.state}; only failed, undeliverable "
                          "or expired messages can be resent")
    previous, reason = current.state, current.state_reason
    # Receipts for the earlier attempt must not decide the new one.
    SmscMessageId.objects.filter(outbox=current).delete()
    current.state, current.state_reason = State.QUEUED, ""
    current.attempts, current.resends = 0, current.resends + 1
    current.next_attempt_at, current.lease_owner, current.lease_until = now, "", None
    current.submitted_at = current.finished_at = None
    current.save()
    do_audit(now=now, actor=actor, channel=channel, action="notify.resend",
             target_type="outbox_message", target_id=current.pk,
             summary=f"{current.kind} to {phone.mask(current.recipient)} resent after "
                     f"{previous}: {reason}"[:300],
             details={"previous_state": previous, "reason": reason})
    transaction.on_commit(_wake)
    return current


@transaction.atomic
def do_cancel(*, now: dt.datetime, message: OutboxMessage, actor: User | None, reason: str,
              channel: str = Channel.CONSOLE) -> OutboxMessage:
    """Cancel a message that has not been handed to the SMS centre yet."""
    changed = OutboxMessage.objects.filter(
        pk=message.pk, state__in=[State.QUEUED, State.HELD],
    ).update(state=State.CANCELLED, state_reason=(reason or "cancelled")[:MAX_REASON],
             finished_at=now)
    current = OutboxMessage.objects.get(pk=message.pk)
    if not changed:
        raise NotifyError(NotifyErrorCode.NOT_CANCELLABLE,
                          f"message {current.pk} is {current.state}; only queued or held "
                          "messages can be cancelled")
    do_audit(now=now, actor=actor, channel=channel, action="notify.cancel",
             target_type="outbox_message", target_id=current.pk, summary=reason[:300])
    return current


@transaction.atomic
def do_cancel_many(*, now: dt.datetime, messages: Sequence[OutboxMessage], actor: User | None,
                   reason: str, channel: str = Channel.CONSOLE) -> int:
    """``do_cancel`` for many messages (the demo's history): one UPDATE per 500 and one
    batched insert of the audit entries, in the order given. All or nothing: a message
    no longer queued or held refuses the whole call. Returns how many were cancelled."""
    ids = list(dict.fromkeys(message.pk for message in messages))
    changed = 0
    for start in range(0, len(ids), 500):
        changed += OutboxMessage.objects.filter(
            pk__in=ids[start:start + 500], state__in=[State.QUEUED, State.HELD],
        ).update(state=State.CANCELLED, state_reason=(reason or "cancelled")[:MAX_REASON],
                 finished_at=now)
    if changed != len(ids):  # the transaction rolls the cancelled ones back
        waiting = set(OutboxMessage.objects.filter(
            pk__in=ids, state=State.CANCELLED, finished_at=now,
            state_reason=(reason or "cancelled")[:MAX_REASON]).values_list("pk", flat=True))
        stuck = (OutboxMessage.objects.filter(pk__in=set(ids) - waiting).order_by("pk")
                 .first())
        label = f"message {stuck.pk} is {stuck.state}" if stuck else "a message is gone"
        raise NotifyError(NotifyErrorCode.NOT_CANCELLABLE,
                          f"{label}; only queued or held messages can be cancelled")
    do_audit_many(now=now, actor=actor, channel=channel, action="notify.cancel",
                  target_type="outbox_message",
                  targets=[(pk, reason[:300]) for pk in ids])
    return changed


@transaction.atomic
def do_fail(*, now: dt.datetime, message: OutboxMessage, reason: str,
            state: str = State.FAILED, actor: User | None = None,
            channel: str = Channel.SYSTEM) -> OutboxMessage:
    """Record that a message that has not been delivered cannot be (e.g. the SMS centre
    refused the number out of band): ``failed`` or ``undeliverable`` with the reason."""
    if state not in (State.FAILED, State.UNDELIVERABLE):
        raise NotifyError(NotifyErrorCode.INVALID, "a message fails as failed or undeliverable")
    changed = OutboxMessage.objects.filter(
        pk=message.pk, state__in=[State.QUEUED, State.HELD, State.SENDING, State.SUBMITTED],
    ).update(state=state, state_reason=(reason or state)[:MAX_REASON], finished_at=now,
             lease_owner="", lease_until=None)
    current = OutboxMessage.objects.get(pk=message.pk)
    if not changed:
        raise NotifyError(NotifyErrorCode.INVALID,
                          f"message {current.pk} is already {current.state}")
    do_audit(now=now, actor=actor, channel=channel, action="notify.fail",
             target_type="outbox_message", target_id=current.pk, summary=reason[:300])
    return current


# --- results from the dispatcher ----------------------------------------------------------


@dataclass(frozen=True)
class Claimed:
    """What the dispatcher needs of a claimed message (read in the claim)."""

    id: int
    dedupe_key: str
    recipient: str
    sender: str
    body: str
    category: str
    attempts: int  # including the current one
    resends: int
    segments: int


WIRE_KEY_SALT = "telcodesk.notify.wire_key"


def wire_key(dedupe_key: str) -> str:
    """The opaque form of a dedupe key that travels to the SMS centre.

    Keys are readable and may carry customer codes or numbers
    (``demo:service_ordered:C000000001:0``); they stay in our database. The SMS
    centre gets a keyed digest (HMAC-SHA256 under the installation's secret key,
    128 bits as 32 hex digits): the same key always gives the same digest, so a
    repeat is still recognisable, but nobody without the secret can tell or guess
    what it stands for. Receipts are matched by the SMS centre's message ids, not
    by this key.
    """
    return salted_hmac(WIRE_KEY_SALT, dedupe_key, algorithm="sha256").hexdigest()[:32]


def retry_delay(attempts: int, retry_after: float | None) -> dt.timedelta:
    """Exponential backoff (base × 2^(attempt−1), capped), or the peer's ``retry_after``."""
    if retry_after is not None and retry_after >= 0:
        return dt.timedelta(seconds=retry_after)
    base: float = settings.TELCODESK_SMS_RETRY_BASE_SECONDS
    cap: float = settings.TELCODESK_SMS_RETRY_MAX_SECONDS
    return dt.timedelta(seconds=min(cap, base * (2 ** max(0, attempts - 1))))


@dataclass
class SubmitOutcome:
    submitted: int = 0
    retried: int = 0
    failed: int = 0


@transaction.atomic
def do_record_submit_results(*, now: dt.datetime, transport: str,
                             claimed: Mapping[int, Claimed],
                             results: Iterable[SubmitResult]) -> SubmitOutcome:
    """Record what the transport answered for claimed messages, in a few bulk writes.

    SUBMITTED: ``submitted`` with the SMS-centre ids kept for receipt matching.
    RETRY: back to ``queued`` after a backoff, or ``failed`` once the attempts
    are used up. FAILED: ``failed`` with the reason. Only rows still ``sending``
    change state, so a late answer never overwrites a later one; the SMS-centre
    ids are kept in any case, so the receipts of a message that was submitted
    twice (a worker died after submitting) still match.
    """
    outcome = SubmitOutcome()
    max_attempts: int = settings.TELCODESK_SMS_MAX_ATTEMPTS
    submitted_ids: list[int] = []
    smsc_rows: list[SmscMessageId] = []
    groups: dict[tuple[str, str, dt.datetime | None], list[int]] = defaultdict(list)
    unsent: dict[tuple[str, dt.datetime], list[int]] = defaultdict(list)
    for result in results:
        info = claimed.get(result.outbox_id)
        if info is None:
            continue
        if result.status == SubmitStatus.SUBMITTED:
            submitted_ids.append(result.outbox_id)
            smsc_rows.extend(
                SmscMessageId(outbox_id=result.outbox_id, transport=transport,
                              message_id=smsc_id, segment=n, created_at=now)
                for n, smsc_id in enumerate(result.message_ids, start=1)
            )
            outcome.submitted += 1
        elif result.status == SubmitStatus.RETRY and not result.attempted:
            # Never reached the SMS centre: the claim's attempt is given back.
            when = now + retry_delay(max(1, info.attempts - 1), result.retry_after)
            reason = f"not sent yet: {result.error or 'transient error'}"
            unsent[(reason[:MAX_REASON], when)].append(result.outbox_id)
            outcome.retried += 1
        elif result.status == SubmitStatus.RETRY and info.attempts < max_attempts:
            when = now + retry_delay(info.attempts, result.retry_after)
            reason = f"retrying after attempt {info.attempts}: {result.error or 'transient error'}"
            groups[(State.QUEUED, reason[:MAX_REASON], when)].append(result.outbox_id)
            outcome.retried += 1
        else:
            if result.status == SubmitStatus.RETRY:
                reason = (f"gave up after {info.attempts} attempts: "
                          f"{result.error or 'transient error'}")
            else:
                reason = result.error or "rejected by the SMS centre"
            groups[(State.FAILED, reason[:MAX_REASON], None)].append(result.outbox_id)
            outcome.failed += 1
    sending = OutboxMessage.objects.filter(state=State.SENDING)
    if submitted_ids:
        for chunk in _chunks(submitted_ids):
            sending.filter(pk__in=chunk).update(
                state=State.SUBMITTED, state_reason="", submitted_at=now, lease_owner="",
                lease_until=None)
        SmscMessageId.objects.bulk_create(smsc_rows, batch_size=500)
    for (reason, not_before), ids in unsent.items():
        for chunk in _chunks(ids):
            sending.filter(pk__in=chunk).update(
                state=State.QUEUED, state_reason=reason, next_attempt_at=not_before,
                attempts=F("attempts") - 1, lease_owner="", lease_until=None)
    for (target, reason, retry_at), ids in groups.items():
        for chunk in _chunks(ids):
            if target == State.QUEUED:
                sending.filter(pk__in=chunk).update(state=target, state_reason=reason,
                                                    next_attempt_at=retry_at, lease_owner="",
                                                    lease_until=None)
            else:
                sending.filter(pk__in=chunk).update(state=target, state_reason=reason,
                                                    finished_at=now, lease_owner="",
                                                    lease_until=None)
    return outcome


def _chunks(ids: Sequence[int], size: int = 500) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


_FINAL_RECEIPT_STATES = {
    ReceiptState.DELIVERED: State.DELIVERED,
    ReceiptState.EXPIRED: State.EXPIRED,
    ReceiptState.UNDELIVERABLE: State.UNDELIVERABLE,
    ReceiptState.REJECTED: State.UNDELIVERABLE,
    ReceiptState.DELETED: State.UNDELIVERABLE,
    ReceiptState.UNKNOWN: State.UNDELIVERABLE,
}
# States a receipt may still move a message out of (an "expired" set by the clock
# for want of a receipt may turn out delivered after all).
_RECEIPT_UPDATABLE = (State.SENDING, State.SUBMITTED, State.EXPIRED)
# A delivered receipt wins even over an earlier failure receipt of another submission.
_DELIVERABLE_FROM = (*_RECEIPT_UPDATABLE, State.UNDELIVERABLE)


@dataclass
class ReceiptOutcome:
    received: int = 0
    matched: int = 0
    delivered: int = 0
    failed: int = 0


def message_state_from_segments(states: Sequence[str]) -> str | None:
    """A multipart message's state from its segments' receipts, or None while open.

    Delivered when every segment is delivered; the first final failure decides
    otherwise.
    """
    for state in states:
        if state and state != ReceiptState.DELIVERED and state in _FINAL_RECEIPT_STATES:
            return _FINAL_RECEIPT_STATES[ReceiptState(state)]
    if states and all(state == ReceiptState.DELIVERED for state in states):
        return State.DELIVERED
    return None


def _receipt_reason(report: DeliveryReport) -> str:
    text = f"receipt {report.state}"
    if report.error_code:
        text += f" (error {report.error_code})"
    return text


@transaction.atomic
def do_record_receipts(*, now: dt.datetime, transport: str,
                       reports: Sequence[DeliveryReport]) -> ReceiptOutcome:
    """Store receipts and move their messages to their final state, in bulk.

    A receipt is matched through ``SmscMessageId`` (transport, id). A multipart
    message is delivered when every segment is; the first final failure of a
    segment decides otherwise. Unmatched receipts are kept (``outbox`` empty)
    and matched again by the clock job once their id is known.
    """
    outcome = ReceiptOutcome(received=len(reports))
    if not reports:
        return outcome
    segment_rows = _segments_for(transport, {r.message_id for r in reports})
    DeliveryReceipt.objects.bulk_create([
        DeliveryReceipt(received_at=now, transport=transport, message_id=r.message_id,
                        state=str(r.state), done_at=r.done_at, error_code=r.error_code[:20],
                        raw=dict(r.raw),
                        outbox_id=segment_rows[r.message_id][1] if r.message_id in segment_rows
                        else None)
        for r in reports
    ], batch_size=500)
    _apply_receipts(now=now, reports=reports, segment_rows=segment_rows, outcome=outcome)
    return outcome


def _segments_for(transport: str, smsc_ids: set[str]) -> dict[str, tuple[int, int]]:
    """SMS-centre id → (SmscMessageId pk, outbox id); the newest row wins on reuse."""
    found: dict[str, tuple[int, int]] = {}
    ids = sorted(smsc_ids)
    for chunk in range(0, len(ids), 500):
        rows = (SmscMessageId.objects
                .filter(transport=transport, message_id__in=ids[chunk:chunk + 500])
                .values_list("pk", "message_id", "outbox_id"))
        for pk, smsc_id, outbox_id in sorted(rows):
            found[smsc_id] = (pk, outbox_id)
    return found


def _apply_receipts(*, now: dt.datetime, reports: Sequence[DeliveryReport],
                    segment_rows: Mapping[str, tuple[int, int]],
                    outcome: ReceiptOutcome) -> None:
    by_state: dict[str, list[int]] = defaultdict(list)
    reason_of: dict[int, str] = {}
    touched: set[int] = set()
    for report in reports:
        if report.message_id not in segment_rows or report.state not in _FINAL_RECEIPT_STATES:
            continue
        segment_pk, outbox_id = segment_rows[report.message_id]
        by_state[str(report.state)].append(segment_pk)
        touched.add(outbox_id)
        if report.state != ReceiptState.DELIVERED:
            reason_of.setdefault(outbox_id, _receipt_reason(report))
        outcome.matched += 1
    for state, pks in by_state.items():
        for chunk in _chunks(pks):
            SmscMessageId.objects.filter(pk__in=chunk).update(receipt_state=state)
    if not touched:
        return
    # Segments grouped per submission (a message submitted twice after a worker
    # died has two sets of ids; the SMS centre may report on either).
    submissions: dict[int, dict[dt.datetime, list[str]]] = defaultdict(lambda: defaultdict(list))
    touched_ids = sorted(touched)
    for chunk in _chunks(touched_ids):
        for outbox_id, created, state in (SmscMessageId.objects.filter(outbox_id__in=chunk)
                                          .order_by("outbox_id", "created_at", "segment", "pk")
                                          .values_list("outbox_id", "created_at",
                                                       "receipt_state")):
            submissions[outbox_id][created].append(state)
    final: dict[tuple[str, str], list[int]] = defaultdict(list)
    for outbox_id in touched_ids:
        result = _message_state(list(submissions[outbox_id].values()))
        if result is None:
            continue
        final[(result, "" if result == State.DELIVERED else
               reason_of.get(outbox_id, f"receipt {result}"))].append(outbox_id)
    for (state, reason), ids in final.items():
        allowed = _DELIVERABLE_FROM if state == State.DELIVERED else _RECEIPT_UPDATABLE
        for chunk in _chunks(ids):
            changed = OutboxMessage.objects.filter(pk__in=chunk, state__in=allowed).update(
                state=state, state_reason=reason[:MAX_REASON], finished_at=now,
                lease_owner="", lease_until=None)
            if state == State.DELIVERED:
                outcome.delivered += changed
            else:
                outcome.failed += changed


def _message_state(submissions: list[list[str]]) -> str | None:
    """Delivered once any submission is wholly delivered; otherwise the latest
    submission's first final failure; None while still open."""
    if any(message_state_from_segments(s) == State.DELIVERED for s in submissions):
        return State.DELIVERED
    return message_state_from_segments(submissions[-1]) if submissions else None


def do_rematch_receipts(*, now: dt.datetime, since: dt.datetime) -> int:
    """Match receipts that arrived before their message's SMS-centre id was recorded."""
    pending = list(DeliveryReceipt.objects.filter(outbox__isnull=True, received_at__gte=since)
                   .order_by("pk")[:5000])
    if not pending:
        return 0
    matched = 0
    by_transport: dict[str, list[DeliveryReceipt]] = defaultdict(list)
    for receipt in pending:
        by_transport[receipt.transport].append(receipt)
    for transport, receipts in by_transport.items():
        with transaction.atomic():
            rows = _segments_for(transport, {r.message_id for r in receipts})
            found = [r for r in receipts if r.message_id in rows]
            for receipt in found:
                DeliveryReceipt.objects.filter(pk=receipt.pk).update(
                    outbox_id=rows[receipt.message_id][1])
            reports = [DeliveryReport(message_id=r.message_id, state=ReceiptState(r.state),
                                      done_at=r.done_at, error_code=r.error_code)
                       for r in found if r.state in ReceiptState.__members__.values()]
            _apply_receipts(now=now, reports=reports, segment_rows=rows,
                            outcome=ReceiptOutcome())
            matched += len(found)
    return matched


@transaction.atomic
def do_expire_stale(*, now: dt.datetime) -> int:
    """Mark ``expired`` the messages submitted longer ago than the validity period
    without a final receipt."""
    validity = dt.timedelta(hours=settings.TELCODESK_SMS_VALIDITY_HOURS)
    hours = settings.TELCODESK_SMS_VALIDITY_HOURS
    return OutboxMessage.objects.filter(
        state=State.SUBMITTED, submitted_at__lt=now - validity,
    ).update(state=State.EXPIRED, finished_at=now,
             state_reason=f"no delivery receipt within {hours:g} h")


# --- TMF681 ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Receiver:
    number: str
    customer: Customer | None = None


@transaction.atomic
def do_send_communication(*, now: dt.datetime, actor: User, receivers: Sequence[Receiver],
                          content: str, kind: str = "free_text", language: str | None = None,
                          scheduled: dt.datetime | None = None, subject: str = "",
                          description: str = "", client_key: str = "",
                          channel: str = Channel.API) -> OutboxMessage:
    """Queue one message to several receivers (TMF681 ``communicationMessage``).

    The first receiver's message leads, the others are its parts. With a
    ``client_key`` a repeated request returns the first one's messages and sends
    nothing new. All or nothing: a bad receiver leaves no message behind.
    """
    if not receivers:
        raise NotifyError(NotifyErrorCode.INVALID, "at least one receiver is required")
    numbers = [_number(r.number) for r in receivers]
    base = (f"{TMF681_KEY_PREFIX}{actor.pk}:{client_key}" if client_key
            else f"{TMF681_KEY_PREFIX}{uuid.uuid4().hex}")
    repeated = OutboxMessage.objects.filter(dedupe_key=f"{base}:0"[:200]).first()
    if repeated is not None:
        if repeated.deleted_at is not None:
            raise NotifyError(NotifyErrorCode.DELETED,
                              f"dedupeKey {client_key!r} named message {repeated.pk}, which "
                              "was deleted; use a new key to send again")
        return repeated
    lead: OutboxMessage | None = None
    for index, (receiver, number) in enumerate(zip(receivers, numbers, strict=True)):
        message = do_notify(
            now=now, kind=kind, recipient=number, context={"text": content},
            dedupe_key=f"{base}:{index}"[:200], channel=channel, customer=receiver.customer,
            language=language, not_before=scheduled, actor=actor, subject=subject,
            description=description, part_of=lead,
        )
        lead = lead or message
    assert lead is not None
    do_audit(now=now, actor=actor, channel=channel, action="notify.communication.create",
             target_type="outbox_message", target_id=lead.pk,
             summary=f"{kind} to {len(receivers)} receiver(s)")
    return lead


@transaction.atomic
def do_delete_communication(*, now: dt.datetime, message: OutboxMessage, actor: User,
                            channel: str = Channel.API) -> OutboxMessage:
    """Delete a TMF681 ``communicationMessage`` (a lead row and its parts).

    The rows stay, marked ``deleted_at``, for the audit and the console's outbox;
    the API no longer shows them. Parts not yet handed to the SMS centre (queued or
    held) are cancelled so that nothing goes out under a deleted message; parts
    being sent are never claimed again (the dispatcher skips deleted rows).
    """
    if not may_delete(actor, message):
        raise NotifyError(NotifyErrorCode.FORBIDDEN,
                          "only the message's creator, an administrator or a branch manager "
                          "may delete this message")
    rows = OutboxMessage.objects.filter(pk=message.pk) | OutboxMessage.objects.filter(
        part_of=message.pk)
    changed = rows.filter(deleted_at__isnull=True).update(deleted_at=now)
    if not changed:
        raise NotifyError(NotifyErrorCode.NOT_FOUND, f"no communicationMessage {message.pk}")
    cancelled = rows.filter(state__in=[State.QUEUED, State.HELD]).update(
        state=State.CANCELLED, state_reason="deleted through the API", finished_at=now)
    do_audit(now=now, actor=actor, channel=channel, action="notify.communication.delete",
             target_type="outbox_message", target_id=message.pk,
             summary=f"deleted; {cancelled} unsent part(s) cancelled")
    return OutboxMessage.objects.get(pk=message.pk)
