"""Hotline calls as contacts (TMF683 ``partyInteraction``): who sees which, finding them.

The hotline is provincial, but a call linked to a customer is that customer's
data: a staff member sees the calls of customers in their branch subtree and
the calls linked to no customer (only the caller's number, masked unless their
role shows numbers). Superusers see every call. A call outside that is "not
found", never "forbidden".

Interactions recorded through TMF683 (``PartyInteraction``: visits, chats...)
belong to one branch: a staff member sees those of their branch subtree.
"""

from __future__ import annotations

import datetime as dt
import re

from django.db.models import Prefetch, Q, QuerySet

from telcodesk.care.errors import ContactNotFound
from telcodesk.care.models import INTERACTION_CODE_PREFIX, Complaint, HotlineCall, PartyInteraction
from telcodesk.core import phone
from telcodesk.core.clock import operator_zone
from telcodesk.core.ids import row_id
from telcodesk.core.models import User
from telcodesk.core.selectors import scope_q

# Something typed to find a caller: digits, spaces, dashes, + and brackets.
_NUMBER_LIKE = re.compile(r"^\+?[\d\s\-()]{3,}$")
# Fewer digits than this are matched as the end of the number (e.g. the last four).
_FULL_NUMBER_DIGITS = 7


# Complaints opened from a call, prefetched onto ``call.opened_complaints``.
OPENED_COMPLAINTS = Prefetch("complaints", to_attr="opened_complaints",
                             queryset=Complaint.objects.order_by("received_at", "pk"))


def calls_visible_to(user: User) -> QuerySet[HotlineCall]:
    """Calls the user may see, newest first, with queue, group and customer joined."""
    calls = HotlineCall.objects.select_related("queue", "queue__skill_group", "customer")
    if not user.is_superuser:
        calls = calls.filter(scope_q(user, field="customer__org_unit") | Q(customer__isnull=True))
    return calls.order_by("-entered_at", "-pk")


def contact_for(user: User, pk: int | str) -> HotlineCall:
    """One visible call by id (``ContactNotFound``, a 404, otherwise), with
    ``opened_complaints``: the complaints opened from it."""
    key = row_id(pk)
    if key is None:
        raise ContactNotFound(f"no hotline call {pk!r}")
    call = calls_visible_to(user).prefetch_related(OPENED_COMPLAINTS).filter(pk=key).first()
    if call is None:
        raise ContactNotFound(f"no hotline call {pk!r}")
    return call


def interactions_visible_to(user: User) -> QuerySet[PartyInteraction]:
    """Recorded interactions of the user's branch subtree, newest first."""
    return (PartyInteraction.objects.filter(scope_q(user))
            .select_related("customer", "created_by").order_by("-created_at", "-pk"))


def is_interaction_id(text: str) -> bool:
    """``PI000000042`` names a recorded interaction; a plain number names a call."""
    return text.strip().upper().startswith(INTERACTION_CODE_PREFIX)


def interaction_for(user: User, code: str) -> PartyInteraction:
    """One visible recorded interaction by number (``ContactNotFound``, a 404, otherwise)."""
    found = interactions_visible_to(user).filter(code=code.strip().upper()).first()
    if found is None:
        raise ContactNotFound(f"no party interaction {code!r}")
    return found


def caller_q(text: str) -> Q:
    """Calls from a number typed in any dialable form; a short run of digits matches
    the end of the number (``5678`` finds 138****5678). Nothing typed: no filter."""
    raw = (text or "").strip()
    if not raw:
        return Q()
    if not _NUMBER_LIKE.match(raw):
        return Q(pk__in=[])
    digits = re.sub(r"\D", "", raw)
    if len(digits) < _FULL_NUMBER_DIGITS:
        return Q(caller__endswith=digits)
    candidates = {raw, digits}
    try:
        e164 = phone.normalize(raw)
    except phone.InvalidPhoneNumber:
        pass
    else:
        candidates |= {e164, phone.national(e164)}
    return Q(caller__in=candidates)


def filter_calls(
    calls: QuerySet[HotlineCall],
    *,
    day: dt.date | None = None,
    group: str | None = None,
    queue: str | None = None,
    outcome: str | None = None,
    caller: str | None = None,
) -> QuerySet[HotlineCall]:
    """Narrow a call list. ``group="-"`` means calls of queues mapped to no group."""
    if day is not None:  # as a range of entry instants: the indexed column
        start = dt.datetime.combine(day, dt.time.min, tzinfo=operator_zone())
        calls = calls.filter(entered_at__gte=start,
                             entered_at__lt=start + dt.timedelta(days=1))
    if group == "-":
        calls = calls.filter(queue__skill_group__isnull=True)
    elif group:
        calls = calls.filter(queue__skill_group__code=group)
    if queue:
        calls = calls.filter(queue__name=queue)
    if outcome:
        calls = calls.filter(outcome=outcome)
    if caller:
        calls = calls.filter(caller_q(caller))
    return calls


def other_visits(call: HotlineCall, user: User) -> list[HotlineCall]:
    """The other queues the same call went through (same call id and log source)."""
    return list(calls_visible_to(user).filter(source_id=call.source_id, call_ref=call.call_ref)
                .exclude(pk=call.pk).order_by("entered_at", "pk"))


def opened_complaints(call: HotlineCall) -> list[Complaint]:
    """The complaints opened from a call (prefetched by ``contact_for`` and the API list)."""
    prefetched = getattr(call, "opened_complaints", None)
    if prefetched is not None:
        return list(prefetched)
    return list(Complaint.objects.filter(contact=call).order_by("received_at", "pk"))
