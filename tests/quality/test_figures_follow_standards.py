"""The figures follow the service standard: which requests feed an indicator is data,
and every request is judged against the regulator's limit of its service and area.

Computed by hand, like ``test_indicators_by_hand``; the operator's records are in
``tests/quality/indicator_records.py`` (M1 suspension 0.5 h, M2 name change 0.25 h,
M4 name change 25 h and P1, a package change of 3 h, all finished in 2025H2).
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import translation

from telcodesk.core.models import AuditEntry
from telcodesk.core.roles import Role
from telcodesk.quality.errors import QualityError
from telcodesk.quality.indicators.compute import indicator_report
from telcodesk.quality.indicators.drilldown import records_behind
from telcodesk.quality.indicators.periods import parse_period
from telcodesk.quality.models import IndicatorMembership
from telcodesk.quality.report.document import assemble_document
from telcodesk.quality.report.json import render_json
from telcodesk.quality.report.markdown import render_markdown_document
from telcodesk.quality.report.tmf657 import tmf657_dict
from telcodesk.quality.services.membership import do_add_indicator_member
from telcodesk.sla import services as sla_services
from telcodesk.sla.models import ServiceStandard, SlaClock
from telcodesk.sla.selectors import disabled_standards, explain, standard_in_force
from telcodesk.sla.services import do_set_standard_enabled
from tests.factories import PackageFactory, SubscriptionFactory
from tests.orders.orders_support import make_household
from tests.quality.indicator_records import at, fault, resolve

D = Decimal
H2 = parse_period("2025H2")


# --- 业务变更时长: which requests are business changes ---------------------------------------


def _change_figures():
    table = indicator_report(period=H2, breakdowns=False, months=False).table
    return {code: (table.get(code).figure.value, table.get(code).figure.records)
            for code in ("mobile_change_max", "mobile_change_avg", "mobile_change_timely")}


def test_a_package_change_is_not_a_business_change_by_default(operator, make_staff, org):
    # M1 0.5 h, M2 0.25 h, M4 25 h; P1 (package change, 3 h) is not among them.
    assert _change_figures() == {
        "mobile_change_max": (D(25), 3),
        "mobile_change_avg": (D("25.75") / 3, 3),
        "mobile_change_timely": (D(2) * 100 / 3, 3),
    }
    kinds = set(IndicatorMembership.objects.filter(measure="mobile_change")
                .values_list("request_kind", flat=True))
    assert kinds == {"name_change", "transfer", "suspension", "cancellation"}
    manager = make_staff("figures-manager", org.province, Role.QUALITY_MANAGER)
    behind = records_behind(user=manager, code="mobile_change_avg", period=H2).records
    assert [c.request_types for c in behind] == ["suspension", "name_change", "name_change"]


def test_the_operator_adds_package_changes_as_data(operator, make_staff, org, now):
    manager = make_staff("figures-manager", org.province, Role.QUALITY_MANAGER)
    do_add_indicator_member(now=now, actor=manager, measure="mobile_change",
                            request_kind="package_change",
                            source="Operator decision: package changes are reported as "
                                   "business changes.")
    # Now P1 (3 h, timely) counts: (0.5 + 0.25 + 25 + 3) / 4; 3 of 4 within 24 h.
    assert _change_figures() == {
        "mobile_change_max": (D(25), 4),
        "mobile_change_avg": (D("28.75") / 4, 4),
        "mobile_change_timely": (D(3) * 100 / 4, 4),
    }
    behind = records_behind(user=manager, code="mobile_change_avg", period=H2).records
    assert "package_change" in [c.request_types for c in behind]
    # The same kind twice, a kind nobody knows, or no source: refused, nothing changes.
    for measure, kind, source in (("mobile_change", "package_change", "again"),
                                  ("mobile_change", "haircut", "why not"),
                                  ("mobile_change", "vas_subscribe", "  ")):
        with pytest.raises(QualityError):
            do_add_indicator_member(now=now, actor=manager, measure=measure,
                                    request_kind=kind, source=source)
    assert IndicatorMembership.objects.filter(measure="mobile_change").count() == 5


def test_the_standards_page_shows_membership_and_its_basis_without_internal_notes(db):
    page = Client().get("/standards/")
    text = page.content.decode()
    assert page.status_code == 200
    assert 'data-measure="' in text
    assert "MIIT 3G mobile service specification" in text  # why a request counts
    assert "name change, transfer, suspension" in text
    # The standards' own sources and "unverified" notes stay in the console.
    assert "unverified" not in text.lower() and "未核实" not in text


# --- the regulator's limit versus the operator's VIP promise -------------------------------


def test_a_fresh_install_has_no_vip_standard_in_force(db):
    shipped_tiers = ServiceStandard.objects.exclude(tier="any")
    assert shipped_tiers.exists()
    assert not shipped_tiers.filter(enabled=True).exists()
    assert set(disabled_standards(at=at("2025-10-01 00:00"))) == set(shipped_tiers)
    # A diamond customer's urban repair runs on the regulator's 24 h until someone enables
    # the 8 h example.
    found = standard_in_force(service="fixed", kind="repair", area="urban", tier="diamond",
                              at=at("2025-10-01 00:00"))
    assert (found.tier, found.limit_value) == ("any", D(24))


def test_a_vip_repair_late_for_its_promise_is_timely_for_the_regulator(org, shop, make_staff,
                                                                       now):
    manager = make_staff("qm", org.province, Role.QUALITY_MANAGER)
    agent = make_staff("agent", org.province, Role.HOTLINE_AGENT)
    tech = make_staff("tech", org.province, Role.REPAIR_TECHNICIAN)
    eight_hours = ServiceStandard.objects.get(service="fixed", kind="repair", area="urban",
                                              tier="diamond")
    do_set_standard_enabled(now=now, standard=eight_hours, enabled=True, actor=manager)
    home = make_household(org.xiaodian, shop, tier="diamond")  # urban
    line = SubscriptionFactory(account=home.mobile.account, service="fixed",
                               number="0351-1008888", address="小店8号",
                               package=PackageFactory(code="fx8", services="fixed"))
    # Reported Mon 3 Nov 08:00; the 8 h promise passes at 16:00; restored Tue 04:00 = 20 h.
    work_order = fault(line, reported="2025-11-03 08:00", actor=agent)
    clock = work_order.sla_clock
    assert (clock.limit_value, clock.indicator_limit_value) == (D(8), D(24))
    assert clock.id in sla_services.claim_breaches(at("2025-11-03 16:30"))
    resolve(work_order, "2025-11-04 04:00", tech)
    clock.refresh_from_db()
    # On the work order: breached against the 8 h promise.
    assert (clock.counted_duration, clock.timely, clock.breached) == (D(20), False, True)
    # For the regulator's 障碍修复及时率: 20 h within the urban 24 h.
    assert (clock.indicator_duration, clock.indicator_timely) == (D(20), True)
    with translation.override("en"):
        story = "\n".join(explain(clock, now=at("2025-11-05 00:00")))
    assert "counted duration 20 h of 8 h: NOT timely" in story
    assert "for the indicators: 20 h of the regulator's 24 h" in story
    table = indicator_report(period=H2, breakdowns=False, months=False).table
    timely = table.get("fixed_repair_timely")
    assert (timely.figure.value, timely.figure.records) == (D(100), 1)
    average = table.get("fixed_repair_avg")
    assert (average.figure.value, average.met) == (D(20), True)
    # The row says what it was judged against: the regulator's urban 24 h and rural 48 h.
    assert [(limit.area, limit.value, limit.unit) for limit in timely.limits] == [
        ("urban", D(24), "hours"), ("rural", D(48), "hours")]
    assert timely.limits[0].source.startswith("Fixed telephone 障碍修复")


def test_every_export_says_which_limit_each_figure_was_judged_against(operator, now):
    document = assemble_document(period=H2, now=now, breakdowns=False, months=False)
    repair = document.main.row("fixed_repair_timely")
    assert repair.limit_text == "城镇24小时、农村48小时"
    assert document.main.row("mobile_change_avg").limit_text == "24小时"
    assert document.main.row("hotline_timely").limit_text == "—"  # not a time limit
    markdown = render_markdown_document(document).decode()
    assert "判定依据（监管限值）" in markdown and "城镇24小时、农村48小时" in markdown
    rows = {row["code"]: row for row in json.loads(render_json(document))["indicators"]}
    assert rows["fixed_repair_timely"]["judged_against"][0]["value"] == "24"
    assert rows["fixed_repair_timely"]["judged_against_display"]["en"] == (
        "urban 24 h, rural 48 h")
    objectives = {o["serviceLevelObjectiveParameter"]["name"]: o
                  for o in tmf657_dict(document)["serviceLevelObjective"]}
    assert [j["area"] for j in objectives["fixed_repair_timely"]["judgedAgainst"]] == [
        "urban", "rural"]
    english = assemble_document(period=H2, now=now, language="en", breakdowns=False,
                                months=False)
    assert english.main.row("fixed_install_timely_urban").limit_text == "urban 3 working days"


# --- editing the data in the admin ---------------------------------------------------------------


def test_the_administrator_adds_a_member_and_enables_a_vip_standard(org, make_staff):
    admin_user = make_staff("root", org.province, Role.ADMINISTRATOR, superuser=True)
    client = Client()
    client.force_login(admin_user)
    page = client.post("/admin/quality/indicatormembership/add/", {
        "measure": "mobile_change", "request_kind": "vas_subscribe",
        "source": "Operator decision 2025-12: value-added services are business changes."})
    assert page.status_code == 302
    member = IndicatorMembership.objects.get(measure="mobile_change", request_kind="vas_subscribe")
    assert member.created_by == admin_user and member.source.startswith("Operator decision")
    assert AuditEntry.objects.filter(action="indicator_member.add",
                                     target_id=str(member.pk)).exists()
    assert "Operator decision 2025-12" in Client().get("/standards/").content.decode()

    example = ServiceStandard.objects.get(service="fixed", kind="repair", area="urban",
                                          tier="gold")
    form = client.get(f"/admin/sla/servicestandard/{example.pk}/change/").content.decode()
    assert 'name="enabled"' in form
    page = client.post(f"/admin/sla/servicestandard/{example.pk}/change/",
                       {"active_to": "", "enabled": "on"})
    assert page.status_code == 302
    example.refresh_from_db()
    assert example.enabled
    assert AuditEntry.objects.filter(action="standard.enable",
                                     target_id=str(example.pk)).exists()


def test_an_imported_vip_repair_is_judged_the_same_way(org, now):
    eight_hours = ServiceStandard.objects.get(service="fixed", kind="repair", area="urban",
                                              tier="diamond")
    do_set_standard_enabled(now=now, standard=eight_hours, enabled=True)
    clock_id, = sla_services.do_record_finished_clocks(clocks=[sla_services.FinishedClock(
        service="fixed", kind="repair", area="urban", tier="diamond",
        org_unit_id=org.xiaodian.pk, accepted_at=at("2025-11-03 08:00"),
        stopped_at=at("2025-11-04 04:00"), subject_label="H1 障碍修复",
        request_types="repair")])
    clock = SlaClock.objects.get(pk=clock_id)
    assert (clock.limit_value, clock.counted_duration, clock.timely) == (D(8), D(20), False)
    assert (clock.indicator_limit_value, clock.indicator_duration, clock.indicator_timely,
            clock.request_types) == (D(24), D(20), True, "repair")
    timely = indicator_report(period=H2, breakdowns=False, months=False).table.get(
        "fixed_repair_timely")
    assert (timely.figure.value, timely.figure.records) == (D(100), 1)
