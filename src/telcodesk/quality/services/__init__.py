"""Writes of the quality domain, one module per capability (callers import from the
capability module, ``from telcodesk.quality.services.network import do_import_network_file``;
this package re-exports nothing; the service standards are written by ``sla.services``):

- ``membership``  which requests feed which time-limit indicator
- ``network``     import busy-hour counter files, place cells
- ``billing``     enter or import billing-error counts
- ``reports``     the half-year report's words, its publication
- ``snapshots``   the half-year report's figures, computed on the worker and kept
- ``totals``      the daily totals the report reads, kept from a watermark
"""
