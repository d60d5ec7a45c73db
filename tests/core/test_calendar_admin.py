"""The admin screens of core reference data, calendar first."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from telcodesk.core import clock
from telcodesk.core.calendar import PACKAGE, load_calendar
from telcodesk.core.models import AuditEntry, CalendarDay, Channel, OrgUnit
from telcodesk.core.roles import Role

NEXT = PACKAGE.last_year + 1


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch, now):
    monkeypatch.setattr(clock, "now", lambda: now)


@pytest.fixture
def admin_browser(org, make_staff) -> Client:
    browser = Client(headers={"accept-language": "en"})
    browser.force_login(make_staff("root", None, superuser=True))
    return browser


@pytest.mark.parametrize("model", ["orgunit", "user", "auditentry", "apitoken", "holidaynotice",
                                   "calendarday"])
def test_every_core_list_opens(admin_browser, model):
    assert admin_browser.get(f"/admin/core/{model}/").status_code == 200
    if model not in ("auditentry", "apitoken"):
        assert admin_browser.get(f"/admin/core/{model}/add/").status_code == 200


def test_the_audit_log_is_read_only(admin_browser, org):
    entry = AuditEntry.objects.first()
    assert entry is not None  # creating the staff was audited
    assert admin_browser.get("/admin/core/auditentry/add/").status_code == 403
    page = admin_browser.get(f"/admin/core/auditentry/{entry.pk}/change/")
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    assert admin_browser.post(f"/admin/core/auditentry/{entry.pk}/delete/",
                              {"post": "yes"}).status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_a_calendar_override_added_in_the_admin_is_audited(admin_browser):
    response = admin_browser.post("/admin/core/calendarday/add/", {
        "date": "2025-10-10", "is_working_day": "", "name": "本地假日",
    })
    assert response.status_code == 302
    assert not load_calendar().is_working_day(dt.date(2025, 10, 10))
    entry = AuditEntry.objects.get(action="calendar.day.set")
    assert entry.channel == Channel.ADMIN


def test_the_admin_refuses_an_override_in_an_uncovered_year(admin_browser):
    response = admin_browser.post("/admin/core/calendarday/add/", {
        "date": f"{NEXT}-03-01", "is_working_day": "", "name": "x",
    })
    assert response.status_code == 200
    assert f"{NEXT} is not covered" in response.content.decode()
    assert not CalendarDay.objects.exists()


def test_a_clerk_with_admin_access_cannot_change_the_calendar(org, make_staff):
    """Model permissions alone are not enough: the calendar needs the calendar role."""
    clerk = make_staff("clerk", org.xiaodian_outlet, Role.COUNTER_CLERK)
    clerk.user_permissions.add(*Permission.objects.filter(
        codename__in=["add_calendarday", "change_calendarday", "view_calendarday"]))
    browser = Client(headers={"accept-language": "en"})
    browser.force_login(clerk)
    assert browser.get("/admin/core/calendarday/").status_code == 200
    assert browser.get("/admin/core/calendarday/add/").status_code == 403
    response = browser.post("/admin/core/calendarday/add/", {
        "date": "2025-10-10", "is_working_day": "", "name": "x",
    })
    assert response.status_code == 403
    assert not CalendarDay.objects.exists()


def test_an_org_unit_added_in_the_admin_gets_its_path(admin_browser, org):
    response = admin_browser.post("/admin/core/orgunit/add/", {
        "code": "ty-xd-02", "name": "小店第二营业厅", "name_en": "", "kind": "outlet",
        "parent": org.xiaodian.pk, "area": "",
    })
    assert response.status_code == 302
    unit = OrgUnit.objects.get(code="ty-xd-02")
    assert unit.path == "/op/sx/ty/ty-xd/ty-xd-02/"
    assert unit.area == "urban"


def test_an_org_unit_in_the_wrong_place_is_a_form_error(admin_browser, org):
    response = admin_browser.post("/admin/core/orgunit/add/", {
        "code": "bad", "name": "错", "name_en": "", "kind": "outlet",
        "parent": org.taiyuan.pk, "area": "",
    })
    assert response.status_code == 200
    assert not OrgUnit.objects.filter(code="bad").exists()
