"""Console paging that does not count a large scope on every page view.

``ScopePaginator`` is Django's ``Paginator`` whose ``count`` comes from
``core.tmf.count_matches``, the same rule as the TMF lists' ``X-Total-Count``:
exact up to ``TELCODESK_API_EXACT_COUNT_LIMIT`` rows, above it the planner's
estimate (PostgreSQL) or a count kept for ``TELCODESK_API_COUNT_CACHE_SECONDS``
(SQLite). ``count_exact`` tells a template whether to say "about". A page is
read as the TMF lists read theirs (``core.tmf.page_rows``): its keys on the
narrow sorted query, then its rows with their joins.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page as DjangoPage
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

from telcodesk.core.tmf import Page, count_matches, page_rows


class ScopePaginator(Paginator):
    @cached_property
    def count(self) -> int:
        if isinstance(self.object_list, QuerySet):
            return count_matches(self.object_list)
        return super().count

    def page(self, number: Any) -> Any:
        if not isinstance(self.object_list, QuerySet):
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        rows = page_rows(self.object_list, Page(offset=bottom, limit=max(top - bottom, 0)))
        return DjangoPage(rows, number, self)

    @property
    def count_exact(self) -> bool:
        total: Any = self.count
        return bool(getattr(total, "exact", True))
