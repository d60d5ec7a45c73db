"""Complaint console pages as a hotline agent, a handler and a manager use them:
the queue, intake, the complaint page with its actions, and the dossier PDF."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from telcodesk.care.models import Complaint, ComplaintEvent, HotlineCall, SurveyAnswer
from telcodesk.care.renderers.dossier import build_dossier_pdf
from telcodesk.care.services import complaints as services
from telcodesk.core import clock
from telcodesk.core.models import AuditEntry
from telcodesk.core.pdf import pdf_info
from tests.care.complaints_support import (
    hours,
    make_household,
    receive,
)
from tests.pdf_text import pdf_text


@pytest.fixture
def clock_at(monkeypatch, now):
    """Pages read the time through ``core.clock``; tests move it."""
    state = {"now": now}
    monkeypatch.setattr(clock, "now", lambda: state["now"])

    def move(to: dt.datetime) -> None:
        state["now"] = to

    return move


def login(user) -> Client:
    """A signed-in browser that asks for English pages (the default is Chinese)."""
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def intake(**fields):
    data = {"channel": "hotline", "category": "billing", "summary": "话费多扣了20元",
            "details": "用户称8月话费比平时多20元", "notify_customer": "on"}
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


# --- intake ------------------------------------------------------------------------------


def test_intake_without_a_channel_is_a_form_error_and_nothing_is_saved(clock_at, people,
                                                                        home):
    client = login(people.agent)
    page = client.get("/console/complaints/new/").content.decode()
    # No channel is chosen for the taker: the empty choice comes first and is selected.
    assert '<option value="" selected>Choose the channel</option>' in page
    response = client.post("/console/complaints/new/", intake(
        channel=None, customer_query=home.mobile.number))
    assert response.status_code == 400
    assert "Choose the channel the complaint came through." in response.content.decode()
    assert not Complaint.objects.exists()
    response = client.post("/console/complaints/new/", intake(
        channel="pigeon", customer_query=home.mobile.number))
    assert response.status_code == 400
    assert not Complaint.objects.exists()


def test_intake_makes_the_taker_the_owner_and_opens_the_complaint_page(clock_at, people, home,
                                                                       now):
    client = login(people.agent)
    response = client.post("/console/complaints/new/", intake(
        customer_query=home.mobile.number, bill_reference="2025-08",
        subscription_number=home.mobile.number))
    complaint = Complaint.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/console/complaints/{complaint.code}/"
    assert complaint.owner == complaint.handler == people.agent
    assert complaint.customer == home.customer and complaint.subscription == home.mobile
    assert complaint.channel == "hotline" and complaint.bill_reference == "2025-08"
    assert complaint.received_at == now
    page = client.get(response["Location"]).content.decode()
    assert complaint.code in page and "话费多扣了20元" in page
    assert "Reply commitment" in page and "2 days left" in page


def test_intake_prefills_from_a_customer_a_number_and_a_hotline_call(clock_at, people, home,
                                                                     now):
    from telcodesk.care.models import CallLogSource, HotlineQueue

    client = login(people.agent)
    page = client.get(f"/console/complaints/new/?customer={home.customer.code}").content.decode()
    assert home.customer.name in page
    assert f'value="{home.customer.code}"' in page
    page = client.get("/console/complaints/new/?number=13900001111").content.decode()
    assert 'value="13900001111"' in page
    source = CallLogSource.objects.create(path="/var/log/asterisk/queue_log",
                                          fmt="asterisk-queue-log", created_at=now,
                                          updated_at=now)
    queue = HotlineQueue.objects.create(name="10000-billing")
    call = HotlineCall.objects.create(
        source=source, call_ref="1727661600.42", queue=queue, caller=home.mobile.number,
        customer=home.customer, entered_at=now - hours(1), entered_date=now.date(),
        entered_hour=9, outcome="answered", agent="Agent/1001")
    page = client.get(f"/console/complaints/new/?contact={call.pk}").content.decode()
    assert "From a hotline call" in page
    assert '<option value="hotline" selected>' in page
    response = client.post(f"/console/complaints/new/?contact={call.pk}", intake(
        contact=call.pk, customer=home.customer.code, customer_query=home.customer.code))
    assert response.status_code == 302
    assert Complaint.objects.get().contact == call


def test_several_matching_customers_must_be_told_apart(clock_at, people, home, shop, org):
    other = make_household(org.xiaodian, shop)
    other.customer.name = home.customer.name[:2] + "某某"
    other.customer.save()
    client = login(people.agent)
    response = client.post("/console/complaints/new/", intake(
        customer_query=home.customer.name[:2]))
    assert response.status_code == 400
    body = response.content.decode()
    assert "Several customers match" in body
    assert f'name="customer_pick" value="{home.customer.code}"' in body
    assert not Complaint.objects.exists()
    response = client.post("/console/complaints/new/", intake(
        customer_query=home.customer.name[:2], customer_pick=other.customer.code))
    assert response.status_code == 302
    assert Complaint.objects.get().customer == other.customer


def test_the_customer_lookup_fragment_lists_matches_with_masked_numbers(clock_at, people,
                                                                        home):
    client = login(people.handler)  # a complaint handler sees numbers masked
    body = client.get("/console/complaints/new/customers/",
                      {"customer_query": home.customer.code}).content.decode()
    assert f'value="{home.customer.code}"' in body
    assert home.customer.contact_phone[3:] not in body  # never the full number


# --- the complaint page ------------------------------------------------------------------


def test_a_transfer_changes_the_handler_and_keeps_the_owner(clock_at, people, home, now):
    complaint = receive(now, people.handler, customer=home.customer)
    client = login(people.handler)
    page = client.get(f"/console/complaints/{complaint.code}/").content.decode()
    assert 'id="transfer-form"' in page and 'id="reassign-form"' not in page
    response = client.post(f"/console/complaints/{complaint.code}/transfer/",
                           {"to_user": people.handler2.pk, "note": "请核查计费记录"})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.owner == people.handler and complaint.handler == people.handler2
    page = client.get(f"/console/complaints/{complaint.code}/").content.decode()
    assert "Complaint transferred; the owner stays responsible." in page
    assert "请核查计费记录" in page and "xd-handler2" in page


def test_a_transfer_needs_a_note(clock_at, people, home, now):
    complaint = receive(now, people.handler, customer=home.customer)
    response = login(people.handler).post(f"/console/complaints/{complaint.code}/transfer/",
                                          {"to_user": people.handler2.pk, "note": ""})
    assert response.status_code == 400
    complaint.refresh_from_db()
    assert complaint.handler == people.handler


def test_only_a_manager_reassigns_the_owner_and_with_a_reason(clock_at, people, home, now):
    complaint = receive(now, people.handler, customer=home.customer)
    # A complaint handler of the branch may work on it, not change its owner.
    response = login(people.handler2).post(
        f"/console/complaints/{complaint.code}/reassign/",
        {"new_owner": people.handler2.pk, "reason": "我来负责"})
    assert response.status_code == 403
    assert "only a manager may change" in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.owner == people.handler
    assert not ComplaintEvent.objects.filter(kind="reassigned").exists()

    manager = login(people.manager)
    page = manager.get(f"/console/complaints/{complaint.code}/").content.decode()
    assert 'id="reassign-form"' in page
    response = manager.post(f"/console/complaints/{complaint.code}/reassign/",
                            {"new_owner": people.handler2.pk, "reason": ""})
    assert response.status_code == 400
    complaint.refresh_from_db()
    assert complaint.owner == people.handler
    response = manager.post(f"/console/complaints/{complaint.code}/reassign/",
                            {"new_owner": people.handler2.pk, "reason": "原负责人休假"})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.owner == people.handler2
    assert ComplaintEvent.objects.get(kind="reassigned").text == "原负责人休假"


def test_note_reply_and_close_with_the_survey(clock_at, people, home, now):
    complaint = receive(now, people.handler, customer=home.customer)
    client = login(people.handler)
    url = f"/console/complaints/{complaint.code}"
    assert client.post(f"{url}/note/", {"text": "已致电用户", "contacted": "on"}).status_code \
        == 302
    # Closing before a reply is refused, and changes nothing.
    response = client.post(f"{url}/close/", {"send_survey": "on"})
    assert response.status_code == 409
    assert "only a replied complaint can be closed" in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.state == "in_progress"
    clock_at(now + hours(5))
    response = client.post(f"{url}/reply/", {"reply_text": "经核查多扣费用已退还。",
                                             "notify_customer": "on"})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.state == "replied" and complaint.reply_text == "经核查多扣费用已退还。"
    page = client.get(f"{url}/").content.decode()
    assert 'id="close-form"' in page and 'id="reply-form"' not in page
    assert "met, 1 day 19 hours to spare" in page  # 48 hours, replied after 5
    assert client.post(f"{url}/close/", {"send_survey": "on"}).status_code == 302
    complaint.refresh_from_db()
    assert complaint.state == "closed" and complaint.survey_sent_at == now + hours(5)
    page = client.get(f"{url}/").content.decode()
    assert 'id="survey-form"' in page
    response = client.post(f"{url}/survey/", {"answer": "fairly_satisfied"})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.satisfaction == "fairly_satisfied"
    answer = SurveyAnswer.objects.get()
    assert answer.channel == "console" and answer.raw_text == "2"


def test_the_regulator_appeal_flag_and_reference(clock_at, people, home, now):
    complaint = receive(now, people.handler, customer=home.customer)
    client = login(people.handler)
    url = f"/console/complaints/{complaint.code}"
    assert client.post(f"{url}/appeal/", {"reference": "GXB-2025-0931"}).status_code == 302
    complaint.refresh_from_db()
    assert complaint.regulator_appeal and complaint.regulator_reference == "GXB-2025-0931"
    page = client.get(f"{url}/").content.decode()
    assert "Appealed to the regulator" in page and "GXB-2025-0931" in page


def test_staff_without_rights_see_no_actions_and_other_branches_get_a_404(clock_at, people,
                                                                          home, now):
    complaint = receive(now, people.handler, customer=home.customer)
    page = login(people.tech).get(f"/console/complaints/{complaint.code}/")
    assert page.status_code == 200
    assert 'id="actions"' not in page.content.decode()
    response = login(people.tech).post(f"/console/complaints/{complaint.code}/note/",
                                       {"text": "x"})
    assert response.status_code == 403
    assert login(people.dt_manager).get(f"/console/complaints/{complaint.code}/").status_code \
        == 404
    assert login(people.dt_manager).get(
        f"/console/complaints/{complaint.code}/dossier.pdf").status_code == 404


# --- the queue ---------------------------------------------------------------------------


def test_the_queue_shows_time_left_coloured_and_filters(clock_at, people, home, shop, org,
                                                        now):
    other = make_household(org.xiaodian, shop)
    late = receive(now - hours(60), people.handler, customer=home.customer,
                   contact_number=home.mobile.number, received_at=now - hours(60))
    near = receive(now - hours(40), people.handler, customer=other.customer,
                   category="network", summary="信号差", received_at=now - hours(40))
    fresh = receive(now, people.agent, customer=other.customer, channel="letter",
                    category="attitude", summary="营业员态度差")
    hidden = receive(now, people.dt_manager, contact_number="13911112222")
    client = login(people.manager)
    page = client.get("/console/complaints/").content.decode()
    assert hidden.code not in page
    assert page.index(late.code) < page.index(near.code) < page.index(fresh.code)
    assert f'class="sla-row-breached" id="complaint-{late.code}"' in page
    assert f'class="sla-row-warning" id="complaint-{near.code}"' in page
    assert "12 hours late" in page and "8 hours left" in page
    assert "Reply overdue: 1" in page
    national = home.mobile.number.removeprefix("+86")
    assert national in page  # a branch manager sees full numbers, a handler masked ones
    masked = login(people.handler).get("/console/complaints/").content.decode()
    assert national not in masked and f"{national[:3]}****{national[-4:]}" in masked
    overdue = client.get("/console/complaints/", {"overdue": "on"}).content.decode()
    assert late.code in overdue and near.code not in overdue
    letters = client.get("/console/complaints/", {"channel": "letter"}).content.decode()
    assert fresh.code in letters and late.code not in letters
    found = client.get("/console/complaints/", {"q": late.code}).content.decode()
    assert late.code in found and near.code not in found
    fragment = client.get("/console/complaints/", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment and late.code in fragment


def test_the_pages_speak_chinese_by_default(clock_at, people, home, now):
    complaint = receive(now, people.handler, customer=home.customer)
    client = Client()
    client.force_login(people.manager)
    for url in ("/console/complaints/", "/console/complaints/new/",
                f"/console/complaints/{complaint.code}/"):
        response = client.get(url)
        assert response.status_code == 200
        assert '<html lang="zh-hans">' in response.content.decode()
    response = client.get(f"/console/complaints/{complaint.code}/dossier.pdf")
    assert response.content.startswith(b"%PDF-")


def test_the_customer_page_lists_the_customers_complaints(clock_at, people, home, now):
    complaint = receive(now, people.handler, customer=home.customer)
    page = login(people.manager).get(f"/console/customers/{home.customer.code}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert complaint.code in body and f"?customer={home.customer.code}" in body


# --- the dossier -------------------------------------------------------------------------


def handled(now, people, home) -> Complaint:
    complaint = receive(now, people.handler, customer=home.customer,
                        contact_number=home.mobile.number, subscription=home.mobile)
    services.do_transfer_complaint(now=now + hours(1), actor=people.handler,
                                   complaint=complaint, to_user=people.handler2,
                                   note="请计费中心核查")
    services.do_reply_complaint(now=now + hours(30), actor=people.handler2,
                                complaint=complaint,
                                reply_text="经核查8月多收增值业务费20元，已退还至您的账户。")
    services.do_close_complaint(now=now + hours(31), actor=people.handler2,
                                complaint=complaint)
    services.do_record_regulator_appeal(now=now + hours(40), actor=people.handler,
                                        complaint=complaint, reference="GXB-2025-0931")
    complaint.refresh_from_db()
    return complaint


def test_the_dossier_download_is_a_pdf_of_the_complaint(clock_at, people, home, now):
    complaint = handled(now, people, home)
    clock_at(now + hours(48))
    response = login(people.handler).get(f"/console/complaints/{complaint.code}/dossier.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="{complaint.code}-dossier.pdf"' in response["Content-Disposition"]
    data = response.content
    assert data.startswith(b"%PDF-")
    info = pdf_info(data)
    assert info["Subject"] == complaint.code
    assert complaint.code in info["Title"] and info["Title"].startswith("Complaint dossier")
    assert AuditEntry.objects.filter(action="complaint.dossier",
                                     target_id=complaint.code).exists()


def test_the_dossier_prints_the_record_and_masks_numbers_unless_the_role_shows_them(
        people, home, now):
    complaint = handled(now, people, home)
    later = now + hours(48)
    text = pdf_text(build_dossier_pdf(complaint, now=later, language="en",
                                      generated_by=people.handler, compress=False))
    flat = text.replace("\n", "")
    assert complaint.code in text
    assert "Hotline" in text and "Billing" in text
    assert "xd-handler" in text and "xd-handler2" in text  # owner and handler
    assert "请计费中心核查" in flat  # the transfer note, with from → to
    assert "→" in text
    assert "经核查8月多收增值业务费20元，已退还至您的账户。" in flat  # the reply, in full
    assert "Reply commitment" in text and "Regulator's limit" in text
    assert "met" in text
    assert "GXB-2025-0931" in text
    assert "Generated 2025-10-02 10:00" in flat
    national = home.mobile.number.removeprefix("+86")
    assert national not in flat
    assert f"{national[:3]}****{national[-4:]}" in flat
    full = pdf_text(build_dossier_pdf(complaint, now=later, language="en",
                                      full_numbers=True, compress=False))
    assert national in full.replace("\n", "")
    # The default language is the console's (Chinese); the record is the same.
    chinese = build_dossier_pdf(complaint, now=later)
    assert pdf_info(chinese)["Subject"] == complaint.code


def test_the_owner_sees_the_contact_number_to_call_back_and_no_one_else_does(
        clock_at, people, home, now):
    complaint = receive(now, people.handler, customer=home.customer,
                        contact_number="+8613912345678")
    owner_page = login(people.handler).get(f"/console/complaints/{complaint.code}/")
    contact = owner_page.content.decode().split('id="complaint-contact">', 1)[1]
    contact = contact.split("</dd>", 1)[0]
    assert 'href="tel:13912345678"' in contact and "13912345678</a>" in contact
    # Another handler of the same branch, who does not own it, sees it masked.
    other = login(people.handler2).get(f"/console/complaints/{complaint.code}/")
    contact = other.content.decode().split('id="complaint-contact">', 1)[1].split("</dd>")[0]
    assert "139****5678" in contact and "tel:" not in contact
