"""TMF621 Trouble Ticket and TMF622 Product Ordering v4.

- ``/tmf-api/troubleTicket/v4/troubleTicket``: fault reports (work orders),
  status changes through the TMF621 state machine, ``statusChange`` history.
- ``/tmf-api/productOrderingManagement/v4/productOrder`` and
  ``.../cancelProductOrder``: customer orders and their cancellation.
- ``/hub`` on both for event listeners (``core.events``).

Thin endpoints: read with ``core.tmf``, ask the selectors, write through the
services, answer with the documents of ``schemas``. See ``docs/orders.md``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Router

from telcodesk.core import clock, phone, tmf
from telcodesk.core.events import hub_router
from telcodesk.core.models import Channel, User
from telcodesk.core.roles import Role
from telcodesk.core.selectors import may_see_full_numbers
from telcodesk.core.tmf import ErrorOut
from telcodesk.customers.selectors import (
    customer_for,
    offering_by_code,
    package_by_code,
    subscription_for,
)
from telcodesk.orders.models import (
    CustomerOrder,
    ItemKind,
    OrderCancellation,
    OrderChannel,
    OrderState,
    Severity,
    TicketStatus,
    WorkOrder,
)
from telcodesk.orders.schemas import trouble_tickets as schemas
from telcodesk.orders.selectors.work_orders import (
    cancellation_for,
    cancellations_visible_to,
    order_for,
    orders_visible_to,
    work_order_for,
    work_orders_visible_to,
)
from telcodesk.orders.services import work_orders as services

TICKET_BASE_PATH = schemas.TICKET_BASE_PATH
ORDER_BASE_PATH = schemas.ORDER_BASE_PATH
TICKET_COLLECTION = "troubleTicket-collection"
ORDER_COLLECTION = "productOrder-collection"
CANCEL_COLLECTION = "cancelProductOrder-collection"

ticket_router = Router(tags=["troubleTicket"])
order_router = Router(tags=["productOrder"])
ticket_router.add_router("", hub_router("troubleTicket", "troubleTicket"))
order_router.add_router("", hub_router("productOrder", "productOrder"))

ERRORS: dict[int, Any] = {code: ErrorOut for code in (400, 401, 403, 404, 405, 409, 415)}

# Roles that may report faults and move tickets; everyone in scope may read them.
TICKET_ROLES = frozenset({Role.HOTLINE_AGENT, Role.COUNTER_CLERK, Role.VIP_CLERK,
                          Role.REPAIR_TECHNICIAN, Role.INSTALLER, Role.COMPLAINT_HANDLER,
                          Role.BRANCH_MANAGER, Role.ADMINISTRATOR})
# Roles that may take and change customer orders.
ORDER_ROLES = frozenset({Role.COUNTER_CLERK, Role.VIP_CLERK, Role.HOTLINE_AGENT,
                         Role.BRANCH_MANAGER, Role.ADMINISTRATOR})


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # guaranteed by the API's authentication
    return user


def _require(user: User, roles: frozenset[str], what: str) -> None:
    if not (user.is_superuser or user.has_role(*roles)):
        raise PermissionDenied(f"your role may read {what} but not change them")


def _body_error(message: str) -> tmf.TmfError:
    return tmf.TmfError(tmf.TmfErrorCode.INVALID_BODY, message)


def _created_after(raw: str) -> Q:
    return Q(created_at__gte=tmf.parse_datetime(raw))


# --- TMF621 troubleTicket ---------------------------------------------------------------------


def _ticket_base(request: HttpRequest) -> str:
    return tmf.href_base(request, reverse(f"tmf:{TICKET_COLLECTION}"))


def _order_base(request: HttpRequest) -> str:
    return tmf.href_base(request, reverse(f"tmf:{ORDER_COLLECTION}"))


def _ticket(request: HttpRequest, work_order: WorkOrder) -> dict[str, Any]:
    return schemas.ticket_document(work_order, base=_ticket_base(request),
                                   full_numbers=may_see_full_numbers(_user(request)),
                                   order_base=_order_base(request))


def _line_number(raw: str) -> str:
    try:
        return phone.normalize(raw)
    except phone.InvalidPhoneNumber:
        return raw


TICKET_FILTERS = tmf.FilterSet({
    "id": tmf.Filter("code", many=True, description="Work order number(s)"),
    "status": tmf.Filter("status", parse=tmf.choice(*TicketStatus.values), many=True,
                         description="TMF621 status(es), comma-separated"),
    "ticketType": tmf.Filter("ticket_type", many=True,
                             description="fault, install, move, change, restore"),
    "severity": tmf.Filter("severity", parse=tmf.choice(*Severity.values), many=True,
                           description="critical, major, minor"),
    "relatedParty.id": tmf.Filter("customer__code", description="Customer number"),
    "relatedEntity.id": tmf.Filter("subscription__number", parse=_line_number,
                                   description="The line's number"),
    "channel.id": tmf.Filter("channel", parse=tmf.choice(*OrderChannel.values), many=True,
                             description="counter, self_service, hotline, api"),
    "creationDate.gte": tmf.Filter(_created_after, description="Reported at or after"),
    "creationDate.lt": tmf.Filter("created_at__lt", parse=tmf.parse_datetime,
                                  description="Reported before"),
}, columns={
    "name": tmf.Column("name", ordered=False),
    "description": tmf.Column("description", ordered=False),
    "externalId": tmf.Column("external_id", ordered=False),
    "priority": tmf.Column("priority", parse=tmf.whole_number),
    "creationDate": tmf.Column("created_at", parse=tmf.parse_datetime),
    "lastUpdate": tmf.Column("updated_at", parse=tmf.parse_datetime),
    "statusChangeDate": tmf.Column("status_changed_at", parse=tmf.parse_datetime),
    "resolutionDate": tmf.Column("resolved_at", parse=tmf.parse_datetime),
})


@ticket_router.get(
    "/troubleTicket", response={200: list[dict[str, Any]], **ERRORS},
    url_name=TICKET_COLLECTION, summary="List or find TroubleTicket objects",
    openapi_extra={"parameters": TICKET_FILTERS.openapi_parameters()},
)
def list_tickets(request: HttpRequest) -> HttpResponse:
    return tmf.list_response(
        request, work_orders_visible_to(_user(request)), filters=TICKET_FILTERS,
        attributes=schemas.TICKET_ATTRIBUTES, render=lambda wo: _ticket(request, wo))


@ticket_router.get(
    "/troubleTicket/{id}", response={200: dict[str, Any], **ERRORS},
    url_name="troubleTicket-item", summary="Retrieve a TroubleTicket by its number",
    openapi_extra={"parameters": [tmf.FIELDS_PARAMETER]},
)
def retrieve_ticket(request: HttpRequest, id: str) -> HttpResponse:
    tmf.FilterSet().apply(WorkOrder.objects.none(), request)  # refuses unknown parameters
    fields = tmf.parse_fields(request, schemas.TICKET_ATTRIBUTES)
    work_order = work_order_for(_user(request), id)
    return tmf.json_response(tmf.select_fields(_ticket(request, work_order), fields))


def _request_channel(raw: str | None, default: str) -> str:
    if raw is None:
        return default
    if raw not in OrderChannel.values:
        raise _body_error(f"channel.id: {raw!r} is not one of {', '.join(OrderChannel.values)}")
    return raw


@ticket_router.post(
    "/troubleTicket", response={201: dict[str, Any], **ERRORS},
    summary="Report a fault (creates a repair work order)",
    openapi_extra={"requestBody": tmf.body_schema(schemas.TroubleTicketCreateIn)},
)
def create_ticket(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    _require(user, TICKET_ROLES, "trouble tickets")
    body = tmf.validate_body(schemas.TroubleTicketCreateIn, tmf.read_json_object(request))
    products = [e for e in body.related_entity
                if (e.role or "").lower() in ("affectedproduct", "product", "")
                or e.referred_type == "Product"]
    if len(products) != 1:
        raise _body_error("relatedEntity: name exactly one affected line "
                          "(role affectedProduct, id = its number)")
    line = subscription_for(user, products[0].id)
    if line is None:
        raise _body_error(f"relatedEntity: no live line {products[0].id!r} in your branch")
    for party in body.related_party or []:
        if party.referred_type == "Customer" and party.id != line.customer.code:
            raise _body_error(f"relatedParty: line {phone.mask(line.number)} belongs to "
                              "another customer")
    channel = _request_channel(body.channel.id if body.channel else None, OrderChannel.API)
    work_order = services.do_open_trouble_ticket(
        now=clock.now(), actor=user, channel=channel, subscription=line,
        description=body.description, severity=body.severity, name=body.name or "",
        external_id=body.external_id or "", notes=[n.text for n in body.note or []],
        priority=body.priority, audit_channel=Channel.API)
    work_order = work_order_for(user, work_order.code)
    return tmf.created_response(_ticket(request, work_order))


@ticket_router.patch(
    "/troubleTicket/{id}", response={200: dict[str, Any], **ERRORS},
    summary="Update a TroubleTicket with a JSON merge patch (status moves included)",
    openapi_extra={"requestBody": tmf.body_schema(
        schemas.TroubleTicketPatchIn, tmf.MERGE_PATCH_CONTENT_TYPE, tmf.JSON_CONTENT_TYPE)},
)
def patch_ticket(request: HttpRequest, id: str) -> HttpResponse:
    user = _user(request)
    work_order = work_order_for(user, id)
    _require(user, TICKET_ROLES, "trouble tickets")
    patch = tmf.read_merge_patch(request)
    tmf.refuse_attributes(patch, schemas.TICKET_NOT_PATCHABLE, why="not patchable")
    body = tmf.validate_body(schemas.TroubleTicketPatchIn, patch)
    for attribute in ("description", "severity", "status"):
        if attribute in patch and patch[attribute] is None:
            raise _body_error(f"{attribute}: cannot be removed")
    changes: dict[str, Any] = {}
    for attribute, key in (("name", "name"), ("description", "description"),
                           ("severity", "severity"), ("priority", "priority"),
                           ("externalId", "external_id")):
        if attribute in patch:
            changes[key] = patch[attribute] if patch[attribute] is not None else ""
    if "priority" in changes and changes["priority"] == "":
        raise _body_error("priority: cannot be removed")
    if body.severity is not None:
        changes["severity"] = body.severity  # as validated: "Major" is major
    known_notes = {str(e.pk) for e in work_order.events.all()}
    new_notes = [n for n in body.note or [] if n.id is None or n.id not in known_notes]
    services.do_patch_trouble_ticket(
        now=clock.now(), work_order=work_order, changes=changes,
        notes=[n.text for n in new_notes], status=body.status,
        reason=body.status_change_reason or "", actor=user, channel=Channel.API)
    return tmf.json_response(_ticket(request, work_order_for(user, id)))


@ticket_router.delete("/troubleTicket/{id}", response={405: ErrorOut}, include_in_schema=False,
                      summary="Trouble tickets are not deleted")
def delete_ticket(request: HttpRequest, id: str) -> HttpResponse:
    raise tmf.method_not_allowed("DELETE", "a ticket is cancelled with "
                                 "PATCH {\"status\": \"cancelled\", \"statusChangeReason\": ...}")


# --- TMF622 productOrder ------------------------------------------------------------------------


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


@order_router.get(
    "/productOrder", response={200: list[dict[str, Any]], **ERRORS},
    url_name=ORDER_COLLECTION, summary="List or find ProductOrder objects",
    openapi_extra={"parameters": ORDER_FILTERS.openapi_parameters()},
)
def list_orders(request: HttpRequest) -> HttpResponse:
    return tmf.list_response(
        request, orders_visible_to(_user(request)), filters=ORDER_FILTERS,
        attributes=schemas.ORDER_ATTRIBUTES, render=lambda o: _order(request, o))


@order_router.get(
    "/productOrder/{id}", response={200: dict[str, Any], **ERRORS},
    url_name="productOrder-item", summary="Retrieve a ProductOrder by its number",
    openapi_extra={"parameters": [tmf.FIELDS_PARAMETER]},
)
def retrieve_order(request: HttpRequest, id: str) -> HttpResponse:
    tmf.FilterSet().apply(CustomerOrder.objects.none(), request)
    fields = tmf.parse_fields(request, schemas.ORDER_ATTRIBUTES)
    return tmf.json_response(tmf.select_fields(_order(request, order_for(_user(request), id)),
                                               fields))


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


@order_router.post(
    "/productOrder", response={201: dict[str, Any], **ERRORS},
    summary="Create a ProductOrder",
    openapi_extra={"requestBody": tmf.body_schema(schemas.ProductOrderCreateIn)},
)
def create_order(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    _require(user, ORDER_ROLES, "product orders")
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


@order_router.patch(
    "/productOrder/{id}", response={200: dict[str, Any], **ERRORS},
    summary="Update a ProductOrder with a JSON merge patch",
    openapi_extra={"requestBody": tmf.body_schema(
        schemas.ProductOrderPatchIn, tmf.MERGE_PATCH_CONTENT_TYPE, tmf.JSON_CONTENT_TYPE)},
)
def patch_order(request: HttpRequest, id: str) -> HttpResponse:
    user = _user(request)
    order = order_for(user, id)
    _require(user, ORDER_ROLES, "product orders")
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


@order_router.delete("/productOrder/{id}", response={405: ErrorOut}, include_in_schema=False,
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


@order_router.get(
    "/cancelProductOrder", response={200: list[dict[str, Any]], **ERRORS},
    url_name=CANCEL_COLLECTION, summary="List or find CancelProductOrder objects",
    openapi_extra={"parameters": CANCEL_FILTERS.openapi_parameters()},
)
def list_cancellations(request: HttpRequest) -> HttpResponse:
    return tmf.list_response(
        request, cancellations_visible_to(_user(request)), filters=CANCEL_FILTERS,
        attributes=schemas.CANCEL_ATTRIBUTES, render=lambda c: _cancellation(request, c))


@order_router.get(
    "/cancelProductOrder/{id}", response={200: dict[str, Any], **ERRORS},
    url_name="cancelProductOrder-item", summary="Retrieve a CancelProductOrder",
    openapi_extra={"parameters": [tmf.FIELDS_PARAMETER]},
)
def retrieve_cancellation(request: HttpRequest, id: str) -> HttpResponse:
    tmf.FilterSet().apply(OrderCancellation.objects.none(), request)
    fields = tmf.parse_fields(request, schemas.CANCEL_ATTRIBUTES)
    return tmf.json_response(tmf.select_fields(
        _cancellation(request, cancellation_for(_user(request), id)), fields))


@order_router.post(
    "/cancelProductOrder", response={201: dict[str, Any], **ERRORS},
    summary="Cancel a ProductOrder",
    openapi_extra={"requestBody": tmf.body_schema(schemas.CancelProductOrderCreateIn)},
)
def create_cancellation(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    _require(user, ORDER_ROLES, "product orders")
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
