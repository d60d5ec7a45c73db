"""Writes of the half-year report: its words, and its publication.

- ``do_save_narrative``: the quality manager's introduction, measures taken
  and declaration for one period (and optionally one branch), validated
  (sizes, every section titled), replacing what was saved before.
- ``do_publish_report``: freeze a finished half-year's operator-wide figures
  (the report's JSON document) in a ``ReportPublication``; the public
  ``/standards/`` page shows the latest one. Publishing the same half-year
  again replaces the snapshot, with an audit entry saying so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction

from telcodesk.core.clock import local
from telcodesk.core.models import Channel, OrgUnit, User
from telcodesk.core.services import do_audit
from telcodesk.quality.errors import QualityError, QualityErrorCode
from telcodesk.quality.indicators.periods import Period, parse_period
from telcodesk.quality.models import ReportNarrative, ReportPublication
from telcodesk.quality.permissions import may_edit_report_of, may_publish_report
from telcodesk.quality.report.document import assemble_document
from telcodesk.quality.report.json import report_dict
from telcodesk.quality.report.narrative import clean_narrative, normalise_unit
from telcodesk.quality.services._common import check_actor


def _period(period: Period | str) -> Period:
    return parse_period(period) if isinstance(period, str) else period


@transaction.atomic
def do_save_narrative(*, now: dt.datetime, actor: User | None, period_code: str,
                      unit: OrgUnit | None, introduction: str, sections: Iterable[Any],
                      declaration: str, channel: str = Channel.CONSOLE) -> ReportNarrative:
    """Save the words of the report of ``period_code`` (``unit`` None: the whole operator).

    ``sections`` are ``{"title": ..., "body": ...}`` mappings (or
    ``NarrativeSection``) in order; blank rows are dropped, a body without a
    title is refused.
    """
    period = parse_period(period_code)
    unit = normalise_unit(unit)
    check_actor(actor, lambda user: may_edit_report_of(user, unit),
                "only a quality manager or an administrator of the unit (or above it) may "
                "write its report")
    if unit is not None and unit.kind not in ("city", "county"):
        raise QualityError(QualityErrorCode.INVALID,
                           f"{unit.code} is a {unit.kind}: report words are kept for the "
                           "operator, a city or a county")
    clean = clean_narrative(introduction=introduction, sections=sections,
                            declaration=declaration)
    narrative = (ReportNarrative.objects.select_for_update()
                 .filter(period_code=period.code, org_unit=unit).first())
    created = narrative is None
    if narrative is None:
        narrative = ReportNarrative(period_code=period.code, org_unit=unit)
    narrative.introduction = clean.introduction
    narrative.sections = clean.sections
    narrative.declaration = clean.declaration
    narrative.updated_at = now
    narrative.updated_by = actor
    narrative.save()
    where = unit.code if unit else "operator"
    do_audit(now=now, actor=actor, channel=channel,
             action="report.narrative.create" if created else "report.narrative.update",
             target_type="quality.ReportNarrative", target_id=narrative.pk,
             summary=f"report text of {period.code} ({where}): {len(clean.sections)} sections",
             details={"period": period.code, "unit": unit.code if unit else None,
                      "sections": [s["title"] for s in clean.sections]})
    return narrative


def do_publish_report(*, now: dt.datetime, actor: User | None, period: Period | str,
                      channel: str = Channel.CONSOLE) -> ReportPublication:
    """Publish the operator-wide report of a finished half-year.

    The figures are computed now and frozen as the report's JSON document (in
    the operator's language); the public page reads that snapshot and never
    recomputes. A half-year still running, or one without a single record, is
    refused. Re-publishing replaces the snapshot and is audited as such. A staff
    ``actor`` must be allowed to publish (``permissions.may_publish_report``).
    """
    check_actor(actor, may_publish_report,
                "only a quality manager or an administrator of the whole operator may "
                "publish the report")
    period = _period(period)
    if period.kind != "half":
        raise QualityError(QualityErrorCode.INVALID,
                           f"only half-year reports are published (2026H1, 2026H2), "
                           f"not {period.code}")
    if period.end > local(now).date():
        raise QualityError(QualityErrorCode.INVALID,
                           f"{period.code} has not ended yet: publish it from "
                           f"{period.end.isoformat()} on")
    # Computed outside the write transaction: reading millions of rows must not
    # hold a lock on the publication table.
    document = assemble_document(period=period, unit_code=None, language="zh-hans", now=now,
                                 breakdowns=True, months=True, require_data=True)
    snapshot = report_dict(document)
    return _store_publication(now=now, actor=actor, period=period, snapshot=snapshot,
                              channel=channel)


@transaction.atomic
def _store_publication(*, now: dt.datetime, actor: User | None, period: Period,
                       snapshot: dict[str, Any], channel: str) -> ReportPublication:
    publication = (ReportPublication.objects.select_for_update()
                   .filter(period_code=period.code).first())
    previous_at = local(publication.published_at) if publication is not None else None
    if publication is None:
        publication = ReportPublication(period_code=period.code)
    publication.published_at = now
    publication.published_by = actor
    publication.snapshot = snapshot
    publication.save()
    indicators = snapshot.get("indicators", [])
    not_met = [row["code"] for row in indicators if row.get("met") is False]
    summary = (f"published the {period.code} report" if previous_at is None else
               f"re-published the {period.code} report (replacing the publication of "
               f"{previous_at.isoformat()})")
    do_audit(now=now, actor=actor, channel=channel,
             action="report.publish" if previous_at is None else "report.republish",
             target_type="quality.ReportPublication", target_id=publication.pk,
             summary=summary,
             details={"period": period.code, "indicators": len(indicators),
                      "not_met": not_met,
                      "replaced": previous_at.isoformat() if previous_at else None})
    return publication
