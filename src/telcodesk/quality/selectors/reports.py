"""Reads of the half-year report: the units a user may open a report of, the
publication of a period, and the public page's table straight from the snapshot.

The public page never recomputes a figure: it reads the indicators frozen at
publication (only that part of the snapshot is fetched, not the breakdowns).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models.fields.json import KeyTransform

from telcodesk.core.selectors import org_unit_by_code, visible_org_units
from telcodesk.quality.indicators.periods import Period
from telcodesk.quality.models import ReportPublication
from telcodesk.quality.permissions import OPERATOR_UNIT_KINDS
from telcodesk.quality.report.wording import lang

if TYPE_CHECKING:
    from telcodesk.core.models import OrgUnit, User

# Units that have a report of their own (besides the whole operator).
REPORT_UNIT_KINDS = ("city", "county")


def report_units(user: User) -> list[OrgUnit]:
    """The cities and counties whose report the user may open, in tree order."""
    return list(visible_org_units(user).filter(kind__in=REPORT_UNIT_KINDS).order_by("path"))


def is_operator_unit(code: str) -> bool:
    """Whether ``code`` names the operator or a province (its report is the whole
    operator's)."""
    unit = org_unit_by_code(code)
    return unit is not None and unit.kind in OPERATOR_UNIT_KINDS


def publication_of(period: Period) -> ReportPublication | None:
    """The publication of a half-year (without its snapshot); None for other periods
    or when it is not published."""
    if period.kind != "half":
        return None
    return (ReportPublication.objects.select_related("published_by")
            .filter(period_code=period.code).defer("snapshot").first())


def is_published(period_code: str) -> bool:
    return ReportPublication.objects.filter(period_code=period_code).exists()


@dataclass(frozen=True)
class PublishedRow:
    label: str
    value: str
    target: str
    met: bool | None
    judged: str = "—"  # the regulator's limits the requests were judged against


@dataclass(frozen=True)
class PublishedSection:
    title: str
    rows: list[PublishedRow]


@dataclass(frozen=True)
class PublishedTable:
    period_code: str
    period_label: str
    published_at: dt.datetime
    sections: list[PublishedSection]


def _language_key(language: str) -> str:
    return "en" if lang(language) == "en" else "zh-hans"


def _label(row: dict[str, Any], key: str) -> str:
    name = (row.get("name") or {}).get(key, row.get("code", ""))
    qualifier = (row.get("qualifier") or {}).get(key, "")
    if not qualifier:
        return str(name)
    return f"{name} ({qualifier})" if key == "en" else f"{name}（{qualifier}）"


def published_table(snapshot_rows: list[dict[str, Any]], language: str) -> list[PublishedSection]:
    key = _language_key(language)
    sections: list[PublishedSection] = []
    for row in snapshot_rows:
        if not row.get("applicable", True):
            continue
        section = row.get("section") or {}
        title = f"{section.get('number', '')}. {(section.get('title') or {}).get(key, '')}"
        if not sections or sections[-1].title != title:
            sections.append(PublishedSection(title, []))
        target = row.get("target") or {}
        sections[-1].rows.append(PublishedRow(
            label=_label(row, key), value=str((row.get("display") or {}).get(key, "")),
            target=str((target.get("display") or {}).get(key, "—")) if target else "—",
            met=row.get("met"),
            judged=str((row.get("judged_against_display") or {}).get(key, "—"))))
    return sections


def latest_published_table(language: str = "zh-hans") -> PublishedTable | None:
    """The latest published half-year (by period, not by publication date), or None."""
    found = (ReportPublication.objects
             .annotate(indicators=KeyTransform("indicators", "snapshot"),
                       period=KeyTransform("period", "snapshot"))
             .order_by("-period_code")
             .values("period_code", "published_at", "indicators", "period").first())
    if found is None:
        return None
    period = found["period"] or {}
    label = (period.get("label") or {}).get(_language_key(language), found["period_code"])
    return PublishedTable(period_code=found["period_code"], period_label=label,
                          published_at=found["published_at"],
                          sections=published_table(found["indicators"] or [], language))
