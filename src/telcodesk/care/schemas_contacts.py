"""TMF683 PartyInteraction shapes: a hotline call (one visit to an agent queue) as a contact.

| TMF attribute          | telcodesk                                                       |
|------------------------|-----------------------------------------------------------------|
| ``id``                 | the call's id (``HotlineCall.pk``)                              |
| ``creationDate``       | entry into the agent queue                                      |
| ``interactionDate``    | ``startDateTime`` entry into the queue, ``endDateTime`` left    |
|                        | the queue or ended (absent when no exit was recorded)           |
| ``direction``          | ``inbound``                                                     |
| ``status``             | ``completed`` once the call left the queue, else ``inProgress`` |
| ``statusChangeDate``   | the last recorded moment (end, answer or entry)                 |
| ``reason``             | the skill group the caller chose (English name), or the queue   |
| ``description``        | queue, outcome, wait, agent and talk time in one line           |
| ``channel[]``          | ``{id: "hotline", name: "hotline", role: "inbound call"}``      |
| ``relatedParty[]``     | the customer (``@referredType`` Customer, TMF629 href) when the |
|                        | caller's number matched one; the caller (role ``caller``,       |
|                        | ``@referredType`` Party, ``id`` = the calling number, masked    |
|                        | unless the viewer's role shows numbers); the agent (role        |
|                        | ``agent``) when answered                                        |
| ``interactionItem[]``  | complaints opened from the call (``item.role`` complaint)       |
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from telcodesk.care.models import CallOutcome, HotlineCall
from telcodesk.care.selectors.contacts import opened_complaints
from telcodesk.core import phone, tmf

PARTY_INTERACTION_TYPE = "PartyInteraction"
CHANNEL = {"id": "hotline", "name": "hotline", "role": "inbound call"}

PARTY_INTERACTION_ATTRIBUTES = (
    "id", "href", "@type", "creationDate", "description", "direction", "reason", "status",
    "statusChangeDate", "channel", "interactionDate", "interactionItem", "relatedParty",
)
STATUSES = ("open", "inProgress", "completed")


class RelatedPartyOut(BaseModel):
    id: str
    href: str | None = None
    name: str | None = None
    role: str | None = None
    referredType: str = Field(alias="@referredType")


class PartyInteractionOut(BaseModel):
    """A TMF683 ``PartyInteraction`` as telcodesk serves it (documentation of the shape)."""

    id: str
    href: str
    type: str = Field(alias="@type")
    creationDate: str
    description: str
    direction: str
    reason: str | None = None
    status: str
    statusChangeDate: str | None = None
    channel: list[dict[str, str]]
    interactionDate: dict[str, str]
    interactionItem: list[dict[str, Any]] = []
    relatedParty: list[RelatedPartyOut] = []


def status_of(call: HotlineCall) -> str:
    if call.ended_at is not None or call.outcome != CallOutcome.UNKNOWN:
        return "completed"
    return "inProgress"


def _number(number: str, full_numbers: bool) -> str:
    if full_numbers:
        return number
    return phone.mask(number) or "*" * len(number)


def _description(call: HotlineCall) -> str:
    parts = [f"queue {call.queue.name}", f"outcome {call.outcome}"]
    if call.wait_seconds is not None:
        parts.append(f"waited {call.wait_seconds} s")
    if call.agent:
        parts.append(f"agent {call.agent}")
    if call.talk_seconds is not None:
        parts.append(f"talked {call.talk_seconds} s")
    if call.transferred_to:
        parts.append(f"transferred to {call.transferred_to}")
    return "; ".join(parts)


def party_interaction_document(call: HotlineCall, *, base: str, customer_base: str,
                               full_numbers: bool) -> dict[str, Any]:
    """The TMF683 representation of one call (select ``queue__skill_group`` and
    ``customer``; prefetch ``contacts.OPENED_COMPLAINTS``)."""
    group = call.queue.skill_group
    parties: list[dict[str, Any]] = []
    if call.customer is not None:
        parties.append({"id": call.customer.code,
                        "href": tmf.resource_href(customer_base, call.customer.code),
                        "name": call.customer.name, "role": "customer",
                        "@referredType": "Customer"})
    if call.caller:
        shown = _number(call.caller, full_numbers)
        parties.append({"id": shown, "name": shown, "role": "caller", "@referredType": "Party"})
    if call.agent:
        parties.append({"id": call.agent, "name": call.agent, "role": "agent",
                        "@referredType": "Individual"})
    items = [{"id": complaint.code, "creationDate": tmf.tmf_datetime(complaint.received_at),
              "reason": "complaint opened from this call",
              "item": {"id": complaint.code, "role": "complaint",
                       "@referredType": "Complaint"}}
             for complaint in opened_complaints(call)]
    last = call.ended_at or call.answered_at or call.entered_at
    return tmf.drop_empty({
        "id": str(call.pk),
        "href": tmf.resource_href(base, str(call.pk)),
        "@type": PARTY_INTERACTION_TYPE,
        "creationDate": tmf.tmf_datetime(call.entered_at),
        "description": _description(call),
        "direction": "inbound",
        "reason": group.name_en if group is not None else f"queue {call.queue.name}",
        "status": status_of(call),
        "statusChangeDate": tmf.tmf_datetime(last),
        "channel": [dict(CHANNEL)],
        "interactionDate": tmf.time_period(call.entered_at, call.ended_at),
        "interactionItem": items,
        "relatedParty": parties,
    })
