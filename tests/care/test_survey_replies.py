"""Survey answers arriving by SMS (through ``notify.services.do_handle_reply``), in the
self-service hall and from the console: every answer is stored, nothing is lost."""

from __future__ import annotations

import datetime as dt

import pytest

from telcodesk.care.errors import CareError, CareErrorCode
from telcodesk.care.models import (
    Complaint,
    ComplaintState,
    Satisfaction,
    SurveyAnswer,
    SurveyAnswerStatus,
)
from telcodesk.care.services import complaints as services
from telcodesk.care.services.surveys import do_answer_survey
from telcodesk.core import phone
from telcodesk.notify.services import do_handle_reply
from tests.care.complaints_support import (
    hours,
    outbox,
    receive,
)


def closed_complaint(now: dt.datetime, actor, **kwargs) -> Complaint:
    complaint = receive(now - hours(5), actor, **kwargs)
    services.do_reply_complaint(now=now - hours(2), actor=actor, complaint=complaint,
                                reply_text="已处理")
    return services.do_close_complaint(now=now - hours(1), actor=actor, complaint=complaint)


def answers(complaint: Complaint) -> list[tuple[str, str, str]]:
    return [(a.raw_text, a.value, a.status) for a in
            SurveyAnswer.objects.filter(complaint=complaint).order_by("id")]


@pytest.fixture
def closed(now, home, people):
    return closed_complaint(now, people.handler, customer=home.customer)


def test_a_full_width_digit_by_sms_answers_the_survey(now, closed, home):
    number = phone.national(home.customer.contact_phone)  # as the SMS centre delivers it
    assert do_handle_reply(now=now, number=number, text="１") is True
    closed.refresh_from_db()
    assert closed.satisfaction == Satisfaction.SATISFIED and closed.satisfaction_at == now
    assert answers(closed) == [("１", "satisfied", "accepted")]
    assert closed.state == ComplaintState.CLOSED


def test_a_not_understood_reply_is_stored_and_asked_again_once(now, closed, home):
    number = home.customer.contact_phone
    assert do_handle_reply(now=now, number=number, text="ok") is True
    assert do_handle_reply(now=now + hours(1), number=number, text="什么意思") is True
    closed.refresh_from_db()
    assert closed.satisfaction == ""
    assert answers(closed) == [("ok", "", "not_understood"), ("什么意思", "", "not_understood")]
    surveys = outbox("satisfaction_survey")
    assert len(surveys) == 2  # the survey and one polite repeat, never more
    assert surveys[1].recipient == number
    assert do_handle_reply(now=now + hours(2), number=number, text="2 基本满意") is True
    closed.refresh_from_db()
    assert closed.satisfaction == Satisfaction.FAIRLY_SATISFIED


def test_a_reply_after_the_window_is_stored_as_late(now, closed, home, settings):
    settings.TELCODESK_SURVEY_REPLY_DAYS = 7
    later = now + dt.timedelta(days=8)
    assert do_handle_reply(now=later, number=home.customer.contact_phone, text="3") is True
    closed.refresh_from_db()
    assert closed.satisfaction == "" and closed.state == ComplaintState.CLOSED
    assert answers(closed) == [("3", "dissatisfied", "late")]
    # Long after the window, the number's messages are left to other handlers.
    assert do_handle_reply(now=now + dt.timedelta(days=60), number=home.customer.contact_phone,
                           text="3") is False


def test_a_number_without_a_pending_survey_is_not_taken(now, closed, home, people):
    assert do_handle_reply(now=now, number="+8613912340000", text="1") is False
    assert do_handle_reply(now=now, number="not a number", text="1") is False
    assert do_handle_reply(now=now, number=home.customer.contact_phone, text="1") is True
    # Answered: the next message from the number is not a survey answer any more.
    assert do_handle_reply(now=now, number=home.customer.contact_phone, text="1") is False
    assert SurveyAnswer.objects.count() == 1


def test_a_dissatisfied_sms_reopens_the_complaint(now, closed, home, people):
    assert do_handle_reply(now=now, number=home.customer.contact_phone, text="3不满意") is True
    closed.refresh_from_db()
    assert closed.state == ComplaintState.REOPENED and closed.handler == people.manager


def test_the_latest_pending_survey_of_the_number_is_answered(now, people):
    first = closed_complaint(now - hours(10), people.agent, contact_number="13912345678",
                             category="spam")
    second = closed_complaint(now, people.agent, contact_number="13912345678",
                              category="network")
    assert do_handle_reply(now=now, number="13912345678", text="2") is True
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.satisfaction, second.satisfaction) == ("", "fairly_satisfied")
    assert do_handle_reply(now=now, number="13912345678", text="1") is True
    first.refresh_from_db()
    assert first.satisfaction == "satisfied"


def test_the_opt_out_word_is_not_a_survey_answer(now, closed, home):
    assert do_handle_reply(now=now, number=home.customer.contact_phone, text="TD") is True
    assert SurveyAnswer.objects.count() == 0


def test_self_service_and_console_answers(now, closed, people, settings):
    settings.TELCODESK_SURVEY_REPLY_DAYS = 7
    answer = do_answer_survey(now=now, complaint=closed, raw_text="1", channel="self_service")
    assert answer.status == SurveyAnswerStatus.ACCEPTED
    again = do_answer_survey(now=now, complaint=closed, raw_text="3", channel="self_service")
    assert again.status == SurveyAnswerStatus.LATE  # already answered: stored, nothing changes
    closed.refresh_from_db()
    assert closed.satisfaction == Satisfaction.SATISFIED
    with pytest.raises(CareError) as caught:
        do_answer_survey(now=now, complaint=closed, raw_text="1", channel="fax")
    assert caught.value.code == CareErrorCode.INVALID


def test_a_phone_answer_recorded_in_the_console_after_the_window(now, home, people, settings):
    settings.TELCODESK_SURVEY_REPLY_DAYS = 7
    complaint = receive(now, people.handler, customer=home.customer)
    with pytest.raises(CareError) as caught:  # no survey for an open complaint
        do_answer_survey(now=now, complaint=complaint, raw_text="1", channel="console")
    assert caught.value.code == CareErrorCode.ILLEGAL_STATE
    services.do_reply_complaint(now=now, actor=people.handler, complaint=complaint,
                                reply_text="好")
    services.do_close_complaint(now=now, actor=people.handler, complaint=complaint,
                                send_survey=False)
    with pytest.raises(CareError):  # no survey was sent: nothing to answer by SMS
        do_answer_survey(now=now, complaint=complaint, raw_text="1", channel="sms")
    answer = do_answer_survey(now=now + dt.timedelta(days=9), complaint=complaint,
                              raw_text="2", channel="console", actor=people.handler)
    assert answer.status == SurveyAnswerStatus.ACCEPTED
    complaint.refresh_from_db()
    assert complaint.satisfaction == Satisfaction.FAIRLY_SATISFIED
