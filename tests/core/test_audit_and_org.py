"""The organisation tree's shape and the append-only audit log."""

from __future__ import annotations

import pytest

from telcodesk.core.errors import CoreError
from telcodesk.core.models import AuditEntry, OrgUnit
from telcodesk.core.roles import Role
from telcodesk.core.selectors import scope_q, visible_org_units
from telcodesk.core.services import do_audit, do_create_org_unit


@pytest.mark.django_db
def test_units_form_a_tree_with_paths(org):
    assert org.xiaodian.path == "/op/sx/ty/ty-xd/"
    assert org.xiaodian_outlet.area == "urban"  # outlets inherit the county's area
    assert org.xiaodian.is_within(org.taiyuan)
    assert not org.yungang.is_within(org.taiyuan)


@pytest.mark.django_db
def test_a_unit_in_the_wrong_place_is_refused_and_nothing_is_written(org):
    before = OrgUnit.objects.count()
    with pytest.raises(CoreError, match="must sit under a city unit"):
        do_create_org_unit(code="bad", name="错位", kind="county", parent=org.province,
                           area="urban")
    with pytest.raises(CoreError, match="urban or rural"):
        do_create_org_unit(code="bad2", name="无区域", kind="county", parent=org.taiyuan)
    with pytest.raises(CoreError, match="taken"):
        do_create_org_unit(code="ty-xd", name="重复", kind="county", parent=org.taiyuan,
                           area="urban")
    assert OrgUnit.objects.count() == before


@pytest.mark.django_db
def test_staff_see_their_subtree(org, make_staff):
    clerk = make_staff("clerk", org.xiaodian, Role.COUNTER_CLERK)
    manager = make_staff("manager", org.taiyuan, Role.BRANCH_MANAGER)
    lost = make_staff("lost", None, Role.COUNTER_CLERK, superuser=True)
    assert {u.code for u in visible_org_units(clerk)} == {"ty-xd", "ty-xd-01"}
    assert {u.code for u in visible_org_units(manager)} == {"ty", "ty-xd", "ty-qx", "ty-xd-01"}
    assert visible_org_units(lost).count() == OrgUnit.objects.count()
    in_scope = OrgUnit.objects.filter(scope_q(clerk, field="parent"))
    assert {u.code for u in in_scope} == {"ty-xd-01"}


@pytest.mark.django_db
def test_the_audit_log_is_append_only(org, make_staff, now):
    clerk = make_staff("clerk", org.xiaodian, Role.COUNTER_CLERK)
    entry = do_audit(now=now, actor=clerk, channel="console", action="customer.view",
                     target_type="customer", target_id="C000000001", summary="viewed")
    assert entry.actor_label == "clerk"
    entry.summary = "rewritten"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(summary="x")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get(pk=entry.pk).summary == "viewed"
    with pytest.raises(CoreError, match="unknown channel"):
        do_audit(now=now, actor=clerk, channel="carrier-pigeon", action="x",
                 target_type="x", target_id=1)
