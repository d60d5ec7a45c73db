"""The public page of the service standards in force (no login)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.http import require_GET

from telcodesk.core import clock
from telcodesk.quality.models import Measure
from telcodesk.quality.selectors.membership import memberships
from telcodesk.quality.selectors.reports import latest_published_table
from telcodesk.sla.selectors import pause_reason_choices, published_standards, service_label


@require_GET
def standards(request: HttpRequest) -> HttpResponse:
    now = clock.now()
    reason_labels = dict(pause_reason_choices())
    groups = []
    for service, rows in published_standards(at=now).items():
        groups.append({
            "service": service_label(service),
            "rows": [{"standard": row,
                      "excluded": [reason_labels.get(r, r) for r in row.excluded_pause_reasons]}
                     for row in rows],
        })
    # Which requests feed which time-limit indicator (data, with its source).
    members: dict[str, list[object]] = {}
    for member in memberships():
        members.setdefault(member.measure, []).append(member)
    membership = [{"measure": Measure(code).label, "members": members.get(code, [])}
                  for code in Measure.values]
    # The latest published half-year's figures, as frozen at publication.
    published = latest_published_table(translation.get_language() or "zh-hans")
    return render(request, "quality/standards.html",
                  {"groups": groups, "at": now, "published": published,
                   "membership": membership})
