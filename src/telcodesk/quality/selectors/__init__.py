"""Reads of the quality domain, one module per capability (callers import from the
capability module, ``from telcodesk.quality.selectors.network import network_totals``;
this package re-exports nothing; the service standards are read through ``sla.selectors``):

- ``targets``     the targets of the indicators that are not time limits
- ``membership``  which requests feed which time-limit indicator
- ``network``     busy-hour counter totals, cells, imports
- ``billing``     billing-error totals (through the registered source), the counts page
- ``reports``     the report's units, its publication, the published tables
- ``snapshots``   the kept figures of the half-year report
- ``totals``      the indicator sources read from the daily totals where counted
"""
