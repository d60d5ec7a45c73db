"""The regulator's indicators: definitions (in the seed report's order and wording),
the periods they are computed over, and the result types every export reads.

- ``periods``      parse ``2026H2`` / ``2026Q3`` / ``2026-07`` / custom ranges
- ``types``        Figure, Target, IndicatorResult, IndicatorTable, IndicatorReport
- ``definitions``  the ordered list of indicators and how each is computed
"""
