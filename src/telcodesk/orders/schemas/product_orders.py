"""TMF622 ProductOrder shapes: request bodies and documents.

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

from telcodesk.core import tmf
from telcodesk.core.tmf import NoteIn, RefIn, TmfIn
from telcodesk.orders.models import CustomerOrder, OrderCancellation, OrderItem
from telcodesk.orders.schemas._common import _number

ORDER_BASE_PATH = "productOrderingManagement/v4/"
# Events are built outside a request: their hrefs are relative to the host.
ORDER_EVENT_BASE = f"/tmf-api/{ORDER_BASE_PATH}productOrder"

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

ITEM_KIND = "itemKind"


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

