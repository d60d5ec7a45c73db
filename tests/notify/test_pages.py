"""Console pages: failures with resend, templates with lengths, the customer's messages."""

from __future__ import annotations

import re

import pytest

from telcodesk.core import clock
from telcodesk.core.models import AuditEntry
from telcodesk.core.roles import Role
from telcodesk.notify.dispatcher import dispatch_once
from telcodesk.notify.models import MessageTemplate, OutboxMessage, State
from telcodesk.notify.transports.base import SubmitStatus
from tests.factories import AccountFactory, CustomerFactory, SubscriptionFactory
from tests.notify.support import ScriptedTransport, reminder

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch, now):
    monkeypatch.setattr(clock, "now", lambda: now)


@pytest.fixture
def staff(org, make_staff):
    class Staff:
        clerk = make_staff("clerk_xd", org.xiaodian, Role.COUNTER_CLERK)
        installer = make_staff("installer_xd", org.xiaodian, Role.INSTALLER)
        qx_manager = make_staff("manager_qx", org.qingxu, Role.BRANCH_MANAGER)
        manager = make_staff("manager_ty", org.taiyuan, Role.BRANCH_MANAGER)
        admin = make_staff("admin_ty", org.taiyuan, Role.ADMINISTRATOR)

    return Staff


@pytest.fixture
def customer(org):
    customer = CustomerFactory(code="C000000101", name="王建国", org_unit=org.xiaodian,
                               contact_phone="+8613812345678")
    SubscriptionFactory(account=AccountFactory(customer=customer), number="+8618912345678")
    return customer


@pytest.fixture
def failed(now, customer):
    message = reminder(now, key="payment:P9", customer=customer)
    dispatch_once(transport=ScriptedTransport(answers=[SubmitStatus.FAILED]), now=now,
                  owner="w1")
    message.refresh_from_db()
    assert message.state == State.FAILED
    return message


def page(client, url, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_a_failure_shows_with_its_reason_and_a_manager_resends_it(client, staff, failed, now):
    client.force_login(staff.manager)
    html = page(client, "/console/messages/failures/")
    row = re.search(rf'<tr id="message-{failed.pk}">.*?</tr>', html, re.S)
    assert row is not None
    assert "ESME_RINVDSTADR (0x0B)" in row.group(0)
    assert "18912345678" in row.group(0)  # managers see full numbers
    assert "Resend" in row.group(0) or "重发" in row.group(0)
    response = client.post(f"/console/messages/{failed.pk}/resend/")
    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.state == State.QUEUED
    assert failed.attempts == 0 and failed.resends == 1
    entry = AuditEntry.objects.get(action="notify.resend")
    assert entry.actor == staff.manager
    assert entry.details["reason"] == "ESME_RINVDSTADR (0x0B)"
    assert f'id="message-{failed.pk}"' not in page(client, "/console/messages/failures/")
    # The new attempt goes out with a fresh key, so the SMS centre does not drop it.
    transport = ScriptedTransport()
    dispatch_once(transport=transport, now=now, owner="w1")
    assert transport.submitted[0].dedupe_key == "payment:P9#r1"


def test_a_clerk_sees_the_failure_masked_rules_aside_but_cannot_resend(client, staff, failed):
    client.force_login(staff.installer)
    html = page(client, "/console/messages/failures/")
    assert f'id="message-{failed.pk}"' in html
    assert "189****5678" in html and "18912345678" not in html
    assert f"/console/messages/{failed.pk}/resend/" not in html
    client.force_login(staff.clerk)
    assert client.post(f"/console/messages/{failed.pk}/resend/").status_code == 403
    failed.refresh_from_db()
    assert failed.state == State.FAILED


def test_failures_of_another_branch_are_not_shown_nor_resendable(client, staff, failed):
    client.force_login(staff.qx_manager)
    assert f'id="message-{failed.pk}"' not in page(client, "/console/messages/failures/")
    assert client.post(f"/console/messages/{failed.pk}/resend/").status_code == 404
    failed.refresh_from_db()
    assert failed.state == State.FAILED


def test_failures_filter_by_kind_and_date(client, staff, failed):
    client.force_login(staff.manager)
    assert f'id="message-{failed.pk}"' in page(client, "/console/messages/failures/",
                                                kind="payment_received")
    assert f'id="message-{failed.pk}"' not in page(client, "/console/messages/failures/",
                                                    kind="activation")
    assert f'id="message-{failed.pk}"' in page(client, "/console/messages/failures/",
                                                since="2025-09-30", until="2025-09-30")
    assert f'id="message-{failed.pk}"' not in page(client, "/console/messages/failures/",
                                                    since="2025-10-01")


def test_templates_page_shows_length_encoding_and_sms_count(client, staff):
    client.force_login(staff.admin)
    html = page(client, "/console/messages/templates/")
    row = re.search(r'<tr id="template-package_change-zh-hans">.*?</tr>', html, re.S)
    assert row is not None
    assert "UCS-2" in row.group(0)
    # The sample is 82 UCS-2 characters: two SMS (67 per part).
    assert re.search(r"\b82\b", row.group(0))
    assert re.search(r"\b2 (SMS|条)", row.group(0))
    english = re.search(r'<tr id="template-reconnection-en">.*?</tr>', html, re.S)
    assert english is not None and "GSM 7-bit" in english.group(0)


def test_an_unknown_placeholder_is_a_form_error_and_nothing_is_saved(client, staff):
    client.force_login(staff.admin)
    url = "/console/messages/templates/payment_received/zh-hans/"
    response = client.post(url, {"action": "save", "body": "您的{number}缴费{amout}元"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "errorlist" in html
    assert "{amout}" in html and "{amount}" in html and "{balance}" in html
    assert not MessageTemplate.objects.exists()
    saved = client.post(url, {"action": "save", "body": "【演示电信】{number}到账{amount}元"})
    assert saved.status_code == 302
    assert MessageTemplate.objects.get().body == "【演示电信】{number}到账{amount}元"
    edit_page = page(client, url)
    assert "UCS-2" in edit_page
    client.post(url, {"action": "reset"})
    assert not MessageTemplate.objects.exists()


def test_only_administrators_edit_templates(client, staff):
    client.force_login(staff.manager)
    assert client.get("/console/messages/templates/").status_code == 403
    home = page(client, "/console/")
    assert "/console/messages/templates/" not in home
    assert "/console/messages/failures/" in home
    client.force_login(staff.admin)
    assert "/console/messages/templates/" in page(client, "/console/")


def test_customer_page_lists_messages_with_masked_numbers_per_role(client, staff, customer,
                                                                   now):
    reminder(now, key="a", customer=customer)
    delivered = reminder(now, key="b", customer=customer, recipient="+8613812345678")
    OutboxMessage.objects.filter(pk=delivered.pk).update(state=State.DELIVERED)
    other = CustomerFactory(org_unit=customer.org_unit)
    reminder(now, key="c", customer=other, recipient="+8613700001111")
    client.force_login(staff.clerk)
    html = page(client, "/console/customers/C000000101/")
    panel = re.search(r'<section class="panel panel-flush" id="messages">.*?</section>', html,
                      re.S)
    assert panel is not None
    text = panel.group(0)
    assert "18912345678" in text and "13812345678" in text
    assert "13700001111" not in text
    assert "status-active" in text  # the delivered one
    client.force_login(staff.installer)
    masked = page(client, "/console/customers/C000000101/")
    panel = re.search(r'id="messages">.*?</section>', masked, re.S)
    assert panel is not None
    assert "189****5678" in panel.group(0) and "138****5678" in panel.group(0)
    assert "18912345678" not in panel.group(0) and "13812345678" not in panel.group(0)


def test_admin_lists_the_outbox_read_only(admin_client, customer, now):
    message = reminder(now, customer=customer)
    assert admin_client.get("/admin/notify/outboxmessage/").status_code == 200
    assert admin_client.get(f"/admin/notify/outboxmessage/{message.pk}/change/").status_code \
        == 200
    assert admin_client.get("/admin/notify/outboxmessage/add/").status_code == 403
