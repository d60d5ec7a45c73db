"""Service standards: the shipped defaults, the most specific match, overlaps refused,
the public page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from telcodesk.core.models import AuditEntry
from telcodesk.sla.errors import SlaError
from telcodesk.sla.models import ServiceStandard
from telcodesk.sla.selectors import standard_in_force
from telcodesk.sla.services import (
    do_create_standard,
    do_retire_standard,
    do_set_standard_enabled,
)

pytestmark = pytest.mark.django_db


def test_defaults_of_standards_md_are_shipped(now):
    def limit(service, kind, area="any", tier="ordinary"):
        s = standard_in_force(service=service, kind=kind, area=area, tier=tier, at=now)
        return s.limit_value, s.limit_unit

    assert limit("fixed", "install", "urban") == (Decimal("3"), "working_days")
    assert limit("fixed", "install", "rural") == (Decimal("5"), "working_days")
    assert limit("fixed", "repair", "urban") == (Decimal("24"), "hours")
    assert limit("fixed", "repair", "rural") == (Decimal("48"), "hours")
    assert limit("broadband", "install", "urban") == (Decimal("3"), "working_days")
    assert limit("broadband", "install", "rural") == (Decimal("5"), "working_days")
    assert limit("broadband", "repair", "urban") == (Decimal("24"), "hours")
    assert limit("broadband", "repair", "rural") == (Decimal("48"), "hours")
    assert limit("mobile", "change", "urban") == (Decimal("24"), "hours")
    assert limit("mobile", "reconnection", "rural") == (Decimal("24"), "hours")
    assert limit("mobile", "repair", "urban") == (Decimal("48"), "hours")
    assert limit("broadband", "complaint_reply", "urban") == (Decimal("48"), "hours")
    assert limit("mobile", "complaint_regulator") == (Decimal("360"), "hours")

    mobile_change = standard_in_force(service="mobile", kind="change", area="urban",
                                      tier="ordinary", at=now)
    assert mobile_change.average_target == Decimal("1")
    assert mobile_change.maximum_value == Decimal("24")
    assert mobile_change.verified
    fixed_install = standard_in_force(service="fixed", kind="install", area="urban",
                                      tier="ordinary", at=now)
    assert not fixed_install.verified
    assert "Unverified" in fixed_install.source
    assert fixed_install.warning_ratio == Decimal("0.80")


def test_excluded_pause_reasons_follow_the_clock_rules(now):
    def excluded(service, kind):
        return set(standard_in_force(service=service, kind=kind, area="urban",
                                     tier="ordinary", at=now).excluded_pause_reasons)

    common = {"customer_absent", "customer_postponed", "awaiting_customer_info"}
    assert excluded("fixed", "repair") == common | {"customer_line"}
    assert excluded("broadband", "repair") == common | {"customer_access_line"}
    assert excluded("mobile", "repair") == common | {"handset_fault"}
    assert excluded("broadband", "install") == common


def test_vip_tier_gets_its_shorter_limit_once_enabled_and_others_fall_back_to_any(now):
    # The shipped VIP example is nobody's published promise: disabled until enabled.
    example = ServiceStandard.objects.get(service="broadband", kind="repair", area="urban",
                                          tier="gold")
    assert not example.enabled
    before = standard_in_force(service="broadband", kind="repair", area="urban", tier="gold",
                               at=now)
    assert before.limit_value == Decimal("24") and before.tier == "any"
    do_set_standard_enabled(now=now, standard=example, enabled=True)
    assert AuditEntry.objects.filter(action="standard.enable",
                                     target_id=str(example.pk)).exists()
    gold = standard_in_force(service="broadband", kind="repair", area="urban", tier="gold",
                             at=now)
    assert gold.limit_value == Decimal("12") and gold.tier == "gold"
    silver = standard_in_force(service="broadband", kind="repair", area="urban",
                               tier="silver", at=now)
    assert silver.limit_value == Decimal("24") and silver.tier == "any"


def test_a_request_nobody_published_a_standard_for_is_refused(now):
    ServiceStandard.objects.filter(service="mobile", kind="repair").delete()
    with pytest.raises(SlaError, match="no service standard in force"):
        standard_in_force(service="mobile", kind="repair", area="urban", tier="ordinary",
                          at=now)


def test_an_overlapping_standard_is_refused_and_nothing_changes(now):
    before = ServiceStandard.objects.count()
    with pytest.raises(SlaError) as caught:
        do_create_standard(now=now, actor=None, service="broadband", kind="install",
                           area="urban", tier="any", limit_value=2, limit_unit="working_days",
                           active_from=now)
    assert caught.value.code == "overlap"
    existing = standard_in_force(service="broadband", kind="install", area="urban",
                                 tier="ordinary", at=now)
    assert f"#{existing.pk}" in caught.value.message
    assert ServiceStandard.objects.count() == before


def test_retire_then_publish_a_new_standard_from_that_instant(now):
    old = standard_in_force(service="broadband", kind="install", area="urban",
                            tier="ordinary", at=now)
    switch = now + dt.timedelta(days=30)
    do_retire_standard(now=now, standard=old, active_to=switch)
    new = do_create_standard(now=now, actor=None, service="broadband", kind="install",
                             area="urban", limit_value="2", limit_unit="working_days",
                             excluded_pause_reasons=["customer_absent"], active_from=switch,
                             source="Operator 2025 commitment")
    assert standard_in_force(service="broadband", kind="install", area="urban",
                             tier="ordinary", at=now).pk == old.pk
    assert standard_in_force(service="broadband", kind="install", area="urban",
                             tier="ordinary", at=switch).pk == new.pk
    assert AuditEntry.objects.filter(action="standard.create", target_id=str(new.pk)).exists()
    # A standard ending inside the new one's period is refused too.
    with pytest.raises(SlaError, match="overlaps"):
        do_create_standard(now=now, actor=None, service="broadband", kind="install",
                           area="urban", limit_value="1", limit_unit="working_days",
                           active_from=now - dt.timedelta(days=400),
                           active_to=switch + dt.timedelta(days=1))


@pytest.mark.parametrize("kwargs, message", [
    ({"limit_value": 0}, "greater than 0"),
    ({"limit_unit": "weeks"}, "unknown limit unit"),
    ({"excluded_pause_reasons": ["rain"]}, "unknown pause reason"),
    ({"warning_ratio": "1.5"}, "warning ratio"),
    ({"service": "satellite"}, "unknown service"),
])
def test_bad_standards_are_refused(now, kwargs, message):
    base = dict(now=now, actor=None, service="fixed", kind="install", area="urban",
                tier="gold", limit_value=2, limit_unit="working_days",
                active_from=now + dt.timedelta(days=1))
    with pytest.raises(SlaError, match=message):
        do_create_standard(**{**base, **kwargs})


def test_public_page_shows_the_standards_in_force_without_login(client):
    response = client.get("/standards/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Broadband" in text and "Fixed telephone" in text and "Mobile" in text
    assert "装机入网平均时间" in text
    assert "Customer&#x27;s own access line" in text or "Customer's own access line" in text
    # One card per limit, with what does not count; no internal notes, no inline styles
    # (the content security policy allows none).
    assert 'class="standard-card"' in text and "Not counted:" in text
    assert "unverified" not in text and "<style" not in text


def test_the_standard_in_force_is_asked_once_per_transaction_and_a_change_is_seen(now):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def gold_repair(at):
        return standard_in_force(service="broadband", kind="repair", area="urban", tier="gold",
                                 at=at)

    first = gold_repair(now)
    with CaptureQueriesContext(connection) as asked:
        again = gold_repair(now + dt.timedelta(hours=3))
        other_key = standard_in_force(service="fixed", kind="repair", area="rural",
                                      tier="ordinary", at=now)
    assert again.pk == first.pk and first.tier == "any"
    assert other_key.limit_value == Decimal("48")
    assert len(asked) == 1  # the repeated key costs nothing, a new key one query
    # Enabling the VIP example (a service) or editing a standard (an admin screen saves
    # the row) is seen at once by the same transaction.
    example = ServiceStandard.objects.get(service="broadband", kind="repair", area="urban",
                                          tier="gold")
    do_set_standard_enabled(now=now, standard=example, enabled=True)
    assert gold_repair(now).limit_value == Decimal("12")
    example.limit_value = Decimal("10")
    example.save(update_fields=["limit_value"])
    assert gold_repair(now).limit_value == Decimal("10")
    # A retired standard is not in force after its end, even for a key asked before.
    do_retire_standard(now=now, standard=example, active_to=now + dt.timedelta(days=1))
    assert gold_repair(now + dt.timedelta(days=2)).tier == "any"
    ServiceStandard.objects.filter(service="broadband", kind="repair").delete()
    with pytest.raises(SlaError, match="no service standard in force"):
        gold_repair(now)
