"""TMF629 Customer API as an integrator sees it: over HTTP, with a bearer token."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from telcodesk.core import clock
from telcodesk.core.models import AuditEntry, Channel
from telcodesk.core.roles import Role
from telcodesk.core.services import do_issue_token, do_revoke_token
from telcodesk.customers.models import Customer, CustomerStatus, PartyType, Tier
from tests.factories import AccountFactory, CustomerFactory, SubscriptionFactory
from tests.tmf_schema import assert_tmf_error, assert_valid

SPEC = "TMF629-Customer-v4.0.0.swagger.json"
BASE = "/tmf-api/customerManagement/v4/customer"
MERGE_PATCH = "application/merge-patch+json"


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch, now):
    """The API reads the time through ``core.clock``: pin it to the test's instant."""
    monkeypatch.setattr(clock, "now", lambda: now)


@pytest.fixture
def client_for(now):
    """A test client presenting a fresh bearer token of ``user``."""

    def make(user) -> Client:
        issued = do_issue_token(now=now, user=user, name="test", actor=None, channel=Channel.CLI)
        return Client(HTTP_AUTHORIZATION=f"Bearer {issued.raw}")

    return make


@pytest.fixture
def people(org, make_staff):
    """Staff at three levels of the tree, and customers in three counties."""

    class People:
        xd_clerk = make_staff("xd-clerk", org.xiaodian, Role.COUNTER_CLERK)
        qx_clerk = make_staff("qx-clerk", org.qingxu, Role.COUNTER_CLERK)
        ty_manager = make_staff("ty-manager", org.taiyuan, Role.BRANCH_MANAGER)
        xd_quality = make_staff("xd-quality", org.xiaodian, Role.QUALITY_MANAGER)
        xd = [CustomerFactory(org_unit=org.xiaodian) for _ in range(5)]
        qx = [CustomerFactory(org_unit=org.qingxu) for _ in range(2)]
        yg = [CustomerFactory(org_unit=org.yungang) for _ in range(3)]

    return People


def codes(response) -> list[str]:
    return [item["id"] for item in response.json()]


def post(client: Client, body, content_type: str = "application/json"):
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(BASE, data=data, content_type=content_type)


def patch(client: Client, code: str, body, content_type: str = MERGE_PATCH):
    data = body if isinstance(body, str) else json.dumps(body)
    return client.patch(f"{BASE}/{code}", data=data, content_type=content_type)


NEW_CUSTOMER = {
    "name": "李雷",
    "engagedParty": {"@referredType": "Individual"},
    "contactMedium": [
        {"mediumType": "mobile", "preferred": True,
         "characteristic": {"phoneNumber": "138 1234 5678"}},
        {"mediumType": "email", "characteristic": {"emailAddress": "lilei@example.com"}},
    ],
    "characteristic": [
        {"name": "tier", "value": "gold"},
        {"name": "orgUnit", "value": "ty-xd-01"},
    ],
}


# --- list ---------------------------------------------------------------------------------


def test_list_is_scoped_to_the_branch_subtree(people, client_for):
    response = client_for(people.ty_manager).get(BASE)
    assert response.status_code == 200
    assert_valid(spec=SPEC, definition="Customer", instance=response.json())
    expected = sorted(c.code for c in people.xd + people.qx)
    assert codes(response) == expected
    assert response["X-Total-Count"] == "7"
    assert response["X-Result-Count"] == "7"

    clerk = client_for(people.xd_clerk).get(BASE)
    assert codes(clerk) == sorted(c.code for c in people.xd)


def test_list_representation(people, client_for, now):
    customer = people.xd[0]
    AccountFactory(customer=customer, number="A100000001", name="李家宽带")
    first = client_for(people.xd_clerk).get(BASE, {"id": customer.code}).json()[0]
    assert first["id"] == customer.code
    assert first["href"] == f"http://testserver{BASE}/{customer.code}"
    assert first["@type"] == "Customer"
    assert first["status"] == "active"
    assert first["validFor"] == {"startDateTime": "2025-01-01T01:00:00Z"}
    assert first["engagedParty"] == {"id": customer.code, "name": customer.name,
                                     "role": "customer", "@referredType": "Individual"}
    assert first["account"] == [{"id": "A100000001", "name": "李家宽带",
                                 "@referredType": "BillingAccount"}]
    assert {c["name"]: c["value"] for c in first["characteristic"]} == {
        "tier": "ordinary", "orgUnit": "ty-xd", "partyType": "individual"}
    assert "statusReason" not in first  # empty values are left out, never null


def test_a_listed_customer_is_the_customer_retrieved_alone(people, client_for):
    """The list prefetches accounts its own way: each item is still the single GET's."""
    AccountFactory(customer=people.xd[0], number="A200000002", name="李家宽带")
    AccountFactory(customer=people.xd[0], number="A100000001", name="李家手机")
    for user in (people.ty_manager, people.xd_clerk):
        client = client_for(user)
        listed = client.get(BASE).json()
        assert any(len(customer["account"]) >= 2 for customer in listed)
        for customer in listed:
            assert client.get(f"{BASE}/{customer['id']}").json() == customer


def test_paging_headers_and_offset_past_the_end(people, client_for):
    client = client_for(people.ty_manager)
    all_codes = sorted(c.code for c in people.xd + people.qx)

    page = client.get(BASE, {"limit": 3})
    assert codes(page) == all_codes[:3]
    assert (page["X-Total-Count"], page["X-Result-Count"]) == ("7", "3")

    last = client.get(BASE, {"offset": 6, "limit": 3})
    assert codes(last) == all_codes[6:]
    assert (last["X-Total-Count"], last["X-Result-Count"]) == ("7", "1")

    beyond = client.get(BASE, {"offset": 50})
    assert beyond.status_code == 200
    assert beyond.json() == []
    assert (beyond["X-Total-Count"], beyond["X-Result-Count"]) == ("7", "0")


def test_default_limit_comes_from_settings(people, client_for, settings):
    settings.TELCODESK_API_DEFAULT_LIMIT = 2
    response = client_for(people.ty_manager).get(BASE)
    assert (response["X-Total-Count"], response["X-Result-Count"]) == ("7", "2")


@pytest.mark.parametrize("query", [{"limit": "0"}, {"limit": "abc"}, {"offset": "-1"},
                                   {"limit": "1001"}, {"offset": "1.5"}])
def test_bad_paging_values_are_refused(people, client_for, query):
    body = assert_tmf_error(client_for(people.xd_clerk).get(BASE, query), 400)
    assert next(iter(query)) in body["message"]


def test_fields_selects_first_level_attributes(people, client_for):
    response = client_for(people.xd_clerk).get(BASE, {"fields": "name,status", "limit": 1})
    assert response.status_code == 200
    (item,) = response.json()
    assert set(item) == {"id", "href", "@type", "name", "status"}

    one = client_for(people.xd_clerk).get(f"{BASE}/{people.xd[0].code}", {"fields": "name"})
    assert set(one.json()) == {"id", "href", "@type", "name"}


def test_unknown_field_is_refused(people, client_for):
    body = assert_tmf_error(client_for(people.xd_clerk).get(BASE, {"fields": "name,shoeSize"}),
                            400)
    assert "shoeSize" in body["message"]
    assert "contactMedium" in body["message"]  # lists the known ones


def test_unknown_filter_is_refused_with_the_allowed_list(people, client_for):
    body = assert_tmf_error(client_for(people.xd_clerk).get(BASE, {"colour": "red"}), 400)
    assert body["code"] == "unknown_filter"
    assert "colour" in body["message"]
    assert "engagedParty.id" in body["message"]
    assert "status" in body["message"]


@pytest.mark.parametrize("query", [
    {"status": "sleeping"},
    {"engagedParty.@referredType": "Robot"},
    {"contactMedium.phoneNumber": "12"},
    {"validFor.startDateTime.gte": "yesterday"},
    {"characteristic.tier": "platinum"},
])
def test_malformed_filter_values_are_refused(people, client_for, query):
    body = assert_tmf_error(client_for(people.xd_clerk).get(BASE, query), 400)
    assert next(iter(query)) in body["message"]


def test_attribute_filters(org, people, client_for):
    vip = people.xd[1]
    vip.tier, vip.status = Tier.GOLD, CustomerStatus.SUSPENDED
    vip.save()
    firm = CustomerFactory(org_unit=org.xiaodian_outlet, party_type=PartyType.ENTERPRISE,
                           name="小店钢铁有限公司", contact_phone="+8613800000001")
    client = client_for(people.ty_manager)

    assert codes(client.get(BASE, {"status": "suspended"})) == [vip.code]
    assert len(codes(client.get(BASE, {"status": "active,suspended"}))) == 8
    assert codes(client.get(BASE, {"characteristic.tier": "gold,diamond"})) == [vip.code]
    assert codes(client.get(BASE, {"engagedParty.@referredType": "Organization"})) == [firm.code]
    assert codes(client.get(BASE, {"engagedParty.id": firm.code})) == [firm.code]
    assert codes(client.get(BASE, {"name": firm.name})) == [firm.code]
    assert codes(client.get(BASE, {"name.contains": "钢铁"})) == [firm.code]
    assert codes(client.get(BASE, {"contactMedium.phoneNumber": "138-0000-0001"})) == [firm.code]
    assert codes(client.get(BASE, {"characteristic.orgUnit": "ty-qx"})) == sorted(
        c.code for c in people.qx)
    # A branch outside the viewer's subtree filters down to nothing, it does not widen.
    assert codes(client.get(BASE, {"characteristic.orgUnit": "dt"})) == []
    assert codes(client.get(BASE, {"status": "active", "characteristic.orgUnit": "ty-xd-01"})) \
        == [firm.code]


# --- retrieve -----------------------------------------------------------------------------


def test_retrieve_by_customer_number(people, client_for):
    customer = people.xd[0]
    response = client_for(people.xd_clerk).get(f"{BASE}/{customer.code}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert_valid(spec=SPEC, definition="Customer", instance=response.json())
    assert response.json()["id"] == customer.code


def test_another_branch_customer_is_not_found(people, client_for):
    clerk = client_for(people.xd_clerk)
    qingxu_customer = people.qx[0]
    body = assert_tmf_error(clerk.get(f"{BASE}/{qingxu_customer.code}"), 404)
    assert body["code"] == "customer_not_found"
    assert codes(clerk.get(BASE, {"id": qingxu_customer.code})) == []
    assert_tmf_error(patch(clerk, qingxu_customer.code, {"name": "x"}), 404)
    # The city manager above both counties sees both.
    manager = client_for(people.ty_manager)
    assert manager.get(f"{BASE}/{qingxu_customer.code}").status_code == 200
    assert manager.get(f"{BASE}/{people.xd[0].code}").status_code == 200
    # ... but not Datong's.
    assert_tmf_error(manager.get(f"{BASE}/{people.yg[0].code}"), 404)


def test_unknown_customer_is_not_found(people, client_for):
    body = assert_tmf_error(client_for(people.xd_clerk).get(f"{BASE}/C999999999"), 404)
    assert "C999999999" in body["message"]


def test_retrieve_refuses_unknown_parameters(people, client_for):
    assert_tmf_error(client_for(people.xd_clerk).get(f"{BASE}/{people.xd[0].code}",
                                                      {"expand": "all"}), 400)


# --- phone masking ------------------------------------------------------------------------


def test_phone_is_masked_unless_the_role_allows_full_numbers(people, client_for):
    customer = people.xd[0]
    customer.contact_phone = "+8613912345678"
    customer.save()

    def phone_of(user) -> str:
        body = client_for(user).get(f"{BASE}/{customer.code}").json()
        (medium,) = [m for m in body["contactMedium"] if m["mediumType"] == "mobile"]
        return medium["characteristic"]["phoneNumber"]

    assert phone_of(people.xd_quality) == "139****5678"
    assert phone_of(people.xd_clerk) == "+8613912345678"
    listed = client_for(people.xd_quality).get(BASE, {"id": customer.code}).json()[0]
    assert "13912345678" not in json.dumps(listed)


# --- create -------------------------------------------------------------------------------


def test_create_customer(people, client_for, now):
    response = post(client_for(people.xd_clerk), NEW_CUSTOMER)
    assert response.status_code == 201, response.content
    body = response.json()
    assert_valid(spec=SPEC, definition="Customer", instance=body)
    assert re.fullmatch(r"C\d{9}", body["id"])
    assert response["Location"] == body["href"] == f"http://testserver{BASE}/{body['id']}"
    assert body["validFor"] == {"startDateTime": "2025-09-30T02:00:00Z"}
    assert body["engagedParty"]["@referredType"] == "Individual"
    traits = {c["name"]: c["value"] for c in body["characteristic"]}
    assert traits == {"tier": "gold", "orgUnit": "ty-xd-01", "partyType": "individual"}
    phone = body["contactMedium"][0]
    assert phone["mediumType"] == "mobile"
    assert phone["characteristic"]["phoneNumber"] == "+8613812345678"  # a clerk sees it all

    stored = Customer.objects.get(code=body["id"])
    assert stored.contact_phone == "+8613812345678"
    assert stored.email == "lilei@example.com"
    assert stored.org_unit.code == "ty-xd-01"
    assert stored.active_from == now
    entry = AuditEntry.objects.get(action="customer.create", target_id=body["id"])
    assert (entry.channel, entry.actor) == ("api", people.xd_clerk)
    assert "13812345678" not in json.dumps(entry.details) + entry.summary

    # It can be fetched back at its Location.
    assert client_for(people.xd_clerk).get(response["Location"]).json() == body


def test_create_defaults_to_the_callers_branch(people, client_for):
    body = post(client_for(people.qx_clerk),
                {"name": "王芳", "engagedParty": {"@referredType": "Organization"}}).json()
    traits = {c["name"]: c["value"] for c in body["characteristic"]}
    assert traits == {"tier": "ordinary", "orgUnit": "ty-qx", "partyType": "enterprise"}


def test_customer_numbers_follow_the_highest_in_use(people, client_for):
    Customer.objects.filter(pk=people.xd[0].pk).update(code="C000500000")
    CustomerFactory(org_unit=people.xd[0].org_unit, code="C12")  # another shape: ignored
    first = post(client_for(people.xd_clerk), NEW_CUSTOMER).json()["id"]
    second = post(client_for(people.xd_clerk), NEW_CUSTOMER).json()["id"]
    assert (first, second) == ("C000500001", "C000500002")


@pytest.mark.parametrize(("body", "content_type", "status", "mentions"), [
    ("{not json", "application/json", 400, "JSON"),
    ("[1, 2]", "application/json", 400, "object"),
    ({"name": "李雷"}, "application/json", 400, "engagedParty"),
    ({"engagedParty": {"@referredType": "Individual"}}, "application/json", 400, "name"),
    ({**NEW_CUSTOMER, "engagedParty": {"@referredType": "Robot"}}, "application/json", 400,
     "engagedParty.@referredType"),
    ({**NEW_CUSTOMER, "agreement": [{"id": "1"}]}, "application/json", 400, "agreement"),
    ({**NEW_CUSTOMER, "contactMedium": [{"mediumType": "mobile",
                                         "characteristic": {"phoneNumber": "12345"}}]},
     "application/json", 400, "phone"),
    ({**NEW_CUSTOMER, "characteristic": [{"name": "orgUnit", "value": "dt-yg"}]},
     "application/json", 400, "dt-yg"),
    ({**NEW_CUSTOMER, "characteristic": [{"name": "orgUnit", "value": "nowhere"}]},
     "application/json", 400, "nowhere"),
    ({**NEW_CUSTOMER, "characteristic": [{"name": "tier", "value": "platinum"}]},
     "application/json", 400, "tier"),
    ({**NEW_CUSTOMER, "characteristic": [{"name": "shoeSize", "value": "42"}]},
     "application/json", 400, "shoeSize"),
    ({**NEW_CUSTOMER, "status": "closed"}, "application/json", 400, "status"),
    (NEW_CUSTOMER, "text/plain", 415, "Content-Type"),
    (NEW_CUSTOMER, "application/x-www-form-urlencoded", 415, "Content-Type"),
])
def test_bad_create_requests_change_nothing(people, client_for, body, content_type, status,
                                            mentions):
    client = client_for(people.xd_clerk)
    before = (Customer.objects.count(), AuditEntry.objects.filter(action="customer.create")
              .count())
    error = assert_tmf_error(post(client, body, content_type), status)
    assert mentions in error["message"]
    after = (Customer.objects.count(), AuditEntry.objects.filter(action="customer.create")
             .count())
    assert after == before


def test_customers_belong_to_a_county_or_an_outlet(people, client_for):
    before = Customer.objects.count()
    body = {**NEW_CUSTOMER, "characteristic": [{"name": "orgUnit", "value": "ty"}]}
    error = assert_tmf_error(post(client_for(people.ty_manager), body), 400)
    assert "county" in error["message"]
    # Without orgUnit, a city manager's own unit is not a customer's branch either.
    bare = {"name": "王芳", "engagedParty": {"@referredType": "Individual"}}
    assert_tmf_error(post(client_for(people.ty_manager), bare), 400)
    assert Customer.objects.count() == before


def test_a_role_without_editing_rights_cannot_create(people, client_for):
    before = Customer.objects.count()
    assert_tmf_error(post(client_for(people.xd_quality), NEW_CUSTOMER), 403)
    assert Customer.objects.count() == before


# --- patch --------------------------------------------------------------------------------


def test_patch_status_and_status_reason(people, client_for):
    client = client_for(people.xd_clerk)
    code = people.xd[0].code
    response = patch(client, code, {"status": "suspended", "statusReason": "欠费停机"})
    assert response.status_code == 200, response.content
    assert_valid(spec=SPEC, definition="Customer", instance=response.json())
    assert (response.json()["status"], response.json()["statusReason"]) == ("suspended",
                                                                            "欠费停机")
    entry = AuditEntry.objects.get(action="customer.update", target_id=code)
    assert entry.details["status"] == ["active", "suspended"]

    # null removes an optional attribute (RFC 7386)
    cleared = patch(client, code, {"statusReason": None})
    assert cleared.status_code == 200
    assert "statusReason" not in cleared.json()
    assert Customer.objects.get(code=code).status_reason == ""
    assert Customer.objects.get(code=code).status == CustomerStatus.SUSPENDED


def test_patch_accepts_plain_json_too(people, client_for):
    response = patch(client_for(people.xd_clerk), people.xd[0].code, {"name": "张三丰"},
                     content_type="application/json")
    assert response.status_code == 200
    assert response.json()["name"] == "张三丰"
    assert response.json()["engagedParty"]["name"] == "张三丰"


def test_patch_contact_medium_replaces_the_list(people, client_for):
    customer = people.xd[0]
    customer.email = "old@example.com"
    customer.save()
    body = patch(client_for(people.xd_clerk), customer.code, {"contactMedium": [
        {"mediumType": "mobile", "characteristic": {"phoneNumber": "+86 139-1111-2222"}}]}).json()
    assert [m["mediumType"] for m in body["contactMedium"]] == ["mobile"]
    customer.refresh_from_db()
    assert (customer.contact_phone, customer.email) == ("+8613911112222", "")


def test_patch_tier_through_characteristic(people, client_for):
    code = people.xd[0].code
    body = patch(client_for(people.xd_clerk), code, {"characteristic": [
        {"name": "tier", "value": "diamond"}, {"name": "orgUnit", "value": "ty-xd"}]}).json()
    assert {c["name"]: c["value"] for c in body["characteristic"]}["tier"] == "diamond"
    assert Customer.objects.get(code=code).tier == Tier.DIAMOND


def test_patch_that_changes_nothing_writes_nothing(people, client_for):
    customer = people.xd[0]
    response = patch(client_for(people.xd_clerk), customer.code, {"name": customer.name})
    assert response.status_code == 200
    assert not AuditEntry.objects.filter(action="customer.update").exists()


@pytest.mark.parametrize(("body", "content_type", "status", "mentions"), [
    ({"id": "C000000001"}, MERGE_PATCH, 400, "id"),
    ({"href": "http://elsewhere/"}, MERGE_PATCH, 400, "href"),
    ({"engagedParty": {"@referredType": "Organization"}}, MERGE_PATCH, 400, "engagedParty"),
    ({"status": "sleeping"}, MERGE_PATCH, 400, "status"),
    ({"status": None}, MERGE_PATCH, 400, "status"),
    ({"name": None}, MERGE_PATCH, 400, "name"),
    ({"name": "  "}, MERGE_PATCH, 400, "name"),
    ({"characteristic": [{"name": "orgUnit", "value": "ty-qx"}]}, MERGE_PATCH, 400, "orgUnit"),
    ({"contactMedium": [{"mediumType": "mobile", "characteristic": {"phoneNumber": "1"}}]},
     MERGE_PATCH, 400, "phone"),
    ({"creditProfile": []}, MERGE_PATCH, 400, "creditProfile"),
    ("{", MERGE_PATCH, 400, "JSON"),
    ('[{"op": "replace", "path": "/name", "value": "x"}]', "application/json-patch+json", 415,
     "Content-Type"),
    ({"name": "x"}, "text/plain", 415, "Content-Type"),
])
def test_bad_patches_change_nothing(people, client_for, body, content_type, status, mentions):
    customer = people.xd[0]
    before = Customer.objects.values().get(pk=customer.pk)
    error = assert_tmf_error(patch(client_for(people.xd_clerk), customer.code, body,
                                   content_type), status)
    assert mentions in error["message"]
    assert Customer.objects.values().get(pk=customer.pk) == before
    assert not AuditEntry.objects.filter(action="customer.update").exists()


def test_closed_is_final_and_needs_subscriptions_terminated(people, client_for, now):
    client = client_for(people.xd_clerk)
    holder, other = people.xd[0], people.xd[1]
    SubscriptionFactory(account=AccountFactory(customer=holder))
    body = assert_tmf_error(patch(client, holder.code, {"status": "closed"}), 409)
    assert "subscription" in body["message"]

    closed = patch(client, other.code, {"status": "closed", "statusReason": "销户"})
    assert closed.status_code == 200
    assert closed.json()["validFor"]["endDateTime"] == "2025-09-30T02:00:00Z"
    assert_tmf_error(patch(client, other.code, {"status": "active"}), 409)
    assert Customer.objects.get(pk=other.pk).status == CustomerStatus.CLOSED


def test_a_role_without_editing_rights_cannot_patch(people, client_for):
    assert_tmf_error(patch(client_for(people.xd_quality), people.xd[0].code, {"name": "x"}), 403)


# --- unsupported methods, authentication ---------------------------------------------------


def test_delete_is_not_supported(people, client_for):
    client = client_for(people.xd_clerk)
    body = assert_tmf_error(client.delete(f"{BASE}/{people.xd[0].code}"), 405)
    assert "status" in body["message"]
    assert Customer.objects.filter(pk=people.xd[0].pk).exists()
    response = client.put(f"{BASE}/{people.xd[0].code}", data="{}",
                          content_type="application/json")
    assert_tmf_error(response, 405)
    assert "PATCH" in response["Allow"]


def test_missing_unknown_and_revoked_tokens_get_401(people, now):
    customer_url = f"{BASE}/{people.xd[0].code}"
    response = Client().get(customer_url)
    assert_tmf_error(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert_tmf_error(Client(HTTP_AUTHORIZATION="Bearer tdk_nope_nope").get(customer_url), 401)

    issued = do_issue_token(now=now, user=people.xd_clerk, name="x", actor=None,
                            channel=Channel.CLI)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {issued.raw}")
    assert client.get(customer_url).status_code == 200
    issued.token.refresh_from_db()
    assert issued.token.last_used_at == now
    do_revoke_token(now=now, token=issued.token, actor=None, channel=Channel.CLI)
    assert_tmf_error(client.get(customer_url), 401)
    assert_tmf_error(post(client, NEW_CUSTOMER), 401)


def test_token_of_an_inactive_user_is_refused(people, client_for):
    client = client_for(people.xd_clerk)
    people.xd_clerk.is_active = False
    people.xd_clerk.save()
    assert_tmf_error(client.get(BASE), 401)


def test_console_session_can_read_and_needs_csrf_to_write(people):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(people.xd_clerk)
    response = browser.get(f"{BASE}/{people.xd[0].code}")
    assert response.status_code == 200
    assert response.json()["id"] == people.xd[0].code
    before = Customer.objects.count()
    assert_tmf_error(post(browser, NEW_CUSTOMER), 403)
    assert Customer.objects.count() == before


def test_a_bad_token_is_refused_even_with_a_session(people):
    browser = Client(HTTP_AUTHORIZATION="Bearer tdk_stolen_or_old")
    browser.force_login(people.xd_clerk)
    assert_tmf_error(browser.get(BASE), 401)
