"""Writes of the quality domain, one module per capability (callers import from the
capability module, ``from telcodesk.quality.services.network import do_import_network_file``;
this package re-exports nothing):

- ``standards``   publish, retire, enable or disable a service standard
- ``membership``  which requests feed which time-limit indicator
- ``network``     import busy-hour counter files, place cells
- ``billing``     enter or import billing-error counts
- ``reports``     the half-year report's words, its publication
"""
