"""Reads of the billing-error counts, and the interface billing will fill later.

The billing error rate (计费差错率) = erroneous charge records ÷ all charge
records. Until a billing capability exists, the counts are entered or imported
per month (``BillingErrorCount``, see ``quality.services.billing``). The
indicator engine never reads that table directly: it calls
``billing_totals(start=, end=)``, which asks the registered
``BillingErrorSource``. Billing can later either

- write its monthly counts through ``services.billing.do_record_billing_errors``
  with ``source="billing"`` (nothing else changes), or
- register its own source with ``register_billing_error_source(source)`` in
  its ``AppConfig.ready``: any object with a ``totals(*, start, end)`` method
  returning ``BillingTotals`` rows (one per org unit and month) will do.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol, runtime_checkable

from django.db.models import Count, Q, QuerySet, Sum

from telcodesk.core.models import OrgUnit, User
from telcodesk.core.selectors import scope_q, visible_org_units
from telcodesk.quality.models import BillingErrorCount
from telcodesk.quality.network import formulas

# Units a count may be kept for (besides the whole operator).
BILLING_UNIT_KINDS = ("city", "county")


@dataclass(frozen=True)
class BillingTotals:
    """Charge records of one org unit and month.

    ``org_unit_id`` ``None``: counted for the whole operator (no breakdown).
    ``month`` is the first day of the month; ``rows`` the count records behind it.
    """

    org_unit_id: int | None
    month: dt.date
    erroneous: int
    total: int
    rows: int

    @property
    def error_rate(self) -> Decimal | None:
        return formulas.billing_error_rate(erroneous=self.erroneous, total=self.total)


@runtime_checkable
class BillingErrorSource(Protocol):
    """Where the billing error counts come from.

    ``totals`` returns the counts of the months whose first day lies in
    ``[start, end)``, one row per (org unit or ``None``, month). A month is
    counted either for the whole operator (``org_unit_id`` ``None``) or per
    unit, never both, and units of one month never overlap in the tree, so the
    rows add up without double counting.
    """

    def totals(self, *, start: dt.date, end: dt.date) -> list[BillingTotals]: ...


class TableBillingErrorSource:
    """The counts entered or imported into ``BillingErrorCount`` (the default)."""

    def totals(self, *, start: dt.date, end: dt.date) -> list[BillingTotals]:
        rows = (BillingErrorCount.objects.filter(month__gte=start, month__lt=end)
                .values("org_unit_id", "month")
                .annotate(erroneous=Sum("erroneous_records"), total=Sum("all_records"),
                          rows=Count("id"))
                .order_by("month", "org_unit_id"))
        return [BillingTotals(org_unit_id=row["org_unit_id"], month=row["month"],
                              erroneous=int(row["erroneous"] or 0), total=int(row["total"] or 0),
                              rows=row["rows"]) for row in rows]


_source: BillingErrorSource = TableBillingErrorSource()


def register_billing_error_source(source: BillingErrorSource) -> None:
    """Replace where ``billing_totals`` reads from (the billing capability calls this)."""
    global _source
    if not isinstance(source, BillingErrorSource):
        raise TypeError("a billing error source needs a totals(*, start, end) method")
    _source = source


def billing_error_source() -> BillingErrorSource:
    return _source


def billing_totals(*, start: dt.date, end: dt.date) -> list[BillingTotals]:
    """Billing error counts of the months starting in ``[start, end)``, per org unit and month.

    A month belongs to a period when its first day does: a custom period from
    the 15th does not count the month it starts in.
    """
    return _source.totals(start=start, end=end)


# --- the console page -----------------------------------------------------------------


def visible_billing_counts(user: User, *, month: dt.date | None = None,
                           unit: OrgUnit | None = None) -> QuerySet[BillingErrorCount]:
    """Counts of the viewer's subtree and the whole-operator counts, newest month first."""
    counts = BillingErrorCount.objects.select_related("org_unit", "entered_by")
    if not user.is_superuser:
        counts = counts.filter(scope_q(user) | Q(org_unit__isnull=True))
    if month is not None:
        counts = counts.filter(month=month.replace(day=1))
    if unit is not None:
        counts = counts.filter(org_unit__path__startswith=unit.path)
    return counts.order_by("-month", "org_unit__path")


def billing_units(user: User) -> QuerySet[OrgUnit]:
    """Units the viewer may enter a count for: the cities and counties of their subtree."""
    return visible_org_units(user).filter(kind__in=BILLING_UNIT_KINDS).order_by("path")
