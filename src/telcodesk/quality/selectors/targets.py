"""Reads of the indicator targets (the indicators that are not time limits)."""

from __future__ import annotations

import datetime as dt

from telcodesk.core.selectors import in_force_q
from telcodesk.quality.models import IndicatorTarget


def target_in_force(indicator: str, at: dt.datetime) -> IndicatorTarget | None:
    """The target of ``indicator`` (an ``IndicatorDefinition.code``) in force at ``at``:
    the latest one starting on or before ``at`` when several overlap; None when none."""
    return (IndicatorTarget.objects.filter(in_force_q(at), indicator=indicator)
            .order_by("-active_from", "-pk").first())


def targets_in_force(*, at: dt.datetime) -> dict[str, IndicatorTarget]:
    """Every indicator's target in force at ``at`` (one query), by indicator code."""
    found: dict[str, IndicatorTarget] = {}
    for target in IndicatorTarget.objects.filter(in_force_q(at)).order_by(
            "indicator", "active_from", "pk"):
        found[target.indicator] = target  # the latest start wins
    return found


def target_edges() -> list[tuple[dt.datetime, dt.datetime | None]]:
    """Every target's ``(active_from, active_to)``: the instants at which the target in
    force for some indicator may change."""
    return list(IndicatorTarget.objects.values_list("active_from", "active_to"))
