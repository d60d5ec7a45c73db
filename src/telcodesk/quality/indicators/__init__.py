"""The regulator's indicators: definitions (in the seed report's order and wording),
the periods they are computed over, the result types every export reads, and the
computation itself.

Pure logic (no database):

- ``periods``      parse ``2026H2`` / ``2026Q3`` / ``2026-07`` / custom ranges
- ``types``        Figure, Target, IndicatorResult, IndicatorTable, IndicatorReport
- ``definitions``  the ordered list of indicators and how each is computed

Reads (selectors in spirit: they query, never write, and are kept here beside the
definitions they follow):

- ``sources``      the aggregate reads the figures come from (one per source, each
                   a selector of the app that owns the rows)
- ``compute``      rolls the sources' rows up over the org-unit tree into the report
- ``drilldown``    the records behind one figure, scoped to the viewer
"""
