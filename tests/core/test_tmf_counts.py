"""X-Total-Count without counting a large scope on every page (``tmf.count_matches``)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client

from telcodesk.core import tmf
from telcodesk.core.models import Channel, OrgUnit
from telcodesk.core.roles import Role
from telcodesk.core.services import do_create_org_unit, do_issue_token
from tests.factories import CustomerFactory

CUSTOMERS = "/tmf-api/customerManagement/v4/customer"


@pytest.fixture(autouse=True)
def _private_cache(settings, request):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": f"telcodesk-test-{request.node.nodeid}"}}
    cache.clear()


def test_count_is_exact_up_to_the_limit(org, settings):
    units = OrgUnit.objects.order_by("path")
    settings.TELCODESK_API_EXACT_COUNT_LIMIT = 8
    total = tmf.count_matches(units)
    assert (total, total.exact) == (8, True)


def test_count_above_the_limit_is_marked_and_never_below_it(org, settings):
    units = OrgUnit.objects.order_by("path")
    settings.TELCODESK_API_EXACT_COUNT_LIMIT = 5
    total = tmf.count_matches(units)
    assert total.exact is False and total >= 6
    if connection.vendor != "postgresql":
        # Counted once, then kept: a new unit shows after the cache time only.
        assert total == 8
        do_create_org_unit(code="ty-jy", name="晋源区分公司", kind="county", parent=org.taiyuan,
                           area="urban")
        assert tmf.count_matches(units) == 8
        cache.clear()
        assert tmf.count_matches(units) == 9


def test_a_short_first_page_needs_no_count(org, django_assert_num_queries):
    units = OrgUnit.objects.order_by("path")
    with django_assert_num_queries(1):
        items, total = tmf.paginate(units, tmf.Page(offset=0, limit=20))
    assert (len(items), total, total.exact) == (8, 8, True)
    with django_assert_num_queries(2):  # a full page: is there more?
        items, total = tmf.paginate(units, tmf.Page(offset=0, limit=8))
    assert (len(items), total, total.exact) == (8, 8, True)


@pytest.fixture
def api_client(org, make_staff, now) -> Client:
    manager = make_staff("manager_ty", org.taiyuan, Role.BRANCH_MANAGER)
    issued = do_issue_token(now=now, user=manager, name="t", actor=None, channel=Channel.CLI)
    return Client(HTTP_AUTHORIZATION=f"Bearer {issued.raw}")


def test_list_headers_say_whether_the_total_is_exact(api_client, org, settings):
    for _ in range(5):
        CustomerFactory(org_unit=org.xiaodian)
    exact = api_client.get(CUSTOMERS, {"limit": "2"})
    assert exact.status_code == 200
    assert (exact["X-Total-Count"], exact["X-Total-Count-Exact"], exact["X-Result-Count"]) == (
        "5", "true", "2")
    settings.TELCODESK_API_EXACT_COUNT_LIMIT = 3
    above = api_client.get(CUSTOMERS, {"limit": "2"})
    assert above["X-Total-Count-Exact"] == "false"
    assert int(above["X-Total-Count"]) >= 4 and above["X-Result-Count"] == "2"
    # The last page is short: its total is exact whatever the limit.
    last = api_client.get(CUSTOMERS, {"limit": "2", "offset": "4"})
    assert (last["X-Total-Count"], last["X-Total-Count-Exact"], last["X-Result-Count"]) == (
        "5", "true", "1")


def test_console_paginator_counts_by_the_same_rule(org, settings):
    from telcodesk.core.paging import ScopePaginator

    units = OrgUnit.objects.order_by("path")
    exact = ScopePaginator(units, 3)
    assert (exact.count, exact.count_exact, exact.num_pages) == (8, True, 3)
    settings.TELCODESK_API_EXACT_COUNT_LIMIT = 5
    above = ScopePaginator(units, 3)
    assert above.count_exact is False and above.count >= 6
    assert [unit.code for unit in above.get_page(1).object_list] == ["op", "sx", "dt"]
    assert ScopePaginator([1, 2, 3], 2).count_exact is True
