"""Complaints in the TMF621 TroubleTicket shape: the document and the request bodies.

Complaints are served as their own ``complaint`` resource under the TMF621 base
path (``/tmf-api/troubleTicket/v4/complaint``) with ``ticketType`` ``complaint``
and ``@type`` ``TroubleTicket``; ``troubleTicket`` stays the work orders' (see
``docs/complaints.md`` for why).

| TMF621 TroubleTicket          | telcodesk complaint                                       |
|-------------------------------|-----------------------------------------------------------|
| ``id``                        | complaint number (``CP000000123``)                        |
| ``ticketType``                | ``complaint``                                             |
| ``name`` / ``description``    | summary / details                                         |
| ``status``                    | received → acknowledged, in progress and reopened →       |
|                               | inProgress, replied → resolved, closed → closed           |
| ``severity``                  | derived: critical (appealed to the regulator), major      |
|                               | (a repeat), else minor                                    |
| ``channel``                   | the intake channel (hotline, sms, letter, regulator…)     |
| ``creationDate``              | received                                                  |
| ``expectedResolutionDate``    | the reply clock's due time (operator's commitment)        |
| ``resolutionDate``            | replied                                                   |
| ``externalId``                | the regulator's reference                                 |
| ``relatedEntity[]``           | ``category`` (ComplaintCategory), ``affectedProduct``     |
|                               | (the line), ``relatedOrder``, ``relatedTicket`` (work     |
|                               | order), ``bill`` (CustomerBill), ``contact`` (the call)   |
| ``relatedParty[]``            | ``customer``, ``complainant`` (contact number), ``owner``,|
|                               | ``handler``                                               |
| ``statusChange[]``            | status moves of the timeline; the reply is the reason of  |
|                               | the move to ``resolved``                                  |
| ``note[]``                    | notes, contacts, transfers, reassignments, appeals,       |
|                               | survey answers, deadline warnings and breaches            |
| ``troubleTicketRelationship`` | ``repeatOf`` the earlier complaint of a repeat            |
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import AwareDatetime, Field

from telcodesk.care.models import (
    Complaint,
    ComplaintEvent,
    ComplaintEventKind,
    ComplaintState,
)
from telcodesk.core import phone, tmf
from telcodesk.core.tmf import NoteIn, RefIn, TmfIn

BASE_PATH = "troubleTicket/v4/"
COLLECTION_PATH = "complaint"
TICKET_TYPE = "complaint"
# Where the work orders and orders live (for the hrefs of related entities).
TICKET_EVENT_BASE = f"/tmf-api/{BASE_PATH}troubleTicket"
ORDER_EVENT_BASE = "/tmf-api/productOrderingManagement/v4/productOrder"

STATUS_OF_STATE = {
    ComplaintState.OPEN: "acknowledged",
    ComplaintState.IN_PROGRESS: "inProgress",
    ComplaintState.REPLIED: "resolved",
    ComplaintState.CLOSED: "closed",
    ComplaintState.REOPENED: "inProgress",
}
STATES_OF_STATUS: dict[str, list[str]] = {}
for _state, _status in STATUS_OF_STATE.items():
    STATES_OF_STATUS.setdefault(_status, []).append(_state)
TMF_STATUSES = ("acknowledged", "rejected", "pending", "held", "inProgress", "cancelled",
                "closed", "resolved")

ATTRIBUTES = (
    "id", "href", "@type", "name", "description", "severity", "ticketType", "status",
    "statusChangeDate", "statusChangeReason", "creationDate", "lastUpdate",
    "expectedResolutionDate", "resolutionDate", "externalId", "channel", "relatedEntity",
    "relatedParty", "note", "statusChange", "troubleTicketRelationship",
)
PATCHABLE = ("status", "statusChangeReason", "note", "@type")
NOT_PATCHABLE = tuple(a for a in (*ATTRIBUTES, "priority", "attachment",
                                  "requestedResolutionDate", "@baseType", "@schemaLocation")
                      if a not in PATCHABLE)

# Timeline events shown as notes, and how each reads.
_NOTE_KINDS = (ComplaintEventKind.NOTE, ComplaintEventKind.CONTACTED,
               ComplaintEventKind.TRANSFERRED, ComplaintEventKind.REASSIGNED,
               ComplaintEventKind.APPEALED, ComplaintEventKind.SURVEY_SENT,
               ComplaintEventKind.SURVEY_ANSWERED, ComplaintEventKind.WARNING,
               ComplaintEventKind.BREACHED)
_WORK_KINDS = (ComplaintEventKind.NOTE, ComplaintEventKind.CONTACTED,
               ComplaintEventKind.TRANSFERRED)


def severity_of(complaint: Complaint) -> str:
    if complaint.regulator_appeal:
        return "critical"
    if complaint.repeat_of_id is not None:
        return "major"
    return "minor"


def _number(number: str, full: bool) -> str:
    return number if full else phone.mask(number)


def _note_text(event: ComplaintEvent) -> str:
    text = event.text
    if event.kind in (ComplaintEventKind.NOTE,):
        return text
    label = str(ComplaintEventKind(event.kind).label)
    who = ""
    if event.from_user is not None or event.to_user is not None:
        who = f" {event.from_user or '-'} → {event.to_user or '-'}"
    return f"{label}{who}" + (f": {text}" if text else "")


def status_changes(events: list[ComplaintEvent]) -> list[dict[str, Any]]:
    """The TMF status moves replayed from the timeline."""
    changes: list[dict[str, Any]] = []
    current = ""

    def move(status: str, event: ComplaintEvent, reason: str = "") -> None:
        nonlocal current
        current = status
        changes.append(tmf.drop_empty({"status": status, "changeDate": tmf.tmf_datetime(event.at),
                                       "changeReason": reason, "@type": "StatusChange"}))

    for event in events:
        if event.kind == ComplaintEventKind.RECEIVED:
            move("acknowledged", event)
        elif event.kind in _WORK_KINDS and current == "acknowledged":
            move("inProgress", event)
        elif event.kind == ComplaintEventKind.REPLIED:
            move("resolved", event, event.text)
        elif event.kind == ComplaintEventKind.CLOSED:
            move("closed", event)
        elif event.kind == ComplaintEventKind.REOPENED:
            move("inProgress", event, event.text)
    return changes


def complaint_document(complaint: Complaint, *, base: str, full_numbers: bool,
                       ticket_base: str = TICKET_EVENT_BASE,
                       order_base: str = ORDER_EVENT_BASE) -> dict[str, Any]:
    """The TroubleTicket (``ticketType`` complaint) of a complaint."""
    c = complaint
    events = list(c.events.select_related("actor", "from_user", "to_user").order_by("at", "id"))
    clock = c.reply_clock
    related_entity: list[dict[str, Any]] = [{
        "id": c.category, "name": str(c.get_category_display()), "role": "category",
        "@referredType": "ComplaintCategory"}]
    if c.subscription is not None:
        shown = _number(c.subscription.number, full_numbers) \
            if c.subscription.service != "broadband" else c.subscription.number
        related_entity.append({"id": shown, "name": f"{c.subscription.service} {shown}",
                               "role": "affectedProduct", "@referredType": "Product"})
    if c.order is not None:
        related_entity.append({"id": c.order.code,
                               "href": tmf.resource_href(order_base, c.order.code),
                               "role": "relatedOrder", "@referredType": "ProductOrder"})
    if c.work_order is not None:
        related_entity.append({"id": c.work_order.code,
                               "href": tmf.resource_href(ticket_base, c.work_order.code),
                               "role": "relatedTicket", "@referredType": "TroubleTicket"})
    if c.bill_reference:
        related_entity.append({"id": c.bill_reference, "role": "bill",
                               "@referredType": "CustomerBill"})
    if c.contact_id is not None:
        related_entity.append({"id": str(c.contact_id), "role": "contact",
                               "@referredType": "PartyInteraction"})
    related_party: list[dict[str, Any]] = []
    if c.customer is not None:
        related_party.append({"id": c.customer.code, "name": c.customer.name,
                              "role": "customer", "@referredType": "Customer"})
    if c.contact_number:
        related_party.append({"id": _number(c.contact_number, full_numbers),
                              "role": "complainant", "@referredType": "Individual"})
    for role, user in (("owner", c.owner), ("handler", c.handler)):
        related_party.append({"id": user.get_username(), "name": str(user), "role": role,
                              "@referredType": "Individual"})
    changes = status_changes(events)
    last = changes[-1] if changes else {}
    notes = [tmf.drop_empty({"id": str(e.pk), "author": str(e.actor) if e.actor else "system",
                             "date": tmf.tmf_datetime(e.at), "text": _note_text(e),
                             "@type": "Note"})
             for e in events if e.kind in _NOTE_KINDS]
    relationships = []
    if c.repeat_of is not None:
        relationships.append({"id": c.repeat_of.code,
                              "href": tmf.resource_href(base, c.repeat_of.code),
                              "relationshipType": "repeatOf",
                              "@type": "TroubleTicketRelationship"})
    return tmf.drop_empty({
        "id": c.code,
        "href": tmf.resource_href(base, c.code),
        "@type": "TroubleTicket",
        "name": c.summary,
        "description": c.details or c.summary,
        "severity": severity_of(c),
        "ticketType": TICKET_TYPE,
        "status": STATUS_OF_STATE[ComplaintState(c.state)],
        "statusChangeDate": last.get("changeDate"),
        "statusChangeReason": last.get("changeReason"),
        "creationDate": tmf.tmf_datetime(c.received_at),
        "lastUpdate": tmf.tmf_datetime(c.updated_at),
        "expectedResolutionDate": tmf.tmf_datetime(clock.due_at) if clock else None,
        "resolutionDate": tmf.tmf_datetime(c.replied_at),
        "externalId": c.regulator_reference,
        "channel": {"id": c.channel, "name": str(c.get_channel_display()),
                    "@referredType": "Channel"},
        "relatedEntity": related_entity,
        "relatedParty": related_party,
        "note": notes,
        "statusChange": changes,
        "troubleTicketRelationship": relationships,
    })


# --- request bodies ---------------------------------------------------------------------------


class ComplaintCreateIn(TmfIn):
    """``TroubleTicket_Create`` as telcodesk accepts it for complaints.

    ``channel`` is required (checked by the service, so the error names the
    channels); ``severity`` may be sent (TMF requires it) but a complaint's
    severity is derived, so the value is ignored.
    """

    description: str
    name: str | None = None
    ticket_type: Literal["complaint"] = Field(default="complaint", alias="ticketType")
    severity: str | None = None
    channel: RefIn | None = None
    related_party: list[RefIn] | None = Field(default=None, alias="relatedParty")
    related_entity: list[RefIn] | None = Field(default=None, alias="relatedEntity")
    note: list[NoteIn] | None = None
    external_id: str | None = Field(default=None, alias="externalId")
    creation_date: AwareDatetime | None = Field(default=None, alias="creationDate")
    type: Literal["TroubleTicket"] | None = Field(default=None, alias="@type")
    base_type: str | None = Field(default=None, alias="@baseType")
    schema_location: str | None = Field(default=None, alias="@schemaLocation")


class ComplaintPatchIn(TmfIn):
    status: Literal["acknowledged", "rejected", "pending", "held", "inProgress",
                    "cancelled", "closed", "resolved"] | None = None
    status_change_reason: str | None = Field(default=None, alias="statusChangeReason")
    note: list[NoteIn] | None = None
    type: Literal["TroubleTicket"] | None = Field(default=None, alias="@type")

