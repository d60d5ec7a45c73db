"""The quality services check their staff actor themselves (``quality.permissions``):
a write refused to a role is refused by the service, not only by its page. ``None``
is the system (command line, demo) and is never refused."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from telcodesk.core.models import AuditEntry
from telcodesk.core.roles import Role
from telcodesk.quality import permissions
from telcodesk.quality.errors import QualityError, QualityErrorCode
from telcodesk.quality.models import (
    BillingErrorCount,
    IndicatorMembership,
    NetworkImport,
    ReportNarrative,
    ReportPublication,
)
from telcodesk.quality.services.billing import do_record_billing_errors
from telcodesk.quality.services.membership import (
    do_add_indicator_member,
    do_remove_indicator_member,
)
from telcodesk.quality.services.network import do_import_network_file, do_register_cells
from telcodesk.quality.services.reports import do_publish_report, do_save_narrative
from tests.quality.network_support import counter_file, line
from tests.quality.report_support import AFTER_H2, add_records

pytestmark = pytest.mark.django_db

WORDS = {"introduction": "简介", "sections": [{"title": "措施一", "body": "正文"}],
         "declaration": "本报告内容客观、真实、准确。"}


@pytest.fixture
def staff(org, make_staff):
    def make(username: str, unit, *roles: str):
        return make_staff(username, unit, *roles)

    return make


def refused(call) -> QualityError:
    with pytest.raises(QualityError) as caught:
        call()
    assert caught.value.code == QualityErrorCode.FORBIDDEN
    assert caught.value.http_status == 403
    return caught.value


# --- publishing the report ---------------------------------------------------------------


def test_publishing_is_refused_to_a_branch_quality_manager_and_to_other_roles(org, staff):
    add_records(org)
    branch_manager = staff("qm-ty", org.taiyuan, Role.QUALITY_MANAGER)
    agent = staff("agent", org.province, Role.HOTLINE_AGENT)
    for actor in (branch_manager, agent):
        error = refused(lambda actor=actor: do_publish_report(now=AFTER_H2, actor=actor,
                                                              period="2025H2"))
        assert "whole operator may publish" in error.message
    assert not ReportPublication.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="report.publish").exists()


def test_publishing_is_allowed_to_the_operator_quality_manager_and_to_the_system(org, staff):
    add_records(org)
    manager = staff("qm", org.province, Role.QUALITY_MANAGER)
    assert permissions.may_publish_report(manager)
    assert do_publish_report(now=AFTER_H2, actor=manager, period="2025H2").published_by == manager
    assert do_publish_report(now=AFTER_H2, actor=None, period="2025H2").published_by is None


# --- the report's words ------------------------------------------------------------------


def test_the_words_of_a_unit_are_written_by_its_own_editors(org, staff):
    branch_manager = staff("qm-ty", org.taiyuan, Role.QUALITY_MANAGER)
    agent = staff("agent", org.taiyuan, Role.HOTLINE_AGENT)
    refused(lambda: do_save_narrative(now=AFTER_H2, actor=agent, period_code="2025H2",
                                      unit=org.taiyuan, **WORDS))
    refused(lambda: do_save_narrative(now=AFTER_H2, actor=branch_manager, period_code="2025H2",
                                      unit=org.datong, **WORDS))
    refused(lambda: do_save_narrative(now=AFTER_H2, actor=branch_manager, period_code="2025H2",
                                      unit=None, **WORDS))
    assert not ReportNarrative.objects.exists()
    saved = do_save_narrative(now=AFTER_H2, actor=branch_manager, period_code="2025H2",
                              unit=org.taiyuan, **WORDS)
    assert saved.org_unit == org.taiyuan


# --- counts and cells --------------------------------------------------------------------


def test_a_branch_manager_sees_the_counts_but_enters_none(org, staff, now):
    viewer = staff("bm", org.taiyuan, Role.BRANCH_MANAGER)
    assert permissions.may_view_quality_counts(viewer)
    assert not permissions.may_enter_quality_counts(viewer)
    data = counter_file(line("C1", "2025-07-01"))
    refused(lambda: do_import_network_file(now=now, actor=viewer,
                                           path_or_stream=io.BytesIO(data)))
    refused(lambda: do_register_cells(now=now, actor=viewer, rows=[]))
    refused(lambda: do_record_billing_errors(now=now, actor=viewer, month=dt.date(2025, 7, 1),
                                             unit=org.taiyuan, erroneous=1, total=10_000))
    assert not NetworkImport.objects.exists() and not BillingErrorCount.objects.exists()
    manager = staff("qm", org.province, Role.QUALITY_MANAGER)
    assert do_import_network_file(now=now, actor=manager,
                                  path_or_stream=io.BytesIO(data)).rows == 1


# --- which requests feed which indicator -------------------------------------------------


def test_memberships_are_changed_by_quality_managers_and_administrators_only(org, staff, now):
    viewer = staff("bm", org.province, Role.BRANCH_MANAGER)
    refused(lambda: do_add_indicator_member(now=now, actor=viewer, measure="mobile_change",
                                            request_kind="vas_subscribe", source="decision"))
    assert not IndicatorMembership.objects.filter(request_kind="vas_subscribe").exists()
    manager = staff("qm", org.province, Role.QUALITY_MANAGER)
    member = do_add_indicator_member(now=now, actor=manager, measure="mobile_change",
                                     request_kind="vas_subscribe", source="decision")
    refused(lambda: do_remove_indicator_member(now=now, actor=viewer, member=member))
    assert IndicatorMembership.objects.filter(pk=member.pk).exists()
    do_remove_indicator_member(now=now, actor=manager, member=member)
    assert not IndicatorMembership.objects.filter(pk=member.pk).exists()
