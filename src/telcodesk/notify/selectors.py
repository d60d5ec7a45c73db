"""Reads of the notify app that carry a rule: scoping, failures, TMF681 states.

Who sees a message: the staff whose branch subtree holds the message's
customer, whoever created it (an API client, an operator), and the staff
member it was sent to (alerts). Messages without a customer (alerts, numbers
that belong to no customer) are therefore seen by their creator, their staff
recipient and superusers only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from telcodesk.core.ids import row_id
from telcodesk.core.models import User
from telcodesk.core.selectors import scope_q
from telcodesk.notify import templating
from telcodesk.notify.encoding import SmsLength, sms_length
from telcodesk.notify.errors import NotifyError, NotifyErrorCode
from telcodesk.notify.kinds import KINDS, LANGUAGES, Kind
from telcodesk.notify.models import (
    FAILURE_STATES,
    MessageTemplate,
    OutboxMessage,
    State,
)

if TYPE_CHECKING:
    from telcodesk.customers.models import Customer

CUSTOMER_PANEL_SIZE = 20


def visible_messages(user: User) -> QuerySet[OutboxMessage]:
    """Messages ``user`` may see (see the module docstring), newest first."""
    rule = scope_q(user, field="customer__org_unit") | Q(created_by=user) | Q(staff=user)
    if user.is_superuser:
        rule = Q()
    return OutboxMessage.objects.filter(rule).order_by("-created_at", "-pk")


def message_for(user: User, pk: int | str) -> OutboxMessage:
    """A visible message by id; ``NotifyError`` (404) otherwise, revealing nothing."""
    number = row_id(pk) or -1
    found = visible_messages(user).select_related("customer").filter(pk=number).first()
    if found is None:
        raise NotifyError(NotifyErrorCode.NOT_FOUND, f"no message {pk}")
    return found


def message_by_id(pk: int) -> OutboxMessage | None:
    """Any message by its id, unscoped: for the command line (the system, no viewer)."""
    return OutboxMessage.objects.filter(pk=pk).first()


def messages_for_customer(customer: Customer, *,
                          limit: int = CUSTOMER_PANEL_SIZE) -> list[OutboxMessage]:
    """The latest messages to ``customer``. The caller fetched the customer through a
    scoped selector, which is what entitles the viewer to see them."""
    return list(OutboxMessage.objects.filter(customer=customer)
                .order_by("-created_at", "-pk")[:limit])


def customer_page_panel(*, customer: Customer) -> dict[str, Any]:
    """The SMS panel of the customer page (registered in ``NotifyConfig.ready``)."""
    return {"sms_messages": messages_for_customer(customer)}


def failed_messages(user: User, *, kind: str = "", since: dt.date | None = None,
                    until: dt.date | None = None) -> QuerySet[OutboxMessage]:
    """Failed, undeliverable and expired messages the user may see, newest first.

    ``since``/``until`` are local dates (inclusive) of the message's creation.
    """
    from telcodesk.core.clock import operator_zone

    messages = visible_messages(user).filter(state__in=FAILURE_STATES)
    if kind:
        messages = messages.filter(kind=kind)
    zone = operator_zone()
    if since is not None:
        messages = messages.filter(
            created_at__gte=dt.datetime.combine(since, dt.time(), tzinfo=zone))
    if until is not None:
        messages = messages.filter(
            created_at__lt=dt.datetime.combine(until + dt.timedelta(days=1), dt.time(),
                                               tzinfo=zone))
    return messages.select_related("customer").order_by("-finished_at", "-pk")


# --- templates -----------------------------------------------------------------------


@dataclass(frozen=True)
class TemplateRow:
    kind: Kind
    language: str
    body: str
    overridden: bool
    sample: str
    length: SmsLength


def template_text(kind: Kind, language: str) -> tuple[str, bool]:
    """(template, whether an administrator overrode the shipped one)."""
    override = MessageTemplate.objects.filter(kind=kind.code, language=language).first()
    return (override.body, True) if override else (kind.templates[language], False)


def sample_of(kind: Kind, language: str, body: str) -> tuple[str, SmsLength]:
    """A sample rendering of ``body`` and its length as the SMS centre counts it."""
    context = templating.sample_context(kind.placeholders, language=language)
    text = templating.compose_body(kind, body, context, language=language)
    return text, sms_length(text)


def template_rows() -> list[TemplateRow]:
    overrides = {(t.kind, t.language): t.body for t in MessageTemplate.objects.all()}
    rows = []
    for kind in KINDS.values():
        for language in LANGUAGES:
            body = overrides.get((kind.code, language), kind.templates[language])
            sample, length = sample_of(kind, language, body)
            rows.append(TemplateRow(kind, language, body, (kind.code, language) in overrides,
                                    sample, length))
    return rows


# --- TMF681 states --------------------------------------------------------------------

# Row-level classes: not started, in progress, delivered, failed, cancelled.
_NOT_STARTED = Q(state__in=[State.QUEUED, State.HELD], attempts=0)
_IN_PROGRESS = Q(state__in=[State.SENDING, State.SUBMITTED]) | \
    Q(state__in=[State.QUEUED, State.HELD], attempts__gt=0)
_DELIVERED = Q(state=State.DELIVERED)
_FAILED = Q(state__in=FAILURE_STATES)
TMF_STATES = ("initial", "inProgress", "completed", "cancelled", "failed")


def _row_class(state: str, attempts: int) -> str:
    if state in (State.QUEUED, State.HELD):
        return "p1" if attempts else "p0"
    if state in (State.SENDING, State.SUBMITTED):
        return "p1"
    if state == State.DELIVERED:
        return "d"
    if state in FAILURE_STATES:
        return "f"
    return "c"


def tmf_state(rows: Sequence[tuple[str, int]]) -> str:
    """The TMF681 state of a communicationMessage from its rows' (state, attempts).

    inProgress while any receiver is being sent to (or some are done and others
    not started); initial while none has started; then failed if any receiver
    failed, completed if any was delivered, cancelled if all were cancelled.
    """
    classes = {_row_class(state, attempts) for state, attempts in rows}
    if "p1" in classes or ("p0" in classes and classes & {"d", "f"}):
        return "inProgress"
    if "p0" in classes:
        return "initial"
    if "f" in classes:
        return "failed"
    if "d" in classes:
        return "completed"
    return "cancelled"


def tmf_state_q(state: str) -> Q:
    """A filter on lead rows matching ``tmf_state`` (the rule above, in SQL)."""

    def has(rule: Q) -> Q:
        parts = OutboxMessage.objects.filter(rule, part_of=OuterRef("pk"))
        return rule | Q(Exists(parts))

    p0, p1, d, f = has(_NOT_STARTED), has(_IN_PROGRESS), has(_DELIVERED), has(_FAILED)
    if state == "inProgress":
        return p1 | (p0 & (d | f))
    if state == "initial":
        return p0 & ~p1 & ~d & ~f
    if state == "failed":
        return ~p0 & ~p1 & f
    if state == "completed":
        return ~p0 & ~p1 & ~f & d
    if state == "cancelled":
        return ~p0 & ~p1 & ~f & ~d
    raise ValueError(f"must be one of {', '.join(TMF_STATES)}")


def communication_messages(user: User) -> QuerySet[OutboxMessage]:
    """TMF681 communicationMessages the user may see: lead rows with their parts,
    deleted ones left out (they stay in ``visible_messages``)."""
    return (visible_messages(user).filter(part_of__isnull=True, deleted_at__isnull=True)
            .select_related("customer")
            .prefetch_related(Prefetch("parts", queryset=OutboxMessage.objects
                                       .select_related("customer").order_by("pk"))))


def communication_message_for(user: User, pk: str) -> OutboxMessage:
    number = row_id(pk) or -1
    found = communication_messages(user).filter(pk=number).first()
    if found is None:
        raise NotifyError(NotifyErrorCode.NOT_FOUND, f"no communicationMessage {pk}")
    return found


def outbox_size() -> int:
    """How many messages the outbox holds in all (loaders' summaries; unscoped)."""
    return OutboxMessage.objects.count()
