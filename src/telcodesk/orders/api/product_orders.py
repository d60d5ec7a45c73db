"""TMF622 Product Ordering v4.

- ``/tmf-api/productOrderingManagement/v4/productOrder`` and
  ``.../cancelProductOrder``: customer orders and their cancellation.
- ``/hub`` for event listeners (``core.events``).

Thin endpoints: read with ``core.tmf``, ask the selectors, write through the
services, answer with the documents of ``schemas``. See ``docs/orders.md``.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Router

from telcodesk.core import clock, tmf
from telcodesk.core.events import hub_router
from telcodesk.core.models import Channel, User
from telcodesk.core.selectors import may_see_full_numbers
from telcodesk.core.tmf import ErrorOut
from telcodesk.customers.selectors import (
    customer_for,
    offering_by_code,
    package_by_code,
    subscription_for,
)
from telcodesk.orders import permissions
from telcodesk.orders.api._common import (
    ERRORS,
    ORDER_COLLECTION,
    _body_error,
    _created_after,
    _order_base,
    _request_channel,
    _require,
    _user,
)
from telcodesk.orders.models import (
    CustomerOrder,
    ItemKind,
    OrderCancellation,
    OrderChannel,
    OrderState,
)
from telcodesk.orders.schemas import product_orders as schemas
from telcodesk.orders.selectors.product_orders import (
    cancellation_for,
    cancellations_visible_to,
    order_for,
    orders_visible_to,
)
from telcodesk.orders.services import product_orders as services

BASE_PATH = schemas.ORDER_BASE_PATH
CANCEL_COLLECTION = "cancelProductOrder-collection"

router = Router(tags=["productOrder"])
router.add_router("", hub_router("productOrder", "productOrder"))



def _order(request: HttpRequest, order: CustomerOrder) -> dict[str, Any]:
    return schemas.order_document(order, base=_order_base(request),
                                  full_numbers=may_see_full_numbers(_user(request)))


ORDER_FILTERS = tmf.FilterSet({
    "id": tmf.Filter("code", many=True, description="Order number(s)"),
    "state": tmf.Filter("state", parse=tmf.choice(*OrderState.values), many=True,
                        description="TMF622 state(s), comma-separated"),
    "relatedParty.id": tmf.Filter("customer__code", description="Customer number"),
    "channel.id": tmf.Filter("channel", parse=tmf.choice(*OrderChannel.values), many=True,
                             description="counter, self_service, hotline, api"),
    "orderDate.gte": tmf.Filter(_created_after, description="Ordered at or after"),
    "orderDate.lt": tmf.Filter("created_at__lt", parse=tmf.parse_datetime,
                               description="Ordered before"),
}, columns={
    "description": tmf.Column("description", ordered=False),
    "orderDate": tmf.Column("created_at", parse=tmf.parse_datetime),
    "completionDate": tmf.Column("completed_at", parse=tmf.parse_datetime),
    "cancellationDate": tmf.Column("cancelled_at", parse=tmf.parse_datetime),
    "requestedCompletionDate": tmf.Column("requested_completion", parse=tmf.parse_datetime),
    "expectedCompletionDate": tmf.Column("expected_completion", parse=tmf.parse_datetime),
})


@router.get(
    "/productOrder", response={200: list[dict[str, Any]], **ERRORS},
    url_name=ORDER_COLLECTION, summary="List or find ProductOrder objects",
    openapi_extra={"parameters": ORDER_FILTERS.openapi_parameters()},
)
def list_orders(request: HttpRequest) -> HttpResponse:
    return tmf.list_response(
        request, orders_visible_to(_user(request)), filters=ORDER_FILTERS,
        attributes=schemas.ORDER_ATTRIBUTES, render=lambda o: _order(request, o))


@router.get(
    "/productOrder/{id}", response={200: dict[str, Any], **ERRORS},
    url_name="productOrder-item", summary="Retrieve a ProductOrder by its number",
    openapi_extra={"parameters": [tmf.FIELDS_PARAMETER]},
)
def retrieve_order(request: HttpRequest, id: str) -> HttpResponse:
    fields = tmf.item_fields(request, schemas.ORDER_ATTRIBUTES)
    return tmf.item_response(_order(request, order_for(_user(request), id)), fields)


_INFERRED_KIND = {
    # (action, offering type) → item kind, when no itemKind characteristic says otherwise
    ("add", "package"): ItemKind.NEW_LINE,
    ("modify", "package"): ItemKind.PACKAGE_CHANGE,
    ("add", "vas"): ItemKind.VAS_SUBSCRIBE,
    ("delete", "vas"): ItemKind.VAS_UNSUBSCRIBE,
    ("delete", None): ItemKind.CANCELLATION,
}


def _item_spec(user: User, customer: Any, index: int,
               item: schemas.ProductOrderItemIn) -> services.ItemSpec:
    where = f"productOrderItem[{index}]"
    chars = {c.name: c.value for c in
             (item.product.product_characteristic or [] if item.product else [])}
    package = offering = None
    offering_type: str | None = None
    if item.product_offering is not None:
        package = package_by_code(item.product_offering.id)
        offering = None if package else offering_by_code(item.product_offering.id)
        if package is None and offering is None:
            raise _body_error(f"{where}.productOffering.id: no package or value-added "
                              f"service {item.product_offering.id!r}")
        offering_type = "package" if package else "vas"
    kind = chars.get(schemas.ITEM_KIND) or _INFERRED_KIND.get((item.action, offering_type))
    if kind not in ItemKind.values:
        raise _body_error(f"{where}: say what to do with a productCharacteristic "
                          f"{schemas.ITEM_KIND} (one of {', '.join(ItemKind.values)})")
    if services.ITEM_ACTIONS[kind] != item.action:
        raise _body_error(f"{where}.action: {kind} is an {services.ITEM_ACTIONS[kind]!r} item")
    product_id = item.product.id if item.product else None
    line = None
    number = ""
    if kind == ItemKind.NEW_LINE:
        number = product_id or str(chars.get("number") or "")
    elif product_id:
        line = subscription_for(user, product_id)
        if line is None:
            raise _body_error(f"{where}.product.id: no live line {product_id!r} in your branch")
    new_owner = None
    if chars.get("newOwner"):
        try:
            new_owner = customer_for(user, str(chars["newOwner"]))
        except Http404:
            raise _body_error(f"{where}: no customer {chars['newOwner']!r} in your branch"
                              ) from None
    return services.ItemSpec(
        kind=kind, subscription=line, package=package, offering=offering,
        service=str(chars.get("service") or ""), number=number,
        address=str(chars.get("address") or ""), new_owner=new_owner,
        new_name=str(chars.get("newName") or ""), reason=str(chars.get("reason") or ""))


@router.post(
    "/productOrder", response={201: dict[str, Any], **ERRORS},
    summary="Create a ProductOrder",
    openapi_extra={"requestBody": tmf.body_schema(schemas.ProductOrderCreateIn)},
)
def create_order(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    _require(permissions.may_change_orders(user), "product orders")
    body = tmf.validate_body(schemas.ProductOrderCreateIn, tmf.read_json_object(request))
    customers = [p for p in body.related_party or []
                 if p.referred_type == "Customer" or (p.role or "").lower() == "customer"]
    if len(customers) != 1:
        raise _body_error("relatedParty: name exactly one customer "
                          "(@referredType Customer, id = customer number)")
    try:
        customer = customer_for(user, customers[0].id)
    except Http404:
        raise _body_error(f"relatedParty: no customer {customers[0].id!r} in your branch"
                          ) from None
    channel = _request_channel(body.channel[0].id if body.channel else None, OrderChannel.API)
    specs = [_item_spec(user, customer, i, item)
             for i, item in enumerate(body.product_order_item)]
    description = body.description or ""
    if body.note:
        description = (description + " " + " ".join(n.text for n in body.note)).strip()
    order = services.do_create_order(
        now=clock.now(), actor=user, channel=channel, customer=customer, items=specs,
        subscription=next((s.subscription for s in specs if s.subscription), None),
        description=description, requested_completion=body.requested_completion_date)
    return tmf.created_response(_order(request, order_for(user, order.code)))


@router.patch(
    "/productOrder/{id}", response={200: dict[str, Any], **ERRORS},
    summary="Update a ProductOrder with a JSON merge patch",
    openapi_extra={"requestBody": tmf.body_schema(
        schemas.ProductOrderPatchIn, tmf.MERGE_PATCH_CONTENT_TYPE, tmf.JSON_CONTENT_TYPE)},
)
def patch_order(request: HttpRequest, id: str) -> HttpResponse:
    user = _user(request)
    order = order_for(user, id)
    _require(permissions.may_change_orders(user), "product orders")
    patch = tmf.read_merge_patch(request)
    tmf.refuse_attributes(patch, schemas.ORDER_NOT_PATCHABLE, why="not patchable")
    body = tmf.validate_body(schemas.ProductOrderPatchIn, patch)
    if "state" in patch and patch["state"] is None:
        raise _body_error("state: cannot be removed")
    if body.state == OrderState.CANCELLED:
        raise _body_error("state: cancel an order with POST cancelProductOrder")
    changes: dict[str, Any] = {}
    if "description" in patch:
        changes["description"] = body.description or ""
    if "requestedCompletionDate" in patch:
        changes["requested_completion"] = body.requested_completion_date
    services.do_patch_product_order(
        now=clock.now(), order=order, changes=changes, state=body.state,
        reason=" ".join(n.text for n in body.note or []).strip(), actor=user,
        channel=Channel.API)
    return tmf.json_response(_order(request, order_for(user, id)))


@router.delete("/productOrder/{id}", response={405: ErrorOut}, include_in_schema=False,
                     summary="Product orders are not deleted")
def delete_order(request: HttpRequest, id: str) -> HttpResponse:
    raise tmf.method_not_allowed("DELETE", "cancel an order with POST cancelProductOrder")


# --- TMF622 cancelProductOrder ------------------------------------------------------------------


def _cancellation(request: HttpRequest, cancellation: OrderCancellation) -> dict[str, Any]:
    return schemas.cancellation_document(
        cancellation, base=tmf.href_base(request, reverse(f"tmf:{CANCEL_COLLECTION}")),
        order_base=_order_base(request))


CANCEL_FILTERS = tmf.FilterSet({
    "id": tmf.Filter("code", many=True, description="Cancellation number(s)"),
    "productOrder.id": tmf.Filter("order__code", description="Order number"),
    "state": tmf.Filter("state", parse=tmf.choice(*OrderCancellation.State.values),
                        many=True, description="accepted, inProgress, done, "
                                               "terminatedWithError"),
}, columns={
    "cancellationReason": tmf.Column("reason", ordered=False),
    "requestedCancellationDate": tmf.Column("requested_at", parse=tmf.parse_datetime),
    "effectiveCancellationDate": tmf.Column("effective_at", parse=tmf.parse_datetime),
})


@router.get(
    "/cancelProductOrder", response={200: list[dict[str, Any]], **ERRORS},
    url_name=CANCEL_COLLECTION, summary="List or find CancelProductOrder objects",
    openapi_extra={"parameters": CANCEL_FILTERS.openapi_parameters()},
)
def list_cancellations(request: HttpRequest) -> HttpResponse:
    return tmf.list_response(
        request, cancellations_visible_to(_user(request)), filters=CANCEL_FILTERS,
        attributes=schemas.CANCEL_ATTRIBUTES, render=lambda c: _cancellation(request, c))


@router.get(
    "/cancelProductOrder/{id}", response={200: dict[str, Any], **ERRORS},
    url_name="cancelProductOrder-item", summary="Retrieve a CancelProductOrder",
    openapi_extra={"parameters": [tmf.FIELDS_PARAMETER]},
)
def retrieve_cancellation(request: HttpRequest, id: str) -> HttpResponse:
    fields = tmf.item_fields(request, schemas.CANCEL_ATTRIBUTES)
    return tmf.item_response(_cancellation(request, cancellation_for(_user(request), id)),
                             fields)


@router.post(
    "/cancelProductOrder", response={201: dict[str, Any], **ERRORS},
    summary="Cancel a ProductOrder",
    openapi_extra={"requestBody": tmf.body_schema(schemas.CancelProductOrderCreateIn)},
)
def create_cancellation(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    _require(permissions.may_change_orders(user), "product orders")
    body = tmf.validate_body(schemas.CancelProductOrderCreateIn, tmf.read_json_object(request))
    try:
        order = order_for(user, body.product_order.id)
    except Http404:
        raise _body_error(f"productOrder.id: no order {body.product_order.id!r} in your "
                          "branch") from None
    cancellation = services.do_cancel_order(now=clock.now(), order=order,
                                            reason=body.cancellation_reason or "",
                                            actor=user, channel=Channel.API)
    return tmf.created_response(_cancellation(request, cancellation))
