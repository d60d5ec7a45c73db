"""The subscriber's satisfaction survey page in the self-service hall (``my:survey``).

The survey SMS and the reply notice carry a signed link
(``care.selectors.complaints.survey_token``). The page shows the complaint's
number, summary and the reply, and three buttons; the answer goes through
``care.services.surveys.do_answer_survey`` (channel ``self_service``).

- A link that is not valid: 404 page. A survey whose answer window has passed
  (``TELCODESK_SURVEY_REPLY_DAYS``) or that was never sent: 410 page; an answer
  posted there anyway is stored as late (nothing is lost) and changes nothing.
- A second answer: stored as late, the first one stands; the page says so.
- Answers are rate limited per client address (``SURVEY_POSTS`` within
  ``SURVEY_WINDOW``), like the staff login.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from telcodesk.care.errors import CareError
from telcodesk.care.forms import surveys as forms
from telcodesk.care.models import Complaint, Satisfaction, SurveyAnswerStatus
from telcodesk.care.selectors import complaints as selectors
from telcodesk.care.services import surveys
from telcodesk.core import clock
from telcodesk.core.http import client_address

SURVEY_POSTS = 10
SURVEY_WINDOW = dt.timedelta(minutes=15)
_PREFIX = "telcodesk:survey-post"
BUTTONS = [("1", Satisfaction.SATISFIED), ("2", Satisfaction.FAIRLY_SATISFIED),
           ("3", Satisfaction.DISSATISFIED)]


def _key(address: str) -> str:
    return f"{_PREFIX}:{hashlib.sha256(address.encode()).hexdigest()}"


def _allowed(address: str, now: dt.datetime) -> bool:
    """Count this post; False once the address sent ``SURVEY_POSTS`` within the window."""
    key = _key(address)
    start = (now - SURVEY_WINDOW).timestamp()
    stamps = [s for s in (cache.get(key) or []) if start < s <= now.timestamp()]
    if len(stamps) >= SURVEY_POSTS:
        return False
    stamps.append(now.timestamp())
    cache.set(key, stamps[-SURVEY_POSTS:], timeout=int(SURVEY_WINDOW.total_seconds()))
    return True


def _window_open(complaint: Complaint, now: dt.datetime) -> bool:
    return (complaint.survey_sent_at is not None
            and now <= complaint.survey_sent_at + selectors.survey_window())


@never_cache
@require_http_methods(["GET", "POST"])
def survey_page(request: HttpRequest, token: str) -> HttpResponse:
    now = clock.now()
    try:
        complaint = selectors.complaint_by_survey_token(token)
    except CareError:
        return render(request, "care/complaint_survey_gone.html", {"reason": "invalid"},
                      status=404)
    context = {"c": complaint, "buttons": BUTTONS, "token": token}
    pending = selectors.survey_pending(complaint)
    if request.method == "POST":
        if not _allowed(client_address(request.META), now):
            return render(request, "care/complaint_survey_gone.html",
                          {"reason": "too_many", "c": complaint}, status=429)
        form = forms.SurveyAnswerForm(request.POST)
        if not form.is_valid():
            context["error"] = _("Choose one of the three answers.")
            return render(request, "care/complaint_survey.html", context, status=400)
        answered_before = bool(complaint.satisfaction)
        try:
            answer = surveys.do_answer_survey(now=now, complaint=complaint,
                                              raw_text=form.cleaned_data["answer"],
                                              channel="self_service")
        except CareError:  # no survey was ever sent for this complaint
            return render(request, "care/complaint_survey_gone.html",
                          {"reason": "closed", "c": complaint}, status=410)
        if answer.status == SurveyAnswerStatus.ACCEPTED:
            messages.success(request, _("Thank you for your answer."))
        elif answered_before:
            messages.info(request, _("This survey was already answered; your first answer "
                                     "stands. We have kept this one too."))
        else:  # the answer window has passed: kept, not counted
            return render(request, "care/complaint_survey_gone.html",
                          {"reason": "closed", "kept": True, "c": complaint}, status=410)
        return redirect("my:survey", token=token)
    if pending and not _window_open(complaint, now):
        return render(request, "care/complaint_survey_gone.html",
                      {"reason": "closed", "c": complaint}, status=410)
    if not pending and not complaint.satisfaction:
        return render(request, "care/complaint_survey_gone.html",
                      {"reason": "closed", "c": complaint}, status=410)
    context["answered"] = bool(complaint.satisfaction)
    return render(request, "care/complaint_survey.html", context)
