"""TMF622 Product Ordering as an integrator sees it: orders, cancellation, scoping."""

from __future__ import annotations

import copy
import json

import pytest
from django.test import Client

from telcodesk.core import clock
from telcodesk.core.models import Channel
from telcodesk.core.services import do_issue_token
from telcodesk.orders.models import CustomerOrder, VasSubscription
from tests.orders.orders_support import make_household, outbox
from tests.tmf_schema import assert_tmf_error, assert_valid

SPEC = "TMF622-ProductOrdering-v4.0.0.swagger.json"
BASE = "/tmf-api/productOrderingManagement/v4/productOrder"
CANCEL = "/tmf-api/productOrderingManagement/v4/cancelProductOrder"

# Shared fixtures (see orders_support).


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch, now):
    monkeypatch.setattr(clock, "now", lambda: now)


@pytest.fixture
def client_for(now):
    def make(user) -> Client:
        issued = do_issue_token(now=now, user=user, name="test", actor=None, channel=Channel.CLI)
        return Client(HTTP_AUTHORIZATION=f"Bearer {issued.raw}")

    return make


def valid_order(document):
    """Validate a ProductOrder strictly.

    TMF622 v4.0.0's ``Characteristic`` lacks the ``value`` attribute (an erratum
    of that release, fixed in later ones); ``productCharacteristic`` carries it,
    so it is set aside before the strict check and asserted separately.
    """
    documents = document if isinstance(document, list) else [document]
    stripped = copy.deepcopy(documents)
    for order in stripped:
        for item in order["productOrderItem"]:
            for characteristic in item.get("product", {}).get("productCharacteristic", []):
                assert "value" in characteristic
                del characteristic["value"]
    assert_valid(spec=SPEC, definition="ProductOrder", instance=stripped)


def order_body(customer_code, *items, channel="api"):
    return {"relatedParty": [{"id": customer_code, "@referredType": "Customer",
                              "role": "customer"}],
            "channel": [{"id": channel}], "productOrderItem": list(items)}


def item(action, *, offering=None, product=None, kind=None, **chars):
    body = {"id": "1", "action": action}
    if offering:
        body["productOffering"] = {"id": offering}
    characteristics = [{"name": k, "value": v} for k, v in chars.items()]
    if kind:
        characteristics.append({"name": "itemKind", "value": kind})
    if product or characteristics:
        body["product"] = {k: v for k, v in (("id", product),) if v}
        if characteristics:
            body["product"]["productCharacteristic"] = characteristics
    return body


def post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def error(response, status):
    return assert_tmf_error(response, status, spec=SPEC)


def test_package_change_order_completes(home, shop, staff, client_for):
    client = client_for(staff.clerk)
    response = post(client, BASE, order_body(
        home.customer.code, item("modify", offering="m99", product=home.mobile.number)))

    assert response.status_code == 201, response.content
    order = response.json()
    valid_order(order)
    assert response["Location"] == order["href"]
    assert order["id"].startswith("PO") and order["state"] == "completed"
    assert order["productOrderItem"][0]["productOffering"]["id"] == "m99"
    kind = order["productOrderItem"][0]["product"]["productCharacteristic"][0]
    assert kind == {"name": "itemKind", "valueType": "string", "value": "package_change"}
    home.mobile.refresh_from_db()
    assert home.mobile.package == shop.mobile_99
    assert len(outbox("package_change")) == 1


def test_vas_order_awaits_the_subscribers_confirmation(home, shop, staff, client_for):
    client = client_for(staff.agent)
    response = post(client, BASE, order_body(
        home.customer.code, item("add", offering="music", product=home.mobile.number),
        channel="hotline"))

    order = response.json()
    assert response.status_code == 201
    valid_order(order)
    assert order["state"] == "pending"
    assert not VasSubscription.objects.exists()
    assert len(outbox("vas_confirmation")) == 1


def test_suspension_needs_the_item_kind(home, staff, client_for):
    client = client_for(staff.clerk)
    error(post(client, BASE, order_body(home.customer.code,
                                        item("modify", product=home.mobile.number))), 400)

    response = post(client, BASE, order_body(
        home.customer.code, item("modify", product=home.mobile.number, kind="suspension",
                                 reason="出国")))

    assert response.status_code == 201
    home.mobile.refresh_from_db()
    assert home.mobile.status == "suspended"


def test_counter_order_pending_until_signed(home, staff, client_for):
    response = post(client_for(staff.clerk), BASE, order_body(
        home.customer.code, item("modify", offering="m99", product=home.mobile.number),
        channel="counter"))
    assert response.json()["state"] == "pending"


def test_bad_orders_are_refused(org, shop, home, staff, client_for):
    client = client_for(staff.clerk)
    other = make_household(org.qingxu, shop)
    cases = [
        order_body(home.customer.code),  # no item
        order_body(home.customer.code, item("modify", offering="nope",
                                            product=home.mobile.number)),
        order_body(home.customer.code, item("add", offering="m99", product=home.mobile.number,
                                            kind="package_change")),  # wrong action
        order_body(other.customer.code, item("modify", offering="m99",
                                             product=other.mobile.number)),  # other county
        order_body(home.customer.code, item("modify", offering="m99",
                                            product=other.mobile.number)),
        {"productOrderItem": [item("modify", offering="m99", product=home.mobile.number)]},
    ]
    for body in cases:
        error(post(client, BASE, body), 400)
    assert not CustomerOrder.objects.exists()
    error(post(client_for(staff.tech), BASE, order_body(
        home.customer.code, item("modify", offering="m99", product=home.mobile.number))), 403)


def test_list_retrieve_patch_and_scope(home, staff, client_for):
    client = client_for(staff.clerk)
    created = post(client, BASE, order_body(
        home.customer.code, item("modify", offering="m99", product=home.mobile.number),
        channel="counter")).json()

    listed = client.get(BASE, {"state": "pending"})
    assert listed["X-Total-Count"] == "1"
    valid_order(listed.json())
    assert client.get(BASE, {"relatedParty.id": "C999"}).json() == []
    retrieved = client.get(f"{BASE}/{created['id']}", {"fields": "state"}).json()
    assert retrieved == {"id": created["id"], "href": created["href"],
                         "@type": "ProductOrder", "state": "pending"}

    response = client.patch(f"{BASE}/{created['id']}",
                            data=json.dumps({"description": "客户要求月初生效",
                                             "state": "held",
                                             "note": [{"text": "等待客户证件"}]}),
                            content_type="application/merge-patch+json")
    assert response.status_code == 200, response.content
    patched = response.json()
    valid_order(patched)
    assert (patched["state"], patched["description"]) == ("held", "客户要求月初生效")

    body = error(client.patch(f"{BASE}/{created['id']}", data=json.dumps({"state": "completed"}),
                              content_type="application/merge-patch+json"), 409)
    assert body["code"] == "illegal_transition"
    error(client.patch(f"{BASE}/{created['id']}", data=json.dumps({"id": "PO1"}),
                       content_type="application/merge-patch+json"), 400)

    outsider = client_for(staff.qx_clerk)
    error(outsider.get(f"{BASE}/{created['id']}"), 404)
    error(client.delete(f"{BASE}/{created['id']}"), 405)


def test_cancel_product_order(home, shop, staff, client_for):
    client = client_for(staff.agent)
    order = post(client, BASE, order_body(
        home.customer.code, item("add", offering="music", product=home.mobile.number),
        channel="hotline")).json()

    error(post(client, CANCEL, {"productOrder": {"id": order["id"]}}), 400)  # no reason
    response = post(client, CANCEL, {"productOrder": {"id": order["id"]},
                                     "cancellationReason": "客户改变主意"})

    assert response.status_code == 201, response.content
    cancellation = response.json()
    assert_valid(spec=SPEC, definition="CancelProductOrder", instance=cancellation)
    assert cancellation["state"] == "done"
    assert cancellation["productOrder"]["id"] == order["id"]
    cancelled = client.get(f"{BASE}/{order['id']}").json()
    assert (cancelled["state"], cancelled["cancellationReason"]) == ("cancelled", "客户改变主意")
    assert not VasSubscription.objects.exists()

    listed = client.get(CANCEL, {"productOrder.id": order["id"]})
    assert_valid(spec=SPEC, definition="CancelProductOrder", instance=listed.json())
    assert client.get(f"{CANCEL}/{cancellation['id']}").json()["id"] == cancellation["id"]
    body = error(post(client, CANCEL, {"productOrder": {"id": order["id"]},
                                       "cancellationReason": "again"}), 409)
    assert body["code"] == "illegal_transition"
    error(post(client_for(staff.qx_clerk), CANCEL, {"productOrder": {"id": order["id"]},
                                                    "cancellationReason": "x"}), 400)
    error(client_for(staff.qx_clerk).get(f"{CANCEL}/{cancellation['id']}"), 404)
