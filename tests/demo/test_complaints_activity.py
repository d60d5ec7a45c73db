"""The demo's complaints: every channel and category, survey answers, a queue worth seeing."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from telcodesk.care.models import Complaint, ComplaintCategory, ComplaintChannel, SurveyAnswer
from telcodesk.care.selectors.complaints import complaint_queue
from telcodesk.core.models import User
from telcodesk.demo.builder import build_demo
from telcodesk.demo.orders_activity import half_year_before
from telcodesk.notify.models import OutboxMessage
from telcodesk.sla.selectors import clock_status

pytestmark = pytest.mark.django_db


def test_half_a_year_of_complaints_through_their_whole_life(now):
    """One demo, checked as a quality manager would look at it (built once: it is slow)."""
    written = build_demo(now=now, subscribers=300, seed=2026, complaints=100).complaints
    since = half_year_before(now.date())[0]
    complaints = Complaint.objects.select_related("reply_clock", "regulator_clock", "owner",
                                                  "created_by")

    # Every channel, every category, since the start of the last complete half-year.
    assert complaints.count() == written >= 100
    assert set(complaints.values_list("channel", flat=True)) == set(ComplaintChannel.values)
    assert set(complaints.values_list("category", flat=True)) == set(ComplaintCategory.values)
    received = list(complaints.values_list("received_at", flat=True))
    assert min(received) >= dt.datetime.combine(since, dt.time(), tzinfo=now.tzinfo)
    assert max(received) < now
    owners = {u.split(".")[0] for u in complaints.values_list("owner__username", flat=True)}
    assert owners <= {"agent", "complaints", "clerk"} and {"agent", "complaints"} <= owners

    # Mostly replied within the commitment, a few late, one or two past the
    # regulator's 15 days and appealed; the regulator's transfers are appealed.
    replied = [c for c in complaints if c.replied_at is not None]
    assert len(replied) >= 0.8 * len(complaints)
    timely = [c for c in replied if c.reply_clock.timely]
    assert 0.8 <= len(timely) / len(replied) < 1
    past_regulator = [c for c in replied if c.regulator_clock.timely is False]
    assert 1 <= len(past_regulator) <= 3
    assert all(c.regulator_appeal for c in past_regulator)
    assert complaints.filter(channel="regulator", regulator_appeal=True).exists()
    assert complaints.filter(repeat_of__isnull=False).exists()

    # First responsibility: transfers keep the owner; one owner reassigned by a manager.
    transferred = complaints.filter(events__kind="transferred").distinct()
    assert transferred.count() >= 10
    for c in transferred.exclude(events__kind="reassigned"):
        assert c.owner == c.created_by
    reassigned = complaints.filter(events__kind="reassigned")
    assert reassigned.count() == 1
    event = reassigned.get().events.get(kind="reassigned")
    assert event.actor.username.startswith("manager.") and event.text

    # Closed with survey answers: mostly satisfied, a few dissatisfied (reopened to
    # the branch manager, who replied again), a few not understood; all kept.
    answers = Counter(complaints.exclude(satisfaction="").values_list("satisfaction",
                                                                      flat=True))
    assert sum(answers.values()) >= 50
    assert answers["satisfied"] > answers["fairly_satisfied"] > 0
    statuses = Counter(SurveyAnswer.objects.values_list("status", flat=True))
    assert statuses["accepted"] >= sum(answers.values())
    reopened = complaints.filter(reopened_count__gt=0)
    assert reopened.exists()
    for c in reopened:
        assert c.events.filter(kind="reopened").exists()
        assert c.events.filter(kind="replied", actor__username__startswith="manager.").exists()
    assert set(SurveyAnswer.objects.values_list("channel", flat=True)) <= {"sms", "self_service"}
    # Nothing queued long ago is sent when the demo's worker starts.
    assert not OutboxMessage.objects.filter(kind__in=(
        "complaint_received", "complaint_replied", "satisfaction_survey"),
        state="queued").exists()

    # The queue at now: open complaints in time, near the limit and late.
    quality = User.objects.get(username="quality")  # the province: every branch
    queue = list(complaint_queue(quality, now=now))
    working = [c for c in queue if c.state in ("open", "in_progress", "reopened")]
    colours = Counter(clock_status(c.reply_clock, now=now) for c in working)
    assert colours["ok"] >= 1 and colours["warning"] >= 1 and colours["breached"] >= 1
    manager = User.objects.get(username="manager.ty")
    assert len(list(complaint_queue(manager, now=now))) < len(queue)
