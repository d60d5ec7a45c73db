"""Satisfaction surveys of closed complaints and their answers.

Closing a replied complaint opens its survey (``do_close_complaint``): an SMS
asking for 1 (satisfied), 2 (fairly satisfied) or 3 (dissatisfied) to the
complainant's mobile number, and the self-service survey link. The survey is
open for ``TELCODESK_SURVEY_REPLY_DAYS`` after it was sent.

Nothing a subscriber answers is lost: every answer becomes a ``SurveyAnswer``.

- **accepted**: read by ``care.parsers.surveys`` while the survey is open; the
  complaint's ``satisfaction`` is set. A *dissatisfied* answer reopens the
  complaint to the owner's manager (``reopen_to_manager``).
- **not understood**: the text could not be read; stored, and an SMS answer
  gets the question once more — at most once per survey (a dedupe key), so a
  subscriber who keeps writing is never flooded.
- **late**: the survey was no longer open (its window passed, or it was
  already answered); stored with what it said, nothing changes.

An answer recorded in the console (staff asked by phone) is accepted for a
closed complaint whatever the window, as long as it has no answer yet.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q

from telcodesk.care import permissions
from telcodesk.care.errors import CareError, CareErrorCode
from telcodesk.care.models import (
    SURVEY_CHANNEL_LABELS,
    Complaint,
    ComplaintEventKind,
    ComplaintState,
    Satisfaction,
    SurveyAnswer,
    SurveyAnswerStatus,
)
from telcodesk.care.parsers.surveys import parse_survey_answer
from telcodesk.care.selectors import complaints as selectors
from telcodesk.care.services import complaints as complaint_services
from telcodesk.core import phone
from telcodesk.core.changes import SURVEYS, records_changed
from telcodesk.core.models import Channel, User
from telcodesk.notify.services import do_notify

SURVEY_CHANNELS = ("sms", "self_service", "console")
AUDIT_CHANNELS = {"sms": Channel.SYSTEM, "self_service": Channel.SELF_SERVICE,
                  "console": Channel.CONSOLE}
# SMS replies are still matched to a survey (and stored as late) this long after its
# window closed; later messages are left to the other reply handlers.
LATE_REPLY_HORIZON = dt.timedelta(days=30)

__all__ = ["do_answer_survey", "handle_survey_reply", "parse_survey_answer"]


def _status(complaint: Complaint, *, now: dt.datetime, channel: str,
            value: Satisfaction | None) -> str:
    if complaint.state != ComplaintState.CLOSED or complaint.satisfaction:
        return SurveyAnswerStatus.LATE  # answered already, or reopened since
    if (channel != "console" and complaint.survey_sent_at is not None
            and now > complaint.survey_sent_at + selectors.survey_window()):
        return SurveyAnswerStatus.LATE
    if value is None:
        return SurveyAnswerStatus.NOT_UNDERSTOOD
    return SurveyAnswerStatus.ACCEPTED


@transaction.atomic
def do_answer_survey(*, now: dt.datetime, complaint: Complaint, raw_text: str, channel: str,
                     actor: User | None = None) -> SurveyAnswer:
    """Store an answer to the complaint's survey and act on it (see the module doc).

    ``channel``: ``sms``, ``self_service`` or ``console``. Returns the stored
    answer; its ``status`` says whether it counted.
    """
    if channel not in SURVEY_CHANNELS:
        raise CareError(CareErrorCode.INVALID, f"unknown survey channel {channel!r} (one of "
                                               f"{', '.join(SURVEY_CHANNELS)})")
    locked = Complaint.objects.select_for_update(of=("self",)).select_related(
        "owner", "owner__org_unit", "org_unit", "handler").get(pk=complaint.pk)
    if locked.survey_sent_at is None and not (
            channel == "console" and locked.state == ComplaintState.CLOSED):
        raise CareError(CareErrorCode.ILLEGAL_STATE,
                        f"no satisfaction survey is open for complaint {locked.code}")
    if channel == "console" and actor is not None and not permissions.may_work_on(actor, locked):
        raise CareError(CareErrorCode.FORBIDDEN,
                        "only the complaint's handler, its owner or a manager may record it")
    raw = (raw_text or "").strip()
    value = parse_survey_answer(raw)
    status = _status(locked, now=now, channel=channel, value=value)
    answer = SurveyAnswer.objects.create(
        complaint=locked, received_at=now, channel=channel, raw_text=raw[:500],
        value=value or "", status=status)
    if status == SurveyAnswerStatus.ACCEPTED:
        records_changed(source=SURVEYS, instants=[now])
    audit_channel = AUDIT_CHANNELS[channel]
    if status == SurveyAnswerStatus.ACCEPTED and value is not None:
        locked.satisfaction = value
        locked.satisfaction_at = now
        complaint_services._touch(locked, now, "satisfaction", "satisfaction_at")
        complaint_services._event(now=now, complaint=locked,
                                  kind=ComplaintEventKind.SURVEY_ANSWERED, actor=actor,
                                  text=f"{Satisfaction(value).label} "
                                       f"({SURVEY_CHANNEL_LABELS.get(channel, channel)}: "
                                       f"{raw[:60]})")
        complaint_services._audit(now=now, actor=actor, channel=audit_channel,
                                  action="complaint.survey", complaint=locked,
                                  summary=f"{value} via {channel}")
        if value == Satisfaction.DISSATISFIED:
            complaint_services.reopen_to_manager(
                now=now, complaint=locked, why=f"dissatisfied ({channel})")
    elif (status == SurveyAnswerStatus.NOT_UNDERSTOOD and channel == "sms"
          and locked.survey_number):
        # Ask once more, politely: one repeat per survey at most.
        do_notify(now=now, kind="satisfaction_survey", recipient=locked.survey_number,
                  context={"reference": locked.code, "link": selectors.survey_link(locked)},
                  dedupe_key=f"complaint:{locked.code}:survey-again:{locked.reopened_count}",
                  channel=Channel.SYSTEM, customer=locked.customer, subject=locked.code)
    complaint_services._sync(complaint, locked)
    return answer


def _pending_for_number(e164: str, *, now: dt.datetime) -> Complaint | None:
    """The most recent complaint whose unanswered survey went to ``e164``."""
    oldest = now - selectors.survey_window() - LATE_REPLY_HORIZON
    number = (Q(survey_number=e164)
              | Q(survey_number="", contact_number=e164)
              | Q(survey_number="", customer__subscriptions__number=e164))
    return (Complaint.objects.filter(number, state=ComplaintState.CLOSED,
                                     survey_sent_at__isnull=False,
                                     survey_sent_at__gte=oldest, survey_sent_at__lte=now,
                                     satisfaction="")
            .order_by("-survey_sent_at", "-id").first())


def handle_survey_reply(*, now: dt.datetime, number: str, text: str) -> bool:
    """The SMS reply handler (registered with ``notify``): a reply from a number with
    an unanswered survey answers it; False when there is none (other handlers may
    take the message)."""
    try:
        e164 = phone.normalize(number)
    except phone.InvalidPhoneNumber:
        return False
    complaint = _pending_for_number(e164, now=now)
    if complaint is None:
        return False
    do_answer_survey(now=now, complaint=complaint, raw_text=text, channel="sms")
    return True
