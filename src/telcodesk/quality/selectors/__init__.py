"""Reads of the quality domain, one module per capability (callers import from the
capability module, ``from telcodesk.quality.selectors.network import network_totals``;
this package re-exports nothing):

- ``standards``   which standard is in force, the standards in force
- ``targets``     the targets of the indicators that are not time limits
- ``membership``  which requests feed which time-limit indicator
- ``network``     busy-hour counter totals, cells, imports
- ``billing``     billing-error totals (through the registered source), the counts page
"""

