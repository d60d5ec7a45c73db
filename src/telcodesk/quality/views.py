"""The public page of the service standards in force (no login)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.http import require_GET

from telcodesk.core import clock
from telcodesk.quality.models import PauseReason, Service
from telcodesk.quality.report.published import latest_published_table
from telcodesk.quality.selectors import published_standards


@require_GET
def standards(request: HttpRequest) -> HttpResponse:
    now = clock.now()
    reason_labels = dict(PauseReason.choices)
    groups = []
    for service, rows in published_standards(at=now).items():
        groups.append({
            "service": Service(service).label,
            "rows": [{"standard": row,
                      "excluded": [reason_labels.get(r, r) for r in row.excluded_pause_reasons]}
                     for row in rows],
        })
    # The latest published half-year's figures, as frozen at publication.
    published = latest_published_table(translation.get_language() or "zh-hans")
    return render(request, "quality/standards.html",
                  {"groups": groups, "at": now, "published": published})
