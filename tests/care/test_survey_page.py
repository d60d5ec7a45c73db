"""The subscriber's satisfaction survey page in the self-service hall (``/my/survey/<token>/``)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from telcodesk.care.models import Complaint, SurveyAnswer
from telcodesk.care.selectors.complaints import survey_token
from telcodesk.care.services import complaints as services
from telcodesk.care.views import surveys as survey_views
from telcodesk.core import clock
from tests.care.complaints_support import hours, receive

REPLY = "经核查，8月多收的增值业务费20元已退还至您的账户。"


@pytest.fixture(autouse=True)
def _private_cache(settings, request):
    """A fresh in-memory cache per test: the answer rate limit never leaks between tests."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": f"survey-test-{request.node.nodeid}"}}
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def clock_at(monkeypatch, now):
    state = {"now": now}
    monkeypatch.setattr(clock, "now", lambda: state["now"])

    def move(to: dt.datetime) -> None:
        state["now"] = to

    return move


def closed(now, people, home, *, survey: bool = True) -> Complaint:
    complaint = receive(now - hours(30), people.handler, customer=home.customer,
                        received_at=now - hours(30))
    services.do_reply_complaint(now=now - hours(2), actor=people.handler, complaint=complaint,
                                reply_text=REPLY)
    services.do_close_complaint(now=now - hours(1), actor=people.handler, complaint=complaint,
                                send_survey=survey)
    complaint.refresh_from_db()
    return complaint


def url(complaint: Complaint) -> str:
    return f"/my/survey/{survey_token(complaint)}/"


def english() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def test_the_page_shows_the_complaint_its_reply_and_three_answers(clock_at, people, home, now):
    complaint = closed(now, people, home)
    page = english().get(url(complaint))
    assert page.status_code == 200
    body = page.content.decode()
    assert complaint.code in body and "话费多扣了20元" in body and REPLY in body
    for digit, label in (("1", "Satisfied"), ("2", "Fairly satisfied"),
                         ("3", "Dissatisfied")):
        assert f'name="answer" value="{digit}"' in body
        assert f">{label}</button>" in body
    # Chinese by default, as the SMS link is opened.
    assert Client().get(url(complaint)).status_code == 200


def test_an_answer_is_recorded_once_and_a_second_one_is_kept_but_changes_nothing(
        clock_at, people, home, now):
    complaint = closed(now, people, home)
    client = english()
    response = client.post(url(complaint), {"answer": "1"})
    assert response.status_code == 302 and response["Location"] == url(complaint)
    complaint.refresh_from_db()
    assert complaint.satisfaction == "satisfied"
    page = client.get(url(complaint)).content.decode()
    assert "Thank you for your answer." in page
    assert "Your answer: Satisfied." in page and 'name="answer"' not in page

    clock_at(now + hours(1))
    response = client.post(url(complaint), {"answer": "3"}, follow=True)
    assert "This survey was already answered; your first answer stands." in \
        response.content.decode()
    complaint.refresh_from_db()
    assert complaint.satisfaction == "satisfied" and complaint.state == "closed"
    assert list(SurveyAnswer.objects.order_by("id").values_list("raw_text", "status")) == [
        ("1", "accepted"), ("3", "late")]


def test_a_dissatisfied_answer_reopens_the_complaint_to_the_owners_manager(clock_at, people,
                                                                           home, now):
    complaint = closed(now, people, home)
    english().post(url(complaint), {"answer": "3"})
    complaint.refresh_from_db()
    assert complaint.satisfaction == "dissatisfied"
    assert complaint.state == "reopened" and complaint.handler == people.manager
    assert complaint.owner == people.handler
    assert SurveyAnswer.objects.get().channel == "self_service"


def test_a_bad_link_is_a_clear_404_page(clock_at, people, home, now):
    complaint = closed(now, people, home)
    for token in ("nonsense", survey_token(complaint)[:-2] + "xx", "CP000000001"):
        response = english().get(f"/my/survey/{token}/")
        assert response.status_code == 404
        assert "This survey link is not valid" in response.content.decode()
    response = english().post("/my/survey/nonsense/", {"answer": "1"})
    assert response.status_code == 404
    assert not SurveyAnswer.objects.exists()


def test_an_expired_survey_is_gone_and_a_late_answer_is_kept_without_effect(clock_at, people,
                                                                            home, now,
                                                                            settings):
    complaint = closed(now, people, home)
    clock_at(complaint.survey_sent_at + dt.timedelta(days=settings.TELCODESK_SURVEY_REPLY_DAYS,
                                                     minutes=1))
    response = english().get(url(complaint))
    assert response.status_code == 410
    assert "This survey is closed" in response.content.decode()
    response = english().post(url(complaint), {"answer": "3"})
    assert response.status_code == 410
    assert "We have kept your answer" in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.satisfaction == "" and complaint.state == "closed"
    assert SurveyAnswer.objects.get().status == "late"


def test_no_survey_sent_means_nothing_to_answer(clock_at, people, home, now):
    complaint = closed(now, people, home, survey=False)
    assert english().get(url(complaint)).status_code == 410
    response = english().post(url(complaint), {"answer": "1"})
    assert response.status_code == 410
    complaint.refresh_from_db()
    assert complaint.satisfaction == ""
    open_one = receive(now, people.handler, customer=home.customer, category="network")
    assert english().get(url(open_one)).status_code == 410


def test_something_else_than_the_three_buttons_is_refused(clock_at, people, home, now):
    complaint = closed(now, people, home)
    response = english().post(url(complaint), {"answer": "5"})
    assert response.status_code == 400
    assert "Choose one of the three answers." in response.content.decode()
    assert not SurveyAnswer.objects.exists()


def test_answers_are_rate_limited_per_address(clock_at, people, home, now):
    complaint = closed(now, people, home)
    client = english()
    for _ in range(survey_views.SURVEY_POSTS):
        assert client.post(url(complaint), {"answer": "9"}).status_code == 400
    response = client.post(url(complaint), {"answer": "1"})
    assert response.status_code == 429
    complaint.refresh_from_db()
    assert complaint.satisfaction == ""
    clock_at(now + survey_views.SURVEY_WINDOW + dt.timedelta(seconds=1))
    assert client.post(url(complaint), {"answer": "1"}).status_code == 302
