"""TMF621 TroubleTicket shapes: request bodies and documents.

| TMF621 TroubleTicket          | telcodesk work order                                   |
|-------------------------------|--------------------------------------------------------|
| ``id``                        | work order number (``WO000000123``)                    |
| ``ticketType``                | ``fault`` (repairs), ``install``, ``move``...          |
| ``status``                    | TMF621 status                                          |
| ``severity`` / ``priority``   | critical, major, minor / 1 (highest) – 5               |
| ``expectedResolutionDate``    | the SLA due time                                       |
| ``relatedEntity[]``           | the line (``affectedProduct``), the originating order  |
| ``relatedParty[]``            | the customer, the assigned technician                  |
| ``statusChange[]``            | the timeline's status changes                          |
| ``note[]``                    | the timeline's notes                                   |
| ``troubleTicketRelationship`` | ``repeatOf`` the earlier repair of a repeat fault      |
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import AwareDatetime, Field

from telcodesk.core import tmf
from telcodesk.core.tmf import NoteIn, RefIn, TmfIn
from telcodesk.orders.models import EventKind, OrderChannel, WorkOrder
from telcodesk.orders.schemas._common import _number
from telcodesk.orders.schemas.product_orders import ORDER_EVENT_BASE
from telcodesk.orders.selectors.work_orders import attachments_of, events_of

TICKET_BASE_PATH = "troubleTicket/v4/"
# Events are built outside a request: their hrefs are relative to the host.
TICKET_EVENT_BASE = f"/tmf-api/{TICKET_BASE_PATH}troubleTicket"

TICKET_ATTRIBUTES = (
    "id", "href", "@type", "name", "description", "severity", "priority", "ticketType",
    "status", "statusChangeDate", "statusChangeReason", "creationDate", "lastUpdate",
    "expectedResolutionDate", "requestedResolutionDate", "resolutionDate", "externalId",
    "channel", "relatedEntity", "relatedParty", "note", "statusChange", "attachment",
    "troubleTicketRelationship",
)
TICKET_NOT_PATCHABLE = ("id", "href", "creationDate", "lastUpdate", "statusChange",
                        "expectedResolutionDate", "resolutionDate", "relatedEntity",
                        "relatedParty", "ticketType", "channel", "attachment",
                        "troubleTicketRelationship", "requestedResolutionDate",
                        "statusChangeDate")

SEVERITIES = ("critical", "major", "minor")
# ``get_channel_display`` without its per-call rebuild of the choices (a page has 100 tickets).
_CHANNEL_LABELS: dict[str, Any] = dict(OrderChannel.choices)


def ticket_document(work_order: WorkOrder, *, base: str, full_numbers: bool,
                    order_base: str = ORDER_EVENT_BASE) -> dict[str, Any]:
    """The TroubleTicket of a work order (uses the prefetched events and attachments:
    ``orders.selectors.work_orders.tickets_visible_to``)."""
    wo = work_order
    events = events_of(wo)
    clock = wo.sla_clock
    line = wo.subscription
    related_entity: list[dict[str, Any]] = [{
        "id": _number(line.number, full_numbers), "name": f"{line.service} "
        f"{_number(line.number, full_numbers)}", "role": "affectedProduct",
        "@referredType": "Product"}]
    if wo.order is not None:
        related_entity.append({"id": wo.order.code,
                               "href": tmf.resource_href(order_base, wo.order.code),
                               "role": "originatingOrder", "@referredType": "ProductOrder"})
    related_party: list[dict[str, Any]] = [{
        "id": wo.customer.code, "name": wo.customer.name, "role": "customer",
        "@referredType": "Customer"}]
    if wo.technician is not None:
        related_party.append({"id": wo.technician.username, "name": str(wo.technician),
                              "role": "technician", "@referredType": "Individual"})
    if wo.team is not None:
        related_party.append({"id": wo.team.code, "name": wo.team.name, "role": "team",
                              "@referredType": "Organization"})
    status_changes = [
        tmf.drop_empty({"status": e.to_status, "changeDate": tmf.tmf_datetime(e.at),
                        "changeReason": e.reason, "@type": "StatusChange"})
        for e in events if e.to_status
    ]
    notes = [
        {"id": str(e.pk), "author": e.actor_label, "date": tmf.tmf_datetime(e.at),
         "text": e.note, "@type": "Note"}
        for e in events if e.kind == EventKind.NOTE
    ]
    attachments = [
        {"id": str(a.pk), "name": a.name, "mimeType": a.content_type,
         "size": {"amount": a.size, "units": "bytes"}, "attachmentType": "file",
         "@type": "Attachment"}
        for a in attachments_of(wo)
    ]
    relationships = []
    if wo.repeat_of is not None:
        relationships.append({"id": wo.repeat_of.code,
                              "href": tmf.resource_href(base, wo.repeat_of.code),
                              "relationshipType": "repeatOf",
                              "@type": "TroubleTicketRelationship"})
    return tmf.drop_empty({
        "id": wo.code,
        "href": tmf.resource_href(base, wo.code),
        "@type": "TroubleTicket",
        "name": wo.name,
        "description": wo.description,
        "severity": wo.severity,
        "priority": str(wo.priority),
        "ticketType": wo.ticket_type,
        "status": wo.status,
        "statusChangeDate": tmf.tmf_datetime(wo.status_changed_at),
        "statusChangeReason": wo.status_reason,
        "creationDate": tmf.tmf_datetime(wo.created_at),
        "lastUpdate": tmf.tmf_datetime(wo.updated_at),
        "expectedResolutionDate": tmf.tmf_datetime(clock.due_at) if clock else None,
        "requestedResolutionDate": tmf.tmf_datetime(wo.appointment_end),
        "resolutionDate": tmf.tmf_datetime(wo.resolved_at),
        "externalId": wo.external_id,
        "channel": {"id": wo.channel,
                    "name": str(_CHANNEL_LABELS.get(wo.channel, wo.channel)),
                    "@referredType": "Channel"},
        "relatedEntity": related_entity,
        "relatedParty": related_party,
        "note": notes,
        "statusChange": status_changes,
        "attachment": attachments,
        "troubleTicketRelationship": relationships,
    })


class TroubleTicketCreateIn(TmfIn):
    """``TroubleTicket_Create`` as telcodesk accepts it (fault reports)."""

    description: str
    severity: Literal["critical", "major", "minor"]
    ticket_type: Literal["fault"] = Field(alias="ticketType")
    name: str | None = None
    priority: str | None = None
    external_id: str | None = Field(default=None, alias="externalId")
    related_entity: list[RefIn] = Field(alias="relatedEntity", min_length=1)
    related_party: list[RefIn] | None = Field(default=None, alias="relatedParty")
    channel: RefIn | None = None
    note: list[NoteIn] | None = None
    requested_resolution_date: AwareDatetime | None = Field(default=None,
                                                            alias="requestedResolutionDate")
    type: Literal["TroubleTicket"] | None = Field(default=None, alias="@type")
    base_type: str | None = Field(default=None, alias="@baseType")
    schema_location: str | None = Field(default=None, alias="@schemaLocation")


class TroubleTicketPatchIn(TmfIn):
    name: str | None = None
    description: str | None = None
    severity: Literal["critical", "major", "minor"] | None = None
    priority: str | None = None
    external_id: str | None = Field(default=None, alias="externalId")
    status: Literal["acknowledged", "rejected", "pending", "held", "inProgress",
                    "cancelled", "closed", "resolved"] | None = None
    status_change_reason: str | None = Field(default=None, alias="statusChangeReason")
    note: list[NoteIn] | None = None
    type: Literal["TroubleTicket"] | None = Field(default=None, alias="@type")
