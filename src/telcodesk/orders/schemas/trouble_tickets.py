"""TMF621 TroubleTicket and TMF622 ProductOrder shapes: request bodies and documents.

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

| TMF622 ProductOrder           | telcodesk customer order                               |
|-------------------------------|--------------------------------------------------------|
| ``id``                        | order number (``PO000000123``)                         |
| ``state``                     | TMF622 state                                           |
| ``channel[]``                 | counter, self_service, hotline, api                    |
| ``productOrderItem[].action`` | add / modify / delete                                  |
| ``…productOffering.id``       | package code or value-added service code               |
| ``…product.id``               | the line's number (broadband: access account)          |
| ``…product.productCharacteristic`` | ``itemKind`` and its details (see docs/orders.md) |
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import AwareDatetime, Field

from telcodesk.core import phone, tmf
from telcodesk.core.tmf import NoteIn, RefIn, TmfIn
from telcodesk.orders.models import (
    CustomerOrder,
    EventKind,
    OrderCancellation,
    OrderItem,
    WorkOrder,
)

TICKET_BASE_PATH = "troubleTicket/v4/"
ORDER_BASE_PATH = "productOrderingManagement/v4/"
# Events are built outside a request: their hrefs are relative to the host.
TICKET_EVENT_BASE = f"/tmf-api/{TICKET_BASE_PATH}troubleTicket"
ORDER_EVENT_BASE = f"/tmf-api/{ORDER_BASE_PATH}productOrder"

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
ORDER_ATTRIBUTES = (
    "id", "href", "@type", "state", "orderDate", "completionDate", "cancellationDate",
    "cancellationReason", "description", "requestedCompletionDate",
    "expectedCompletionDate", "channel", "relatedParty", "productOrderItem", "note",
)
ORDER_NOT_PATCHABLE = ("id", "href", "orderDate", "completionDate", "cancellationDate",
                       "cancellationReason", "expectedCompletionDate", "channel",
                       "relatedParty", "productOrderItem")
CANCEL_ATTRIBUTES = ("id", "href", "@type", "productOrder", "cancellationReason", "state",
                     "requestedCancellationDate", "effectiveCancellationDate")

SEVERITIES = ("critical", "major", "minor")
ITEM_KIND = "itemKind"


def _number(number: str, full: bool) -> str:
    return number if full else phone.mask(number)


# --- TMF621 --------------------------------------------------------------------------------


def ticket_document(work_order: WorkOrder, *, base: str, full_numbers: bool,
                    order_base: str = ORDER_EVENT_BASE) -> dict[str, Any]:
    """The TroubleTicket of a work order (uses the prefetched events and attachments)."""
    wo = work_order
    events = list(wo.events.all())
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
        for a in wo.attachments.all()
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
        "channel": {"id": wo.channel, "name": str(wo.get_channel_display()),
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


# --- TMF622 --------------------------------------------------------------------------------


def _item_document(item: OrderItem, *, full_numbers: bool) -> dict[str, Any]:
    document: dict[str, Any] = {"id": str(item.position), "action": item.action,
                                "state": item.state, "quantity": 1,
                                "@type": "ProductOrderItem"}
    offering = item.package or item.offering
    if offering is not None:
        document["productOffering"] = {"id": offering.code, "name": offering.name,
                                       "@referredType": "ProductOffering"}
    characteristics = [{"name": ITEM_KIND, "valueType": "string", "value": item.kind}]
    for name, value in (("service", item.service), ("address", item.new_address),
                        ("newOwner", item.new_owner.code if item.new_owner else ""),
                        ("newName", item.new_name), ("reason", item.reason)):
        if value:
            characteristics.append({"name": name, "valueType": "string", "value": value})
    product: dict[str, Any] = {"productCharacteristic": characteristics,
                               "@referredType": "Product"}
    if item.number:
        product["id"] = _number(item.number, full_numbers)
        product["name"] = f"{item.service} {_number(item.number, full_numbers)}"
    document["product"] = product
    return document


def order_document(order: CustomerOrder, *, base: str,
                   full_numbers: bool = False) -> dict[str, Any]:
    notes = []
    if order.state_reason:
        notes.append({"text": order.state_reason,
                      "date": tmf.tmf_datetime(order.state_changed_at), "@type": "Note"})
    return tmf.drop_empty({
        "id": order.code,
        "href": tmf.resource_href(base, order.code),
        "@type": "ProductOrder",
        "state": order.state,
        "orderDate": tmf.tmf_datetime(order.created_at),
        "completionDate": tmf.tmf_datetime(order.completed_at),
        "cancellationDate": tmf.tmf_datetime(order.cancelled_at),
        "cancellationReason": order.cancellation_reason,
        "description": order.description,
        "requestedCompletionDate": tmf.tmf_datetime(order.requested_completion),
        "expectedCompletionDate": tmf.tmf_datetime(order.expected_completion),
        "channel": [{"id": order.channel, "name": str(order.get_channel_display()),
                     "role": "salesChannel", "@referredType": "Channel"}],
        "relatedParty": [{"id": order.customer.code, "name": order.customer.name,
                          "role": "customer", "@referredType": "Customer"}],
        "note": notes,
        "productOrderItem": [_item_document(item, full_numbers=full_numbers)
                             for item in order.items.all()],
    })


def cancellation_document(cancellation: OrderCancellation, *, base: str,
                          order_base: str) -> dict[str, Any]:
    return tmf.drop_empty({
        "id": cancellation.code,
        "href": tmf.resource_href(base, cancellation.code),
        "@type": "CancelProductOrder",
        "productOrder": {"id": cancellation.order.code,
                         "href": tmf.resource_href(order_base, cancellation.order.code),
                         "@referredType": "ProductOrder"},
        "cancellationReason": cancellation.reason,
        "state": cancellation.state,
        "requestedCancellationDate": tmf.tmf_datetime(cancellation.requested_at),
        "effectiveCancellationDate": tmf.tmf_datetime(cancellation.effective_at),
    })


class CharacteristicIn(TmfIn):
    name: str
    value: Any = None
    value_type: str | None = Field(default=None, alias="valueType")
    id: str | None = None
    type: str | None = Field(default=None, alias="@type")


class ProductIn(TmfIn):
    id: str | None = None
    href: str | None = None
    name: str | None = None
    product_characteristic: list[CharacteristicIn] | None = Field(
        default=None, alias="productCharacteristic")
    referred_type: str | None = Field(default=None, alias="@referredType")
    type: str | None = Field(default=None, alias="@type")


class ProductOrderItemIn(TmfIn):
    id: str
    action: Literal["add", "modify", "delete", "noChange"]
    quantity: int | None = None
    product_offering: RefIn | None = Field(default=None, alias="productOffering")
    product: ProductIn | None = None
    type: str | None = Field(default=None, alias="@type")


class ProductOrderCreateIn(TmfIn):
    product_order_item: list[ProductOrderItemIn] = Field(alias="productOrderItem",
                                                         min_length=1)
    related_party: list[RefIn] | None = Field(default=None, alias="relatedParty")
    channel: list[RefIn] | None = None
    description: str | None = None
    requested_completion_date: AwareDatetime | None = Field(
        default=None, alias="requestedCompletionDate")
    note: list[NoteIn] | None = None
    external_id: str | None = Field(default=None, alias="externalId")
    type: Literal["ProductOrder"] | None = Field(default=None, alias="@type")
    base_type: str | None = Field(default=None, alias="@baseType")
    schema_location: str | None = Field(default=None, alias="@schemaLocation")


class ProductOrderPatchIn(TmfIn):
    description: str | None = None
    requested_completion_date: AwareDatetime | None = Field(
        default=None, alias="requestedCompletionDate")
    state: Literal["acknowledged", "rejected", "pending", "held", "inProgress", "cancelled",
                   "completed", "failed", "partial", "assessingCancellation",
                   "pendingCancellation"] | None = None
    note: list[NoteIn] | None = None
    type: Literal["ProductOrder"] | None = Field(default=None, alias="@type")


class CancelProductOrderCreateIn(TmfIn):
    product_order: RefIn = Field(alias="productOrder")
    cancellation_reason: str | None = Field(default=None, alias="cancellationReason")
    requested_cancellation_date: AwareDatetime | None = Field(
        default=None, alias="requestedCancellationDate")
    type: Literal["CancelProductOrder"] | None = Field(default=None, alias="@type")

