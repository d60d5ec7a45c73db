"""From a figure to the records behind it, and from a record to how its time was counted."""

from __future__ import annotations

import pytest
from django.test import Client

from telcodesk.core.roles import Role
from telcodesk.quality.indicators.compute import indicator_report
from telcodesk.quality.indicators.drilldown import drill_url, late_url, records_behind
from telcodesk.quality.indicators.periods import parse_period

H2 = parse_period("2025H2")


@pytest.fixture
def manager(operator, make_staff):
    return make_staff("qm", operator.province, Role.QUALITY_MANAGER)


def browser(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_the_late_repairs_of_a_rural_county(operator, manager):
    report = indicator_report(period=H2)
    qingxu = next(t for t in report.counties if t.scope.unit_code == "ty-qx")
    result = qingxu.get("fixed_repair_timely")
    url = late_url(result, H2, qingxu.scope)
    assert url == ("/console/quality/records/?code=fixed_repair_timely&period=2025H2"
                   "&unit=ty-qx&late=1")
    page = browser(manager).get(url)
    assert page.status_code == 200
    text = page.content.decode()
    clock, = records_behind(user=manager, code="fixed_repair_timely", period=H2,
                            unit_code="ty-qx", only_late=True).records
    assert "Fault repair" in text and "54.00 hours" in text and "✗ Late" in text
    assert f'/console/quality/clocks/{clock.pk}/' in text  # the SLA explanation
    assert clock.subject_url and clock.subject_url in text  # the work order


def test_the_explanation_of_one_record(operator, manager):
    clock, = records_behind(user=manager, code="fixed_repair_avg", period=H2,
                            unit_code="ty-xd").records  # R1
    page = browser(manager).get(f"/console/quality/clocks/{clock.pk}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Customer-maintained line" in text and "excluded: 24 h not counted" in text
    assert "counted duration 6 h of 24 h: timely" in text


def test_records_follow_the_figure(operator, manager):
    all_installs = records_behind(user=manager, code="fixed_install_avg_urban", period=H2)
    assert all_installs.records.count() == 3  # I3, I1, I2: what the mean was made of
    # The urban indicator has nothing behind it in the rural table.
    assert records_behind(user=manager, code="fixed_install_avg_urban", period=H2,
                          area="rural").records.count() == 0
    # The longest mobile change first.
    longest = records_behind(user=manager, code="mobile_change_max", period=H2).records.first()
    assert longest.counted_duration == 25
    # Dissatisfied answers behind the satisfaction rate; the calls behind the hotline rate.
    assert records_behind(user=manager, code="complaint_satisfaction", period=H2,
                          only_late=True).records.count() == 1
    calls = records_behind(user=manager, code="hotline_timely", period=H2, only_late=True)
    assert sorted(c.call_ref for c in calls.records) == ["c2", "c3", "c6", "c8"]
    assert records_behind(user=manager, code="hotline_timely", period=H2,
                          unit_code="ty").applicable is False
    assert records_behind(user=manager, code="network_drop_rate", period=H2,
                          unit_code="ty").records.count() == 2
    assert records_behind(user=manager, code="billing_error_rate", period=H2).records.count() == 2


def test_staff_see_only_their_branch(operator, make_staff):
    datong = make_staff("dt-manager", operator.datong, Role.BRANCH_MANAGER)
    repairs = records_behind(user=datong, code="fixed_repair_avg", period=H2)
    assert repairs.records.count() == 0  # R1, R2 are Taiyuan's
    taiyuan_clock = records_behind(user=make_staff("ty", operator.taiyuan, Role.BRANCH_MANAGER),
                                   code="fixed_repair_avg", period=H2).records.first()
    page = browser(datong).get(f"/console/quality/clocks/{taiyuan_clock.pk}/")
    assert page.status_code == 404


def test_links_from_every_table(operator, manager):
    report = indicator_report(period=H2, unit_code="ty")
    table = report.table
    url = drill_url(table.get("fixed_install_avg_urban"), H2, table.scope)
    assert url == "/console/quality/records/?code=fixed_install_avg_urban&period=2025H2&unit=ty"
    rural = next(t for t in report.areas if t.scope.kind == "rural")
    assert drill_url(rural.get("fixed_repair_avg"), H2, rural.scope) == (
        "/console/quality/records/?code=fixed_repair_avg&period=2025H2&unit=ty&area=rural")
    assert drill_url(table.get("hotline_timely"), H2, table.scope) is None  # not applicable
    october = report.months[3]
    assert "period=2025-10" in drill_url(october.get("fixed_install_avg_urban"), october.period,
                                         october.scope)
    client = browser(manager)
    for row in table.rows:
        link = drill_url(row, H2, table.scope)
        if link:
            assert client.get(link).status_code == 200, row.code


def test_bad_requests_say_what_is_wrong(operator, manager):
    client = browser(manager)
    page = client.get("/console/quality/records/?code=fixed_repair_avg&period=2025H3")
    assert page.status_code == 400 and "unknown period" in page.content.decode()
    page = client.get("/console/quality/records/?code=nope&period=2025H2")
    assert page.status_code == 404 and "unknown indicator" in page.content.decode()
    page = client.get("/console/quality/records/?code=fixed_repair_avg&period=2025H2&unit=zz")
    assert page.status_code == 404 and "unknown unit" in page.content.decode()
    assert Client().get("/console/quality/records/").status_code == 302  # login first


def test_the_calls_behind_a_hotline_figure_follow_the_contacts_rule(operator, make_staff):
    """A county clerk drilling into the hotline figure sees the calls of their own
    customers (and calls linked to no customer), never another branch's; a role that
    sees masked numbers sees every caller masked."""
    from telcodesk.care.models import HotlineCall
    from telcodesk.customers.models import Customer

    datong_customer = Customer.objects.filter(org_unit=operator.yungang).first()
    taiyuan_customer = Customer.objects.filter(org_unit=operator.xiaodian).first()
    HotlineCall.objects.filter(call_ref="c2").update(customer=datong_customer,
                                                     caller="+8613935207570")
    HotlineCall.objects.filter(call_ref="c3").update(customer=taiyuan_customer,
                                                     caller="+8613835101234")
    url = "/console/quality/records/?code=hotline_timely&period=2025H2&late=1"

    clerk = make_staff("clerk-xd", operator.xiaodian, Role.COUNTER_CLERK)
    refs = {c.call_ref for c in records_behind(user=clerk, code="hotline_timely", period=H2,
                                                only_late=True).records}
    assert refs == {"c3", "c6", "c8"}  # c2 is a Datong customer's call
    text = browser(clerk).get(url).content.decode()
    assert "c3" in text and "13835101234" in text  # clerks see their customers' numbers
    assert "c2" not in text and "7570" not in text

    manager = make_staff("qm-masked", operator.province, Role.QUALITY_MANAGER)
    text = browser(manager).get(url).content.decode()
    assert "139****7570" in text and "138****1234" in text
    assert "13935207570" not in text and "13835101234" not in text
