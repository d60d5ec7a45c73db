"""The working-calendar console page, as a quality manager and a counter clerk use it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from telcodesk.core import clock
from telcodesk.core.calendar import PACKAGE, load_calendar
from telcodesk.core.models import AuditEntry, CalendarDay, HolidayNotice
from telcodesk.core.roles import Role

NEXT = PACKAGE.last_year + 1  # the first year the shipped data does not cover (2027 today)
PAGE = "/console/calendar/"


def first_weekday(year: int, month: int, weekday: int) -> dt.date:
    day = dt.date(year, month, 1)
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


def notice_lines(year: int) -> str:
    may_monday = first_weekday(year, 5, 0)
    saturday = may_monday - dt.timedelta(days=2)
    return "\n".join([
        f"{year}-01-01 holiday 元旦",
        "",
        f"{may_monday} holiday 劳动节",
        f"{may_monday + dt.timedelta(days=1)} holiday 劳动节",
        f"{saturday} workday 劳动节调休",
    ])


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch, now):
    """Pages read the time through ``clock.now``; pin it to the test's instant."""
    monkeypatch.setattr(clock, "now", lambda: now)


@pytest.fixture
def browser(db) -> Client:
    return Client(headers={"accept-language": "en"})


@pytest.fixture
def manager(org, make_staff):
    return make_staff("qm", org.province, Role.QUALITY_MANAGER)


@pytest.fixture
def clerk(org, make_staff):
    return make_staff("clerk", org.xiaodian_outlet, Role.COUNTER_CLERK)


def test_the_url_names_resolve():
    assert reverse("console:calendar") == PAGE
    assert reverse("console:calendar_notice_add") == "/console/calendar/notices/new/"


def test_signing_in_is_required(browser):
    response = browser.get(PAGE)
    assert response.status_code == 302
    assert "next=/console/calendar/" in response["Location"]


def test_the_page_shows_the_covered_years(browser, manager):
    browser.force_login(manager)
    response = browser.get(PAGE)
    assert response.status_code == 200
    text = response.content.decode()
    assert f"{PACKAGE.first_year}–{PACKAGE.last_year}" in text
    assert f"chinesecalendar {PACKAGE.version}" in text
    assert 'action="/console/calendar/notices/new/"' in text
    # The notice form proposes the first year that is not covered.
    assert f'name="year" value="{NEXT}"' in text


def test_a_quality_manager_enters_next_years_notice(browser, manager, now):
    browser.force_login(manager)
    response = browser.post(reverse("console:calendar_notice_add"), {
        "year": NEXT,
        "title": f"国务院办公厅关于{NEXT}年部分节假日安排的通知",
        "source": "国办发明电",
        "days": notice_lines(NEXT),
    }, follow=True)
    assert response.status_code == 200
    text = response.content.decode()
    assert f"The holiday notice for {NEXT} is entered: 4 days." in text
    assert f"国务院办公厅关于{NEXT}年部分节假日安排的通知" in text

    notice = HolidayNotice.objects.get()
    assert notice.year == NEXT
    assert notice.entered_by == manager
    assert notice.entered_at == now
    assert notice.days.count() == 4
    cal = load_calendar()
    assert cal.covers(NEXT)
    assert not cal.is_working_day(dt.date(NEXT, 1, 1))
    assert cal.is_working_day(first_weekday(NEXT, 5, 0) - dt.timedelta(days=2))
    assert AuditEntry.objects.filter(action="calendar.notice.enter", actor=manager).count() == 1


def test_a_counter_clerk_can_look_but_not_enter_a_notice(browser, clerk):
    browser.force_login(clerk)
    page = browser.get(PAGE)
    assert page.status_code == 200
    assert 'action="/console/calendar/notices/new/"' not in page.content.decode()
    response = browser.post(reverse("console:calendar_notice_add"), {
        "year": NEXT, "title": "通知", "source": "", "days": notice_lines(NEXT),
    })
    assert response.status_code == 403
    response = browser.post(reverse("console:calendar_day_set"), {
        "date": "2025-10-10", "is_working_day": "holiday", "name": "x",
    })
    assert response.status_code == 403
    assert not HolidayNotice.objects.exists()
    assert not CalendarDay.objects.exists()


def test_a_malformed_line_saves_nothing_and_names_the_line(browser, manager):
    browser.force_login(manager)
    lines = notice_lines(NEXT).splitlines()
    lines[2] = f"{NEXT}-05-0x holiday 劳动节"  # line 3
    lines.append(f"{NEXT}-10-01 vacation 国庆节")  # line 6
    response = browser.post(reverse("console:calendar_notice_add"), {
        "year": NEXT, "title": "通知", "source": "", "days": "\n".join(lines),
    })
    assert response.status_code == 200
    text = response.content.decode()
    assert f"Line 3: “{NEXT}-05-0x” is not a date written YYYY-MM-DD." in text
    assert "Line 6: “vacation” must be “holiday” or “workday”." in text
    # What was typed is still there to correct.
    assert f"{NEXT}-10-01 vacation" in text
    assert not HolidayNotice.objects.exists()
    assert not CalendarDay.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="calendar.").exists()


def test_a_day_outside_the_year_names_the_line(browser, manager):
    browser.force_login(manager)
    days = notice_lines(NEXT) + f"\n{NEXT + 1}-01-01 holiday 元旦"
    response = browser.post(reverse("console:calendar_notice_add"), {
        "year": NEXT, "title": "通知", "source": "", "days": days,
    })
    assert f"Line 6: {NEXT + 1}-01-01 is not in {NEXT}." in response.content.decode()
    assert not HolidayNotice.objects.exists()


def test_a_year_the_shipped_data_covers_is_refused(browser, manager):
    browser.force_login(manager)
    year = PACKAGE.last_year
    response = browser.post(reverse("console:calendar_notice_add"), {
        "year": year, "title": "通知", "source": "", "days": f"{year}-01-01 holiday 元旦",
    })
    assert response.status_code == 200
    assert f"{year} is already covered by the holiday data shipped with telcodesk" in \
        response.content.decode()
    assert not HolidayNotice.objects.exists()


def test_the_check_form_gives_the_nth_working_day(browser, clerk):
    browser.force_login(clerk)
    response = browser.get(PAGE, {"start": "2025-09-30", "days": "3"})
    text = response.content.decode()
    assert "3 working days after 2025-09-30: <strong>2025-10-11</strong> (Saturday)" in text
    assert "adjusted working day" in text


def test_the_check_form_refuses_an_uncovered_year(browser, clerk):
    browser.force_login(clerk)
    response = browser.get(PAGE, {"start": f"{NEXT}-03-01", "days": "2"})
    assert response.status_code == 200
    assert (f"the working calendar does not cover {NEXT}: enter the State Council holiday "
            f"notice for {NEXT} first") in response.content.decode()


def test_a_quality_manager_overrides_a_day_and_removes_the_override(browser, manager):
    browser.force_login(manager)
    response = browser.post(reverse("console:calendar_day_set"), {
        "date": "2025-10-10", "is_working_day": "holiday", "name": "本地假日",
    }, follow=True)
    assert "2025-10-10 is overridden." in response.content.decode()
    assert load_calendar().add_working_days(dt.date(2025, 9, 30), 3) == dt.date(2025, 10, 13)
    check = browser.get(PAGE, {"start": "2025-09-30", "days": "3"}).content.decode()
    assert "本地假日" in check
    assert "<strong>2025-10-13</strong>" in check

    response = browser.post(reverse("console:calendar_day_remove"), {"date": "2025-10-10"},
                            follow=True)
    assert "The override of 2025-10-10 is removed." in response.content.decode()
    assert not CalendarDay.objects.exists()
    assert load_calendar().add_working_days(dt.date(2025, 9, 30), 3) == dt.date(2025, 10, 11)


def test_an_override_in_an_uncovered_year_is_a_form_error(browser, manager):
    browser.force_login(manager)
    response = browser.post(reverse("console:calendar_day_set"), {
        "date": f"{NEXT}-03-01", "is_working_day": "holiday", "name": "x",
    })
    assert response.status_code == 200
    assert f"does not cover {NEXT}" in response.content.decode()
    assert not CalendarDay.objects.exists()


def test_notice_lines_take_the_chinese_keywords_too():
    from telcodesk.core.forms import parse_day_lines

    days, errors = parse_day_lines("2027-01-01 放假 元旦\n2027-02-07 上班 春节调休")
    assert errors == []
    assert [(day.isoformat(), working) for day, working, _name in days] == [
        ("2027-01-01", False), ("2027-02-07", True)]
