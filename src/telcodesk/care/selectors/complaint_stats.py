"""The complaint figures of the regulator's report (投诉处理平均时间, 投诉处理满意率).

- **Handling time**: a complaint counts in the period its reply was given
  (``replied_at``), with the counted duration of its reply clock (hours, under
  the ``complaint_reply`` standard; excluded pauses left out). The clock stops
  at the reply, so the same figure is read from the finished ``complaint_reply``
  clocks (``sla.selectors.finished_clock_totals``), which is how the report
  reads it in its one pass over the clocks; ``replied_totals`` gives it from
  the complaints for checks and for the drill-down. A reopened complaint counts
  when it is replied to again.
- **Satisfaction**: every *accepted* survey answer (``SurveyAnswer`` with status
  ``accepted``) counts in the period it was received: satisfied + fairly
  satisfied ÷ answers (``docs/complaints.md``: "fairly satisfied" is a
  satisfied answer, as the survey SMS's 1 and 2). Not-understood and late
  answers count nowhere; a complaint reopened and surveyed again counts each
  accepted answer.

Every total is one aggregate query grouped by (branch, area, local month, cut
further at the split points); the caller rolls the branches up the org tree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Count, Min, QuerySet, Sum

from telcodesk.care.models import (
    Complaint,
    Satisfaction,
    SurveyAnswer,
    SurveyAnswerStatus,
)
from telcodesk.core.clock import operator_zone
from telcodesk.core.models import User
from telcodesk.core.selectors import scope_q
from telcodesk.sla.selectors import bucket_index, bucket_starts

# Answers that count as satisfied in the satisfaction rate.
SATISFIED_ANSWERS = (Satisfaction.SATISFIED, Satisfaction.FAIRLY_SATISFIED)


@dataclass(frozen=True)
class ReplyTotals:
    org_unit_id: int
    area: str
    month: dt.date
    count: int
    hours_sum: Decimal  # sum of the reply clocks' counted durations (hours)


@dataclass(frozen=True)
class SurveyTotals:
    org_unit_id: int
    area: str
    month: dt.date
    satisfied: int
    fairly_satisfied: int
    dissatisfied: int

    @property
    def answers(self) -> int:
        return self.satisfied + self.fairly_satisfied + self.dissatisfied

    @property
    def satisfied_answers(self) -> int:
        return self.satisfied + self.fairly_satisfied


def replied_totals(*, start: dt.datetime, end: dt.datetime, zone: ZoneInfo | None = None,
                   splits: Sequence[dt.datetime] = ()) -> list[ReplyTotals]:
    """Complaints replied in ``[start, end)`` with their reply clocks' hours, grouped by
    (branch, area, bucket of ``replied_at``). One query (joined to the reply clock)."""
    zone = zone or operator_zone()
    starts = bucket_starts(start=start, end=end, zone=zone, splits=splits)
    rows = (Complaint.objects.filter(replied_at__gte=start, replied_at__lt=end,
                                     reply_clock__isnull=False)
            .annotate(bucket=bucket_index("replied_at", starts))
            .values("org_unit_id", "area", "bucket")
            .annotate(n=Count("pk"), hours=Sum("reply_clock__counted_duration"))
            .order_by())
    days = [s.astimezone(zone).date() for s in starts]
    return [ReplyTotals(org_unit_id=row["org_unit_id"], area=row["area"],
                        month=days[row["bucket"]], count=row["n"],
                        hours_sum=Decimal(row["hours"] or 0)) for row in rows]


def survey_totals(*, start: dt.datetime, end: dt.datetime, zone: ZoneInfo | None = None,
                  splits: Sequence[dt.datetime] = ()) -> list[SurveyTotals]:
    """Accepted survey answers received in ``[start, end)``, counted per answer and
    grouped by (the complaint's branch and area, bucket of the answer). One query."""
    zone = zone or operator_zone()
    starts = bucket_starts(start=start, end=end, zone=zone, splits=splits)
    rows = (SurveyAnswer.objects.filter(status=SurveyAnswerStatus.ACCEPTED,
                                        received_at__gte=start, received_at__lt=end)
            .annotate(bucket=bucket_index("received_at", starts))
            .values("complaint__org_unit_id", "complaint__area", "bucket", "value")
            .annotate(n=Count("*"))
            .order_by())
    days = [s.astimezone(zone).date() for s in starts]
    counts: dict[tuple[int, str, int], dict[str, int]] = {}
    for row in rows:
        key = (row["complaint__org_unit_id"], row["complaint__area"], row["bucket"])
        counts.setdefault(key, {})[row["value"]] = row["n"]
    return [SurveyTotals(org_unit_id=unit, area=area, month=days[bucket],
                         satisfied=found.get(Satisfaction.SATISFIED, 0),
                         fairly_satisfied=found.get(Satisfaction.FAIRLY_SATISFIED, 0),
                         dissatisfied=found.get(Satisfaction.DISSATISFIED, 0))
            for (unit, area, bucket), found in counts.items()]


def survey_answers_behind(*, start: dt.datetime, end: dt.datetime, user: User,
                          unit_path: str | None = None, area: str | None = None,
                          only_dissatisfied: bool = False) -> QuerySet[SurveyAnswer]:
    """The accepted answers behind a satisfaction figure, of the user's branch subtree
    (and of the subtree at ``unit_path`` / the ``area`` when given)."""
    answers = SurveyAnswer.objects.filter(
        scope_q(user, field="complaint__org_unit"), status=SurveyAnswerStatus.ACCEPTED,
        received_at__gte=start, received_at__lt=end)
    if unit_path:
        answers = answers.filter(complaint__org_unit__path__startswith=unit_path)
    if area and area != "any":
        answers = answers.filter(complaint__area=area)
    if only_dissatisfied:
        answers = answers.exclude(value__in=SATISFIED_ANSWERS)
    return answers.select_related("complaint", "complaint__org_unit").order_by(
        "received_at", "pk")


def first_accepted_answer_at() -> dt.datetime | None:
    """When the earliest accepted survey answer was received (None: none yet); where
    daily totals of the answers start (``quality.services.totals``)."""
    return (SurveyAnswer.objects.filter(status=SurveyAnswerStatus.ACCEPTED)
            .aggregate(first=Min("received_at"))["first"])
