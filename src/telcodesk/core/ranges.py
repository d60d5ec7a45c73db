"""One aggregate per time range, joined by ``UNION ALL``, compiled once.

The report's readers cut a period into ranges (local days or months) and read each
range's aggregate with its own index range scan, joined by ``UNION ALL`` (see
``sla.selectors.finished_clock_totals``). Building one queryset per range and letting
the ORM compile the union cost a tenth of a second per reader for half a year of days,
more than the query itself on a small database. ``rows_per_range`` compiles one range's
aggregate once, with stand-in bounds and index, and repeats that SQL with each range's
own parameters.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Sequence
from typing import Any

from django.db import connection
from django.db.models import QuerySet

# Stand-ins for one range's bounds and index, replaced in the compiled parameters.
_FIRST = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)
_LAST = dt.datetime(1900, 1, 2, tzinfo=dt.UTC)
_INDEX = -424242


def rows_per_range(
    aggregate: Callable[[dt.datetime, dt.datetime, int], QuerySet[Any, Any]],
    bounds: Sequence[dt.datetime],
) -> list[dict[str, Any]]:
    """The rows of ``aggregate(start, end, index)`` for every range
    ``[bounds[i], bounds[i + 1])``, as dicts by column name, in ONE query.

    ``aggregate`` must pass ``start`` and ``end`` to the query as plain parameters (a
    ``filter(…__gte=start, …__lt=end)``) and ``index`` as a ``Value`` (the rows' range
    index); it is called once, with stand-ins.
    """
    ranges = range(len(bounds) - 1)
    if not ranges:
        return []
    query = aggregate(_FIRST, _LAST, _INDEX).query
    compiler = query.get_compiler(connection=connection)
    sql, template = compiler.as_sql()
    adapt = connection.ops.adapt_datetimefield_value
    first, last = adapt(_FIRST), adapt(_LAST)
    if sum(value in (first, last) for value in template if isinstance(value, Hashable)) < 2:
        raise ValueError("the aggregate does not take the range's bounds as parameters")

    def params(index: int) -> list[Any]:
        own: dict[Any, Any] = {first: adapt(bounds[index]), last: adapt(bounds[index + 1]),
                               _INDEX: index}
        return [own.get(value, value)
                if isinstance(value, Hashable) and not isinstance(value, bool) else value
                for value in template]

    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(sql for _ in ranges),
                       [value for index in ranges for value in params(index)])
        fetched = cursor.fetchall()
    # As ``QuerySet.values()`` names and converts them (decimals, dates, …).
    names = list(query.selected or [*query.extra_select, *query.values_select,
                                    *query.annotation_select])
    return [dict(zip(names, row, strict=True))
            for row in compiler.results_iter(results=[fetched])]
