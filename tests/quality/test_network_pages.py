"""The console pages of the network counters and billing errors, as their users see them."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from telcodesk.core import clock
from telcodesk.core.roles import Role
from telcodesk.quality.models import BillingErrorCount, NetworkCell, NetworkCounter
from telcodesk.quality.services.network import do_import_cells
from tests.quality.network_support import GOOD, counter_file, line

pytestmark = pytest.mark.django_db

IMPORTS = "/console/quality/network/"
CELLS = "/console/quality/network/cells/"
COUNTERS = "/console/quality/network/counters/"
BILLING = "/console/quality/billing-errors/"


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch, now):
    monkeypatch.setattr(clock, "now", lambda: now)


@pytest.fixture
def browser() -> Client:
    return Client(headers={"accept-language": "en"})


@pytest.fixture(autouse=True)
def worker(settings, tmp_path):
    """Uploads are kept under a temporary media directory and imported by the worker,
    here the immediate backend: the task runs as soon as the upload's transaction
    commits (``send`` runs the commit callbacks)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def send(browser, django_capture_on_commit_callbacks):
    """Post a form the way a browser does, let the worker run what it queued, and
    return the page the browser is sent back to (or the answer, if not sent on)."""
    def send(url: str, data: dict, **_follow):
        with django_capture_on_commit_callbacks(execute=True):
            response = browser.post(url, data)
        if response.status_code == 302:
            return browser.get(response["Location"])
        return response
    return send


@pytest.fixture
def manager(org, make_staff):
    return make_staff("qm", org.province, Role.QUALITY_MANAGER)


@pytest.fixture
def branch_manager(org, make_staff):
    return make_staff("bm", org.datong, Role.BRANCH_MANAGER)


@pytest.fixture
def clerk(org, make_staff):
    return make_staff("clerk", org.xiaodian_outlet, Role.COUNTER_CLERK)


def upload(data: bytes, name: str = "counters.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/csv")


def test_the_url_names_resolve():
    assert reverse("console:network_imports") == IMPORTS
    assert reverse("console:network_cells") == CELLS
    assert reverse("console:network_counters") == COUNTERS
    assert reverse("console:billing_errors") == BILLING


@pytest.mark.parametrize("page", [IMPORTS, CELLS, COUNTERS, BILLING])
def test_signing_in_is_required_and_clerks_are_turned_away(browser, clerk, page):
    assert browser.get(page).status_code == 302
    browser.force_login(clerk)
    assert browser.get(page).status_code == 403


def test_the_menu_shows_the_pages_to_quality_staff_only(browser, manager, clerk):
    browser.force_login(manager)
    text = browser.get("/console/").content.decode()
    assert f'href="{IMPORTS}"' in text and f'href="{BILLING}"' in text
    browser.force_login(clerk)
    text = browser.get("/console/").content.decode()
    assert IMPORTS not in text and BILLING not in text


def test_a_branch_manager_may_look_but_not_import(browser, branch_manager):
    browser.force_login(branch_manager)
    text = browser.get(IMPORTS).content.decode()
    assert "Imported files" in text
    assert 'enctype="multipart/form-data"' not in text
    response = browser.post(IMPORTS, {"file": upload(counter_file(line("C1", "2025-09-01")))})
    assert response.status_code == 403
    assert browser.post(BILLING, {"action": "record"}).status_code == 403
    assert NetworkCounter.objects.count() == 0


def test_a_quality_manager_imports_a_counter_file(browser, manager, send):
    browser.force_login(manager)
    page = browser.get(IMPORTS).content.decode()
    assert "cell,date,busy_hour,call_attempts" in page
    response = send(IMPORTS, {"file": upload(counter_file(
        line("C1", "2025-09-01"), line("C2", "2025-09-01", counts=(0,) * 9)))}, follow=True)
    text = response.content.decode()
    assert "Imported counters.csv: 2 rows, 1 day(s) (2025-09-01), 2 cell(s)" in text
    assert "2 new cell(s) without a unit: C1, C2" in text
    assert "line 3: every counter is 0" in text  # the warning
    assert 'id="import-' in text and "qm" in text
    assert "2 without a branch" in text
    assert NetworkCounter.objects.count() == 2


def test_a_bad_file_shows_every_error_with_its_line_and_writes_nothing(browser, manager, send):
    browser.force_login(manager)
    response = send(IMPORTS, {"file": upload(counter_file(
        line("C1", "2025-09-01"), line("C1", "2025-09-01"),
        line("C2", "2025-09-01", counts=(*GOOD[:8], -4))), name="bad.csv")})
    assert response.status_code == 200
    text = response.content.decode()
    assert "bad.csv: 2 errors, nothing was written." in text
    assert "line 3" in text and "cell C1 appears twice for 2025-09-01 (first on line 2)" in text
    assert "line 4" in text and "dropped_calls is negative: -4" in text
    assert NetworkCounter.objects.count() == 0 and NetworkCell.objects.count() == 0


def test_replacing_stored_days_from_the_page(browser, manager, send):
    browser.force_login(manager)
    send(IMPORTS, {"file": upload(counter_file(line("C1", "2025-09-01")), "a.csv")})
    corrected = counter_file(line("C1", "2025-09-01", counts=(*GOOD[:6], 7, *GOOD[7:])))
    refused = send(IMPORTS, {"file": upload(corrected, "b.csv")}).content.decode()
    assert "already has counters for 2025-09-01 (imported from a.csv)" in refused
    response = send(IMPORTS, {"file": upload(corrected, "b.csv"), "replace": "on"},
                            follow=True)
    assert "1 stored cell-day(s) replaced" in response.content.decode()
    assert NetworkCounter.objects.get().tch_failures_no_channel == 7


def test_cells_page_places_a_cell_and_imports_the_registry(browser, manager, org, send):
    browser.force_login(manager)
    send(IMPORTS, {"file": upload(counter_file(line("C1", "2025-09-01")))})
    text = browser.get(CELLS + "?unplaced=1").content.decode()
    assert "C1" in text and "no branch" in text
    response = browser.post(CELLS, {"action": "place", "cell-code": "C1", "cell-name": "一号",
                                    "cell-unit": org.xiaodian.pk}, follow=True)
    assert "Cell C1 saved." in response.content.decode()
    assert NetworkCell.objects.get(code="C1").org_unit == org.xiaodian
    assert "C1" not in browser.get(CELLS + "?unplaced=1").content.decode().split(
        "cells</h2>")[1].split("</section>")[0]
    response = send(CELLS, {"action": "upload", "registry-file": upload(
        b"cell,name,unit_code\nC2,,dt-yg\nC3,,nowhere\n", "cells.csv")})
    text = response.content.decode()
    assert "cells.csv: 1 error, nothing was written." in text
    assert "unknown org unit &#x27;nowhere&#x27;" in text
    assert not NetworkCell.objects.filter(code="C2").exists()
    response = send(CELLS, {"action": "upload", "registry-file": upload(
        b"cell,name,unit_code\nC2,,dt-yg\n", "cells.csv")}, follow=True)
    assert "Registered cells.csv: 1 cell(s): 1 new" in response.content.decode()


def test_the_counters_behind_a_figure_per_cell(browser, manager, org, send):
    do_import_cells(now=clock.now(), actor=None, path_or_stream=io.BytesIO(
        b"cell,unit_code\nXD1,ty-xd\nYG1,dt-yg\n"))
    browser.force_login(manager)
    send(IMPORTS, {"file": upload(counter_file(
        line("XD1", "2025-08-01"), line("XD1", "2025-08-02"),
        line("YG1", "2025-08-01", counts=(100, 90, 5, 3, 1, 100, 5, 90, 9))))})
    text = browser.get(COUNTERS + "?period=2025-08&unit=ty").content.decode()
    assert "XD1" in text and "YG1" not in text
    assert "98.16%" in text  # 5026 / 5120
    assert "0.06%" in text  # congestion 6 / 9960
    whole = browser.get(COUNTERS + "?period=2025-08").content.decode()
    assert "YG1" in whole and "5.00%" in whole and "10.00%" in whole  # YG1 congestion and drop
    empty = browser.get(COUNTERS + "?period=2025-07&unit=ty").content.decode()
    assert "No counters for this period and branch." in empty
    bad = browser.get(COUNTERS + "?period=July").content.decode()
    assert "unknown period" in bad


def test_the_billing_page_enters_and_lists_counts(browser, manager, org):
    browser.force_login(manager)
    response = browser.post(BILLING, {"action": "record", "entry-month": "2025-07",
                                      "entry-unit": org.taiyuan.pk, "entry-erroneous": "12",
                                      "entry-total": "300000", "entry-note": "BSS"},
                            follow=True)
    text = response.content.decode()
    assert "Billing errors of 2025-07 saved." in text
    browser.post(BILLING, {"action": "record", "entry-month": "2025-07",
                           "entry-unit": org.datong.pk, "entry-erroneous": "9",
                           "entry-total": "100000"})
    text = browser.get(BILLING).content.decode()
    assert "0.40" in text and "0.90" in text  # ×10⁻⁴ per city
    assert "Month total" in text and "0.53" in text  # 21 / 400000
    clash = browser.post(BILLING, {"action": "record", "entry-month": "2025-07",
                                   "entry-unit": "", "entry-erroneous": "1",
                                   "entry-total": "10"}).content.decode()
    assert "2025-07 already has a count for" in clash
    assert BillingErrorCount.objects.count() == 2
    july = browser.get(BILLING + "?month=2025-07&unit=dt").content.decode()
    assert "0.90" in july and "0.40" not in july


def test_the_billing_page_imports_a_file(browser, manager, org, send):
    browser.force_login(manager)
    bad = send(BILLING, {"action": "upload", "billing-file": upload(
        b"month,unit_code,erroneous_records,all_records\n2025-07,ty,12,300000\n2025-07,ty,1,2\n",
        "billing.csv")}).content.decode()
    assert "billing.csv: 1 error, nothing was written." in bad
    assert "2025-07 for ty appears twice (first on line 2)" in bad
    assert BillingErrorCount.objects.count() == 0
    good = send(BILLING, {"action": "upload", "billing-file": upload(
        b"month,unit_code,erroneous_records,all_records\n2025-07,ty,12,300000\n",
        "billing.csv")}, follow=True).content.decode()
    assert "Imported billing.csv: 1 count(s)" in good
    assert BillingErrorCount.objects.get().month == dt.date(2025, 7, 1)


def test_a_branch_manager_sees_the_counts_of_their_branch(browser, branch_manager, org):
    from telcodesk.quality.services.billing import do_record_billing_errors

    do_record_billing_errors(now=clock.now(), actor=None, month=dt.date(2025, 7, 1),
                             unit=org.taiyuan, erroneous=12, total=300_000)
    do_record_billing_errors(now=clock.now(), actor=None, month=dt.date(2025, 7, 1),
                             unit=org.datong, erroneous=9, total=100_000)
    do_record_billing_errors(now=clock.now(), actor=None, month=dt.date(2025, 6, 1),
                             unit=None, erroneous=1, total=100_000)
    do_import_cells(now=clock.now(), actor=None, path_or_stream=io.BytesIO(
        b"cell,unit_code\nTY1,ty-xd\nDT1,dt-yg\nLOOSE,\n"))
    browser.force_login(branch_manager)
    billing = browser.get(BILLING).content.decode()
    assert "大同分公司" in billing and "太原分公司" not in billing
    assert "Whole operator" in billing
    cells = browser.get(CELLS).content.decode()
    assert "DT1" in cells and "LOOSE" in cells and "TY1" not in cells
